#pragma once

#include "AuditKeys.h"
#include "AuditRecord.h"
#include "common/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace warden::audit {

struct Checkpoint
{
    std::int64_t seq = 0;
    std::int64_t timeMs = 0;
    std::string hash; // 32 bytes
    std::string reason; // periodic | stop | purge (| head, from checkpoints())
    std::string signature; // 32 bytes
};

// Filter columns derived from a body, as the store writes them and the verifier re-checks.
struct IndexedColumns
{
    std::optional<std::string> session, principal, tenant, tool, outcome, errorCode;
    std::string kind, instance;
    std::int64_t timeMs = 0;

    bool operator==(const IndexedColumns &) const = default;
};
IndexedColumns indexedColumns(const Json &body);

// A record exactly as the store holds it, for the verifier to re-check every part of it.
struct StoredRecord
{
    std::int64_t seq = 0;
    std::string body; // the stored text: canonicalForm(body) unless someone edited it
    std::string prevHash, hash, mac;
    IndexedColumns columns; // the stored filter columns
};

// One audit chain in a store: SQLite (AuditStore, one chain per file) or PostgreSQL
// (PgAuditStore, one chain per server in a shared database). The chain itself — linking,
// hashing, MACs, the checkpoint policy, the signed head, purging whole segments — is written
// once, here; a backend supplies a write transaction that holds the chain's one-writer lock
// and the rows to read and write inside it. Every backend therefore writes byte-identical
// chains and the verifier checks them the same way.
class AuditBackend
{
public:
    enum class Mode { Writer, Reader };

    struct Tail
    {
        std::int64_t seq = 0; // 0: empty chain
        std::string hash; // 32 bytes; zeroHash() when empty
    };

    struct CheckpointPolicy
    {
        std::int64_t everyRecords = 1000;
        std::int64_t intervalMs = 60000;
    };

    struct PurgeResult
    {
        std::int64_t throughSeq = 0; // records up to here are gone; 0: nothing was due
        std::int64_t removed = 0;
        std::int64_t recordSeq = 0; // the retention record that says so
    };

    virtual ~AuditBackend();

    // Names the store (and chain) in messages: "the audit store /path/audit.db".
    virtual std::string name() const = 0;
    // The chain's name in a store that holds several (PostgreSQL), empty otherwise. Every
    // record then carries it in its body ("chain"), so a chain copied over another one
    // does not verify as that one.
    virtual std::string chainName() const { return {}; }

    // Closes and reopens the store: after a failed commit, the state on disk is all that
    // counts.
    virtual Status reopen() = 0;
    // A durable write that leaves the chain alone: whether the store takes commits again.
    virtual Status probe() = 0;
    // The chain's last record as stored (never from memory).
    virtual Result<Tail> readTail() const = 0;

    // In one durable transaction under the chain's write lock: reads the tail, links `bodies`
    // to it (seq, prev_hash, hash, mac), writes them, the signed head, and a periodic
    // checkpoint when one is due, or one with `forcedReason` (e.g. "stop" at a server stop).
    // Returns the records as written; on any error nothing is committed.
    Result<std::vector<AuditRecord>> append(std::vector<Json> bodies, const AuditKeys &keys,
                                            const CheckpointPolicy &policy, const char *forcedReason = nullptr);
    // Retention: removes whole segments (records up to the newest checkpoint at or before
    // `cutoffSeq`), leaves a signed 'purge' checkpoint there so verification still starts from
    // an authenticated point, and appends a `retention` record saying what was removed, all
    // in one durable transaction.
    Result<PurgeResult> purge(std::int64_t cutoffSeq, const AuditKeys &keys, Json retentionRecord);
    // Every checkpoint and then the head (reason "head"), oldest first.
    Result<std::vector<Checkpoint>> checkpoints() const;

    // The highest seq older than `timeMs` (0 if none).
    virtual Result<std::int64_t> lastSeqBefore(std::int64_t timeMs) const = 0;

    // --- reading the whole chain (the verifier) ---
    // Empty when the store has the audit tables; otherwise why it is not an audit store.
    virtual Result<std::string> layoutProblem() const = 0;
    // Several reads below see one state of the store (a writer may keep appending meanwhile).
    virtual Status beginSnapshot() const = 0;
    virtual void endSnapshot() const = 0;
    virtual Result<std::vector<Checkpoint>> storedCheckpoints() const = 0; // oldest first
    virtual Result<std::optional<Checkpoint>> head() const = 0;
    virtual Result<std::int64_t> recordCount() const = 0;
    // Up to `limit` records with seq > `after`, in seq order.
    virtual Result<std::vector<StoredRecord>> records(std::int64_t after, int limit) const = 0;

protected:
    AuditBackend() = default;

    // The write transaction: begin takes the chain's write lock, so no other writer can
    // slip in between reading the tail and linking to it. commit returns once the
    // transaction is durable; when it fails the caller treats the transaction as lost.
    virtual Status beginWrite() = 0;
    virtual Status commitWrite() = 0;
    virtual void rollbackWrite() = 0;
    // Inside the write transaction:
    virtual Result<std::optional<Checkpoint>> latestCheckpoint() = 0; // seq and timeMs
    virtual Status writeRecords(const std::vector<AuditRecord> &records) = 0;
    // Replaces the checkpoint at its seq; reason "head" replaces the chain's head instead.
    virtual Status writeCheckpoint(const Checkpoint &checkpoint) = 0;
    // The newest checkpoint at or before `cutoffSeq` whose record is still stored.
    virtual Result<std::optional<Checkpoint>> segmentBoundary(std::int64_t cutoffSeq) = 0;
    // Removes the records and checkpoints up to `seq`; the number of records removed.
    virtual Result<std::int64_t> removeThrough(std::int64_t seq) = 0;

private:
    Result<std::vector<AuditRecord>> appendInTransaction(std::vector<Json> bodies, const AuditKeys &keys,
                                                         const CheckpointPolicy &policy, const char *forcedReason);
};

} // namespace warden::audit
