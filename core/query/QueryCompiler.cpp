#include "QueryCompiler.h"

#include "CursorCodec.h"
#include "common/JsonPointer.h"

#include <cmath>
#include <set>

namespace warden {
namespace {

Error invalid(const std::string &pointer, const std::string &message, std::vector<std::string> hints = {})
{
    return Error(ErrorCode::InvalidArgument, pointer + ": " + message, std::move(hints), Json{{"pointer", pointer}});
}

std::vector<std::string> fieldNames(const TableView &t, bool filterableOnly)
{
    std::vector<std::string> out;
    for (const auto &c : t.columns)
        if (!filterableOnly || c.filterable)
            out.push_back(c.name());
    return out;
}

std::string joinNames(const std::vector<std::string> &names, std::size_t max = 25)
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < max; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > max)
        out += " (and " + std::to_string(names.size() - max) + " more)";
    return out;
}

// The same answer for "no such column" and "denied column": a denied column must not be
// distinguishable from a missing one.
Error noSuchField(const std::string &pointer, const std::string &field, const TableView &t, bool filterContext)
{
    const auto names = fieldNames(t, filterContext);
    return Error(ErrorCode::FieldNotAllowed,
                 pointer + ": \"" + field + "\" is not a " + (filterContext ? "filterable " : "") + "field of \""
                     + t.name() + "\"",
                 {"Allowed fields: " + joinNames(names)}, Json{{"pointer", pointer}, {"field", field}, {"table", t.name()}});
}

class Builder
{
public:
    Builder(db::Dialect dialect, const TableView &table, const Budget &budget)
        : m_dialect(dialect), m_table(table), m_budget(budget)
    {
    }

    std::string param(Json value)
    {
        m_params.push_back(std::move(value));
        return m_dialect == db::Dialect::Postgres ? "$" + std::to_string(m_params.size()) : std::string("?");
    }

    std::vector<Json> takeParams() { return std::move(m_params); }

    // Coerces a JSON value to the column's type; strict (no string-to-number guessing).
    Result<Json> coerce(const ColumnView &col, const Json &v, const std::string &ptr) const
    {
        const std::string &type = col.info->type;
        if (v.is_null())
            return invalid(ptr, "null is not a value to compare with; use {\"op\": \"is_null\", \"value\": true}");
        if (type == "integer") {
            if (v.is_number_integer())
                return v;
            if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 9e15)
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

    Result<std::string> condition(const Json &cond, const std::string &ptr, int depth)
    {
        if (depth > m_budget.maxFilterDepth)
            return Error(ErrorCode::BudgetExceeded, ptr + ": the filter is nested deeper than " + std::to_string(m_budget.maxFilterDepth) + " levels",
                         {"Flatten the filter or split the question into several queries"},
                         Json{{"budget", "max_filter_depth"}, {"limit", m_budget.maxFilterDepth}});
        if (++m_nodes > m_budget.maxFilterNodes)
            return Error(ErrorCode::BudgetExceeded, ptr + ": the filter has more than " + std::to_string(m_budget.maxFilterNodes) + " conditions",
                         {"Use \"in\" for lists of values, or split the query"},
                         Json{{"budget", "max_filter_nodes"}, {"limit", m_budget.maxFilterNodes}});
        if (cond.is_array())
            return group(cond, ptr, "AND", depth);
        if (!cond.is_object())
            return invalid(ptr, "a condition is {field, op, value}, {and: [...]}, {or: [...]}, {not: {...}} or a list (all must hold)");
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

private:
    Result<std::string> group(const Json &items, const std::string &ptr, const char *joiner, int depth)
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

    Result<std::string> comparison(const Json &cond, const std::string &ptr)
    {
        for (auto it = cond.begin(); it != cond.end(); ++it)
            if (it.key() != "field" && it.key() != "op" && it.key() != "value")
                return invalid(jsonPointerJoin(ptr, it.key()), "unknown key; a condition has \"field\", \"op\" and \"value\"");
        if (!cond.contains("field") || !cond["field"].is_string())
            return invalid(ptr, "needs \"field\" (a field name)");
        if (!cond.contains("op") || !cond["op"].is_string())
            return invalid(ptr, "needs \"op\"", {"Operators: " + joinNames(QueryCompiler::operators())});
        const std::string field = cond["field"].get<std::string>();
        const std::string op = cond["op"].get<std::string>();
        const ColumnView *col = m_table.column(field);
        if (!col || !col->filterable)
            return noSuchField(jsonPointerJoin(ptr, "field"), field, m_table, true);
        const auto &ops = QueryCompiler::operators();
        if (std::find(ops.begin(), ops.end(), op) == ops.end())
            return invalid(jsonPointerJoin(ptr, "op"), "unknown operator \"" + op + "\"", {"Operators: " + joinNames(ops)});
        const std::string column = QueryCompiler::quoteIdentifier(field);
        const std::string vptr = jsonPointerJoin(ptr, "value");
        if (!cond.contains("value"))
            return invalid(ptr, "needs \"value\"");
        const Json &v = cond["value"];

        static const std::map<std::string, std::string> simple{{"eq", "="}, {"ne", "<>"}, {"lt", "<"},
                                                               {"lte", "<="}, {"gt", ">"}, {"gte", ">="}};
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
                             vptr + ": the list has " + std::to_string(v.size()) + " values; the limit is " + std::to_string(m_budget.maxInList),
                             {"Split the values over several queries"}, Json{{"budget", "max_in_list"}, {"limit", m_budget.maxInList}});
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
            return invalid(jsonPointerJoin(ptr, "op"), "\"" + op + "\" works on text fields; \"" + field + "\" is " + col->info->type);
        std::string escaped;
        for (char ch : v.get<std::string>()) {
            if (ch == '%' || ch == '_' || ch == '\\')
                escaped += '\\';
            escaped += ch;
        }
        const std::string pattern = op == "contains" ? "%" + escaped + "%" : op == "startswith" ? escaped + "%" : "%" + escaped;
        const char *like = m_dialect == db::Dialect::Postgres ? " ILIKE " : " LIKE ";
        return column + like + param(pattern) + " ESCAPE '\\'";
    }

    db::Dialect m_dialect;
    const TableView &m_table;
    const Budget &m_budget;
    std::vector<Json> m_params;
    int m_nodes = 0;
};

} // namespace

const std::vector<std::string> &QueryCompiler::operators()
{
    static const std::vector<std::string> ops{"eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "is_null",
                                              "contains", "startswith", "endswith", "between"};
    return ops;
}

std::string QueryCompiler::quoteIdentifier(const std::string &name)
{
    std::string out = "\"";
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

Result<CompiledQuery> QueryCompiler::compileQuery(const Json &args, const Principal &principal) const
{
    // Callers other than tools/call (explain, tests) may pass anything; iterating the keys of
    // a non-object would throw.
    if (!args.is_object())
        return Error(ErrorCode::InvalidArgument, "the arguments must be an object such as {\"table\": \"orders\"}",
                     {"Arguments: table, select, where, order_by, take, cursor"}, Json{{"pointer", ""}});
    static const std::set<std::string> known{"table", "select", "where", "order_by", "take", "cursor"};
    for (auto it = args.begin(); it != args.end(); ++it)
        if (!known.count(it.key()))
            return invalid("/" + jsonPointerEscape(it.key()), "unknown argument",
                           {"Arguments: table, select, where, order_by, take, cursor"});
    if (!args.contains("table") || !args["table"].is_string())
        return invalid("/table", "is required: the name of a table from db_describe_schema");
    const std::string tableName = args["table"].get<std::string>();
    const TableView *table = m_policy.table(tableName, principal);
    if (!table) {
        std::vector<std::string> names;
        for (const auto *t : m_policy.tables(principal))
            names.push_back(t->name());
        return Error(ErrorCode::ModelNotAllowed, "/table: there is no table \"" + tableName + "\" you can read",
                     {"Tables: " + joinNames(names)}, Json{{"pointer", "/table"}, {"table", tableName}});
    }
    const Budget &budget = table->budget;
    CompiledQuery q;
    q.table = table;
    q.timeoutMs = budget.statementTimeoutMs;

    // select
    if (args.contains("select") && !args["select"].is_null()) {
        const Json &sel = args["select"];
        if (!sel.is_array() || sel.empty())
            return invalid("/select", "must be a non-empty list of field names");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < sel.size(); ++i) {
            const std::string ptr = jsonPointerJoin(std::string("/select"), i);
            if (!sel[i].is_string())
                return invalid(ptr, "must be a field name");
            const std::string f = sel[i].get<std::string>();
            const ColumnView *col = table->column(f);
            if (!col)
                return noSuchField(ptr, f, *table, false);
            if (!seen.insert(f).second)
                return invalid(ptr, "\"" + f + "\" is selected twice");
            q.columns.push_back(col);
        }
        if (int(q.columns.size()) > budget.maxSelectFields)
            return Error(ErrorCode::BudgetExceeded,
                         "/select: " + std::to_string(q.columns.size()) + " fields selected; the limit is " + std::to_string(budget.maxSelectFields),
                         {"Select at most " + std::to_string(budget.maxSelectFields) + " fields"},
                         Json{{"budget", "max_select_fields"}, {"limit", budget.maxSelectFields}, {"requested", q.columns.size()}});
    } else {
        for (const auto &c : table->columns)
            if (int(q.columns.size()) < budget.maxSelectFields)
                q.columns.push_back(&c);
        q.decisions.push_back({{"kind", "select"}, {"detail", "default select: every permitted field"}});
    }
    for (const ColumnView *c : q.columns)
        if (c->action != ColumnAction::Allow)
            q.decisions.push_back({{"kind", "redact"}, {"field", c->name()},
                                   {"action", c->action == ColumnAction::Mask ? "mask" : "hash"}});

    Builder b(m_dialect, *table, budget);
    std::vector<std::string> predicates;

    // Row scopes first: they come from the principal and bound everything the caller adds.
    if (!table->tenantColumn.empty()) {
        if (principal.tenantId.empty())
            return Error(ErrorCode::TenantScopeRequired,
                         "\"" + table->name() + "\" is scoped by tenant and this caller has no tenant",
                         {"Authenticate as a principal with a tenant, or ask an operator to set local_principal.tenant_id"},
                         Json{{"table", table->name()}});
        const ColumnView *tc = table->column(table->tenantColumn);
        const db::ColumnInfo *info = table->info->column(table->tenantColumn);
        Json tenant = principal.tenantId;
        if (info->type == "integer") {
            // A tenant id that is not a number matches no row of an integer column: fail closed.
            try {
                std::size_t used = 0;
                const long long n = std::stoll(principal.tenantId, &used);
                tenant = used == principal.tenantId.size() ? Json(n) : Json(nullptr);
            } catch (const std::exception &) {
                tenant = nullptr;
            }
        }
        predicates.push_back(tenant.is_null() ? std::string("1 = 0")
                                              : quoteIdentifier(table->tenantColumn) + " = " + b.param(tenant));
        (void)tc;
        q.decisions.push_back({{"kind", "scope"}, {"scope", "tenant"}, {"field", table->tenantColumn}, {"source", "principal.tenant"}});
    }
    if (!table->ownerColumn.empty()) {
        if (principal.userId.empty())
            return Error(ErrorCode::TenantScopeRequired, "\"" + table->name() + "\" is scoped by owner and this caller has no user id",
                         {}, Json{{"table", table->name()}});
        predicates.push_back(quoteIdentifier(table->ownerColumn) + " = " + b.param(principal.userId));
        q.decisions.push_back({{"kind", "scope"}, {"scope", "owner"}, {"field", table->ownerColumn}, {"source", "principal.user"}});
    }
    if (!table->softDeleteColumn.empty()) {
        predicates.push_back(quoteIdentifier(table->softDeleteColumn) + " IS NULL");
        q.decisions.push_back({{"kind", "scope"}, {"scope", "soft_delete"}, {"field", table->softDeleteColumn}});
    }
    const bool hasFilter = args.contains("where") && !args["where"].is_null();
    if (!hasFilter && budget.broadQueryGuard && table->info->estimatedRows >= budget.broadQueryMinRows) {
        std::vector<std::string> indexed;
        for (const auto &c : table->columns)
            if (c.filterable && table->info->hasIndexLeadingWith(c.name()))
                indexed.push_back(c.name());
        return Error(ErrorCode::QueryRejected,
                     "\"" + table->name() + "\" is a large table: give a \"where\" filter instead of reading it whole",
                     {"Filter on an indexed field: " + joinNames(indexed)},
                     Json{{"table", table->name()}, {"guard", "broad_query_guard"}});
    }
    if (hasFilter) {
        auto w = b.condition(args["where"], "/where", 1);
        if (!w)
            return w.takeError();
        predicates.push_back("(" + *w + ")");
    }

    // order_by, then the primary key as a tie-break so pages are deterministic.
    std::set<std::string> ordered;
    if (args.contains("order_by") && !args["order_by"].is_null()) {
        const Json &ob = args["order_by"];
        if (!ob.is_array())
            return invalid("/order_by", "must be a list of {field, direction}");
        if (ob.size() > 5)
            return invalid("/order_by", "at most 5 sort keys");
        for (std::size_t i = 0; i < ob.size(); ++i) {
            const std::string ptr = jsonPointerJoin(std::string("/order_by"), i);
            const Json &o = ob[i];
            if (!o.is_object() || !o.contains("field") || !o["field"].is_string())
                return invalid(ptr, "must be {\"field\": name, \"direction\": \"asc\"|\"desc\"}");
            for (auto it = o.begin(); it != o.end(); ++it)
                if (it.key() != "field" && it.key() != "direction")
                    return invalid(jsonPointerJoin(ptr, it.key()), "unknown key; use \"field\" and \"direction\"");
            const std::string f = o["field"].get<std::string>();
            const ColumnView *col = table->column(f);
            if (!col || !col->filterable)
                return noSuchField(jsonPointerJoin(ptr, "field"), f, *table, true);
            std::string dir = "asc";
            if (o.contains("direction")) {
                if (!o["direction"].is_string() || (o["direction"] != "asc" && o["direction"] != "desc"))
                    return invalid(jsonPointerJoin(ptr, "direction"), "must be \"asc\" or \"desc\"");
                dir = o["direction"].get<std::string>();
            }
            if (!ordered.insert(f).second)
                return invalid(jsonPointerJoin(ptr, "field"), "\"" + f + "\" is sorted on twice");
            q.orderKeys.push_back({col, dir == "desc", 0});
        }
    }
    bool fullKey = !table->primaryKey().empty();
    for (const auto &pk : table->primaryKey()) {
        const ColumnView *col = table->column(pk);
        if (!col || !col->filterable) {
            fullKey = false;
            continue;
        }
        if (ordered.insert(pk).second)
            q.orderKeys.push_back({col, false, 0});
    }
    q.cursorable = fullKey;
    // Sort keys not selected travel as hidden result columns (the next cursor needs them).
    q.visibleColumns = q.columns.size();
    for (auto &k : q.orderKeys) {
        auto at = std::find(q.columns.begin(), q.columns.end(), k.column);
        if (at == q.columns.end()) {
            q.columns.push_back(k.column);
            at = q.columns.end() - 1;
        }
        k.resultIndex = std::size_t(at - q.columns.begin());
    }

    // The binding ties a cursor to this caller, this query's shape and this policy version.
    Json shape = args;
    shape.erase("cursor");
    shape.erase("take");
    q.cursorBinding = CursorCodec::binding(principal.userId, principal.tenantId, shape, m_policy.versionHash());
    if (args.contains("cursor") && !args["cursor"].is_null()) {
        if (!args["cursor"].is_string())
            return invalid("/cursor", "must be the next_cursor string of a previous page");
        if (!m_cursors || !q.cursorable)
            return Error(ErrorCode::InvalidCursor, "/cursor: this query cannot be paged with a cursor",
                         {"Start again without a cursor"});
        auto position = m_cursors->decode(args["cursor"].get<std::string>(), q.cursorBinding);
        if (!position)
            return position.takeError();
        if (!position->is_array() || position->size() != q.orderKeys.size())
            return Error(ErrorCode::InvalidCursor, "/cursor: the cursor does not fit this query", {"Start again without a cursor"});
        // Keyset: rows strictly after the position in (key1, key2, ...) order, with NULLs
        // sorting first ascending and last descending on both engines.
        std::vector<std::string> disjuncts;
        for (std::size_t i = 0; i < q.orderKeys.size(); ++i) {
            std::vector<std::string> terms;
            for (std::size_t j = 0; j < i; ++j) {
                const std::string k = quoteIdentifier(q.orderKeys[j].column->name());
                const Json &v = (*position)[j];
                terms.push_back(v.is_null() ? k + " IS NULL" : k + " = " + b.param(v));
            }
            const auto &key = q.orderKeys[i];
            const std::string k = quoteIdentifier(key.column->name());
            const Json &v = (*position)[i];
            if (!key.descending)
                terms.push_back(v.is_null() ? k + " IS NOT NULL" : k + " > " + b.param(v));
            else if (v.is_null())
                continue; // nothing sorts after NULL when descending
            else
                terms.push_back("(" + k + " < " + b.param(v) + " OR " + k + " IS NULL)");
            std::string conj;
            for (std::size_t t = 0; t < terms.size(); ++t)
                conj += (t ? " AND " : "") + terms[t];
            disjuncts.push_back("(" + conj + ")");
        }
        std::string keyset;
        for (std::size_t i = 0; i < disjuncts.size(); ++i)
            keyset += (i ? " OR " : "") + disjuncts[i];
        predicates.push_back(disjuncts.empty() ? std::string("1 = 0") : "(" + keyset + ")");
        q.decisions.push_back({{"kind", "cursor"}, {"detail", "keyset position from a verified cursor"}});
    }
    std::vector<std::string> orderTerms;
    for (const auto &k : q.orderKeys)
        orderTerms.push_back(quoteIdentifier(k.column->name()) + (k.descending ? " DESC NULLS LAST" : " ASC NULLS FIRST"));

    // take
    q.take = budget.maxRows;
    if (args.contains("take") && !args["take"].is_null()) {
        if (!args["take"].is_number_integer() || args["take"].get<std::int64_t>() < 1)
            return invalid("/take", "must be a positive integer");
        const std::int64_t take = args["take"].get<std::int64_t>();
        if (take > budget.maxRows) {
            q.takeClamped = true;
            q.decisions.push_back({{"kind", "budget"}, {"budget", "max_rows"}, {"limit", budget.maxRows}, {"requested", take}});
        } else {
            q.take = take;
        }
    }

    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < q.columns.size(); ++i)
        sql += (i ? ", " : "") + quoteIdentifier(q.columns[i]->name());
    sql += " FROM " + quoteIdentifier(table->name());
    if (!predicates.empty()) {
        sql += " WHERE ";
        for (std::size_t i = 0; i < predicates.size(); ++i)
            sql += (i ? " AND " : "") + predicates[i];
    }
    if (!orderTerms.empty()) {
        sql += " ORDER BY ";
        for (std::size_t i = 0; i < orderTerms.size(); ++i)
            sql += (i ? ", " : "") + orderTerms[i];
    }
    sql += " LIMIT " + std::to_string(q.take + 1);
    q.sql = std::move(sql);
    q.params = b.takeParams();
    return q;
}

} // namespace warden
