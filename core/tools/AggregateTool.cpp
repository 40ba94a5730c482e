#include "AggregateTool.h"

#include "ToolAudit.h"

#include "QueryTool.h"
#include "db/DatabasePool.h"
#include "policy/Redactor.h"
#include "protocol/RequestContext.h"
#include "query/AggregateCompiler.h"
#include "server/PolicyStore.h"

namespace warden {

Json AggregateTool::definition() const
{
    Json d = Json::object();
    d["name"] = name();
    d["title"] = "Aggregate a table";
    d["description"] =
        "Counts, sums, averages, minimums and maximums over the rows of one table you may read, "
        "optionally grouped. group_by takes filterable fields; sum, avg, min and max take fields "
        "shown "
        "as they are (not masked or hashed). Groups with fewer rows than min_group_size (or the "
        "policy's minimum) are left out and counted in suppressed_groups.";
    Json input = Json::object();
    input["type"] = "object";
    input["required"] = Json::array({ "table", "metrics" });
    input["properties"] = {
        { "table",
          { { "type", "string" }, { "description", "Table name from db_describe_schema" } } },
        { "metrics",
          { { "type", "array" },
            { "minItems", 1 },
            { "items",
              { { "type", "object" },
                { "required", { "op" } },
                { "properties",
                  { { "op", { { "type", "string" }, { "enum", AggregateCompiler::operations() } } },
                    { "field",
                      { { "type", "string" },
                        { "description", "count without a field counts rows" } } },
                    { "as",
                      { { "type", "string" },
                        { "pattern", "^[A-Za-z_][A-Za-z0-9_]{0,62}$" },
                        { "description",
                          "Name of the metric in each group (default op_field)" } } } } },
                { "additionalProperties", false } } } } },
        { "where", QueryTool::conditionSchema() },
        { "group_by",
          { { "type", "array" }, { "items", { { "type", "string" } } }, { "minItems", 1 } } },
        { "min_group_size",
          { { "type", "integer" },
            { "minimum", 1 },
            { "maximum", 1000000 },
            { "description", "Leave out groups with fewer rows than this" } } },
    };
    input["additionalProperties"] = false;
    d["inputSchema"] = std::move(input);
    d["outputSchema"] = toolschema::outputSchema(Json::parse(R"({
      "type": "object",
      "required": ["groups", "suppressed_groups", "truncated"],
      "properties": {
        "groups": {"type": "array", "items": {"type": "object"},
                   "description": "One object per group: the group_by fields, then the metrics by name"},
        "suppressed_groups": {"type": "integer", "description": "Groups left out because they had too few rows"},
        "truncated": {"type": "boolean", "description": "More groups exist than the row limit returns"}
      }
    })"));
    d["annotations"] = toolschema::readOnlyAnnotations();
    return d;
}

void AggregateTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    auto policy = m_services.policies->current();
    auto compiled =
        AggregateCompiler(*policy, m_services.pool->dialect()).compile(arguments, ctx->principal());
    if (!compiled) {
        ctx->respondToolError(compiled.error());
        return;
    }
    auto redactor = m_services.redactor;
    auto job = m_services.pool->submit(
        [ctx, policy, redactor, usage = m_services.usage, a = std::move(compiled).value()](db::Connection &conn) {
            if (ctx->isCancelled())
                return;
            db::QueryOptions options;
            options.timeoutMs = a.timeoutMs;
            options.maxRows = a.maxGroups + 1;
            noteCompiledForAudit(*ctx, a.table ? a.table->name() : std::string(), a.sql, a.decisions);
            if (a.table) {
                if (auto cost = checkCost(conn, *policy, *a.table, a.sql, a.params, a.timeoutMs, *ctx, usage); !cost) {
                    ctx->respondToolError(cost.error());
                    return;
                }
            }
            auto rs = conn.query(a.sql, a.params, options);
            if (!rs) {
                ctx->respondToolError(rs.error());
                return;
            }
            ctx->noteForAudit("rows", std::int64_t(std::min<std::size_t>(rs->rows.size(), std::size_t(a.maxGroups))));
            const std::size_t n = std::min<std::size_t>(rs->rows.size(), std::size_t(a.maxGroups));
            Json groups = Json::array();
            for (std::size_t r = 0; r < n; ++r) {
                const auto &values = rs->rows[r];
                Json group = Json::object();
                std::size_t c = 0;
                for (const ColumnView *g : a.groupBy)
                    group[g->name()] = redactor->apply(*g, values[c++]);
                for (const auto &m : a.metrics)
                    group[m.name] = values[c++];
                groups.push_back(std::move(group));
            }
            std::int64_t suppressed = 0;
            if (a.minGroupSize > 1) {
                if (a.groupBy.empty()) {
                    suppressed = rs->rows.empty() ? 1 : 0;
                } else {
                    db::QueryOptions countOptions;
                    countOptions.timeoutMs = a.timeoutMs;
                    auto count = conn.query(a.suppressedSql, a.suppressedParams, countOptions);
                    if (!count) {
                        ctx->respondToolError(count.error());
                        return;
                    }
                    if (!count->rows.empty() && count->rows[0][0].is_number_integer())
                        suppressed = count->rows[0][0].get<std::int64_t>();
                }
            }
            Json result = Json::object();
            result["groups"] = std::move(groups);
            result["suppressed_groups"] = suppressed;
            result["truncated"] =
                rs->rows.size() > std::size_t(a.maxGroups) || rs->moreRowsAvailable;
            ctx->respondToolResult(std::move(result));
        },
        [ctx] {
            ctx->respondToolError(
                Error(ErrorCode::Cancelled, "the aggregate was cancelled before it started"));
        });
    ctx->setCancelHandler([job] { job->cancel(); });
}

bool AggregateTool::auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const
{
    return columnReadInClear(m_services, arguments, principal, field);
}

} // namespace warden
