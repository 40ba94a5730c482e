#pragma once

#include "Connection.h"

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct pg_conn;
struct pg_cancel;
struct pg_result;

namespace warden::db {

// A Connection on libpq. Each statement runs in one pipelined round trip:
//   [BEGIN [READ ONLY]] ; SET LOCAL statement_timeout ; [Parse] ; Bind/Execute ; [COMMIT] ; Sync
// so the server enforces the timeout and, on a read-only connection, the read-only
// transaction, while compiled statements are reused (an LRU of named prepared statements keyed
// by SQL text). Rows arrive in single-row mode: maxRows never pulls a whole result into
// memory. A dropped connection is reset once; a read-only statement outside an explicit
// transaction is then retried.
//
// Values: int2/int4/int8/oid → integer; float4/float8 → double; numeric → integer when it is
// integral and fits 64 bits, double when it has at most 15 significant digits (so the double
// prints back as the same decimal), else the exact decimal string; bool → bool; bytea →
// base64; everything else (json, jsonb, dates in ISO form and UTC, uuid, arrays) → string.
//
// Thread-safety: one thread at a time uses the connection; interrupt() and clearInterrupt()
// may be called from any thread while the connection is alive and never block (the worker
// sends the cancel request itself, from its wait loop).
class PgConnection final : public Connection
{
public:
    static constexpr std::size_t statementCacheCapacity = 64;

    static Result<std::unique_ptr<PgConnection>> open(const DatabaseConfig &config,
                                                      const std::string &password,
                                                      AccessMode access = AccessMode::ReadOnly);
    ~PgConnection() override;

    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    Dialect dialect() const override { return Dialect::Postgres; }

    Result<RowSet> query(std::string_view sql, const std::vector<Json> &params,
                         const QueryOptions &options) override;
    Result<std::int64_t> execute(std::string_view sql, const std::vector<Json> &params,
                                 const QueryOptions &options) override;

    // After a failed statement inside an explicit transaction the transaction is aborted:
    // the caller must rollback().
    Status begin(bool readOnly) override;
    Status commit() override;
    void rollback() override;

    void interrupt() override;
    void clearInterrupt() override;

    // Tables, views and materialised views of the `public` schema that this role may SELECT.
    Result<Schema> introspect() override;

    // The server process serving this connection (tests terminate it to prove reconnection).
    int backendPid() const;
    std::size_t cachedStatementCount() const { return m_lru.size(); }

private:
    struct Prepared
    {
        std::string sql;
        std::string name;
    };
    struct Wait; // one operation's deadlines and cancel bookkeeping
    struct Outcome;

    PgConnection(pg_conn *conn, AccessMode access, std::string target);

    Status setupSession();
    Status ensureConnected();
    Result<Outcome> run(std::string_view sql, const std::vector<Json> &params,
                        const QueryOptions &options, bool collect);
    Outcome runOnce(std::string_view sql, const std::vector<const char *> &values,
                    const QueryOptions &options, bool collect);
    Status command(const char *sql, int timeoutMs);
    Status rollbackIfFailed();

    bool waitForResult(Wait &wait);
    void checkCancel(Wait &wait);
    void sendCancel();
    Error errorFor(pg_result *result, const char *what);
    Error lostError();

    pg_conn *m_conn = nullptr;
    pg_cancel *m_cancel = nullptr;
    AccessMode m_access;
    std::string m_target; // host:port/dbname for log lines

    std::list<Prepared> m_lru; // most recently used first
    std::unordered_map<std::string_view, std::list<Prepared>::iterator> m_cache;
    std::uint64_t m_nextStatement = 0;

    bool m_inTransaction = false;
    bool m_broken = false;
    std::atomic<bool> m_interrupted { false };
};

} // namespace warden::db
