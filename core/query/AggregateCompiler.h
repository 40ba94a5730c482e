#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <cstdint>
#include <string>
#include <vector>

namespace warden {

// A db_aggregate request compiled to parameterised SQL, plus what the policy decided.
struct CompiledAggregate
{
    struct Metric
    {
        std::string name; // the key in each group ("count", "sum_total_cents", or `as`)
        std::string op; // count, count_distinct, sum, avg, min, max
        const ColumnView *column = nullptr; // nullptr: count(*)
    };

    std::string sql; // result columns: the group columns, then the metrics
    std::vector<Json> params;
    std::string suppressedSql; // counts the groups dropped as too small (grouped, k > 1)
    std::vector<Json> suppressedParams;
    const TableView *table = nullptr;
    std::vector<const ColumnView *> groupBy;
    std::vector<Metric> metrics;
    std::int64_t maxGroups = 0; // groups returned at most; the statement fetches one more
    std::int64_t minGroupSize = 1; // k: groups of fewer rows are dropped
    int timeoutMs = 0;
    Json decisions = Json::array();
};

// Compiles db_aggregate {table, metrics: [{op, field?, as?}], where?, group_by?, min_group_size?}.
// Column rules hold for aggregates too: group_by needs filterable fields; sum, avg, min and max
// need fields shown as they are (an aggregate of a masked or hashed column would return the
// raw value it hides); count_distinct on a masked or hashed field needs it filterable. Groups
// smaller than k = max(min_group_size, the table's budget.min_group_size) are dropped in SQL
// (HAVING COUNT(*) >= k) and only counted.
class AggregateCompiler
{
public:
    AggregateCompiler(const Policy &policy, db::Dialect dialect)
        : m_policy(policy)
        , m_dialect(dialect)
    {
    }

    Result<CompiledAggregate> compile(const Json &arguments, const Principal &principal) const;

    static const std::vector<std::string> &operations();

private:
    const Policy &m_policy;
    db::Dialect m_dialect;
};

} // namespace warden
