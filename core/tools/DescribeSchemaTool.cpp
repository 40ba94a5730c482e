#include "DescribeSchemaTool.h"

#include "SchemaDescription.h"
#include "protocol/RequestContext.h"
#include "server/PolicyStore.h"

namespace warden {

Json DescribeSchemaTool::definition() const
{
    Json d = Json::object();
    d["name"] = name();
    d["title"] = "Describe the database";
    d["description"] = "Lists the tables you may query, their columns (type, nullability, primary key, whether the "
                       "value is shown as is, masked or hashed, and whether it can be filtered or sorted on), the "
                       "relations between tables, row scopes and the row limit. Call this before db_query.";
    d["inputSchema"] = Json::parse(R"({
      "type": "object",
      "properties": {"table": {"type": "string", "description": "Describe only this table"}},
      "additionalProperties": false
    })");
    d["outputSchema"] = toolschema::outputSchema(SchemaDescription::outputSchema());
    d["annotations"] = toolschema::readOnlyAnnotations();
    return d;
}

void DescribeSchemaTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    for (auto it = arguments.begin(); it != arguments.end(); ++it)
        if (it.key() != "table") {
            ctx->respondToolError(Error(ErrorCode::InvalidArgument, "/" + it.key() + ": unknown argument", {"Arguments: table"}));
            return;
        }
    const auto policy = m_services.policies->current();
    const Principal &principal = ctx->principal();
    Json result = SchemaDescription::describe(*policy, principal);
    if (arguments.contains("table")) {
        if (!arguments["table"].is_string()) {
            ctx->respondToolError(Error(ErrorCode::InvalidArgument, "/table: must be a table name"));
            return;
        }
        const std::string name = arguments["table"].get<std::string>();
        const TableView *t = policy->table(name, principal);
        if (!t) {
            std::string names;
            for (const TableView *v : policy->tables(principal))
                names += (names.empty() ? "" : ", ") + v->name();
            ctx->respondToolError(Error(ErrorCode::ModelNotAllowed, "/table: there is no table \"" + name + "\" you can read",
                                        {"Tables: " + names}, Json{{"table", name}}));
            return;
        }
        result["tables"] = Json::array({SchemaDescription::describeTable(*policy, *t, principal)});
    }
    ctx->respondToolResult(std::move(result));
}

} // namespace warden
