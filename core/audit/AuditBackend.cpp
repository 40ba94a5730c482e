#include "AuditBackend.h"

#include "crypto/Crypto.h"

namespace warden::audit {

namespace {

std::optional<std::string> stringField(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

} // namespace

IndexedColumns indexedColumns(const Json &body)
{
    IndexedColumns c;
    c.kind = stringField(body, "kind").value_or(std::string());
    c.instance = stringField(body, "instance").value_or(std::string());
    c.timeMs = body.value("time_ms", std::int64_t(0));
    c.session = stringField(body, "session");
    if (const auto p = body.find("principal"); p != body.end()) {
        c.principal = stringField(*p, "user");
        c.tenant = stringField(*p, "tenant");
    }
    c.tool = stringField(body, "target");
    c.outcome = stringField(body, "outcome");
    c.errorCode = stringField(body, "error_code");
    return c;
}

AuditBackend::~AuditBackend() = default;

Result<std::vector<AuditRecord>> AuditBackend::append(std::vector<Json> bodies, const AuditKeys &keys,
                                                      const CheckpointPolicy &policy, const char *forcedReason)
{
    if (auto s = beginWrite(); !s)
        return s.takeError();
    auto records = appendInTransaction(std::move(bodies), keys, policy, forcedReason);
    if (!records) {
        rollbackWrite();
        return records;
    }
    // If the commit fails (an fsync error included) the transaction is treated as lost: the
    // caller reopens the store and re-reads the tail instead of retrying and assuming.
    if (auto s = commitWrite(); !s)
        return s.takeError();
    return records;
}

Result<std::vector<AuditRecord>> AuditBackend::appendInTransaction(std::vector<Json> bodies, const AuditKeys &keys,
                                                                   const CheckpointPolicy &policy,
                                                                   const char *forcedReason)
{
    auto tail = readTail();
    if (!tail)
        return tail.takeError();
    std::vector<AuditRecord> records;
    records.reserve(bodies.size());
    std::string prev = tail->hash;
    std::int64_t seq = tail->seq;
    const std::string chain = chainName();
    for (Json &body : bodies) {
        AuditRecord r;
        r.seq = ++seq;
        r.body = std::move(body);
        r.body["seq"] = r.seq;
        if (!chain.empty())
            r.body["chain"] = chain;
        r.prevHash = prev;
        r.canonical = canonicalForm(r.body);
        const std::string input = chainInputOfCanonical(prev, r.canonical);
        r.hash = crypto::sha256(input);
        r.mac = keys.recordMac(input);
        prev = r.hash;
        records.push_back(std::move(r));
    }
    if (records.empty())
        return records;
    const AuditRecord &last = records.back();
    Checkpoint head;
    head.seq = last.seq;
    head.timeMs = last.timeMs();
    head.hash = last.hash;
    head.reason = "head";
    head.signature = keys.signCheckpoint(head.seq, head.hash, head.timeMs, head.reason);
    auto latest = latestCheckpoint();
    if (!latest)
        return latest.takeError();
    const std::int64_t cpSeq = *latest ? (*latest)->seq : 0;
    const std::int64_t cpTime = *latest ? (*latest)->timeMs : 0;
    // A duplicate seq fails the whole batch: the chain is never forked.
    if (auto s = writeRecords(records); !s)
        return s.takeError();
    if (forcedReason || last.seq - cpSeq >= policy.everyRecords || head.timeMs - cpTime >= policy.intervalMs) {
        Checkpoint checkpoint = head;
        checkpoint.reason = forcedReason ? forcedReason : "periodic";
        checkpoint.signature = keys.signCheckpoint(head.seq, head.hash, head.timeMs, checkpoint.reason);
        if (auto s = writeCheckpoint(checkpoint); !s)
            return s.takeError();
    }
    if (auto s = writeCheckpoint(head); !s)
        return s.takeError();
    return records;
}

Result<AuditBackend::PurgeResult> AuditBackend::purge(std::int64_t cutoffSeq, const AuditKeys &keys,
                                                      Json retentionRecord)
{
    if (auto s = beginWrite(); !s)
        return s.takeError();
    PurgeResult result;
    auto work = [&]() -> Status {
        // Whole segments only: up to the newest checkpoint at or before the cut-off.
        auto found = segmentBoundary(cutoffSeq);
        if (!found)
            return found.takeError();
        if (!*found)
            return {}; // no whole segment is old enough
        Checkpoint boundary = **found;
        boundary.reason = "purge";
        boundary.signature = keys.signCheckpoint(boundary.seq, boundary.hash, boundary.timeMs, boundary.reason);
        auto removed = removeThrough(boundary.seq);
        if (!removed)
            return removed.takeError();
        if (auto s = writeCheckpoint(boundary); !s)
            return s;
        result.throughSeq = boundary.seq;
        result.removed = *removed;
        retentionRecord["details"]["purged_through_seq"] = boundary.seq;
        retentionRecord["details"]["records_removed"] = result.removed;
        std::vector<Json> bodies;
        bodies.push_back(std::move(retentionRecord));
        auto written = appendInTransaction(std::move(bodies), keys, CheckpointPolicy {}, "periodic");
        if (!written)
            return written.takeError();
        result.recordSeq = written->front().seq;
        return {};
    };
    if (auto s = work(); !s || result.throughSeq == 0) {
        rollbackWrite();
        if (!s)
            return s.takeError();
        return result;
    }
    if (auto s = commitWrite(); !s)
        return s.takeError();
    return result;
}

Result<std::vector<Checkpoint>> AuditBackend::checkpoints() const
{
    auto out = storedCheckpoints();
    if (!out)
        return out;
    auto h = head();
    if (!h)
        return h.takeError();
    if (*h) {
        Checkpoint c = **h;
        c.reason = "head";
        out->push_back(std::move(c));
    }
    return out;
}

} // namespace warden::audit
