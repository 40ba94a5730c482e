#include "GetCompiler.h"

#include "SqlBuilder.h"
#include "common/JsonPointer.h"

#include <charconv>

namespace warden {

using compile::invalid;

Result<Json> GetCompiler::coerceKey(const ColumnView &key, const Json &id)
{
    const std::string &type = key.info->type;
    if (type == "integer") {
        if (id.is_string()) {
            // Agents often quote ids; a string of digits is the same key.
            const std::string &s = id.get_ref<const std::string &>();
            std::int64_t n = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
            if (!s.empty() && ec == std::errc() && end == s.data() + s.size())
                return Json(n);
            return invalid("/id",
                           "\"" + key.name() + "\" is an integer key; give an integer such as 42");
        }
    } else if (type == "text" && (id.is_number_integer() || id.is_number_unsigned())) {
        return Json(id.dump());
    }
    return SqlBuilder::coerce(key, id, "/id");
}

Result<CompiledQuery> GetCompiler::compile(const Json &args, const Principal &principal) const
{
    auto readable = compile::checkedTable(m_policy, args, principal, { "table", "id", "select", "include" },
                                          "{\"table\": \"orders\", \"id\": 1}");
    if (!readable)
        return readable.takeError();
    const TableView &table = **readable;
    const auto &pk = table.primaryKey();
    const ColumnView *key = pk.size() == 1 ? table.column(pk.front()) : nullptr;
    if (!key || !key->filterable)
        return Error(ErrorCode::InvalidArgument,
                     "/table: \"" + table.name()
                         + "\" has no single-column primary key to look a row up by",
                     { "Use db_query with a where on the fields that identify the row" },
                     Json { { "pointer", "/table" }, { "table", table.name() } });
    if (!args.contains("id") || args["id"].is_null())
        return invalid("/id",
                       "is required: the primary key value (\"" + key->name() + "\") of the row");
    auto id = coerceKey(*key, args["id"]);
    if (!id)
        return id.takeError();

    Json query = Json::object();
    query["table"] = table.name();
    if (args.contains("select"))
        query["select"] = args["select"];
    query["where"] = { { "field", key->name() }, { "op", "eq" }, { "value", *id } };
    query["take"] = 1;
    if (args.contains("include"))
        query["include"] = args["include"];
    auto q = QueryCompiler(m_policy, m_dialect).compileQuery(query, principal);
    if (!q)
        return q.takeError();
    q->cursorable = false;
    q->decisions.push_back(
        { { "kind", "lookup" },
          { "table", table.name() },
          { "field", key->name() },
          { "detail", "one row by primary key; a hidden row answers as a missing one" } });
    return q;
}

} // namespace warden
