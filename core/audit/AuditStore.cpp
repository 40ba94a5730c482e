#include "AuditStore.h"

#include "SqliteRow.h"
#include "crypto/Crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>


namespace warden::audit {

namespace {

using sqlite::Statement;

constexpr const char *kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO audit_meta(key, value) VALUES ('format', '1');
CREATE TABLE IF NOT EXISTS audit_records(
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  instance TEXT NOT NULL,
  session TEXT, principal TEXT, tenant TEXT, tool TEXT, outcome TEXT, error_code TEXT,
  body TEXT NOT NULL,
  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, mac BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records(time_ms);
CREATE INDEX IF NOT EXISTS audit_records_principal ON audit_records(principal, seq);
CREATE INDEX IF NOT EXISTS audit_records_tenant ON audit_records(tenant, seq);
CREATE INDEX IF NOT EXISTS audit_records_tool ON audit_records(tool, seq);
CREATE INDEX IF NOT EXISTS audit_records_outcome ON audit_records(outcome, seq);
CREATE INDEX IF NOT EXISTS audit_records_error ON audit_records(error_code, seq);
CREATE INDEX IF NOT EXISTS audit_records_session ON audit_records(session, seq);
CREATE TABLE IF NOT EXISTS audit_checkpoints(
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  hash BLOB NOT NULL,
  reason TEXT NOT NULL,
  signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  hash BLOB NOT NULL,
  signature BLOB NOT NULL);
)sql";

Error storeError(sqlite3 *db, const QString &path, const std::string &doing)
{
    const int code = db ? sqlite3_extended_errcode(db) : SQLITE_CANTOPEN;
    // The SQLite message names the failure class (disk full, read-only, I/O error), never
    // any record content; the path is the operator's own configuration.
    std::string why = db ? sqlite3_errmsg(db) : "cannot open";
    return Error(ErrorCode::AuditUnavailable, "the audit store " + path.toStdString() + " failed while "
                                                  + doing + ": " + why + " (SQLite code "
                                                  + std::to_string(code) + ")");
}


void bindOptional(sqlite3_stmt *stmt, int index, const std::optional<std::string> &value)
{
    if (value)
        sqlite3_bind_text(stmt, index, value->data(), int(value->size()), SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, index);
}

void bindBlob(sqlite3_stmt *stmt, int index, const std::string &bytes)
{
    sqlite3_bind_blob(stmt, index, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
}

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

AuditStore::AuditStore(QString path, Mode mode, std::string vfs)
    : m_path(std::move(path))
    , m_mode(mode)
    , m_vfs(std::move(vfs))
{
}

AuditStore::~AuditStore()
{
    dropCache();
    sqlite3_close_v2(m_db);
}

AuditStore::Cached::~Cached()
{
    if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
}

AuditStore::Cached AuditStore::cached(const char *sql) const
{
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            return Cached {};
        it = m_cache.emplace(sql, stmt).first;
    }
    return Cached { it->second };
}

void AuditStore::dropCache()
{
    for (auto &[sql, stmt] : m_cache)
        sqlite3_finalize(stmt);
    m_cache.clear();
}

Result<std::unique_ptr<AuditStore>> AuditStore::open(const QString &path, Mode mode, const std::string &vfs)
{
    if (mode == Mode::Writer && !QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error(ErrorCode::AuditUnavailable, "cannot create the folder of the audit store " + path.toStdString());
    std::unique_ptr<AuditStore> store(new AuditStore(path, mode, vfs));
    if (auto s = store->openDatabase(); !s)
        return s.error();
    return store;
}

Status AuditStore::reopen()
{
    dropCache();
    sqlite3_close_v2(m_db);
    m_db = nullptr;
    return openDatabase();
}

Status AuditStore::probe()
{
    if (sqlite3_exec(m_db,
                     "BEGIN IMMEDIATE; INSERT OR REPLACE INTO audit_meta(key, value) VALUES ('probe', "
                     "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); COMMIT;",
                     nullptr, nullptr, nullptr)
        != SQLITE_OK) {
        Error e = storeError(m_db, m_path, "checking that it is writable");
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    return {};
}

Status AuditStore::openDatabase()
{
    const int flags = m_mode == Mode::Writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                                             : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    const QByteArray encoded = QFile::encodeName(m_path);
    const int rc = sqlite3_open_v2(encoded.constData(), &m_db, flags, m_vfs.empty() ? nullptr : m_vfs.c_str());
    if (rc != SQLITE_OK)
        return storeError(m_db, m_path, "opening");
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 2000);
    if (m_mode == Mode::Writer) {
        // FULL: every commit is fsynced before it returns; WAL keeps readers (the console's
        // viewer, verify, export) from blocking the writer.
        for (const char *pragma : { "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                                    "PRAGMA trusted_schema = OFF" }) {
            if (sqlite3_exec(m_db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK)
                return storeError(m_db, m_path, "setting it up");
        }
        if (sqlite3_exec(m_db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK)
            return storeError(m_db, m_path, "creating its tables");
    } else {
        sqlite3_exec(m_db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr);
    }
    return {};
}

Result<AuditStore::Tail> AuditStore::readTail() const
{
    const Cached s = cached("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1");
    if (!s.stmt)
        return storeError(m_db, m_path, "reading the last record");
    Tail tail;
    tail.hash = zeroHash();
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_ROW) {
        tail.seq = sqlite3_column_int64(s.stmt, 0);
        tail.hash = sqlite::blob(s.stmt, 1);
    } else if (rc != SQLITE_DONE) {
        return storeError(m_db, m_path, "reading the last record");
    }
    return tail;
}

Result<std::vector<AuditRecord>> AuditStore::append(std::vector<Json> bodies, const AuditKeys &keys,
                                                    const CheckpointPolicy &policy, const char *forcedReason)
{
    // IMMEDIATE takes SQLite's write lock first: another writer's commit cannot slip in
    // between reading the tail and linking to it.
    if (sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        return storeError(m_db, m_path, "starting a transaction");
    auto records = appendInTransaction(std::move(bodies), keys, policy, forcedReason);
    if (!records) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return records;
    }
    // COMMIT with synchronous=FULL returns only after the WAL is fsynced. If it fails (an
    // fsync error included) the transaction is treated as lost: the caller reopens the store
    // and re-reads the tail from disk instead of retrying and assuming.
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        Error e = storeError(m_db, m_path, "committing");
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    return records;
}

Result<std::vector<AuditRecord>> AuditStore::appendInTransaction(std::vector<Json> bodies, const AuditKeys &keys,
                                                                 const CheckpointPolicy &policy, const char *forcedReason)
{
    auto fail = [&](const std::string &doing) { return storeError(m_db, m_path, doing); };
    auto tail = readTail();
    if (!tail)
        return tail.takeError();
    std::vector<AuditRecord> records;
    records.reserve(bodies.size());
    std::string prev = tail->hash;
    std::int64_t seq = tail->seq;
    for (Json &body : bodies) {
        AuditRecord r;
        r.seq = ++seq;
        r.body = std::move(body);
        r.body["seq"] = r.seq;
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
    std::optional<Checkpoint> checkpoint;
    {
        const Cached latest = cached("SELECT seq, time_ms FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
        std::int64_t cpSeq = 0, cpTime = 0;
        if (latest.stmt && sqlite3_step(latest.stmt) == SQLITE_ROW) {
            cpSeq = sqlite3_column_int64(latest.stmt, 0);
            cpTime = sqlite3_column_int64(latest.stmt, 1);
        }
        if (forcedReason || last.seq - cpSeq >= policy.everyRecords || head.timeMs - cpTime >= policy.intervalMs) {
            checkpoint = head;
            checkpoint->reason = forcedReason ? forcedReason : "periodic";
            checkpoint->signature = keys.signCheckpoint(head.seq, head.hash, head.timeMs, checkpoint->reason);
        }
    }
    {
        const Cached insert = cached("INSERT INTO audit_records(seq, time_ms, kind, instance, session, principal, "
                                     "tenant, tool, outcome, error_code, body, prev_hash, hash, mac) "
                                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!insert.stmt)
            return fail("preparing an insert");
        for (const AuditRecord &r : records) {
            const IndexedColumns c = indexedColumns(r.body);
            const std::string &body = r.canonical;
            sqlite3_reset(insert.stmt);
            sqlite3_bind_int64(insert.stmt, 1, r.seq);
            sqlite3_bind_int64(insert.stmt, 2, c.timeMs);
            sqlite3_bind_text(insert.stmt, 3, c.kind.data(), int(c.kind.size()), SQLITE_TRANSIENT);
            sqlite3_bind_text(insert.stmt, 4, c.instance.data(), int(c.instance.size()), SQLITE_TRANSIENT);
            bindOptional(insert.stmt, 5, c.session);
            bindOptional(insert.stmt, 6, c.principal);
            bindOptional(insert.stmt, 7, c.tenant);
            bindOptional(insert.stmt, 8, c.tool);
            bindOptional(insert.stmt, 9, c.outcome);
            bindOptional(insert.stmt, 10, c.errorCode);
            sqlite3_bind_text(insert.stmt, 11, body.data(), int(body.size()), SQLITE_TRANSIENT);
            bindBlob(insert.stmt, 12, r.prevHash);
            bindBlob(insert.stmt, 13, r.hash);
            bindBlob(insert.stmt, 14, r.mac);
            // A duplicate seq would fail the whole batch: the chain is never forked.
            if (sqlite3_step(insert.stmt) != SQLITE_DONE)
                return fail("writing record " + std::to_string(r.seq));
        }
    }
    if (checkpoint) {
        const Cached insert = cached("INSERT OR REPLACE INTO audit_checkpoints(seq, time_ms, hash, reason, signature) "
                                     "VALUES (?,?,?,?,?)");
        if (!insert.stmt)
            return fail("preparing a checkpoint");
        sqlite3_bind_int64(insert.stmt, 1, checkpoint->seq);
        sqlite3_bind_int64(insert.stmt, 2, checkpoint->timeMs);
        bindBlob(insert.stmt, 3, checkpoint->hash);
        sqlite3_bind_text(insert.stmt, 4, checkpoint->reason.data(), int(checkpoint->reason.size()), SQLITE_TRANSIENT);
        bindBlob(insert.stmt, 5, checkpoint->signature);
        if (sqlite3_step(insert.stmt) != SQLITE_DONE)
            return fail("writing a checkpoint");
    }
    const Checkpoint &headRow = head;
    {
        const Cached upsert = cached("INSERT OR REPLACE INTO audit_head(id, seq, time_ms, hash, signature) "
                                     "VALUES (1,?,?,?,?)");
        if (!upsert.stmt)
            return fail("preparing the head");
        sqlite3_bind_int64(upsert.stmt, 1, headRow.seq);
        sqlite3_bind_int64(upsert.stmt, 2, headRow.timeMs);
        bindBlob(upsert.stmt, 3, headRow.hash);
        bindBlob(upsert.stmt, 4, headRow.signature);
        if (sqlite3_step(upsert.stmt) != SQLITE_DONE)
            return fail("writing the head");
    }
    return records;
}

Result<std::int64_t> AuditStore::lastSeqBefore(std::int64_t timeMs) const
{
    Statement s;
    if (sqlite3_prepare_v2(m_db, "SELECT max(seq) FROM audit_records WHERE time_ms < ?", -1, &s.stmt, nullptr) != SQLITE_OK)
        return storeError(m_db, m_path, "finding old records");
    sqlite3_bind_int64(s.stmt, 1, timeMs);
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return storeError(m_db, m_path, "finding old records");
    return sqlite3_column_int64(s.stmt, 0);
}

Result<std::vector<Checkpoint>> AuditStore::checkpoints() const
{
    std::vector<Checkpoint> out;
    for (const char *sql : { "SELECT seq, time_ms, hash, reason, signature FROM audit_checkpoints ORDER BY seq",
                             "SELECT seq, time_ms, hash, 'head', signature FROM audit_head" }) {
        Statement s;
        if (sqlite3_prepare_v2(m_db, sql, -1, &s.stmt, nullptr) != SQLITE_OK)
            return storeError(m_db, m_path, "reading checkpoints");
        while (sqlite3_step(s.stmt) == SQLITE_ROW) {
            Checkpoint c;
            c.seq = sqlite3_column_int64(s.stmt, 0);
            c.timeMs = sqlite3_column_int64(s.stmt, 1);
            c.hash = sqlite::blob(s.stmt, 2);
            c.reason = sqlite::text(s.stmt, 3).value_or("");
            c.signature = sqlite::blob(s.stmt, 4);
            out.push_back(std::move(c));
        }
    }
    return out;
}

Result<AuditStore::PurgeResult> AuditStore::purge(std::int64_t cutoffSeq, const AuditKeys &keys, Json retentionRecord)
{
    if (sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        return storeError(m_db, m_path, "starting a transaction");
    auto fail = [&](const std::string &doing) {
        Error e = storeError(m_db, m_path, doing);
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    PurgeResult result;
    Checkpoint boundary;
    {
        // Whole segments only: up to the newest checkpoint at or before the cut-off.
        Statement s;
        if (sqlite3_prepare_v2(m_db,
                               "SELECT c.seq, c.time_ms, c.hash FROM audit_checkpoints c "
                               "WHERE c.seq <= ? AND EXISTS (SELECT 1 FROM audit_records r WHERE r.seq = c.seq) "
                               "ORDER BY c.seq DESC LIMIT 1",
                               -1, &s.stmt, nullptr)
            != SQLITE_OK)
            return fail("finding the segment boundary");
        sqlite3_bind_int64(s.stmt, 1, cutoffSeq);
        if (sqlite3_step(s.stmt) != SQLITE_ROW) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return result; // no whole segment is old enough
        }
        boundary.seq = sqlite3_column_int64(s.stmt, 0);
        boundary.timeMs = sqlite3_column_int64(s.stmt, 1);
        boundary.hash = sqlite::blob(s.stmt, 2);
    }
    boundary.reason = "purge";
    boundary.signature = keys.signCheckpoint(boundary.seq, boundary.hash, boundary.timeMs, boundary.reason);
    {
        Statement del;
        sqlite3_prepare_v2(m_db, "DELETE FROM audit_records WHERE seq <= ?", -1, &del.stmt, nullptr);
        sqlite3_bind_int64(del.stmt, 1, boundary.seq);
        if (!del.stmt || sqlite3_step(del.stmt) != SQLITE_DONE)
            return fail("removing old records");
        result.removed = sqlite3_changes(m_db);
    }
    {
        Statement del;
        sqlite3_prepare_v2(m_db, "DELETE FROM audit_checkpoints WHERE seq <= ?", -1, &del.stmt, nullptr);
        sqlite3_bind_int64(del.stmt, 1, boundary.seq);
        if (!del.stmt || sqlite3_step(del.stmt) != SQLITE_DONE)
            return fail("removing old checkpoints");
        Statement insert;
        sqlite3_prepare_v2(m_db, "INSERT INTO audit_checkpoints(seq, time_ms, hash, reason, signature) VALUES (?,?,?,?,?)",
                           -1, &insert.stmt, nullptr);
        sqlite3_bind_int64(insert.stmt, 1, boundary.seq);
        sqlite3_bind_int64(insert.stmt, 2, boundary.timeMs);
        bindBlob(insert.stmt, 3, boundary.hash);
        sqlite3_bind_text(insert.stmt, 4, boundary.reason.data(), int(boundary.reason.size()), SQLITE_TRANSIENT);
        bindBlob(insert.stmt, 5, boundary.signature);
        if (!insert.stmt || sqlite3_step(insert.stmt) != SQLITE_DONE)
            return fail("writing the purge checkpoint");
    }
    result.throughSeq = boundary.seq;
    retentionRecord["details"]["purged_through_seq"] = boundary.seq;
    retentionRecord["details"]["records_removed"] = result.removed;
    std::vector<Json> bodies;
    bodies.push_back(std::move(retentionRecord));
    auto written = appendInTransaction(std::move(bodies), keys, CheckpointPolicy {}, "periodic");
    if (!written) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return written.takeError();
    }
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail("committing the purge");
    result.recordSeq = written->front().seq;
    return result;
}

} // namespace warden::audit
