#include "SchemaDescription.h"

#include "query/QueryCompiler.h"

namespace warden {
namespace {

const char *accessName(ColumnAction a)
{
    switch (a) {
    case ColumnAction::Allow: return "allow";
    case ColumnAction::Mask: return "mask";
    case ColumnAction::Hash: return "hash";
    case ColumnAction::Deny: return "deny";
    }
    return "allow";
}

} // namespace

Json SchemaDescription::describeTable(const Policy &policy, const TableView &table, const Principal &principal)
{
    Json cols = Json::array();
    for (const auto &c : table.columns) {
        Json col = Json::object();
        col["name"] = c.name();
        col["type"] = c.info->type;
        col["nullable"] = c.info->nullable;
        col["primary_key"] = c.info->primaryKey;
        col["access"] = accessName(c.action);
        col["filterable"] = c.filterable;
        if (!c.tags.empty())
            col["tags"] = c.tags;
        cols.push_back(std::move(col));
    }
    // Exactly the relations db_query and db_get accept in `include` for this caller.
    Json rels = Json::array();
    for (const RelationView &r : policy.relations(table.name(), principal))
        rels.push_back({{"name", r.name()}, {"target", r.target->name()}, {"kind", Relation::kindName(r.kind())},
                        {"via", r.column->name()}, {"target_column", r.targetColumn->name()}});
    Json scopes = Json::array();
    if (!table.tenantColumn.empty())
        scopes.push_back("tenant");
    if (!table.ownerColumn.empty())
        scopes.push_back("owner");
    if (!table.softDeleteColumn.empty())
        scopes.push_back("soft_delete");
    Json t = Json::object();
    t["name"] = table.name();
    t["columns"] = std::move(cols);
    t["relations"] = std::move(rels);
    t["row_scopes"] = std::move(scopes);
    t["max_rows"] = table.budget.maxRows;
    return t;
}

Json SchemaDescription::describe(const Policy &policy, const Principal &principal)
{
    Json tables = Json::array();
    for (const TableView *t : policy.tables(principal))
        tables.push_back(describeTable(policy, *t, principal));
    Json out = Json::object();
    out["tables"] = std::move(tables);
    out["operators"] = QueryCompiler::operators();
    return out;
}

Json SchemaDescription::outputSchema()
{
    return Json::parse(R"({
      "type": "object",
      "required": ["tables"],
      "properties": {
        "tables": {"type": "array", "items": {
          "type": "object",
          "required": ["name", "columns", "relations"],
          "properties": {
            "name": {"type": "string"},
            "columns": {"type": "array", "items": {
              "type": "object",
              "required": ["name", "type", "nullable", "primary_key", "access", "filterable"],
              "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "nullable": {"type": "boolean"},
                "primary_key": {"type": "boolean"},
                "access": {"type": "string", "enum": ["allow", "mask", "hash"]},
                "filterable": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}}
              }
            }},
            "relations": {"type": "array", "items": {
              "type": "object",
              "required": ["name", "target", "kind"],
              "properties": {
                "name": {"type": "string"}, "target": {"type": "string"},
                "kind": {"type": "string", "enum": ["many_to_one", "one_to_many"]},
                "via": {"type": "string", "description": "the linking field of this table"},
                "target_column": {"type": "string", "description": "the linking field of the target table"}
              }
            }},
            "row_scopes": {"type": "array", "items": {"type": "string"}},
            "max_rows": {"type": "integer"}
          }
        }},
        "operators": {"type": "array", "items": {"type": "string"}}
      }
    })");
}

} // namespace warden
