#include "SchemaResources.h"

#include "SchemaDescription.h"
#include "common/StrictJson.h"
#include "protocol/PromptCatalog.h"
#include "server/PolicyStore.h"

namespace warden {
namespace {

const std::string kRoot = "warden://schema";

Json textContents(const std::string &uri, const Json &body)
{
    Json c = Json::object();
    c["uri"] = uri;
    c["mimeType"] = "application/json";
    c["text"] = body.dump(2);
    return Json::array({c});
}

} // namespace

std::vector<std::string> SchemaResources::tableNames(const ToolServices &services, const std::string &prefix,
                                                     const Principal &principal)
{
    std::vector<std::string> out;
    const auto policy = services.policies->current();
    for (const TableView *t : policy->tables(principal))
        if (t->name().compare(0, prefix.size(), prefix) == 0)
            out.push_back(t->name());
    return out;
}

std::vector<Json> SchemaResources::list(const Principal &principal) const
{
    std::vector<Json> out;
    out.push_back({{"uri", kRoot}, {"name", "schema"}, {"title", "Database schema"},
                   {"description", "Every table you may query, with columns, access and relations"},
                   {"mimeType", "application/json"}});
    for (const auto &name : tableNames(m_services, "", principal))
        out.push_back({{"uri", kRoot + "/" + name}, {"name", name}, {"title", "Table " + name},
                       {"description", "Columns, access and relations of table " + name},
                       {"mimeType", "application/json"}});
    return out;
}

std::vector<Json> SchemaResources::templates() const
{
    return {{{"uriTemplate", kRoot + "/{table}"}, {"name", "table-schema"}, {"title", "Schema of one table"},
             {"description", "Columns, access and relations of one table you may query"},
             {"mimeType", "application/json"}}};
}

std::optional<Json> SchemaResources::read(const std::string &uri, const Principal &principal) const
{
    const auto policy = m_services.policies->current();
    if (uri == kRoot)
        return textContents(uri, SchemaDescription::describe(*policy, principal));
    const std::string prefix = kRoot + "/";
    if (uri.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    const TableView *t = policy->table(uri.substr(prefix.size()), principal);
    if (!t)
        return std::nullopt;
    return textContents(uri, SchemaDescription::describeTable(*policy, *t, principal));
}

std::optional<std::vector<std::string>> SchemaResources::complete(const std::string &uriTemplate,
                                                                  const std::string &argument,
                                                                  const std::string &prefix,
                                                                  const Principal &principal) const
{
    if (uriTemplate != kRoot + "/{table}")
        return std::nullopt;
    if (argument != "table")
        return std::vector<std::string>{};
    return tableNames(m_services, prefix, principal);
}

void addWorkflowPrompts(PromptCatalog &catalog, const ToolServices &services)
{
    auto completeTable = [&services](const std::string &prefix, const Principal &p) {
        return SchemaResources::tableNames(services, prefix, p);
    };

    PromptDefinition workflow;
    workflow.name = "safe_query_workflow";
    workflow.title = "Answer a question from the database, safely";
    workflow.description = "Steps for answering a question with Warden's tools: look at the schema, query with "
                           "filters, respect row limits and redacted fields.";
    workflow.arguments = {{"question", "The question to answer", true, {}},
                          {"table", "A table to start from (optional)", false, completeTable}};
    workflow.render = [](const std::map<std::string, std::string> &args, const Principal &) {
        std::string text = "Answer this question using the database tools: " + args.at("question") + "\n\n"
            "1. Call db_describe_schema" + (args.count("table") ? " with {\"table\": \"" + args.at("table") + "\"}" : std::string())
            + " to see which tables and fields exist for you. Fields marked \"mask\" or \"hash\" come back redacted; "
              "do not try to recover them.\n"
              "2. Call db_query with a selective \"where\" (prefer indexed fields such as ids), only the fields you "
              "need in \"select\", and a small \"take\".\n"
              "3. If the result says truncated or has_more, narrow the filter instead of asking for everything.\n"
              "4. If a tool returns an error, read its code and hints and correct the call; do not guess field "
              "names.\n"
              "5. Answer from the rows you received and say which filters you used.";
        Json msg = {{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}};
        return Json{{"description", "Safe query workflow"}, {"messages", Json::array({msg})}};
    };
    catalog.add(std::move(workflow));

    PromptDefinition explore;
    explore.name = "explore_table";
    explore.title = "Explore one table";
    explore.description = "Look at one table's fields and a few sample rows.";
    explore.arguments = {{"table", "The table to explore", true, completeTable}};
    explore.render = [](const std::map<std::string, std::string> &args, const Principal &) {
        const std::string &t = args.at("table");
        std::string text = "Explore the table \"" + t + "\": call db_describe_schema with {\"table\": \"" + t
            + "\"}, then db_query with {\"table\": \"" + t + "\", \"take\": 5} and summarise what the fields "
              "mean. Redacted fields stay redacted.";
        Json msg = {{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}};
        return Json{{"description", "Explore " + t}, {"messages", Json::array({msg})}};
    };
    catalog.add(std::move(explore));
}

} // namespace warden
