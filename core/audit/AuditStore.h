#pragma once

#include "AuditKeys.h"
#include "AuditRecord.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace warden::audit {

struct Checkpoint
{
    std::int64_t seq = 0;
    std::int64_t timeMs = 0;
    std::string hash; // 32 bytes
    std::string reason; // periodic | stop | purge
    std::string signature; // 32 bytes
};

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
// (error_code, seq); (session, seq).
//
// One chain per store, never forked: several processes (the console and a server a desktop
// client launched, say) may write to one store, and their commits are serialised by SQLite's
// write lock (BEGIN IMMEDIATE). Each commit reads the tail inside its transaction and links
// its records to it, so the chain continues wherever the other writer left it; the instance
// field says which server wrote what. Readers (verify, query, export) open it read-only.
class AuditStore
{
public:
    enum class Mode { Writer, Reader };

    struct Tail
    {
        std::int64_t seq = 0; // 0: empty chain
        std::string hash; // 32 bytes; zeroHash() when empty
    };

    ~AuditStore();
    AuditStore(const AuditStore &) = delete;
    AuditStore &operator=(const AuditStore &) = delete;

    // `vfs`: an SQLite VFS name (tests inject faults through one); empty for the default.
    static Result<std::unique_ptr<AuditStore>> open(const QString &path, Mode mode,
                                                    const std::string &vfs = {});

    const QString &path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }

    // Closes and reopens the database: after a failed commit, the state on disk is all that
    // counts.
    Status reopen();

    // A durable write that leaves the chain alone: whether the store takes commits again.
    Status probe();

    // The last record on disk (read from the file, never from memory).
    Result<Tail> readTail() const;

    struct CheckpointPolicy
    {
        std::int64_t everyRecords = 1000;
        std::int64_t intervalMs = 60000;
    };

    // In one durable transaction: reads the tail, links `bodies` to it (seq, prev_hash, hash,
    // mac), writes them, the signed head, and a periodic checkpoint when one is due, or one
    // with `forcedReason` (e.g. "stop" at a server stop). Returns the records as written; on
    // any error nothing is committed.
    Result<std::vector<AuditRecord>> append(std::vector<Json> bodies, const AuditKeys &keys,
                                            const CheckpointPolicy &policy, const char *forcedReason = nullptr);

    struct PurgeResult
    {
        std::int64_t throughSeq = 0; // records up to here are gone; 0: nothing was due
        std::int64_t removed = 0;
        std::int64_t recordSeq = 0; // the retention record that says so
    };
    // Retention: removes whole segments (records up to the newest checkpoint at or before
    // `cutoffSeq`), leaves a signed 'purge' checkpoint there so verification still starts from
    // an authenticated point, and appends a `retention` record saying what was removed, all
    // in one durable transaction.
    Result<PurgeResult> purge(std::int64_t cutoffSeq, const AuditKeys &keys, Json retentionRecord);
    // The highest seq older than `timeMs` (0 if none).
    Result<std::int64_t> lastSeqBefore(std::int64_t timeMs) const;
    // Every checkpoint and the head, oldest first.
    Result<std::vector<Checkpoint>> checkpoints() const;

private:
    AuditStore(QString path, Mode mode, std::string vfs);
    Status openDatabase();
    // append() inside a transaction the caller opened (and commits).
    Result<std::vector<AuditRecord>> appendInTransaction(std::vector<Json> bodies, const AuditKeys &keys,
                                                         const CheckpointPolicy &policy, const char *forcedReason);

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

// Filter columns derived from a body, as the store writes them and the verifier re-checks.
struct IndexedColumns
{
    std::optional<std::string> session, principal, tenant, tool, outcome, errorCode;
    std::string kind, instance;
    std::int64_t timeMs = 0;
};
IndexedColumns indexedColumns(const Json &body);

} // namespace warden::audit
