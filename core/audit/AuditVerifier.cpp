#include "AuditVerifier.h"

#include "AuditStore.h"
#include "crypto/Crypto.h"

#include <map>
#include <optional>

namespace warden::audit {

namespace {

// Records read per round trip: keyset pages along seq inside one snapshot.
constexpr int kBatch = 2000;

struct SignedPoint
{
    std::int64_t timeMs = 0;
    std::string hash, reason, signature;
};

} // namespace

Result<AuditVerifier::Report> AuditVerifier::verify(const QString &path, const AuditKeys &keys, const Progress &progress,
                                                    const std::vector<Checkpoint> &anchors)
{
    auto opened = AuditStore::open(path, AuditStore::Mode::Reader);
    if (!opened)
        return opened.takeError();
    return verify(**opened, keys, progress, anchors);
}

Result<AuditVerifier::Report> AuditVerifier::verify(const AuditBackend &store, const AuditKeys &keys,
                                                    const Progress &progress, const std::vector<Checkpoint> &anchors)
{
    // One snapshot: a writer appending meanwhile would otherwise move the head away from the
    // records read.
    if (auto s = store.beginSnapshot(); !s)
        return s.takeError();
    auto report = verifySnapshot(store, keys, progress, anchors);
    store.endSnapshot();
    return report;
}

Result<AuditVerifier::Report> AuditVerifier::verifySnapshot(const AuditBackend &store, const AuditKeys &keys,
                                                            const Progress &progress,
                                                            const std::vector<Checkpoint> &anchors)
{
    std::map<std::int64_t, const Checkpoint *> anchored;
    for (const Checkpoint &a : anchors)
        anchored[a.seq] = &a;
    Report report;
    auto broken = [&report](std::int64_t seq, std::string problem) {
        report.intact = false;
        report.firstBadSeq = seq;
        report.problem = std::move(problem);
        return report;
    };
    auto layout = store.layoutProblem();
    if (!layout)
        return layout.takeError();
    if (!layout->empty())
        return broken(1, *layout);

    // Checkpoints first: a purge checkpoint anchors the first kept record.
    std::map<std::int64_t, SignedPoint> checkpoints;
    {
        auto stored = store.storedCheckpoints();
        if (!stored)
            return stored.takeError();
        for (Checkpoint &c : *stored) {
            if (!crypto::constantTimeEqual(c.signature, keys.signCheckpoint(c.seq, c.hash, c.timeMs, c.reason)))
                return broken(c.seq, "the checkpoint at record " + std::to_string(c.seq)
                                         + " has a bad signature: it was forged or edited, or the audit key differs");
            checkpoints.emplace(c.seq, SignedPoint { c.timeMs, std::move(c.hash), std::move(c.reason),
                                                     std::move(c.signature) });
        }
        report.checkpoints = std::int64_t(checkpoints.size());
    }
    std::optional<std::pair<std::int64_t, SignedPoint>> head;
    {
        auto stored = store.head();
        if (!stored)
            return stored.takeError();
        if (const auto &h = *stored) {
            if (!crypto::constantTimeEqual(h->signature, keys.signCheckpoint(h->seq, h->hash, h->timeMs, "head")))
                return broken(h->seq, "the signed head (record " + std::to_string(h->seq)
                                          + ") has a bad signature: it was forged or edited, or the audit key differs");
            head.emplace(h->seq, SignedPoint { h->timeMs, h->hash, "head", h->signature });
        }
    }

    auto counted = store.recordCount();
    if (!counted)
        return counted.takeError();
    const std::int64_t total = *counted;

    const std::string chain = store.chainName();
    std::int64_t expected = 0;
    std::string prev;
    std::int64_t after = 0;
    for (;;) {
        auto batch = store.records(after, kBatch);
        if (!batch)
            return batch.takeError();
        if (batch->empty())
            break;
        after = batch->back().seq;
        for (const StoredRecord &stored : *batch) {
            const std::int64_t seq = stored.seq;
            if (expected == 0) {
                // The first record: seq 1 after the zero hash, or the one after a purge checkpoint.
                if (seq == 1) {
                    prev = zeroHash();
                } else if (auto cp = checkpoints.find(seq - 1); cp != checkpoints.end() && cp->second.reason == "purge") {
                    prev = cp->second.hash;
                } else {
                    return broken(1, "records before " + std::to_string(seq)
                                         + " are missing and no signed purge checkpoint accounts for them");
                }
                report.firstSeq = seq;
                expected = seq;
            }
            if (seq != expected)
                return broken(expected, "record " + std::to_string(expected) + " is missing (the next one is "
                                            + std::to_string(seq) + ")");
            const std::string &prevHash = stored.prevHash;
            const std::string &hash = stored.hash;
            const std::string &mac = stored.mac;
            const std::string &bodyText = stored.body;
            if (prevHash != prev)
                return broken(seq, "record " + std::to_string(seq)
                                       + " does not follow the record before it (a record was inserted, removed or "
                                         "swapped)");
            Json body = Json::parse(bodyText, nullptr, false);
            if (body.is_discarded() || !body.is_object() || canonicalForm(body) != bodyText)
                return broken(seq, "record " + std::to_string(seq) + " is not in canonical form: it was edited");
            const std::string input = chainInput(prev, body);
            if (crypto::sha256(input) != hash)
                return broken(seq, "record " + std::to_string(seq) + " does not match its hash: it was edited");
            if (body.value("key_id", std::string()) != keys.keyId())
                return broken(seq, "record " + std::to_string(seq) + " was written with audit key "
                                       + body.value("key_id", std::string("?")) + ", not the key given ("
                                       + keys.keyId() + "); verify it with that key");
            if (!crypto::constantTimeEqual(mac, keys.recordMac(input)))
                return broken(seq, "record " + std::to_string(seq)
                                       + " has a bad MAC: it was rewritten without the audit key");
            if (!chain.empty() && body.value("chain", std::string()) != chain)
                return broken(seq, "record " + std::to_string(seq) + " belongs to chain "
                                       + body.value("chain", std::string("(none)")) + ", not " + chain
                                       + ": it was copied from another chain");
            if (body.value("seq", std::int64_t(-1)) != seq || indexedColumns(body) != stored.columns)
                return broken(seq, "the searchable columns of record " + std::to_string(seq)
                                       + " differ from its signed body: they were edited");
            if (auto cp = checkpoints.find(seq); cp != checkpoints.end() && cp->second.hash != hash)
                return broken(seq, "record " + std::to_string(seq) + " differs from the signed checkpoint for it");
            if (auto a = anchored.find(seq); a != anchored.end() && a->second->hash != hash)
                return broken(seq, "record " + std::to_string(seq) + " differs from the exported checkpoint for it");
            prev = hash;
            report.lastSeq = seq;
            ++report.records;
            ++expected;
            if (progress && report.records % 20000 == 0 && !progress(report.records, total))
                return broken(seq, "verification was stopped at record " + std::to_string(seq));
        }
    }

    // Checkpoints past the last record, or a head elsewhere: the tail was cut off.
    const std::int64_t lastCheckpoint = checkpoints.empty() ? 0 : checkpoints.rbegin()->first;
    if (lastCheckpoint > report.lastSeq)
        return broken(report.lastSeq + 1, "records after " + std::to_string(report.lastSeq)
                                              + " are missing: a signed checkpoint names record "
                                              + std::to_string(lastCheckpoint));
    if (report.records > 0 && !head)
        return broken(report.lastSeq, "the signed head is missing: the end of the chain cannot be confirmed");
    if (head) {
        if (head->first > report.lastSeq)
            return broken(report.lastSeq + 1, "records after " + std::to_string(report.lastSeq)
                                                  + " are missing: the signed head names record "
                                                  + std::to_string(head->first));
        if (head->first < report.lastSeq || head->second.hash != prev)
            return broken(head->first + 1, "records after " + std::to_string(head->first)
                                               + " are not covered by the signed head: they were added by "
                                                 "someone without the audit key");
    }
    // Exported checkpoints: signed by this key, and inside the store or a signed purge.
    for (const Checkpoint &a : anchors) {
        if (!crypto::constantTimeEqual(a.signature, keys.signCheckpoint(a.seq, a.hash, a.timeMs, a.reason)))
            return broken(a.seq, "the exported checkpoint for record " + std::to_string(a.seq)
                                     + " is not signed by this audit key");
        const std::int64_t purgedThrough = report.firstSeq > 0 ? report.firstSeq - 1 : 0;
        if (a.seq <= purgedThrough)
            continue; // removed by a signed purge
        if (a.seq > report.lastSeq)
            return broken(report.lastSeq + 1, "records after " + std::to_string(report.lastSeq)
                                                  + " are missing: an exported checkpoint names record "
                                                  + std::to_string(a.seq));
    }
    if (progress)
        progress(report.records, total);
    report.intact = true;
    return report;
}

} // namespace warden::audit
