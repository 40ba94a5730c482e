#pragma once

#include "AuditBackend.h"
#include "config/ServerConfig.h"
#include "db/Connection.h"

#include <memory>
#include <string>
#include <string_view>

namespace warden::db {
class PgConnection;
}

namespace warden::audit {

// The PostgreSQL audit store: one database that several Warden servers share, each server
// keeping its own chain, named by audit.chain. Schema (format 1, created if missing):
//
//   audit_meta(key text PRIMARY KEY, value text NOT NULL)     -- 'format' = '1'
//   audit_records(chain text, seq bigint, time_ms, kind, instance, session, principal, tenant,
//                 tool, outcome, error_code, body text, prev_hash bytea, hash bytea, mac bytea,
//                 PRIMARY KEY (chain, seq))                    -- as in AuditStore.h, per chain
//   audit_checkpoints(chain, seq, time_ms, hash, reason, signature, PRIMARY KEY (chain, seq))
//   audit_head(chain text PRIMARY KEY, seq, time_ms, hash, signature)
//
// Indexes: (chain, time_ms); (chain, principal, seq) and the same for tenant, tool, outcome,
// error_code, session and kind.
//
// One writer per chain: every write transaction first takes a transaction-scoped advisory
// lock on the chain (pg_advisory_xact_lock), then reads the tail inside the transaction, like
// SQLite's BEGIN IMMEDIATE. Two servers that name the same chain are serialised and continue
// each other's chain; it never forks (the primary key refuses a second record at a seq). A
// session lock that refused the second server was not chosen: the server reconnects by itself
// after a dropped connection, which silently releases a session lock, while a transaction
// lock is taken afresh by every commit. Commits run with synchronous_commit on: COMMIT
// returns once the WAL is flushed on the server; a failed COMMIT is a refusal, never retried.
//
// Errors name the server, database and chain and say what to fix; they never carry the
// server's own error text (it goes to the log at debug level) or the password.
class PgAuditStore final : public AuditBackend
{
public:
    ~PgAuditStore() override;
    PgAuditStore(const PgAuditStore &) = delete;
    PgAuditStore &operator=(const PgAuditStore &) = delete;

    // `connection`: host, port, dbname, user, sslmode, connect_timeout_ms; `password` the
    // resolved secret (used for this call; libpq keeps its own copy to reconnect). A writer
    // creates the tables if they are missing; a reader never writes.
    static Result<std::unique_ptr<PgAuditStore>> open(const DatabaseConfig &connection, const std::string &password,
                                                      const std::string &chain, Mode mode);

    // 1 to 64 characters: letters, digits, '.', '_', '-'.
    static bool isValidChain(std::string_view chain);

    const std::string &chain() const { return m_chain; }
    // Every chain in the store (for messages that list what there is).
    Result<std::vector<std::string>> chains() const;
    // A read-only statement ($1 is the chain, the caller's parameters follow): AuditQuery's
    // filtered pages. Values arrive as PgConnection gives them (bytea as base64: select
    // encode(x, 'hex') instead).
    // A viewer's count or text search over millions of records may take a while: it runs up
    // to ReadTimeoutMs, and interrupt() (from any thread) cancels it on the server.
    Result<db::RowSet> select(const std::string &sql, std::vector<Json> params) const;
    static constexpr int ReadTimeoutMs = 120000;
    void interrupt() const;
    void clearInterrupt() const;

    std::string name() const override;
    std::string chainName() const override { return m_chain; }
    Status reopen() override;
    Status probe() override;
    Result<Tail> readTail() const override;
    Result<std::int64_t> lastSeqBefore(std::int64_t timeMs) const override;

    Result<std::string> layoutProblem() const override;
    Status beginSnapshot() const override;
    void endSnapshot() const override;
    Result<std::vector<Checkpoint>> storedCheckpoints() const override;
    Result<std::optional<Checkpoint>> head() const override;
    Result<std::int64_t> recordCount() const override;
    Result<std::vector<StoredRecord>> records(std::int64_t after, int limit) const override;

protected:
    Status beginWrite() override;
    Status commitWrite() override;
    void rollbackWrite() override;
    Result<std::optional<Checkpoint>> latestCheckpoint() override;
    Status writeRecords(const std::vector<AuditRecord> &records) override;
    Status writeCheckpoint(const Checkpoint &checkpoint) override;
    Result<std::optional<Checkpoint>> segmentBoundary(std::int64_t cutoffSeq) override;
    Result<std::int64_t> removeThrough(std::int64_t seq) override;

private:
    PgAuditStore(std::unique_ptr<db::PgConnection> connection, std::string target, std::string chain);
    Status createSchema();
    Status beginDurable(const char *doing, bool lockChain);
    Error writeError(const std::string &doing, const Error &cause) const;
    Error readError(const Error &cause) const;
    Result<std::vector<Checkpoint>> readCheckpoints(const char *sql) const;

    std::unique_ptr<db::PgConnection> m_conn;
    std::string m_target; // host:port/dbname
    std::string m_chain;
};

} // namespace warden::audit
