#include "AggregateCompiler.h"

#include "QueryCompiler.h"
#include "SqlBuilder.h"
#include "common/JsonPointer.h"
#include "policy/RelationBuilder.h"

#include <algorithm>
#include <set>

namespace warden {
namespace {

using compile::invalid;
using compile::joinNames;
using compile::noSuchField;

bool isNumeric(const ColumnView &c)
{
    const std::string &t = c.info->type;
    return t == "integer" || t == "real" || t == "numeric";
}

std::vector<std::string> namesWhere(const TableView &t, bool (*keep)(const ColumnView &))
{
    std::vector<std::string> out;
    for (const auto &c : t.columns)
        if (keep(c))
            out.push_back(c.name());
    return out;
}

std::string joined(const std::vector<std::string> &parts, const char *separator)
{
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? separator : "") + parts[i];
    return out;
}

} // namespace

const std::vector<std::string> &AggregateCompiler::operations()
{
    static const std::vector<std::string> ops { "count", "count_distinct", "sum", "avg", "min",
                                                "max" };
    return ops;
}

Result<CompiledAggregate> AggregateCompiler::compile(const Json &args,
                                                     const Principal &principal) const
{
    auto readable = compile::checkedTable(m_policy, args, principal, { "table", "metrics", "where", "group_by", "min_group_size" },
                                          "{\"table\": \"orders\", \"metrics\": [{\"op\": \"count\"}]}");
    if (!readable)
        return readable.takeError();
    const TableView &table = **readable;
    const Budget &budget = table.budget;
    const auto quote = &QueryCompiler::quoteIdentifier;

    CompiledAggregate a;
    a.table = &table;
    a.timeoutMs = budget.statementTimeoutMs;
    a.maxGroups = budget.maxRows;

    // group_by: grouping compares raw values, so the same rule as where and order_by.
    std::set<std::string> names;
    if (args.contains("group_by") && !args["group_by"].is_null()) {
        const Json &g = args["group_by"];
        if (!g.is_array() || g.empty())
            return invalid("/group_by", "must be a non-empty list of field names");
        for (std::size_t i = 0; i < g.size(); ++i) {
            const std::string ptr = jsonPointerJoin(std::string("/group_by"), i);
            if (!g[i].is_string())
                return invalid(ptr, "must be a field name");
            const std::string f = g[i].get<std::string>();
            const ColumnView *col = table.column(f);
            if (!col || !col->filterable)
                return noSuchField(ptr, f, table, true);
            if (!names.insert(f).second)
                return invalid(ptr, "\"" + f + "\" is grouped on twice");
            a.groupBy.push_back(col);
            if (col->action != ColumnAction::Allow)
                a.decisions.push_back(
                    { { "kind", "redact" },
                      { "table", table.name() },
                      { "field", f },
                      { "action", col->action == ColumnAction::Mask ? "mask" : "hash" } });
        }
    }

    // metrics
    if (!args.contains("metrics") || !args["metrics"].is_array() || args["metrics"].empty())
        return invalid(
            "/metrics",
            "is required: a non-empty list of {op, field?, as?}, e.g. [{\"op\": \"count\"}]",
            { "Operations: " + joinNames(operations()) });
    const Json &metrics = args["metrics"];
    for (std::size_t i = 0; i < metrics.size(); ++i) {
        const std::string ptr = jsonPointerJoin(std::string("/metrics"), i);
        const Json &m = metrics[i];
        if (!m.is_object())
            return invalid(ptr, "must be {\"op\": ..., \"field\"?: ..., \"as\"?: ...}");
        for (auto it = m.begin(); it != m.end(); ++it)
            if (it.key() != "op" && it.key() != "field" && it.key() != "as")
                return invalid(jsonPointerJoin(ptr, it.key()),
                               "unknown key; a metric has \"op\", \"field\" and \"as\"");
        const auto &ops = operations();
        if (!m.contains("op") || !m["op"].is_string()
            || std::find(ops.begin(), ops.end(), m["op"].get<std::string>()) == ops.end())
            return invalid(jsonPointerJoin(ptr, "op"), "must be one of " + joinNames(ops),
                           { "Operations: " + joinNames(ops) });
        CompiledAggregate::Metric metric;
        metric.op = m["op"].get<std::string>();
        const std::string fptr = jsonPointerJoin(ptr, "field");
        if (m.contains("field") && !m["field"].is_null()) {
            if (!m["field"].is_string())
                return invalid(fptr, "must be a field name");
            const std::string f = m["field"].get<std::string>();
            metric.column = table.column(f);
            if (!metric.column)
                return noSuchField(fptr, f, table, false);
        } else if (metric.op != "count") {
            return invalid(fptr, "\"" + metric.op + "\" needs a field");
        }
        const ColumnView *col = metric.column;
        if (col && col->action != ColumnAction::Allow) {
            const std::string access = col->action == ColumnAction::Mask ? "masked" : "hashed";
            // An aggregate of the raw values would reveal what the mask or hash hides; the
            // number of distinct values compares raw values, as a filter does.
            if (metric.op == "sum" || metric.op == "avg" || metric.op == "min"
                || metric.op == "max")
                return Error(ErrorCode::FieldNotAllowed,
                             fptr + ": \"" + metric.op + "\" would reveal values of \""
                                 + col->name() + "\", which is " + access,
                             { "Fields you can " + metric.op + ": "
                               + joinNames(namesWhere(table,
                                                      [](const ColumnView &c) {
                                                          return c.action == ColumnAction::Allow;
                                                      })) },
                             Json { { "pointer", fptr },
                                    { "field", col->name() },
                                    { "table", table.name() } });
            if (metric.op == "count_distinct" && !col->filterable)
                return Error(ErrorCode::FieldNotAllowed,
                             fptr + ": \"count_distinct\" compares values of \"" + col->name()
                                 + "\", which is " + access + " and not filterable",
                             { "Use \"count\", or count_distinct a filterable field" },
                             Json { { "pointer", fptr },
                                    { "field", col->name() },
                                    { "table", table.name() } });
        }
        if ((metric.op == "sum" || metric.op == "avg") && !isNumeric(*col))
            return invalid(
                fptr,
                "\"" + metric.op + "\" needs a number field; \"" + col->name() + "\" is "
                    + col->info->type,
                { "Number fields: " + joinNames(namesWhere(table, [](const ColumnView &c) {
                      return c.action == ColumnAction::Allow && isNumeric(c);
                  })) });
        if (m.contains("as") && !m["as"].is_null()) {
            if (!m["as"].is_string() || !RelationBuilder::isSafeName(m["as"].get<std::string>()))
                return invalid(jsonPointerJoin(ptr, "as"),
                               "must be a name of letters, digits and underscores that starts with "
                               "a letter or underscore "
                               "(at most 63), e.g. \"orders\"");
            metric.name = m["as"].get<std::string>();
        } else {
            metric.name = col ? metric.op + "_" + col->name() : metric.op;
        }
        if (!names.insert(metric.name).second)
            return invalid(m.contains("as") ? jsonPointerJoin(ptr, "as") : ptr,
                           "\"" + metric.name
                               + "\" names another metric or a group_by field; give this metric an "
                                 "\"as\" name");
        a.metrics.push_back(std::move(metric));
    }
    if (int(a.metrics.size() + a.groupBy.size()) > budget.maxSelectFields)
        return Error(
            ErrorCode::BudgetExceeded,
            "/metrics: " + std::to_string(a.metrics.size() + a.groupBy.size())
                + " metrics and group fields; the limit is "
                + std::to_string(budget.maxSelectFields),
            { "Ask for at most " + std::to_string(budget.maxSelectFields)
              + " metrics and group fields together" },
            Json { { "budget", "max_select_fields" }, { "limit", budget.maxSelectFields } });

    // k: the stricter of the caller's wish and the policy's floor.
    std::int64_t requested = 1;
    if (args.contains("min_group_size") && !args["min_group_size"].is_null()) {
        const Json &k = args["min_group_size"];
        if (!k.is_number_integer() || k.get<std::int64_t>() < 1 || k.get<std::int64_t>() > 1000000)
            return invalid("/min_group_size", "must be an integer from 1 to 1000000");
        requested = k.get<std::int64_t>();
    }
    a.minGroupSize = std::max(requested, budget.minGroupSize);
    if (a.minGroupSize > 1)
        a.decisions.push_back(
            { { "kind", "suppression" },
              { "min_group_size", a.minGroupSize },
              { "source", budget.minGroupSize >= requested ? "policy" : "request" },
              { "detail", "groups of fewer rows are dropped and counted in suppressed_groups" } });

    SqlBuilder b(m_dialect, table, budget);
    auto scopes = b.rowScopes(principal, a.decisions);
    if (!scopes)
        return scopes.takeError();
    std::vector<std::string> predicates = std::move(scopes).value();
    if (args.contains("where") && !args["where"].is_null()) {
        auto w = b.condition(args["where"], "/where", 1);
        if (!w)
            return w.takeError();
        predicates.push_back("(" + *w + ")");
    }

    std::vector<std::string> groupTerms, orderTerms, selected;
    for (const ColumnView *g : a.groupBy) {
        groupTerms.push_back(quote(g->name()));
        orderTerms.push_back(quote(g->name()) + " ASC NULLS FIRST");
        selected.push_back(quote(g->name()));
    }
    for (const auto &m : a.metrics) {
        std::string expr;
        if (m.op == "count")
            expr = m.column ? "COUNT(" + quote(m.column->name()) + ")" : std::string("COUNT(*)");
        else if (m.op == "count_distinct")
            expr = "COUNT(DISTINCT " + quote(m.column->name()) + ")";
        else
            expr = (m.op == "sum"       ? "SUM("
                        : m.op == "avg" ? "AVG("
                        : m.op == "min" ? "MIN("
                                        : "MAX(")
                + quote(m.column->name()) + ")";
        selected.push_back(expr + " AS " + quote(m.name));
    }
    const std::string from = " FROM " + quote(table.name())
        + (predicates.empty() ? std::string() : " WHERE " + joined(predicates, " AND "));
    const std::string grouping =
        groupTerms.empty() ? std::string() : " GROUP BY " + joined(groupTerms, ", ");
    std::string having;
    a.params = b.takeParams();
    if (a.minGroupSize > 1) {
        // The same placeholder number in both statements: k follows the filter's values.
        const std::string k = SqlBuilder::placeholder(m_dialect, a.params.size() + 1);
        having = " HAVING COUNT(*) >= " + k;
        if (!a.groupBy.empty()) {
            a.suppressedSql = "SELECT COUNT(*) FROM (SELECT 1 AS \"one\"" + from + grouping
                + " HAVING COUNT(*) < " + k + ") AS \"warden_small_groups\"";
            a.suppressedParams = a.params;
            a.suppressedParams.push_back(a.minGroupSize);
        }
        a.params.push_back(a.minGroupSize);
    }
    a.sql = "SELECT " + joined(selected, ", ") + from + grouping + having;
    if (!orderTerms.empty())
        a.sql +=
            " ORDER BY " + joined(orderTerms, ", ") + " LIMIT " + std::to_string(a.maxGroups + 1);
    return a;
}

} // namespace warden
