#include "QueryTool.h"

#include "limits/UsageMeter.h"

#include "ToolAudit.h"

#include "RowFetcher.h"
#include "db/DatabasePool.h"
#include "limits/UsageMeter.h"
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

Json QueryTool::includeSchema()
{
    // Nested includes repeat this shape; like conditions, the recursion is described in
    // prose rather than with a $ref.
    return {{"type", "array"},
            {"description", "Related rows to return with each row: [{relation, select?, where?, take?, include?}]. "
                            "relation is a name from db_describe_schema's relations; a many_to_one relation comes back "
                            "as an object (or null), a one_to_many relation as a list of at most take rows per row. "
                            "include nests further, up to the table's include depth. Related rows obey the same "
                            "row scopes, column rules and limits as rows you query directly."},
            {"items", {{"type", "object"},
                       {"required", {"relation"}},
                       {"properties", {{"relation", {{"type", "string"}}},
                                       {"select", {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}}},
                                       {"where", conditionSchema()},
                                       {"take", {{"type", "integer"}, {"minimum", 1}}},
                                       {"include", {{"type", "array"}, {"items", {{"type", "object"}}}}}}},
                       {"additionalProperties", false}}}};
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
        {"include", includeSchema()},
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
        "truncated": {"type": "boolean", "description": "A row limit cut the result (or an include) short"}
      }
    })"));
    d["annotations"] = toolschema::readOnlyAnnotations();
    return d;
}

void QueryTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    // Compiling is cheap but not free: it runs on the worker with the statement, keeping the
    // event loop for transport work. The policy snapshot is taken now, when the call starts.
    auto policy = m_services.policies->current();
    bool explicitTake = arguments.contains("take") && !arguments["take"].is_null();
    // A row budget nearly spent caps the take: the call returns what is left (truncated)
    // rather than overshooting the budget.
    Json effective = arguments;
    if (m_services.usage)
        if (const auto remaining = m_services.usage->remainingRows(ctx->principal())) {
            const bool smaller = !explicitTake || !arguments["take"].is_number_integer()
                || arguments["take"].get<std::int64_t>() > *remaining;
            if (smaller) {
                effective["take"] = std::max<std::int64_t>(1, *remaining);
                explicitTake = false; // the cut is ours: more rows mean "truncated"
                ctx->noteForAudit("row_budget_take", effective["take"]);
            }
        }
    auto redactor = m_services.redactor;
    auto cursors = m_services.cursors;
    const db::Dialect dialect = m_services.pool->dialect();
    auto job = m_services.pool->submit(
        [ctx, policy, redactor, cursors, dialect, arguments = std::move(effective), explicitTake,
         usage = m_services.usage](db::Connection &conn) {
            if (ctx->isCancelled())
                return;
            QueryCompiler compiler(*policy, dialect, cursors.get());
            auto compiled = compiler.compileQuery(arguments, ctx->principal());
            if (!compiled) {
                ctx->respondToolError(compiled.error());
                return;
            }
            const CompiledQuery &q = *compiled;
            noteCompiledForAudit(*ctx, q.table ? q.table->name() : std::string(), q.sql, q.decisions);
            if (q.table) {
                if (auto cost = checkCost(conn, *policy, *q.table, q.sql, q.params, q.timeoutMs, *ctx, usage); !cost) {
                    ctx->respondToolError(cost.error());
                    return;
                }
            }
            auto page = RowFetcher::run(conn, q, *redactor);
            if (!page) {
                ctx->respondToolError(page.error());
                return;
            }
            ctx->noteForAudit("rows", std::int64_t(page->rows.size()));
            Json result = Json::object();
            const bool any = !page->rows.empty();
            result["rows"] = std::move(page->rows);
            result["next_cursor"] = nullptr;
            if (page->hasMore && any && q.cursorable && cursors) {
                // The position is the last returned row's raw sort-key values, sealed in
                // the cursor (never shown to the caller).
                result["next_cursor"] = cursors->encode(q.binding(), page->position);
            }
            result["has_more"] = page->hasMore;
            result["truncated"] = (page->hasMore && (!explicitTake || q.takeClamped)) || page->includesTruncated;
            ctx->respondToolResult(std::move(result));
        },
        [ctx] { ctx->respondToolError(Error(ErrorCode::Cancelled, "the query was cancelled before it started")); });
    ctx->setCancelHandler([job] { job->cancel(); });
}

bool QueryTool::auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const
{
    return columnReadInClear(m_services, arguments, principal, field);
}

} // namespace warden
