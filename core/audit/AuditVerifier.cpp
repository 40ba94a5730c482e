#include "AuditVerifier.h"

#include "AuditStore.h"
#include "SqliteRow.h"
#include "crypto/Crypto.h"

#include <sqlite3.h>

#include <map>
#include <optional>

namespace warden::audit {

namespace {


using sqlite::blob;
using sqlite::Statement;
using sqlite::text;

Error readError(sqlite3 *db, const QString &path)
{
    return Error(ErrorCode::IoError, "cannot read the audit store " + path.toStdString() + ": " + sqlite3_errmsg(db));
}

bool hasTable(sqlite3 *db, const char *name)
{
    Statement s;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &s.stmt, nullptr);
    sqlite3_bind_text(s.stmt, 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(s.stmt) == SQLITE_ROW;
}

struct SignedPoint
{
    std::int64_t timeMs = 0;
    std::string hash, reason, signature;
};

} // namespace

Result<AuditVerifier::Report> AuditVerifier::verify(const QString &path, const AuditKeys &keys, const Progress &progress,
                                                    const std::vector<Checkpoint> &anchors)
{
    std::map<std::int64_t, const Checkpoint *> anchored;
    for (const Checkpoint &a : anchors)
        anchored[a.seq] = &a;
    auto opened = AuditStore::open(path, AuditStore::Mode::Reader);
    if (!opened)
        return opened.takeError();
    sqlite3 *db = (*opened)->handle();
    Report report;
    auto broken = [&report](std::int64_t seq, std::string problem) {
        report.intact = false;
        report.firstBadSeq = seq;
        report.problem = std::move(problem);
        return report;
    };
    for (const char *table : { "audit_records", "audit_checkpoints", "audit_head" })
        if (!hasTable(db, table))
            return broken(1, std::string("the store has no ") + table + " table: it is not a Warden audit store, or it was damaged");

    // Checkpoints first: a purge checkpoint anchors the first kept record.
    std::map<std::int64_t, SignedPoint> checkpoints;
    {
        Statement s;
        if (sqlite3_prepare_v2(db, "SELECT seq, time_ms, hash, reason, signature FROM audit_checkpoints ORDER BY seq",
                               -1, &s.stmt, nullptr)
            != SQLITE_OK)
            return readError(db, path);
        int rc;
        while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
            SignedPoint p { sqlite3_column_int64(s.stmt, 1), blob(s.stmt, 2), text(s.stmt, 3).value_or(""),
                            blob(s.stmt, 4) };
            const std::int64_t seq = sqlite3_column_int64(s.stmt, 0);
            if (!crypto::constantTimeEqual(p.signature, keys.signCheckpoint(seq, p.hash, p.timeMs, p.reason)))
                return broken(seq, "the checkpoint at record " + std::to_string(seq)
                                       + " has a bad signature: it was forged or edited, or the audit key differs");
            checkpoints.emplace(seq, std::move(p));
        }
        if (rc != SQLITE_DONE)
            return readError(db, path);
        report.checkpoints = std::int64_t(checkpoints.size());
    }
    std::optional<std::pair<std::int64_t, SignedPoint>> head;
    {
        Statement s;
        if (sqlite3_prepare_v2(db, "SELECT seq, time_ms, hash, signature FROM audit_head WHERE id = 1", -1, &s.stmt,
                               nullptr)
            != SQLITE_OK)
            return readError(db, path);
        if (sqlite3_step(s.stmt) == SQLITE_ROW) {
            SignedPoint p { sqlite3_column_int64(s.stmt, 1), blob(s.stmt, 2), "head", blob(s.stmt, 3) };
            const std::int64_t seq = sqlite3_column_int64(s.stmt, 0);
            if (!crypto::constantTimeEqual(p.signature, keys.signCheckpoint(seq, p.hash, p.timeMs, p.reason)))
                return broken(seq, "the signed head (record " + std::to_string(seq)
                                       + ") has a bad signature: it was forged or edited, or the audit key differs");
            head.emplace(seq, std::move(p));
        }
    }

    std::int64_t total = 0;
    {
        Statement s;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM audit_records", -1, &s.stmt, nullptr);
        if (sqlite3_step(s.stmt) == SQLITE_ROW)
            total = sqlite3_column_int64(s.stmt, 0);
    }

    Statement s;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, time_ms, kind, instance, session, principal, tenant, tool, outcome, "
                           "error_code, body, prev_hash, hash, mac FROM audit_records ORDER BY seq",
                           -1, &s.stmt, nullptr)
        != SQLITE_OK)
        return readError(db, path);
    std::int64_t expected = 0;
    std::string prev;
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        const std::int64_t seq = sqlite3_column_int64(s.stmt, 0);
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
        const std::string prevHash = blob(s.stmt, 11);
        const std::string hash = blob(s.stmt, 12);
        const std::string mac = blob(s.stmt, 13);
        const std::string bodyText = text(s.stmt, 10).value_or("");
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
        const IndexedColumns c = indexedColumns(body);
        if (body.value("seq", std::int64_t(-1)) != seq || c.timeMs != sqlite3_column_int64(s.stmt, 1)
            || text(s.stmt, 2) != c.kind || text(s.stmt, 3) != c.instance || text(s.stmt, 4) != c.session
            || text(s.stmt, 5) != c.principal || text(s.stmt, 6) != c.tenant || text(s.stmt, 7) != c.tool
            || text(s.stmt, 8) != c.outcome || text(s.stmt, 9) != c.errorCode)
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
    if (rc != SQLITE_DONE)
        return readError(db, path);

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
