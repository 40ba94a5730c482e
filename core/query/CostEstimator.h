#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "db/Schema.h"

#include <cstdint>
#include <string>
#include <vector>

namespace warden {

// Estimates what one compiled statement would cost, without running it (docs/policy.md
// "Cost model"). PostgreSQL: the planner's total cost from EXPLAIN (FORMAT JSON). SQLite has
// no cost figure, so the estimate is the rows the plan reads, from EXPLAIN QUERY PLAN: a
// full SCAN of a table costs its estimated rows; a SEARCH through an index costs the rows
// per key that sqlite_stat1 records for the equality-constrained prefix (10 without
// statistics, a quarter of the table for a range-only search); a rowid or primary-key
// lookup costs 1; everything else (sorters, co-routines) costs nothing extra. Loops under the
// same plan parent are nested: each is multiplied by the rows of the loops before it. Table
// sizes and sqlite_stat1 come from the schema, as its introspection read them.
// Used on a worker thread with that worker's connection.
class CostEstimator
{
public:
    struct Estimate
    {
        double cost = 0;
        Json plan = Json::array(); // SQLite: the plan lines; PostgreSQL: the top plan node type
    };

    CostEstimator(db::Connection &connection, const db::Schema &schema)
        : m_conn(connection)
        , m_schema(schema)
    {
    }

    Result<Estimate> estimate(const std::string &sql, const std::vector<Json> &params,
                              int timeoutMs);

    // One sentence naming the model, reported with every estimate.
    static std::string model(db::Dialect dialect);

    // The SQLite model for one EXPLAIN QUERY PLAN line: the rows one pass of it reads, with
    // the table sizes and index statistics (sqlite_stat1) of `schema` (public for tests).
    static double sqliteLineCost(const std::string &detail, const db::Schema &schema);

private:
    Result<Estimate> sqlite(const std::string &sql, const std::vector<Json> &params, int timeoutMs);
    Result<Estimate> postgres(const std::string &sql, const std::vector<Json> &params,
                              int timeoutMs);

    db::Connection &m_conn;
    const db::Schema &m_schema;
};

} // namespace warden
