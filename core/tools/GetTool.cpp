#include "GetTool.h"

#include "ToolAudit.h"

#include "QueryTool.h"
#include "RowFetcher.h"
#include "db/DatabasePool.h"
#include "policy/Redactor.h"
#include "protocol/RequestContext.h"
#include "query/GetCompiler.h"
#include "server/PolicyStore.h"

namespace warden {

Json GetTool::definition() const
{
    Json d = Json::object();
    d["name"] = name();
    d["title"] = "Get one row by key";
    d["description"] =
        "Reads one row of a table by its primary key, with the same column rules and row scopes as "
        "db_query, and optionally its related rows (include). A row that does not exist and a row "
        "you "
        "may not see both answer found: false.";
    Json input = Json::object();
    input["type"] = "object";
    input["required"] = Json::array({ "table", "id" });
    input["properties"] = {
        { "table",
          { { "type", "string" }, { "description", "Table name from db_describe_schema" } } },
        { "id",
          { { "type", { "integer", "number", "string" } },
            { "description", "The primary key value of the row" } } },
        { "select",
          { { "type", "array" },
            { "items", { { "type", "string" } } },
            { "minItems", 1 },
            { "description", "Fields to return; default: every field you may see" } } },
        { "include", QueryTool::includeSchema() },
    };
    input["additionalProperties"] = false;
    d["inputSchema"] = std::move(input);
    d["outputSchema"] = toolschema::outputSchema(Json::parse(R"({
      "type": "object",
      "required": ["row", "found"],
      "properties": {
        "row": {"type": ["object", "null"]},
        "found": {"type": "boolean"}
      }
    })"));
    d["annotations"] = toolschema::readOnlyAnnotations();
    return d;
}

void GetTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    auto policy = m_services.policies->current();
    auto compiled =
        GetCompiler(*policy, m_services.pool->dialect()).compile(arguments, ctx->principal());
    if (!compiled) {
        ctx->respondToolError(compiled.error());
        return;
    }
    auto redactor = m_services.redactor;
    auto job = m_services.pool->submit(
        [ctx, policy, redactor, q = std::move(compiled).value()](db::Connection &conn) {
            if (ctx->isCancelled())
                return;
            noteCompiledForAudit(*ctx, q.table ? q.table->name() : std::string(), q.sql, q.decisions);
            auto page = RowFetcher::run(conn, q, *redactor);
            if (!page) {
                ctx->respondToolError(page.error());
                return;
            }
            ctx->noteForAudit("rows", std::int64_t(page->rows.size()));
            Json result = Json::object();
            const bool found = !page->rows.empty();
            result["row"] = found ? page->rows[0] : Json(nullptr);
            result["found"] = found;
            ctx->respondToolResult(std::move(result));
        },
        [ctx] {
            ctx->respondToolError(
                Error(ErrorCode::Cancelled, "the lookup was cancelled before it started"));
        });
    ctx->setCancelHandler([job] { job->cancel(); });
}

bool GetTool::auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const
{
    return field == "id" ? keyReadInClear(m_services, arguments, principal)
                         : columnReadInClear(m_services, arguments, principal, field);
}

} // namespace warden
