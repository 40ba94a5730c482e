#include "IncludeCompiler.h"

#include "QueryCompiler.h"
#include "SqlBuilder.h"
#include "common/JsonPointer.h"

#include <algorithm>
#include <set>

namespace warden {
namespace {

using compile::invalid;
using compile::joinNames;

// The index of `name` in `columns`, appending the column (hidden) when it is not there.
std::size_t indexOf(std::vector<const ColumnView *> &columns, const ColumnView *column)
{
    auto at = std::find(columns.begin(), columns.end(), column);
    if (at != columns.end())
        return std::size_t(at - columns.begin());
    columns.push_back(column);
    return columns.size() - 1;
}

std::string joined(const std::vector<std::string> &parts, const char *separator)
{
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? separator : "") + parts[i];
    return out;
}

Error depthExceeded(const std::string &pointer, int limit, int requested)
{
    return Error(
        ErrorCode::BudgetExceeded,
        pointer + ": includes are nested " + std::to_string(requested)
            + " levels deep; the limit is " + std::to_string(limit),
        { limit == 0 ? std::string("This table allows no includes; query related tables separately")
                     : "Nest includes at most " + std::to_string(limit) + " levels deep" },
        Json { { "pointer", pointer },
               { "budget", "max_include_depth" },
               { "limit", limit },
               { "requested", requested } });
}

} // namespace

std::string IncludePlan::sql(std::size_t keys) const
{
    std::string list;
    for (std::size_t i = 0; i < keys; ++i)
        list += (i ? ", " : "") + SqlBuilder::placeholder(dialect, params.size() + i + 1);
    return sqlHead + list + sqlTail;
}

std::string IncludePlan::displaySql() const
{
    return sqlHead + "<parent keys>" + sqlTail;
}

Result<std::vector<IncludePlan>>
IncludeCompiler::compile(const Json &include, const std::string &pointer, const TableView &parent,
                         std::vector<const ColumnView *> &parentColumns, Json &decisions) const
{
    return compileLevel(include, pointer, parent, std::string(), parentColumns, 1, decisions);
}

Result<std::vector<IncludePlan>>
IncludeCompiler::compileLevel(const Json &include, const std::string &pointer,
                              const TableView &parent, const std::string &parentPath,
                              std::vector<const ColumnView *> &parentColumns, int depth,
                              Json &decisions) const
{
    std::vector<IncludePlan> plans;
    if (include.is_null())
        return plans;
    if (!include.is_array())
        return invalid(pointer, "must be a list of {relation, select?, where?, take?, include?}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < include.size(); ++i) {
        const std::string ptr = jsonPointerJoin(pointer, i);
        const Json &item = include[i];
        if (!item.is_object())
            return invalid(
                ptr,
                "must be {\"relation\": name, \"select\"?, \"where\"?, \"take\"?, \"include\"?}");
        for (auto it = item.begin(); it != item.end(); ++it)
            if (it.key() != "relation" && it.key() != "select" && it.key() != "where"
                && it.key() != "take" && it.key() != "include")
                return invalid(jsonPointerJoin(ptr, it.key()), "unknown key",
                               { "An include has relation, select, where, take and include" });
        if (!item.contains("relation") || !item["relation"].is_string())
            return invalid(jsonPointerJoin(ptr, "relation"),
                           "is required: a relation name from db_describe_schema");
        const std::string name = item["relation"].get<std::string>();
        const auto relation = m_policy.relation(parent.name(), name, m_principal);
        if (!relation) {
            // Hints name only what this caller may follow: never a hidden table or relation.
            std::vector<std::string> allowed;
            for (const RelationView &r : m_policy.relations(parent.name(), m_principal))
                allowed.push_back(r.name());
            const std::string rptr = jsonPointerJoin(ptr, "relation");
            return Error(
                ErrorCode::RelationNotAllowed,
                rptr + ": \"" + name + "\" is not a relation of \"" + parent.name()
                    + "\" you can include",
                { allowed.empty()
                      ? "\"" + parent.name() + "\" has no relations you can include"
                      : "Relations of \"" + parent.name() + "\": " + joinNames(allowed) },
                Json { { "pointer", rptr }, { "relation", name }, { "table", parent.name() } });
        }
        if (depth > m_maxDepth)
            return depthExceeded(ptr, m_maxDepth, depth);
        if (!seen.insert(name).second)
            return invalid(jsonPointerJoin(ptr, "relation"), "\"" + name + "\" is included twice");

        const TableView &target = *relation->target;
        IncludePlan plan;
        plan.name = name;
        plan.path = parentPath.empty() ? name : parentPath + "." + name;
        plan.kind = relation->kind();
        plan.table = &target;
        plan.dialect = m_dialect;
        plan.timeoutMs = target.budget.statementTimeoutMs;
        plan.parentKey = indexOf(parentColumns, relation->column);

        auto columns = SqlBuilder::selectList(target, item.value("select", Json()),
                                              jsonPointerJoin(ptr, "select"), decisions);
        if (!columns)
            return columns.takeError();
        plan.columns = std::move(columns).value();
        plan.visibleColumns = plan.columns.size();
        plan.linkColumn = indexOf(plan.columns, relation->targetColumn);

        // Scopes of the related table first, then the include's own filter, as for a query.
        SqlBuilder b(m_dialect, target, target.budget);
        auto scopes = b.rowScopes(m_principal, decisions);
        if (!scopes)
            return scopes.takeError();
        std::vector<std::string> predicates = std::move(scopes).value();
        if (item.contains("where") && !item["where"].is_null()) {
            auto w = b.condition(item["where"], jsonPointerJoin(ptr, "where"), 1);
            if (!w)
                return w.takeError();
            predicates.push_back("(" + *w + ")");
        }

        const bool oneToMany = plan.kind == Relation::Kind::OneToMany;
        if (item.contains("take") && !item["take"].is_null()) {
            const std::string tptr = jsonPointerJoin(ptr, "take");
            if (!oneToMany)
                return invalid(tptr,
                               "\"take\" applies to one_to_many relations; \"" + name
                                   + "\" is at most one row");
            if (!item["take"].is_number_integer() || item["take"].get<std::int64_t>() < 1)
                return invalid(tptr, "must be a positive integer");
            plan.explicitTake = true;
            plan.take = item["take"].get<std::int64_t>();
        } else if (oneToMany) {
            plan.take = target.budget.maxRows;
        }
        if (plan.take > target.budget.maxRows) {
            plan.takeClamped = true;
            decisions.push_back({ { "kind", "budget" },
                                  { "budget", "max_rows" },
                                  { "include", plan.path },
                                  { "limit", target.budget.maxRows },
                                  { "requested", plan.take } });
            plan.take = target.budget.maxRows;
        }

        Json decision = { { "kind", "include" },
                          { "relation", name },
                          { "path", plan.path },
                          { "table", target.name() },
                          { "relation_kind", Relation::kindName(plan.kind) } };
        if (oneToMany)
            decision["take_per_parent"] = plan.take;
        decisions.push_back(std::move(decision));

        if (item.contains("include") && !item["include"].is_null()) {
            auto nested = compileLevel(item["include"], jsonPointerJoin(ptr, "include"), target,
                                       plan.path, plan.columns, depth + 1, decisions);
            if (!nested)
                return nested.takeError();
            plan.includes = std::move(nested).value();
        }

        // Rows of one parent come in primary-key order; a key the caller cannot sort on is
        // not used, so the order never reveals it.
        std::vector<std::string> keyOrder;
        for (const auto &pk : target.primaryKey())
            if (const ColumnView *c = target.column(pk); c && c->filterable)
                keyOrder.push_back(QueryCompiler::quoteIdentifier(pk));
        std::vector<std::string> selected;
        for (const ColumnView *c : plan.columns)
            selected.push_back(QueryCompiler::quoteIdentifier(c->name()));
        const std::string list = joined(selected, ", ");
        const std::string link = QueryCompiler::quoteIdentifier(relation->targetColumn->name());
        predicates.push_back(link + " IN (");
        const std::string where = " WHERE " + joined(predicates, " AND ");
        // A many_to_one through the target's key has one row per parent; anything else is
        // capped per parent with ROW_NUMBER() (SQLite 3.25+ and PostgreSQL alike).
        const bool byKey = target.primaryKey().size() == 1
            && target.primaryKey().front() == relation->targetColumn->name();
        if (!oneToMany && byKey) {
            plan.sqlHead =
                "SELECT " + list + " FROM " + QueryCompiler::quoteIdentifier(target.name()) + where;
            plan.sqlTail = ") ORDER BY " + link;
        } else {
            const std::int64_t perParent =
                oneToMany ? plan.take + 1 : 1; // one more tells whether more exist
            const std::string order =
                keyOrder.empty() ? std::string() : " ORDER BY " + joined(keyOrder, ", ");
            plan.sqlHead = "SELECT " + list + " FROM (SELECT " + list
                + ", ROW_NUMBER() OVER (PARTITION BY " + link + order + ") AS \"warden_rn\" FROM "
                + QueryCompiler::quoteIdentifier(target.name()) + where;
            plan.sqlTail = ")) AS \"warden_related\" WHERE \"warden_rn\" <= "
                + std::to_string(perParent) + " ORDER BY " + link + ", \"warden_rn\"";
        }
        plan.params = b.takeParams();
        plans.push_back(std::move(plan));
    }
    return plans;
}

} // namespace warden
