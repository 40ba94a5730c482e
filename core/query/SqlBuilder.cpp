#include "SqlBuilder.h"

#include "QueryCompiler.h"
#include "common/JsonPointer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace warden {
namespace compile {

Error invalid(const std::string &pointer, const std::string &message,
              std::vector<std::string> hints)
{
    return Error(ErrorCode::InvalidArgument, pointer + ": " + message, std::move(hints),
                 Json { { "pointer", pointer } });
}

std::vector<std::string> fieldNames(const TableView &t, bool filterableOnly)
{
    std::vector<std::string> out;
    for (const auto &c : t.columns)
        if (!filterableOnly || c.filterable)
            out.push_back(c.name());
    return out;
}

std::string joinNames(const std::vector<std::string> &names, std::size_t max)
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < max; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > max)
        out += " (and " + std::to_string(names.size() - max) + " more)";
    return out;
}

Error noSuchField(const std::string &pointer, const std::string &field, const TableView &t,
                  bool filterContext)
{
    const auto names = fieldNames(t, filterContext);
    return Error(ErrorCode::FieldNotAllowed,
                 pointer + ": \"" + field + "\" is not a " + (filterContext ? "filterable " : "")
                     + "field of \"" + t.name() + "\"",
                 { "Allowed fields: " + joinNames(names) },
                 Json { { "pointer", pointer }, { "field", field }, { "table", t.name() } });
}

Status checkArguments(const Json &args, const std::vector<std::string> &known, const std::string &example)
{
    std::string hint = "Arguments: ";
    for (std::size_t i = 0; i < known.size(); ++i)
        hint += (i ? ", " : "") + known[i];
    // Callers other than tools/call (explain, tests) may pass anything; iterating the keys of
    // a non-object would throw.
    if (!args.is_object())
        return Error(ErrorCode::InvalidArgument, "the arguments must be an object such as " + example, { hint },
                     Json { { "pointer", "" } });
    for (auto it = args.begin(); it != args.end(); ++it)
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            return invalid("/" + jsonPointerEscape(it.key()), "unknown argument", { hint });
    return {};
}

Result<const TableView *> checkedTable(const Policy &policy, const Json &args, const Principal &principal,
                                       const std::vector<std::string> &known, const std::string &example)
{
    if (auto s = checkArguments(args, known, example); !s)
        return s.error();
    return readableTable(policy, args, principal);
}

Result<const TableView *> readableTable(const Policy &policy, const Json &args,
                                        const Principal &principal)
{
    if (!args.contains("table") || !args["table"].is_string())
        return invalid("/table", "is required: the name of a table from db_describe_schema");
    const std::string tableName = args["table"].get<std::string>();
    const TableView *table = policy.table(tableName, principal);
    if (!table) {
        std::vector<std::string> names;
        for (const auto *t : policy.tables(principal))
            names.push_back(t->name());
        return Error(ErrorCode::ModelNotAllowed,
                     "/table: there is no table \"" + tableName + "\" you can read",
                     { "Tables: " + joinNames(names) },
                     Json { { "pointer", "/table" }, { "table", tableName } });
    }
    return table;
}

} // namespace compile

using compile::invalid;
using compile::joinNames;
using compile::noSuchField;

std::string SqlBuilder::placeholder(db::Dialect dialect, std::size_t index)
{
    return dialect == db::Dialect::Postgres ? "$" + std::to_string(index) : std::string("?");
}

std::string SqlBuilder::param(Json value)
{
    m_params.push_back(std::move(value));
    return placeholder(m_dialect, m_params.size());
}

Result<Json> SqlBuilder::coerce(const ColumnView &col, const Json &v, const std::string &ptr)
{
    const std::string &type = col.info->type;
    if (v.is_null())
        return invalid(
            ptr, "null is not a value to compare with; use {\"op\": \"is_null\", \"value\": true}");
    if (type == "integer") {
        if (v.is_number_integer())
            return v;
        if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()
            && std::fabs(v.get<double>()) < 9e15)
            return Json(std::int64_t(v.get<double>()));
        return invalid(ptr, "\"" + col.name() + "\" is an integer field; give an integer");
    }
    if (type == "real" || type == "numeric") {
        if (v.is_number())
            return v;
        return invalid(ptr, "\"" + col.name() + "\" is a number field; give a number");
    }
    if (type == "boolean") {
        if (v.is_boolean())
            return v;
        return invalid(ptr, "\"" + col.name() + "\" is a boolean field; give true or false");
    }
    if (v.is_string())
        return v;
    if (v.is_number() || v.is_boolean())
        return Json(v.dump());
    return invalid(ptr, "give a string, number or boolean");
}

Result<std::string> SqlBuilder::condition(const Json &cond, const std::string &ptr, int depth)
{
    if (depth > m_budget.maxFilterDepth)
        return Error(
            ErrorCode::BudgetExceeded,
            ptr + ": the filter is nested deeper than " + std::to_string(m_budget.maxFilterDepth)
                + " levels",
            { "Flatten the filter or split the question into several queries" },
            Json { { "budget", "max_filter_depth" }, { "limit", m_budget.maxFilterDepth } });
    if (++m_nodes > m_budget.maxFilterNodes)
        return Error(
            ErrorCode::BudgetExceeded,
            ptr + ": the filter has more than " + std::to_string(m_budget.maxFilterNodes)
                + " conditions",
            { "Use \"in\" for lists of values, or split the query" },
            Json { { "budget", "max_filter_nodes" }, { "limit", m_budget.maxFilterNodes } });
    if (cond.is_array())
        return group(cond, ptr, "AND", depth);
    if (!cond.is_object())
        return invalid(ptr,
                       "a condition is {field, op, value}, {and: [...]}, {or: [...]}, {not: {...}} "
                       "or a list (all must hold)");
    if (cond.contains("and") || cond.contains("or") || cond.contains("not")) {
        if (cond.size() != 1)
            return invalid(ptr, "a group has exactly one key: \"and\", \"or\" or \"not\"");
        if (cond.contains("and"))
            return group(cond["and"], jsonPointerJoin(ptr, "and"), "AND", depth);
        if (cond.contains("or"))
            return group(cond["or"], jsonPointerJoin(ptr, "or"), "OR", depth);
        auto inner = condition(cond["not"], jsonPointerJoin(ptr, "not"), depth + 1);
        if (!inner)
            return inner;
        return "NOT (" + *inner + ")";
    }
    return comparison(cond, ptr);
}

Result<std::string> SqlBuilder::group(const Json &items, const std::string &ptr, const char *joiner,
                                      int depth)
{
    if (!items.is_array() || items.empty())
        return invalid(ptr, "must be a non-empty list of conditions");
    std::string sql;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto part = condition(items[i], jsonPointerJoin(ptr, i), depth + 1);
        if (!part)
            return part;
        sql += (i ? std::string(" ") + joiner + " " : std::string()) + "(" + *part + ")";
    }
    return sql;
}

Result<std::string> SqlBuilder::comparison(const Json &cond, const std::string &ptr)
{
    for (auto it = cond.begin(); it != cond.end(); ++it)
        if (it.key() != "field" && it.key() != "op" && it.key() != "value")
            return invalid(jsonPointerJoin(ptr, it.key()),
                           "unknown key; a condition has \"field\", \"op\" and \"value\"");
    if (!cond.contains("field") || !cond["field"].is_string())
        return invalid(ptr, "needs \"field\" (a field name)");
    if (!cond.contains("op") || !cond["op"].is_string())
        return invalid(ptr, "needs \"op\"",
                       { "Operators: " + joinNames(QueryCompiler::operators()) });
    const std::string field = cond["field"].get<std::string>();
    const std::string op = cond["op"].get<std::string>();
    const ColumnView *col = m_table.column(field);
    if (!col || !col->filterable)
        return noSuchField(jsonPointerJoin(ptr, "field"), field, m_table, true);
    const auto &ops = QueryCompiler::operators();
    if (std::find(ops.begin(), ops.end(), op) == ops.end())
        return invalid(jsonPointerJoin(ptr, "op"), "unknown operator \"" + op + "\"",
                       { "Operators: " + joinNames(ops) });
    const std::string column = QueryCompiler::quoteIdentifier(field);
    const std::string vptr = jsonPointerJoin(ptr, "value");
    if (!cond.contains("value"))
        return invalid(ptr, "needs \"value\"");
    const Json &v = cond["value"];

    static const std::map<std::string, std::string> simple { { "eq", "=" }, { "ne", "<>" },
                                                             { "lt", "<" }, { "lte", "<=" },
                                                             { "gt", ">" }, { "gte", ">=" } };
    if (auto s = simple.find(op); s != simple.end()) {
        auto value = coerce(*col, v, vptr);
        if (!value)
            return value.takeError();
        return column + " " + s->second + " " + param(std::move(*value));
    }
    if (op == "is_null") {
        if (!v.is_boolean())
            return invalid(vptr, "is_null takes true (IS NULL) or false (IS NOT NULL)");
        return column + (v.get<bool>() ? " IS NULL" : " IS NOT NULL");
    }
    if (op == "in" || op == "not_in") {
        if (!v.is_array() || v.empty())
            return invalid(vptr, "\"" + op + "\" takes a non-empty list of values");
        if (int(v.size()) > m_budget.maxInList)
            return Error(ErrorCode::BudgetExceeded,
                         vptr + ": the list has " + std::to_string(v.size())
                             + " values; the limit is " + std::to_string(m_budget.maxInList),
                         { "Split the values over several queries" },
                         Json { { "budget", "max_in_list" }, { "limit", m_budget.maxInList } });
        std::string list;
        for (std::size_t i = 0; i < v.size(); ++i) {
            auto value = coerce(*col, v[i], jsonPointerJoin(vptr, i));
            if (!value)
                return value.takeError();
            list += (i ? ", " : "") + param(std::move(*value));
        }
        return column + (op == "in" ? " IN (" : " NOT IN (") + list + ")";
    }
    if (op == "between") {
        if (!v.is_array() || v.size() != 2)
            return invalid(vptr, "\"between\" takes a list of exactly two values [low, high]");
        auto lo = coerce(*col, v[0], jsonPointerJoin(vptr, 0));
        if (!lo)
            return lo.takeError();
        auto hi = coerce(*col, v[1], jsonPointerJoin(vptr, 1));
        if (!hi)
            return hi.takeError();
        const std::string a = param(std::move(*lo));
        return column + " BETWEEN " + a + " AND " + param(std::move(*hi));
    }
    // contains / startswith / endswith: LIKE with the caller's wildcards escaped.
    if (!v.is_string())
        return invalid(vptr, "\"" + op + "\" takes a string");
    if (col->info->type != "text")
        return invalid(jsonPointerJoin(ptr, "op"),
                       "\"" + op + "\" works on text fields; \"" + field + "\" is "
                           + col->info->type);
    std::string escaped;
    for (char ch : v.get<std::string>()) {
        if (ch == '%' || ch == '_' || ch == '\\')
            escaped += '\\';
        escaped += ch;
    }
    const std::string pattern = op == "contains" ? "%" + escaped + "%"
        : op == "startswith"                     ? escaped + "%"
                                                 : "%" + escaped;
    const char *like = m_dialect == db::Dialect::Postgres ? " ILIKE " : " LIKE ";
    return column + like + param(pattern) + " ESCAPE '\\'";
}

Json SqlBuilder::tenantValue(const TableView &table, const Principal &principal)
{
    const db::ColumnInfo *info = table.info->column(table.tenantColumn);
    if (info->type != "integer")
        return principal.tenantId;
    // A tenant id that is not a number matches no row of an integer column: fail closed.
    try {
        std::size_t used = 0;
        const long long n = std::stoll(principal.tenantId, &used);
        return used == principal.tenantId.size() ? Json(n) : Json(nullptr);
    } catch (const std::exception &) {
        return nullptr;
    }
}

Result<std::vector<SqlBuilder::ScopeValue>> SqlBuilder::scopeValues(const TableView &table,
                                                                     const Principal &principal,
                                                                     Json &decisions)
{
    std::vector<ScopeValue> values;
    if (!table.tenantColumn.empty()) {
        if (principal.tenantId.empty())
            return Error(ErrorCode::TenantScopeRequired,
                         "\"" + table.name()
                             + "\" is scoped by tenant and this caller has no tenant",
                         { "Authenticate as a principal with a tenant, or ask an operator to set "
                           "local_principal.tenant_id" },
                         Json { { "table", table.name() } });
        values.push_back({ table.tenantColumn, tenantValue(table, principal) });
        decisions.push_back({ { "kind", "scope" },
                              { "scope", "tenant" },
                              { "table", table.name() },
                              { "field", table.tenantColumn },
                              { "source", "principal.tenant" } });
    }
    if (!table.ownerColumn.empty()) {
        if (principal.userId.empty())
            return Error(ErrorCode::TenantScopeRequired,
                         "\"" + table.name()
                             + "\" is scoped by owner and this caller has no user id",
                         {}, Json { { "table", table.name() } });
        values.push_back({ table.ownerColumn, principal.userId });
        decisions.push_back({ { "kind", "scope" },
                              { "scope", "owner" },
                              { "table", table.name() },
                              { "field", table.ownerColumn },
                              { "source", "principal.user" } });
    }
    return values;
}

Result<std::vector<std::string>> SqlBuilder::rowScopes(const Principal &principal, Json &decisions)
{
    const TableView &table = m_table;
    const auto quote = &QueryCompiler::quoteIdentifier;
    auto values = scopeValues(table, principal, decisions);
    if (!values)
        return values.takeError();
    std::vector<std::string> predicates;
    for (const ScopeValue &v : *values)
        predicates.push_back(v.value.is_null() ? std::string("1 = 0")
                                               : quote(v.column) + " = " + param(v.value));
    if (!table.softDeleteColumn.empty()) {
        predicates.push_back(quote(table.softDeleteColumn) + " IS NULL");
        decisions.push_back({ { "kind", "scope" },
                              { "scope", "soft_delete" },
                              { "table", table.name() },
                              { "field", table.softDeleteColumn } });
    }
    return predicates;
}

Result<std::vector<const ColumnView *>> SqlBuilder::selectList(const TableView &table,
                                                               const Json &sel,
                                                               const std::string &selPtr,
                                                               Json &decisions)
{
    const Budget &budget = table.budget;
    std::vector<const ColumnView *> columns;
    if (!sel.is_null()) {
        if (!sel.is_array() || sel.empty())
            return invalid(selPtr, "must be a non-empty list of field names");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < sel.size(); ++i) {
            const std::string ptr = jsonPointerJoin(selPtr, i);
            if (!sel[i].is_string())
                return invalid(ptr, "must be a field name");
            const std::string f = sel[i].get<std::string>();
            const ColumnView *col = table.column(f);
            if (!col)
                return noSuchField(ptr, f, table, false);
            if (!seen.insert(f).second)
                return invalid(ptr, "\"" + f + "\" is selected twice");
            columns.push_back(col);
        }
        if (int(columns.size()) > budget.maxSelectFields)
            return Error(ErrorCode::BudgetExceeded,
                         selPtr + ": " + std::to_string(columns.size())
                             + " fields selected; the limit is "
                             + std::to_string(budget.maxSelectFields),
                         { "Select at most " + std::to_string(budget.maxSelectFields) + " fields" },
                         Json { { "budget", "max_select_fields" },
                                { "limit", budget.maxSelectFields },
                                { "requested", columns.size() } });
    } else {
        for (const auto &c : table.columns)
            if (int(columns.size()) < budget.maxSelectFields)
                columns.push_back(&c);
        decisions.push_back({ { "kind", "select" },
                              { "table", table.name() },
                              { "detail", "default select: every permitted field" } });
    }
    for (const ColumnView *c : columns)
        if (c->action != ColumnAction::Allow)
            decisions.push_back(
                { { "kind", "redact" },
                  { "table", table.name() },
                  { "field", c->name() },
                  { "action", c->action == ColumnAction::Mask ? "mask" : "hash" } });
    return columns;
}

} // namespace warden
