#pragma once

#include "AuditRecord.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;

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
// One writer per store: the writer holds an exclusive advisory lock (flock) on
// "<file>.lock" for as long as it is open; a second writer is refused, never forks the chain.
// Readers (verify, query, export) open the file read-only and need no lock.
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

    // Closes and reopens the database (the writer's lock stays held): after a failed
    // commit, the state on disk is all that counts.
    Status reopen();

    // The last record on disk (read from the file, never from memory).
    Result<Tail> readTail() const;

    // Appends records (seq already assigned, consecutive after the tail), the new head and
    // an optional periodic checkpoint in one durable transaction. On any error nothing is
    // committed.
    Status append(const std::vector<AuditRecord> &records, const Checkpoint &head,
                  const std::optional<Checkpoint> &checkpoint);

private:
    AuditStore(QString path, Mode mode, std::string vfs, int lockFd);
    Status openDatabase();

    QString m_path;
    Mode m_mode;
    std::string m_vfs;
    sqlite3 *m_db = nullptr;
    int m_lockFd = -1;
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
