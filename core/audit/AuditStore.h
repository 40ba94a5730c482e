#pragma once

#include "AuditBackend.h"

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace warden::audit {

// The SQLite audit store: one file, WAL, synchronous=FULL, kept apart from any queried
// database. Schema (format 1):
//
//   audit_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)      -- 'format' = '1'
//   audit_records(
//     seq INTEGER PRIMARY KEY,      -- gap-free from 1 (or from the first kept after a purge)
//     time_ms INTEGER NOT NULL,     -- Unix milliseconds, = body.time_ms
//     kind TEXT NOT NULL,           -- = body.kind
//     instance TEXT NOT NULL,       -- = body.instance
//     session TEXT, principal TEXT, tenant TEXT, tool TEXT, outcome TEXT, error_code TEXT,
//                                   -- copies of body fields for filtering (NULL when absent):
//                                   -- body.session, body.principal.user, body.principal.tenant,
//                                   -- body.target, body.outcome, body.error_code
//     body TEXT NOT NULL,           -- canonicalForm(body): what the chain covers
//     prev_hash BLOB NOT NULL, hash BLOB NOT NULL, mac BLOB NOT NULL)
//   audit_checkpoints(
//     seq INTEGER PRIMARY KEY,      -- the last record it covers
//     time_ms INTEGER NOT NULL,
//     hash BLOB NOT NULL,           -- that record's hash
//     reason TEXT NOT NULL,         -- 'periodic', 'stop' or 'purge'
//     signature BLOB NOT NULL)      -- AuditKeys::signCheckpoint
//   audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq, time_ms, hash, signature)
//                                   -- a checkpoint of the last record (reason 'head'),
//                                   -- rewritten in every commit: a cut-off tail no longer
//                                   -- matches it, and only the key holder can move it
//
// Indexes: time_ms; (principal, seq); (tenant, seq); (tool, seq); (outcome, seq);
// (error_code, seq); (session, seq); (kind, seq). A writer adds an index a store written by
// an older version lacks when it opens it.
//
// One chain per store, never forked: several processes (the console and a server a desktop
// client launched, say) may write to one store, and their commits are serialised by SQLite's
// write lock (BEGIN IMMEDIATE). Each commit reads the tail inside its transaction and links
// its records to it, so the chain continues wherever the other writer left it; the instance
// field says which server wrote what. Readers (verify, query, export) open it read-only.
// The chain logic is AuditBackend's; this class supplies SQLite's transactions and rows.
class AuditStore final : public AuditBackend
{
public:
    ~AuditStore() override;
    AuditStore(const AuditStore &) = delete;
    AuditStore &operator=(const AuditStore &) = delete;

    // `vfs`: an SQLite VFS name (tests inject faults through one); empty for the default.
    static Result<std::unique_ptr<AuditStore>> open(const QString &path, Mode mode,
                                                    const std::string &vfs = {});

    const QString &path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }

    std::string name() const override;
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
    AuditStore(QString path, Mode mode, std::string vfs);
    Status openDatabase();
    Error readError() const;
    // Steps `stmt`, a query for the (seq, time_ms, hash) of at most one checkpoint.
    Result<std::optional<Checkpoint>> checkpointRow(sqlite3_stmt *stmt, const char *doing) const;

    // A prepared statement kept for the connection's life (the writer runs the same few
    // statements on every commit); reset and unbound when the returned guard goes.
    struct Cached
    {
        sqlite3_stmt *stmt = nullptr;
        ~Cached();
    };
    Cached cached(const char *sql) const;
    void dropCache();

    QString m_path;
    Mode m_mode;
    mutable std::map<const char *, sqlite3_stmt *> m_cache;
    std::string m_vfs;
    sqlite3 *m_db = nullptr;
};


} // namespace warden::audit
