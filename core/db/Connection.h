#pragma once

#include "Schema.h"
#include "common/Json.h"
#include "common/Result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden {
struct DatabaseConfig;
}

namespace warden::db {

enum class Dialect { Sqlite, Postgres };

struct QueryOptions
{
    int timeoutMs = 2000;          // enforced by the database engine, not by a client timer
    std::int64_t maxRows = -1;     // stop fetching after this many rows (-1: all)
};

struct RowSet
{
    std::vector<std::string> columns;
    std::vector<std::vector<Json>> rows;
    bool moreRowsAvailable = false; // maxRows stopped the fetch before the end
};

// One connection to a target database, used by exactly one worker thread at a time.
// Values travel as JSON scalars (null, bool, integer, float, string). Database error text
// never leaves this layer: failures become stable codes, the detail goes to the log.
class Connection
{
public:
    virtual ~Connection() = default;

    virtual Dialect dialect() const = 0;

    // Runs one statement with positional parameters ("?" for SQLite, "$n" for PostgreSQL).
    virtual Result<RowSet> query(std::string_view sql, const std::vector<Json> &params,
                                 const QueryOptions &options) = 0;

    // Runs a statement that returns no rows; yields the number of affected rows.
    virtual Result<std::int64_t> execute(std::string_view sql, const std::vector<Json> &params,
                                         const QueryOptions &options) = 0;

    virtual Status begin(bool readOnly) = 0;
    virtual Status commit() = 0;
    virtual void rollback() = 0;

    // Thread-safe: stops the statement running now (QUERY_TIMEOUT is not reported for it;
    // the caller sees Cancelled). The connection stays usable afterwards.
    virtual void interrupt() = 0;

    virtual Result<Schema> introspect() = 0;
};

// Opens a connection for the configured driver. `password` is the resolved secret (empty for
// SQLite); it is used for this call only and not kept.
Result<std::unique_ptr<Connection>> openConnection(const DatabaseConfig &config,
                                                   const std::string &password);

} // namespace warden::db
