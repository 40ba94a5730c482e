#include "CostEstimator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden {
namespace {

std::string word(const std::string &text, std::size_t from)
{
    const std::size_t end = text.find(' ', from);
    return text.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// How many columns of "(a=? AND b>?)" are constrained by equality.
int equalityTerms(const std::string &detail)
{
    const std::size_t open = detail.rfind('(');
    if (open == std::string::npos)
        return 0;
    int n = 0;
    for (std::size_t i = detail.find('=', open); i != std::string::npos;
         i = detail.find('=', i + 1))
        if (i > 0 && detail[i - 1] != '<' && detail[i - 1] != '>' && detail[i - 1] != '!')
            ++n;
    return n;
}

} // namespace

std::string CostEstimator::model(db::Dialect dialect)
{
    if (dialect == db::Dialect::Postgres)
        return "postgres: EXPLAIN (FORMAT JSON) total cost in planner units";
    return "sqlite: rows read per EXPLAIN QUERY PLAN (SCAN = table rows, SEARCH = rows per key "
           "from sqlite_stat1 or "
           "10, range-only SEARCH = a quarter of the table, rowid or primary-key lookup = 1)";
}

double CostEstimator::sqliteLineCost(const std::string &detail, const db::Schema &schema)
{
    const bool scan = detail.rfind("SCAN ", 0) == 0;
    const bool search = detail.rfind("SEARCH ", 0) == 0;
    if (!scan && !search)
        return 0; // USE TEMP B-TREE, CO-ROUTINE, MATERIALIZE, COMPOUND ...
    const std::string name = word(detail, scan ? 5 : 7);
    const db::TableInfo *table = schema.table(name);
    if (!table)
        return 0; // a subquery or CTE: its own lines are counted
    const double rows = double(std::max<std::int64_t>(table->estimatedRows, 0));
    if (scan)
        return rows;
    if (detail.find("USING INTEGER PRIMARY KEY") != std::string::npos
        || detail.find("USING PRIMARY KEY") != std::string::npos)
        return 1;
    const int equal = equalityTerms(detail);
    if (equal == 0)
        return std::max(10.0, rows / 4);
    const std::string marker = "INDEX ";
    const std::size_t at = detail.find(marker);
    if (at != std::string::npos) {
        const auto stat = schema.indexStats.find(word(detail, at + marker.size()));
        // sqlite_stat1: "rows avg-rows-per-value-of-first-column avg-per-first-two ..."
        if (stat != schema.indexStats.end() && std::size_t(equal) < stat->second.size())
            return double(std::max<std::int64_t>(stat->second[std::size_t(equal)], 1));
    }
    return std::min(10.0, std::max(rows, 1.0));
}

Result<CostEstimator::Estimate>
CostEstimator::estimate(const std::string &sql, const std::vector<Json> &params, int timeoutMs)
{
    return m_conn.dialect() == db::Dialect::Postgres ? postgres(sql, params, timeoutMs)
                                                     : sqlite(sql, params, timeoutMs);
}

Result<CostEstimator::Estimate>
CostEstimator::sqlite(const std::string &sql, const std::vector<Json> &params, int timeoutMs)
{
    db::QueryOptions options;
    options.timeoutMs = timeoutMs;
    // EXPLAIN QUERY PLAN compiles the statement and describes it; the statement never runs.
    auto plan = m_conn.query("EXPLAIN QUERY PLAN " + sql, params, options);
    if (!plan)
        return plan.takeError();
    // Loops that share a parent in the plan are nested in the order listed: each runs once
    // per row of the loops before it, so its cost is multiplied by the rows they yield.
    Estimate e;
    std::map<std::int64_t, double> outerRows; // per parent line
    for (const auto &row : plan->rows) {
        if (row.size() < 4 || !row[3].is_string())
            continue;
        const std::string detail = row[3].get<std::string>();
        const std::int64_t parent = row[1].is_number_integer() ? row[1].get<std::int64_t>() : 0;
        const double perPass = sqliteLineCost(detail, m_schema);
        double cost = 0;
        if (perPass > 0) {
            auto outer = outerRows.try_emplace(parent, 1.0).first;
            cost = perPass * outer->second;
            outer->second *= perPass;
        }
        e.cost += cost;
        e.plan.push_back({ { "detail", detail }, { "cost", cost } });
    }
    e.cost = std::max(e.cost, 1.0);
    return e;
}

Result<CostEstimator::Estimate>
CostEstimator::postgres(const std::string &sql, const std::vector<Json> &params, int timeoutMs)
{
    db::QueryOptions options;
    options.timeoutMs = timeoutMs;
    // Plain EXPLAIN plans the statement with the bound values and does not execute it.
    auto plan = m_conn.query("EXPLAIN (FORMAT JSON) " + sql, params, options);
    if (!plan)
        return plan.takeError();
    if (plan->rows.empty() || plan->rows[0].empty() || !plan->rows[0][0].is_string())
        return Error(ErrorCode::Internal,
                     "the database returned no plan to estimate the cost from");
    const Json doc = Json::parse(plan->rows[0][0].get<std::string>(), nullptr, false);
    if (!doc.is_array() || doc.empty() || !doc[0].contains("Plan")
        || !doc[0]["Plan"].contains("Total Cost") || !doc[0]["Plan"]["Total Cost"].is_number()) {
        spdlog::debug("postgres: unexpected EXPLAIN output shape");
        return Error(ErrorCode::Internal, "the database returned a plan without a cost");
    }
    const Json &top = doc[0]["Plan"];
    Estimate e;
    e.cost = top["Total Cost"].get<double>();
    e.plan.push_back({ { "node", top.value("Node Type", std::string()) },
                       { "rows", top.value("Plan Rows", Json()) },
                       { "cost", e.cost } });
    return e;
}

} // namespace warden
