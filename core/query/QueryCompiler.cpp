#include "QueryCompiler.h"

#include "CursorCodec.h"
#include "SqlBuilder.h"
#include "common/JsonPointer.h"

#include <cmath>
#include <set>

namespace warden {
namespace {

// Shared with the other compilers (includes, db_get, db_aggregate).
using compile::invalid;
using compile::joinNames;
using compile::noSuchField;
using Builder = SqlBuilder;

} // namespace

std::string CompiledQuery::binding() const
{
    if (cursorBinding.empty())
        cursorBinding = CursorCodec::binding(bindingPrincipal, bindingTenant, bindingShape, bindingPolicyVersion);
    return cursorBinding;
}

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
    auto readable = compile::checkedTable(m_policy, args, principal, {"table", "select", "where", "order_by", "take", "cursor", "include"},
                                          "{\"table\": \"orders\"}");
    if (!readable)
        return readable.takeError();
    const TableView *table = *readable;
    const Budget &budget = table->budget;
    CompiledQuery q;
    q.table = table;
    q.timeoutMs = budget.statementTimeoutMs;

    // select
    auto selected = SqlBuilder::selectList(*table, args.value("select", Json()), "/select", q.decisions);
    if (!selected)
        return selected.takeError();
    q.columns = std::move(selected).value();

    Builder b(m_dialect, *table, budget);
    std::vector<std::string> predicates;

    // Row scopes first: they come from the principal and bound everything the caller adds.
    auto scopes = b.rowScopes(principal, q.decisions);
    if (!scopes)
        return scopes.takeError();
    predicates = std::move(scopes).value();
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
    // Included relations: the parent link columns they need travel hidden like sort keys.
    if (args.contains("include") && !args["include"].is_null()) {
        IncludeCompiler includes(m_policy, m_dialect, principal, budget.maxIncludeDepth);
        auto plans = includes.compile(args["include"], "/include", *table, q.columns, q.decisions);
        if (!plans)
            return plans.takeError();
        q.includes = std::move(plans).value();
    }

    // The binding ties a cursor to this caller, this query's shape and this policy version.
    // Computing it hashes the canonical query, so it is done only when a cursor is read here
    // or written after the fetch (CompiledQuery::binding()).
    q.bindingShape = args;
    q.bindingShape.erase("cursor");
    q.bindingShape.erase("take");
    q.bindingPrincipal = principal.userId;
    q.bindingTenant = principal.tenantId;
    q.bindingPolicyVersion = m_policy.versionHash();
    if (args.contains("cursor") && !args["cursor"].is_null()) {
        q.cursorBinding = q.binding();
        if (!args["cursor"].is_string())
            return invalid("/cursor", "must be the next_cursor string of a previous page");
        if (!m_cursors || !q.cursorable)
            return Error(ErrorCode::InvalidCursor, "/cursor: this query cannot be paged with a cursor",
                         {"Start again without a cursor"});
        auto position = m_cursors->decode(args["cursor"].get<std::string>(), q.binding());
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
