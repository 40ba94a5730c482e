#pragma once

#include "Connection.h"

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace warden::db {

// A Connection on the SQLite C API. Opened read-only unless asked otherwise, with the
// engine's own guards on: defensive mode, untrusted schema, no ATTACH, tight size limits, no
// mmap. Statement timeouts and interrupts run through one progress handler that checks a
// steady-clock deadline and an atomic flag, so a stopped query leaves the connection usable.
// Compiled statements are kept in a small LRU cache keyed by SQL text.
//
// Thread-safety: one thread at a time uses the connection; interrupt() and clearInterrupt()
// may be called from any thread while the connection is alive.
class SqliteConnection final : public Connection
{
public:
    struct Options
    {
        AccessMode access = AccessMode::ReadOnly;
        bool create = false; // read-write only: create the file if it is missing
        int busyTimeoutMs = 5000; // waiting for another writer's lock, capped by the deadline
    };

    static constexpr std::size_t statementCacheCapacity = 64;

    static Result<std::unique_ptr<SqliteConnection>> open(const std::string &path,
                                                          const Options &options);
    static Result<std::unique_ptr<SqliteConnection>> open(const std::string &path)
    {
        return open(path, Options {});
    }
    // A state file of Warden's own (usage counters, approvals): its folder made if missing,
    // the file created read-write, in WAL mode. A folder that cannot be made is Unavailable,
    // "cannot create the folder of <what> <path>; <hint>".
    static Result<std::unique_ptr<SqliteConnection>> openStateFile(const std::string &path, const std::string &what,
                                                                   const std::string &hint);
    ~SqliteConnection() override;

    SqliteConnection(const SqliteConnection &) = delete;
    SqliteConnection &operator=(const SqliteConnection &) = delete;

    Dialect dialect() const override { return Dialect::Sqlite; }

    Result<RowSet> query(std::string_view sql, const std::vector<Json> &params,
                         const QueryOptions &options) override;
    Result<std::int64_t> execute(std::string_view sql, const std::vector<Json> &params,
                                 const QueryOptions &options) override;

    // BEGIN (deferred). On a read-write connection begin(true) also turns on query_only until
    // the transaction ends; on a read-only connection the open flag already refuses writes.
    Status begin(bool readOnly) override;
    Status commit() override;
    void rollback() override;

    void interrupt() override;
    void clearInterrupt() override;

    Result<Schema> introspect() override;

    // For the raw-SQL validator (authorizer callbacks) only: never run statements through it
    // behind this class's back while a query is in progress.
    sqlite3 *nativeHandle() const { return m_db; }

    std::size_t cachedStatementCount() const { return m_cache.size(); }

private:
    enum class Abort { None, Timeout, Cancelled };
    struct CachedStatement
    {
        std::string sql;
        sqlite3_stmt *stmt = nullptr;
    };

    SqliteConnection(sqlite3 *db, std::string path, AccessMode access, int busyTimeoutMs);

    // Compiles (or finds in the cache) exactly one statement.
    Result<sqlite3_stmt *> prepare(std::string_view sql);
    Status bind(sqlite3_stmt *stmt, const std::vector<Json> &params);
    // Runs `stmt` collecting at most maxRows rows (maxRows < 0: all; collect false: none).
    Status run(sqlite3_stmt *stmt, const QueryOptions &options, bool collect, RowSet *out);
    Status simple(const char *sql);
    Result<Schema> introspectTables(const QueryOptions &options);
    void endQueryOnly();

    Error failure(int code, const char *what, int timeoutMs);
    static Error cancelledError();
    static Error timeoutError(int timeoutMs);
    bool takeInterrupt();
    void startClock(int timeoutMs);
    void stopClock();

    static int progressHandler(void *self);
    static int busyHandler(void *self, int attempts);

    sqlite3 *m_db = nullptr;
    std::string m_path;
    AccessMode m_access;
    int m_busyTimeoutMs;
    bool m_queryOnlyTransaction = false;

    std::list<CachedStatement> m_lru; // most recently used first
    std::unordered_map<std::string_view, std::list<CachedStatement>::iterator> m_cache;

    // Read by the progress and busy handlers, which SQLite calls on the thread running the
    // statement: only the interrupt flag crosses threads.
    std::chrono::steady_clock::time_point m_deadline;
    std::chrono::steady_clock::time_point m_busySince;
    bool m_hasDeadline = false;
    bool m_checking = false; // a caller's statement is running (not ROLLBACK or a pragma)
    Abort m_abort = Abort::None;
    std::atomic<bool> m_interrupted { false };
};

} // namespace warden::db
