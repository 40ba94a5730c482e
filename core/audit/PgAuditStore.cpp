#include "PgAuditStore.h"

#include "crypto/Crypto.h"
#include "db/PgConnection.h"

#include <QByteArray>

namespace warden::audit {

namespace {

using db::QueryOptions;

// Statements are small and indexed; a server that takes longer is failing. The audit log's
// write timeout bounds the caller's wait in any case.
const QueryOptions kStatement { 10000, -1 };

// Serialises schema creation between servers starting at once (CREATE TABLE IF NOT EXISTS
// races with itself); any constant that no other application uses as an advisory key.
constexpr std::int64_t kSchemaLock = 0x57415244454e4131; // "WARDENA1"

const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS audit_meta(key text PRIMARY KEY, value text NOT NULL)",
    "INSERT INTO audit_meta(key, value) VALUES ('format', '1') ON CONFLICT (key) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS audit_records("
    " chain text NOT NULL, seq bigint NOT NULL, time_ms bigint NOT NULL, kind text NOT NULL,"
    " instance text NOT NULL, session text, principal text, tenant text, tool text, outcome text,"
    " error_code text, body text NOT NULL, prev_hash bytea NOT NULL, hash bytea NOT NULL,"
    " mac bytea NOT NULL, PRIMARY KEY (chain, seq))",
    "CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records(chain, time_ms)",
    "CREATE INDEX IF NOT EXISTS audit_records_principal ON audit_records(chain, principal, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_tenant ON audit_records(chain, tenant, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_tool ON audit_records(chain, tool, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_outcome ON audit_records(chain, outcome, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_error ON audit_records(chain, error_code, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_session ON audit_records(chain, session, seq)",
    "CREATE INDEX IF NOT EXISTS audit_records_kind ON audit_records(chain, kind, seq)",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints("
    " chain text NOT NULL, seq bigint NOT NULL, time_ms bigint NOT NULL, hash bytea NOT NULL,"
    " reason text NOT NULL, signature bytea NOT NULL, PRIMARY KEY (chain, seq))",
    "CREATE TABLE IF NOT EXISTS audit_head("
    " chain text PRIMARY KEY, seq bigint NOT NULL, time_ms bigint NOT NULL, hash bytea NOT NULL,"
    " signature bytea NOT NULL)",
};

constexpr const char *kFormat = "1";

Json bytea(const std::string &bytes)
{
    return "\\x" + crypto::toHex(bytes);
}

Json optionalText(const std::optional<std::string> &value)
{
    return value ? Json(*value) : Json(nullptr);
}

// Columns selected as encode(x, 'hex') arrive as hex text.
std::string fromHex(const Json &value)
{
    if (!value.is_string())
        return {};
    return QByteArray::fromHex(QByteArray::fromStdString(value.get<std::string>())).toStdString();
}

std::string textOf(const Json &value)
{
    return value.is_string() ? value.get<std::string>() : std::string();
}

std::optional<std::string> optionalTextOf(const Json &value)
{
    if (!value.is_string())
        return std::nullopt;
    return value.get<std::string>();
}

std::int64_t intOf(const Json &value)
{
    return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

// A row of (seq, time_ms, encode(hash), reason, encode(signature)).
Checkpoint checkpointOf(const std::vector<Json> &row)
{
    Checkpoint c;
    c.seq = intOf(row[0]);
    c.timeMs = intOf(row[1]);
    c.hash = fromHex(row[2]);
    c.reason = textOf(row[3]);
    c.signature = fromHex(row[4]);
    return c;
}

} // namespace

bool PgAuditStore::isValidChain(std::string_view chain)
{
    if (chain.empty() || chain.size() > 64)
        return false;
    for (const char c : chain) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

PgAuditStore::PgAuditStore(std::unique_ptr<db::PgConnection> connection, std::string target, std::string chain)
    : m_conn(std::move(connection))
    , m_target(std::move(target))
    , m_chain(std::move(chain))
{
}

PgAuditStore::~PgAuditStore() = default;

Result<std::unique_ptr<PgAuditStore>> PgAuditStore::open(const DatabaseConfig &connection, const std::string &password,
                                                         const std::string &chain, Mode mode)
{
    const std::string target = connection.host.toStdString() + ":" + std::to_string(connection.port) + "/"
        + connection.dbname.toStdString();
    if (!isValidChain(chain))
        return Error(ErrorCode::ConfigInvalid,
                     "the audit chain name must be 1 to 64 letters, digits, '.', '_' or '-' (audit.chain)");
    auto conn = db::PgConnection::open(connection, password,
                                       mode == Mode::Writer ? db::AccessMode::ReadWrite : db::AccessMode::ReadOnly);
    if (!conn)
        return Error(mode == Mode::Writer ? ErrorCode::AuditUnavailable : ErrorCode::IoError,
                     "cannot open the PostgreSQL audit store at " + target + " as "
                         + connection.user.toStdString()
                         + ": the database is unreachable or refused the login; check audit.postgres (host, port, "
                           "dbname, user, password, sslmode) and that the server runs (log level debug shows its "
                           "reason)");
    std::unique_ptr<PgAuditStore> store(new PgAuditStore(std::move(*conn), target, chain));
    if (mode == Mode::Writer) {
        if (auto s = store->createSchema(); !s)
            return s.takeError();
    }
    return store;
}

std::string PgAuditStore::name() const
{
    return "the PostgreSQL audit store " + m_target + " (chain " + m_chain + ")";
}

Error PgAuditStore::writeError(const std::string &doing, const Error &cause) const
{
    // cause.message is PgConnection's own sentence (unreachable, a constraint, a privilege):
    // never the server's text, which may quote values.
    return Error(ErrorCode::AuditUnavailable, name() + " failed while " + doing + ": " + cause.message);
}

Error PgAuditStore::readError(const Error &cause) const
{
    return Error(cause.code == ErrorCode::Cancelled ? ErrorCode::Cancelled : ErrorCode::IoError,
                 "cannot read " + name() + ": " + cause.message);
}

Status PgAuditStore::createSchema()
{
    auto fail = [&](const Error &e) {
        m_conn->rollback();
        return writeError("creating its tables (the role needs CREATE on the schema, or create them once as "
                          "their owner)",
                          e);
    };
    if (auto s = m_conn->begin(false); !s)
        return writeError("creating its tables", s.error());
    if (auto r = m_conn->query("SELECT pg_advisory_xact_lock($1)", { kSchemaLock }, kStatement); !r)
        return fail(r.error());
    // CREATE ... IF NOT EXISTS still needs CREATE on the schema: a role a DBA gave only
    // SELECT, INSERT, UPDATE and DELETE on tables made for it skips it.
    auto existing = m_conn->query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                                  "AND tablename IN ('audit_meta', 'audit_records', 'audit_checkpoints', 'audit_head')",
                                  {}, kStatement);
    if (!existing)
        return fail(existing.error());
    if (intOf(existing->rows.at(0).at(0)) != 4) {
        for (const char *sql : kSchema) {
            if (auto r = m_conn->execute(sql, {}, kStatement); !r)
                return fail(r.error());
        }
    }
    auto format = m_conn->query("SELECT value FROM audit_meta WHERE key = 'format'", {}, kStatement);
    if (!format)
        return fail(format.error());
    if (format->rows.empty() || textOf(format->rows[0][0]) != kFormat) {
        m_conn->rollback();
        return Error(ErrorCode::AuditUnavailable,
                     name() + " has audit format "
                         + (format->rows.empty() ? std::string("(none)") : textOf(format->rows[0][0]))
                         + ", and this Warden writes format " + kFormat
                         + " only: upgrade Warden or point audit.postgres at another database");
    }
    if (auto s = m_conn->commit(); !s)
        return writeError("creating its tables", s.error());
    return {};
}

Status PgAuditStore::reopen()
{
    // The connection reconnects by itself on its next statement; what counts is that a
    // transaction can begin again (probe() then proves a durable write).
    m_conn->rollback();
    return {};
}

Status PgAuditStore::beginDurable(const char *doing, bool lockChain)
{
    if (auto s = m_conn->begin(false); !s)
        return writeError(std::string("starting a transaction for ") + doing, s.error());
    // synchronous_commit on for this transaction only (is_local): the fixture, and some
    // deployments, turn it off for the cluster, and an audit commit must be flushed before it
    // counts; a reconnected session needs nothing restored. Then the chain's one-writer
    // lock, released by COMMIT or ROLLBACK (or a dropped connection); its key is a 64-bit
    // hash of the chain name, and two chains that collide only wait for each other. One
    // round trip for both.
    auto r = lockChain ? m_conn->query("SELECT set_config('synchronous_commit', 'on', true), "
                                       "pg_advisory_xact_lock(hashtextextended($1, 0))",
                                       { "warden-audit:" + m_chain }, kStatement)
                       : m_conn->query("SELECT set_config('synchronous_commit', 'on', true)", {}, kStatement);
    if (!r) {
        m_conn->rollback();
        return writeError(lockChain ? "locking the chain" : std::string("starting a transaction for ") + doing,
                          r.error());
    }
    return {};
}

Status PgAuditStore::probe()
{
    if (auto s = beginDurable("a probe", false); !s)
        return s;
    if (auto r = m_conn->execute("INSERT INTO audit_meta(key, value) VALUES ($1, now()::text) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 { "probe:" + m_chain }, kStatement);
        !r) {
        m_conn->rollback();
        return writeError("checking that it is writable", r.error());
    }
    if (auto s = m_conn->commit(); !s)
        return writeError("checking that it is writable", s.error());
    return {};
}

Status PgAuditStore::beginWrite()
{
    return beginDurable("a commit", true);
}

Status PgAuditStore::commitWrite()
{
    if (auto s = m_conn->commit(); !s)
        return writeError("committing", s.error());
    return {};
}

void PgAuditStore::rollbackWrite()
{
    m_conn->rollback();
}

Result<AuditBackend::Tail> PgAuditStore::readTail() const
{
    auto r = m_conn->query("SELECT seq, encode(hash, 'hex') FROM audit_records WHERE chain = $1 "
                           "ORDER BY seq DESC LIMIT 1",
                           { m_chain }, kStatement);
    if (!r)
        return writeError("reading the last record", r.error());
    Tail tail;
    tail.hash = zeroHash();
    if (!r->rows.empty()) {
        tail.seq = intOf(r->rows[0][0]);
        tail.hash = fromHex(r->rows[0][1]);
    }
    return tail;
}

Result<std::optional<Checkpoint>> PgAuditStore::latestCheckpoint()
{
    auto r = m_conn->query("SELECT seq, time_ms FROM audit_checkpoints WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
                           { m_chain }, kStatement);
    if (!r)
        return writeError("reading the last checkpoint", r.error());
    if (r->rows.empty())
        return std::optional<Checkpoint>();
    Checkpoint c;
    c.seq = intOf(r->rows[0][0]);
    c.timeMs = intOf(r->rows[0][1]);
    return std::optional<Checkpoint>(std::move(c));
}

Status PgAuditStore::writeRecords(const std::vector<AuditRecord> &records)
{
    for (const AuditRecord &r : records) {
        const IndexedColumns c = indexedColumns(r.body);
        auto done = m_conn->execute(
            "INSERT INTO audit_records(chain, seq, time_ms, kind, instance, session, principal, tenant, tool, "
            "outcome, error_code, body, prev_hash, hash, mac) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
            { m_chain, r.seq, c.timeMs, c.kind, c.instance, optionalText(c.session), optionalText(c.principal),
              optionalText(c.tenant), optionalText(c.tool), optionalText(c.outcome), optionalText(c.errorCode),
              r.canonical, bytea(r.prevHash), bytea(r.hash), bytea(r.mac) },
            kStatement);
        if (!done)
            return writeError("writing record " + std::to_string(r.seq), done.error());
    }
    return {};
}

Status PgAuditStore::writeCheckpoint(const Checkpoint &checkpoint)
{
    const bool head = checkpoint.reason == "head";
    std::vector<Json> params = { m_chain, checkpoint.seq, checkpoint.timeMs, bytea(checkpoint.hash),
                                 bytea(checkpoint.signature) };
    if (!head)
        params.emplace_back(checkpoint.reason);
    auto done = m_conn->execute(head ? "INSERT INTO audit_head(chain, seq, time_ms, hash, signature) "
                                       "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, "
                                       "time_ms = excluded.time_ms, hash = excluded.hash, signature = excluded.signature"
                                     : "INSERT INTO audit_checkpoints(chain, seq, time_ms, hash, signature, reason) "
                                       "VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (chain, seq) DO UPDATE SET "
                                       "time_ms = excluded.time_ms, hash = excluded.hash, "
                                       "signature = excluded.signature, reason = excluded.reason",
                                params, kStatement);
    if (!done)
        return writeError(head ? "writing the head" : "writing a checkpoint", done.error());
    return {};
}

Result<std::optional<Checkpoint>> PgAuditStore::segmentBoundary(std::int64_t cutoffSeq)
{
    auto r = m_conn->query("SELECT c.seq, c.time_ms, encode(c.hash, 'hex'), c.reason, '' FROM audit_checkpoints c "
                           "WHERE c.chain = $1 AND c.seq <= $2 AND EXISTS (SELECT 1 FROM audit_records r "
                           "WHERE r.chain = c.chain AND r.seq = c.seq) ORDER BY c.seq DESC LIMIT 1",
                           { m_chain, cutoffSeq }, kStatement);
    if (!r)
        return writeError("finding the segment boundary", r.error());
    if (r->rows.empty())
        return std::optional<Checkpoint>();
    return std::optional<Checkpoint>(checkpointOf(r->rows[0]));
}

Result<std::int64_t> PgAuditStore::removeThrough(std::int64_t seq)
{
    auto removed = m_conn->execute("DELETE FROM audit_records WHERE chain = $1 AND seq <= $2", { m_chain, seq },
                                   kStatement);
    if (!removed)
        return writeError("removing old records", removed.error());
    if (auto r = m_conn->execute("DELETE FROM audit_checkpoints WHERE chain = $1 AND seq <= $2", { m_chain, seq },
                                 kStatement);
        !r)
        return writeError("removing old checkpoints", r.error());
    return *removed;
}

Result<std::int64_t> PgAuditStore::lastSeqBefore(std::int64_t timeMs) const
{
    auto r = m_conn->query("SELECT coalesce(max(seq), 0) FROM audit_records WHERE chain = $1 AND time_ms < $2",
                           { m_chain, timeMs }, kStatement);
    if (!r)
        return writeError("finding old records", r.error());
    return intOf(r->rows.at(0).at(0));
}

Result<std::vector<std::string>> PgAuditStore::chains() const
{
    auto r = m_conn->query("SELECT chain FROM audit_head ORDER BY chain", {}, kStatement);
    if (!r)
        return readError(r.error());
    std::vector<std::string> out;
    for (const auto &row : r->rows)
        out.push_back(textOf(row[0]));
    return out;
}

Result<db::RowSet> PgAuditStore::select(const std::string &sql, std::vector<Json> params) const
{
    params.insert(params.begin(), Json(m_chain));
    auto r = m_conn->query(sql, params, QueryOptions { ReadTimeoutMs, -1 });
    if (!r)
        return readError(r.error());
    return r;
}

void PgAuditStore::interrupt() const
{
    m_conn->interrupt();
}

void PgAuditStore::clearInterrupt() const
{
    m_conn->clearInterrupt();
}

Result<std::string> PgAuditStore::layoutProblem() const
{
    auto r = m_conn->query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
                           "tablename IN ('audit_records', 'audit_checkpoints', 'audit_head')",
                           {}, kStatement);
    if (!r)
        return readError(r.error());
    if (intOf(r->rows.at(0).at(0)) != 3)
        return "the database " + m_target
            + " has no Warden audit tables: no server has written an audit trail there yet, or they were dropped";
    auto any = m_conn->query("SELECT 1 FROM audit_head WHERE chain = $1 UNION ALL "
                             "SELECT 1 FROM audit_records WHERE chain = $1 LIMIT 1",
                             { m_chain }, kStatement);
    if (!any)
        return readError(any.error());
    if (any->rows.empty()) {
        auto known = chains();
        std::string list;
        if (known) {
            for (const std::string &c : *known)
                list += (list.empty() ? "" : ", ") + c;
        }
        return "the store has no chain named " + m_chain + " (it holds: " + (list.empty() ? "none" : list)
            + "); check audit.chain or --chain";
    }
    return std::string();
}

Status PgAuditStore::beginSnapshot() const
{
    if (auto s = m_conn->begin(true); !s)
        return readError(s.error());
    // Before the first query: every read of this transaction then sees one snapshot.
    if (auto r = m_conn->execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", {}, kStatement); !r) {
        m_conn->rollback();
        return readError(r.error());
    }
    return {};
}

void PgAuditStore::endSnapshot() const
{
    m_conn->rollback();
}

Result<std::vector<Checkpoint>> PgAuditStore::readCheckpoints(const char *sql) const
{
    auto r = m_conn->query(sql, { m_chain }, kStatement);
    if (!r)
        return readError(r.error());
    std::vector<Checkpoint> out;
    out.reserve(r->rows.size());
    for (const auto &row : r->rows)
        out.push_back(checkpointOf(row));
    return out;
}

Result<std::vector<Checkpoint>> PgAuditStore::storedCheckpoints() const
{
    return readCheckpoints("SELECT seq, time_ms, encode(hash, 'hex'), reason, encode(signature, 'hex') "
                           "FROM audit_checkpoints WHERE chain = $1 ORDER BY seq");
}

Result<std::optional<Checkpoint>> PgAuditStore::head() const
{
    auto found = readCheckpoints("SELECT seq, time_ms, encode(hash, 'hex'), 'head', encode(signature, 'hex') "
                                 "FROM audit_head WHERE chain = $1");
    if (!found)
        return found.takeError();
    if (found->empty())
        return std::optional<Checkpoint>();
    return std::optional<Checkpoint>(std::move(found->front()));
}

Result<std::int64_t> PgAuditStore::recordCount() const
{
    auto r = m_conn->query("SELECT count(*) FROM audit_records WHERE chain = $1", { m_chain }, kStatement);
    if (!r)
        return readError(r.error());
    return intOf(r->rows.at(0).at(0));
}

Result<std::vector<StoredRecord>> PgAuditStore::records(std::int64_t after, int limit) const
{
    auto r = m_conn->query("SELECT seq, time_ms, kind, instance, session, principal, tenant, tool, outcome, "
                           "error_code, body, encode(prev_hash, 'hex'), encode(hash, 'hex'), encode(mac, 'hex') "
                           "FROM audit_records WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                           { m_chain, after, limit }, kStatement);
    if (!r)
        return readError(r.error());
    std::vector<StoredRecord> out;
    out.reserve(r->rows.size());
    for (const auto &row : r->rows) {
        StoredRecord s;
        s.seq = intOf(row[0]);
        s.columns.timeMs = intOf(row[1]);
        s.columns.kind = textOf(row[2]);
        s.columns.instance = textOf(row[3]);
        s.columns.session = optionalTextOf(row[4]);
        s.columns.principal = optionalTextOf(row[5]);
        s.columns.tenant = optionalTextOf(row[6]);
        s.columns.tool = optionalTextOf(row[7]);
        s.columns.outcome = optionalTextOf(row[8]);
        s.columns.errorCode = optionalTextOf(row[9]);
        s.body = textOf(row[10]);
        s.prevHash = fromHex(row[11]);
        s.hash = fromHex(row[12]);
        s.mac = fromHex(row[13]);
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace warden::audit
