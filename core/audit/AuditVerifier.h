#pragma once

#include "AuditKeys.h"
#include "AuditBackend.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace warden::audit {

// Checks an audit chain end to end (SQLite or PostgreSQL, through AuditBackend): every record's place in the chain (gap-free seq, the
// previous record's hash), its hash and MAC over the canonical form, the filter columns
// against the body, every checkpoint's signature and the record it names, and the signed
// head against the last record. Reports the first sequence number where the chain breaks.
// Detects an edited, deleted, inserted, swapped or cut-off record and a rewritten chain
// (without the key, no MAC or signature can be recomputed).
class AuditVerifier
{
public:
    struct Report
    {
        bool intact = false;
        std::int64_t records = 0;
        std::int64_t checkpoints = 0;
        std::int64_t firstSeq = 0;
        std::int64_t lastSeq = 0;
        std::int64_t firstBadSeq = 0; // 0 when intact
        std::string problem; // one sentence; empty when intact
    };

    // progress(done, total) is called now and then; returning false stops early.
    using Progress = std::function<bool(std::int64_t done, std::int64_t total)>;

    // `anchors`: checkpoints exported earlier (CheckpointFile); each must be signed by the key
    // and match the store, or lie inside a signed purge. They catch a tail cut off together
    // with every checkpoint inside the store that named it.
    static Result<Report> verify(const QString &path, const AuditKeys &keys, const Progress &progress = {},
                                 const std::vector<Checkpoint> &anchors = {});
    // The same for a store already open (PostgreSQL: the chain it was opened for).
    static Result<Report> verify(const AuditBackend &store, const AuditKeys &keys, const Progress &progress = {},
                                 const std::vector<Checkpoint> &anchors = {});

private:
    static Result<Report> verifySnapshot(const AuditBackend &store, const AuditKeys &keys, const Progress &progress,
                                         const std::vector<Checkpoint> &anchors);
};

} // namespace warden::audit
