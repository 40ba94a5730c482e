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

// Read-only connections refuse writes in the database engine itself (SQLite open flag,
// PostgreSQL default_transaction_read_only), whatever SQL reaches them.
enum class AccessMode { ReadOnly, ReadWrite };

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
    // If no statement is running, the next one to start is cancelled instead: an interrupt
    // is reported exactly once, as Cancelled. Never blocks on the network.
    virtual void interrupt() = 0;

    // Forgets an interrupt that has not been reported yet (a pool calls this before it hands
    // the connection to the next job, so a late cancel of one job never hits the next).
    virtual void clearInterrupt() {}

    virtual Result<Schema> introspect() = 0;
};

// Opens a connection for the configured driver. `password` is the resolved secret (empty for
// SQLite); it is used for this call only and not kept by Warden (libpq keeps its own copy
// inside the connection so that it can reconnect). Failures are ErrorCode::Unavailable with
// a sentence that names what to fix and never carries the server's own error text.
Result<std::unique_ptr<Connection>> openConnection(const DatabaseConfig &config,
                                                   const std::string &password,
                                                   AccessMode access = AccessMode::ReadOnly);

} // namespace warden::db
