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
CREATE INDEX IF NOT EXISTS audit_records_kind ON audit_records(kind, seq);
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

} // namespace

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

std::string AuditStore::name() const
{
    return "the audit store " + m_path.toStdString();
}

Error AuditStore::readError() const
{
    return Error(ErrorCode::IoError, "cannot read the audit store " + m_path.toStdString() + ": " + sqlite3_errmsg(m_db));
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

Status AuditStore::beginWrite()
{
    // IMMEDIATE takes SQLite's write lock first: another writer's commit cannot slip in
    // between reading the tail and linking to it.
    if (sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        return storeError(m_db, m_path, "starting a transaction");
    return {};
}

Status AuditStore::commitWrite()
{
    // COMMIT with synchronous=FULL returns only after the WAL is fsynced.
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        Error e = storeError(m_db, m_path, "committing");
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    return {};
}

void AuditStore::rollbackWrite()
{
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<std::optional<Checkpoint>> AuditStore::latestCheckpoint()
{
    const Cached latest = cached("SELECT seq, time_ms, hash FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
    return checkpointRow(latest.stmt, "reading the last checkpoint");
}

Result<std::optional<Checkpoint>> AuditStore::checkpointRow(sqlite3_stmt *stmt, const char *doing) const
{
    const int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (rc == SQLITE_DONE)
        return std::optional<Checkpoint>();
    if (rc != SQLITE_ROW)
        return storeError(m_db, m_path, doing);
    Checkpoint c;
    c.seq = sqlite3_column_int64(stmt, 0);
    c.timeMs = sqlite3_column_int64(stmt, 1);
    c.hash = sqlite::blob(stmt, 2);
    return std::optional<Checkpoint>(std::move(c));
}

Status AuditStore::writeRecords(const std::vector<AuditRecord> &records)
{
    const Cached insert = cached("INSERT INTO audit_records(seq, time_ms, kind, instance, session, principal, "
                                 "tenant, tool, outcome, error_code, body, prev_hash, hash, mac) "
                                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!insert.stmt)
        return storeError(m_db, m_path, "preparing an insert");
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
        if (sqlite3_step(insert.stmt) != SQLITE_DONE)
            return storeError(m_db, m_path, "writing record " + std::to_string(r.seq));
    }
    return {};
}

Status AuditStore::writeCheckpoint(const Checkpoint &checkpoint)
{
    // The head is one row (id 1) without a reason: ?4 is bound but not used there.
    const Cached insert = cached(checkpoint.reason == "head"
                                     ? "INSERT OR REPLACE INTO audit_head(id, seq, time_ms, hash, signature) "
                                       "VALUES (1, ?1, ?2, ?3, ?5)"
                                     : "INSERT OR REPLACE INTO audit_checkpoints(seq, time_ms, hash, reason, signature) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert.stmt)
        return storeError(m_db, m_path, "preparing a checkpoint");
    sqlite3_bind_int64(insert.stmt, 1, checkpoint.seq);
    sqlite3_bind_int64(insert.stmt, 2, checkpoint.timeMs);
    bindBlob(insert.stmt, 3, checkpoint.hash);
    sqlite3_bind_text(insert.stmt, 4, checkpoint.reason.data(), int(checkpoint.reason.size()), SQLITE_TRANSIENT);
    bindBlob(insert.stmt, 5, checkpoint.signature);
    if (sqlite3_step(insert.stmt) != SQLITE_DONE)
        return storeError(m_db, m_path, checkpoint.reason == "head" ? "writing the head" : "writing a checkpoint");
    return {};
}

Result<std::optional<Checkpoint>> AuditStore::segmentBoundary(std::int64_t cutoffSeq)
{
    Statement s;
    if (sqlite3_prepare_v2(m_db,
                           "SELECT c.seq, c.time_ms, c.hash FROM audit_checkpoints c "
                           "WHERE c.seq <= ? AND EXISTS (SELECT 1 FROM audit_records r WHERE r.seq = c.seq) "
                           "ORDER BY c.seq DESC LIMIT 1",
                           -1, &s.stmt, nullptr)
        != SQLITE_OK)
        return storeError(m_db, m_path, "finding the segment boundary");
    sqlite3_bind_int64(s.stmt, 1, cutoffSeq);
    return checkpointRow(s.stmt, "finding the segment boundary");
}

Result<std::int64_t> AuditStore::removeThrough(std::int64_t seq)
{
    std::int64_t removed = -1;
    for (const char *sql : { "DELETE FROM audit_records WHERE seq <= ?", "DELETE FROM audit_checkpoints WHERE seq <= ?" }) {
        Statement del;
        sqlite3_prepare_v2(m_db, sql, -1, &del.stmt, nullptr);
        sqlite3_bind_int64(del.stmt, 1, seq);
        if (!del.stmt || sqlite3_step(del.stmt) != SQLITE_DONE)
            return storeError(m_db, m_path, "removing old records");
        if (removed < 0) // the records, not the checkpoints
            removed = sqlite3_changes(m_db);
    }
    return removed;
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

Result<std::string> AuditStore::layoutProblem() const
{
    for (const char *table : { "audit_records", "audit_checkpoints", "audit_head" }) {
        Statement s;
        if (sqlite3_prepare_v2(m_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &s.stmt,
                               nullptr)
            != SQLITE_OK)
            return readError();
        sqlite3_bind_text(s.stmt, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(s.stmt) != SQLITE_ROW)
            return std::string("the store has no ") + table
                + " table: it is not a Warden audit store, or it was damaged";
    }
    return std::string();
}

Status AuditStore::beginSnapshot() const
{
    // In WAL mode a read transaction sees the database as of its first read until it ends.
    if (sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
        return readError();
    return {};
}

void AuditStore::endSnapshot() const
{
    sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
}

Result<std::vector<Checkpoint>> AuditStore::storedCheckpoints() const
{
    std::vector<Checkpoint> out;
    Statement s;
    if (sqlite3_prepare_v2(m_db, "SELECT seq, time_ms, hash, reason, signature FROM audit_checkpoints ORDER BY seq", -1,
                           &s.stmt, nullptr)
        != SQLITE_OK)
        return readError();
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        Checkpoint c;
        c.seq = sqlite3_column_int64(s.stmt, 0);
        c.timeMs = sqlite3_column_int64(s.stmt, 1);
        c.hash = sqlite::blob(s.stmt, 2);
        c.reason = sqlite::text(s.stmt, 3).value_or("");
        c.signature = sqlite::blob(s.stmt, 4);
        out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE)
        return readError();
    return out;
}

Result<std::optional<Checkpoint>> AuditStore::head() const
{
    Statement s;
    if (sqlite3_prepare_v2(m_db, "SELECT seq, time_ms, hash, signature FROM audit_head WHERE id = 1", -1, &s.stmt,
                           nullptr)
        != SQLITE_OK)
        return readError();
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return std::optional<Checkpoint>();
    if (rc != SQLITE_ROW)
        return readError();
    Checkpoint c;
    c.seq = sqlite3_column_int64(s.stmt, 0);
    c.timeMs = sqlite3_column_int64(s.stmt, 1);
    c.hash = sqlite::blob(s.stmt, 2);
    c.reason = "head";
    c.signature = sqlite::blob(s.stmt, 3);
    return std::optional<Checkpoint>(std::move(c));
}

Result<std::int64_t> AuditStore::recordCount() const
{
    Statement s;
    if (sqlite3_prepare_v2(m_db, "SELECT count(*) FROM audit_records", -1, &s.stmt, nullptr) != SQLITE_OK
        || sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError();
    return std::int64_t(sqlite3_column_int64(s.stmt, 0));
}

Result<std::vector<StoredRecord>> AuditStore::records(std::int64_t after, int limit) const
{
    const Cached s = cached("SELECT seq, time_ms, kind, instance, session, principal, tenant, tool, outcome, "
                            "error_code, body, prev_hash, hash, mac FROM audit_records WHERE seq > ? "
                            "ORDER BY seq LIMIT ?");
    if (!s.stmt)
        return readError();
    sqlite3_bind_int64(s.stmt, 1, after);
    sqlite3_bind_int(s.stmt, 2, limit);
    std::vector<StoredRecord> out;
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        StoredRecord r;
        r.seq = sqlite3_column_int64(s.stmt, 0);
        r.columns.timeMs = sqlite3_column_int64(s.stmt, 1);
        r.columns.kind = sqlite::text(s.stmt, 2).value_or("");
        r.columns.instance = sqlite::text(s.stmt, 3).value_or("");
        r.columns.session = sqlite::text(s.stmt, 4);
        r.columns.principal = sqlite::text(s.stmt, 5);
        r.columns.tenant = sqlite::text(s.stmt, 6);
        r.columns.tool = sqlite::text(s.stmt, 7);
        r.columns.outcome = sqlite::text(s.stmt, 8);
        r.columns.errorCode = sqlite::text(s.stmt, 9);
        r.body = sqlite::text(s.stmt, 10).value_or("");
        r.prevHash = sqlite::blob(s.stmt, 11);
        r.hash = sqlite::blob(s.stmt, 12);
        r.mac = sqlite::blob(s.stmt, 13);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE)
        return readError();
    return out;
}

} // namespace warden::audit
