#include "QueryTool.h"

#include "db/DatabasePool.h"
#include "policy/Redactor.h"
#include "protocol/RequestContext.h"
#include "query/CursorCodec.h"
#include "query/QueryCompiler.h"
#include "server/PolicyStore.h"

namespace warden {

Json QueryTool::conditionSchema()
{
    Json ops = QueryCompiler::operators();
    Json leaf = {{"type", "object"},
                 {"required", {"field", "op", "value"}},
                 {"properties", {{"field", {{"type", "string"}}},
                                 {"op", {{"type", "string"}, {"enum", ops}}},
                                 {"value", Json::object()}}},
                 {"additionalProperties", false}};
    // Nested groups are described in prose and checked by the server: recursive $refs are
    // not handled by every client's schema validator.
    return {{"description", "A condition {field, op, value}, a group {\"and\": [...]}, {\"or\": [...]}, "
                            "{\"not\": {...}}, or a list of conditions that must all hold. in/not_in and between "
                            "take lists; is_null takes true or false; contains/startswith/endswith match text "
                            "(case-insensitive, wildcards are literal)."},
            {"anyOf", Json::array({leaf,
                                   {{"type", "object"}, {"minProperties", 1}, {"maxProperties", 1},
                                    {"properties", {{"and", {{"type", "array"}}}, {"or", {{"type", "array"}}}, {"not", {{"type", "object"}}}}}},
                                   {{"type", "array"}}})}};
}

Json QueryTool::definition() const
{
    Json d = Json::object();
    d["name"] = name();
    d["title"] = "Query a table";
    d["description"] = "Reads rows from one table, only the rows and columns your policy allows. Masked and hashed "
                       "columns come back masked or hashed; row scopes (your tenant, soft-deleted rows) are applied "
                       "for you. Use db_describe_schema first to see tables, fields and which fields can be filtered.";
    Json input = Json::object();
    input["type"] = "object";
    input["required"] = Json::array({"table"});
    input["properties"] = {
        {"table", {{"type", "string"}, {"description", "Table name from db_describe_schema"}}},
        {"select", {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1},
                    {"description", "Fields to return; default: every field you may see"}}},
        {"where", conditionSchema()},
        {"order_by", {{"type", "array"}, {"maxItems", 5},
                      {"items", {{"type", "object"}, {"required", {"field"}},
                                 {"properties", {{"field", {{"type", "string"}}}, {"direction", {{"type", "string"}, {"enum", {"asc", "desc"}}}}}},
                                 {"additionalProperties", false}}}}},
        {"take", {{"type", "integer"}, {"minimum", 1}, {"description", "Maximum rows to return (capped by the table's max_rows)"}}},
        {"cursor", {{"type", "string"}, {"description", "next_cursor from the previous page of the same query"}}},
    };
    input["additionalProperties"] = false;
    d["inputSchema"] = std::move(input);
    d["outputSchema"] = toolschema::outputSchema(Json::parse(R"({
      "type": "object",
      "required": ["rows", "next_cursor", "has_more", "truncated"],
      "properties": {
        "rows": {"type": "array", "items": {"type": "object"}},
        "next_cursor": {"type": ["string", "null"]},
        "has_more": {"type": "boolean", "description": "More rows match than were returned"},
        "truncated": {"type": "boolean", "description": "The row limit cut the result short"}
      }
    })"));
    d["annotations"] = {{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
    return d;
}

void QueryTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    auto policy = m_services.policies->current();
    QueryCompiler compiler(*policy, m_services.pool->dialect(), m_services.cursors.get());
    auto compiled = compiler.compileQuery(arguments, ctx->principal());
    if (!compiled) {
        ctx->respondToolError(compiled.error());
        return;
    }
    const bool explicitTake = arguments.contains("take") && !arguments["take"].is_null();
    auto redactor = m_services.redactor;
    auto cursors = m_services.cursors;
    auto job = m_services.pool->submit(
        [ctx, policy, redactor, cursors, q = std::move(compiled).value(), explicitTake](db::Connection &conn) {
            if (ctx->isCancelled())
                return;
            db::QueryOptions options;
            options.timeoutMs = q.timeoutMs;
            options.maxRows = q.take + 1; // one more tells us whether more rows exist
            auto rs = conn.query(q.sql, q.params, options);
            if (!rs) {
                ctx->respondToolError(rs.error());
                return;
            }
            const std::size_t n = std::min<std::size_t>(rs->rows.size(), std::size_t(q.take));
            Json rows = Json::array();
            for (std::size_t r = 0; r < n; ++r) {
                Json row = Json::object();
                const auto &values = rs->rows[r];
                for (std::size_t c = 0; c < q.visibleColumns && c < values.size(); ++c)
                    row[q.columns[c]->name()] = redactor->apply(*q.columns[c], values[c]);
                rows.push_back(std::move(row));
            }
            const bool hasMore = rs->rows.size() > std::size_t(q.take) || rs->moreRowsAvailable;
            Json result = Json::object();
            result["rows"] = std::move(rows);
            result["next_cursor"] = nullptr;
            if (hasMore && n > 0 && q.cursorable && cursors) {
                // The position is the last returned row's raw sort-key values, sealed in
                // the cursor (never shown to the caller).
                Json position = Json::array();
                for (const auto &k : q.orderKeys)
                    position.push_back(rs->rows[n - 1][k.resultIndex]);
                result["next_cursor"] = cursors->encode(q.cursorBinding, position);
            }
            result["has_more"] = hasMore;
            result["truncated"] = hasMore && (!explicitTake || q.takeClamped);
            ctx->respondToolResult(std::move(result));
        },
        [ctx] { ctx->respondToolError(Error(ErrorCode::Cancelled, "the query was cancelled before it started")); });
    ctx->setCancelHandler([job] { job->cancel(); });
}

} // namespace warden
