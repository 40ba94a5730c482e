#include "SqliteConnection.h"

#include "ValueCodec.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <limits>
#include <sstream>
#include <thread>

namespace warden::db {

namespace {

using Clock = std::chrono::steady_clock;

// The progress handler runs every this many VM instructions: often enough to stop a runaway
// query within a millisecond or so, rarely enough to cost nothing measurable.
constexpr int progressInterval = 1000;

// Introspection reads catalog tables; it is not an agent's query and gets a generous limit.
constexpr int introspectionTimeoutMs = 30000;

void applyLimits(sqlite3 *db)
{
    // Big enough for real rows, small enough that zeroblob(1e9) or printf('%.*c', ...) in raw
    // SQL cannot make a worker allocate gigabytes.
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 16 * 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1000000);
    // ATTACH would let a statement reach any file this process can open.
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    // IN lists of ids are bound one parameter per value.
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 32766);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 200);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 10);
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000);
    // PostgreSQL's own cap (FUNC_MAX_ARGS), so both dialects accept the same compiled SQL
    // (json_object over a wide table needs two arguments per column).
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 100);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 10);
}

Error openError(const std::string &path, const std::string &reason)
{
    return Error(ErrorCode::Unavailable, "cannot open SQLite database " + path + ": " + reason, {},
                 Json { { "path", path } });
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// Declared types follow SQLite's affinity rules, refined by the names people use for
// booleans, dates and JSON (which SQLite stores as integers, text or numbers).
std::string normaliseType(std::string_view declared)
{
    const std::string t = lower(declared);
    const auto has = [&](const char *needle) {
        return t.find(needle) != std::string::npos;
    };
    if (t.empty())
        return "text"; // untyped columns and view expressions: SQLite returns them as given
    if (has("bool"))
        return "boolean";
    if (has("json"))
        return "json";
    if (has("datetime") || has("timestamp"))
        return "datetime";
    if (has("date"))
        return "date";
    if (has("int"))
        return "integer";
    if (has("char") || has("clob") || has("text") || has("uuid") || has("enum")
        || t.rfind("time", 0) == 0)
        return "text";
    if (has("blob"))
        return "blob";
    if (has("real") || has("floa") || has("doub"))
        return "real";
    return "numeric";
}

std::int64_t leadingInteger(const std::string &s)
{
    std::int64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            break;
        if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
            break;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string textOf(const Json &v)
{
    return v.is_string() ? v.get<std::string>() : std::string();
}

} // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string &path,
                                                                 const Options &options)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool mayCreate = options.access == AccessMode::ReadWrite && options.create;
    const fs::file_status st = fs::status(fs::path(path), ec);
    if (!mayCreate && (ec || !fs::exists(st))) {
        return openError(path,
                         "file does not exist; run `warden-server demo create <path>` or fix "
                         "database.path");
    }
    if (fs::exists(st) && fs::is_directory(st))
        return openError(path, "it is a directory, not a file; fix database.path");

    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (options.access == AccessMode::ReadOnly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);

    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        spdlog::debug("sqlite: open {} failed: {} ({})", path,
                      db ? sqlite3_errmsg(db) : "no handle", rc);
        sqlite3_close(db);
        if ((rc & 0xff) == SQLITE_PERM || (rc & 0xff) == SQLITE_CANTOPEN)
            return openError(path, "the file cannot be opened; check that this user may read it");
        return openError(path,
                         "SQLite refused to open the file (run with log level debug to "
                         "see why)");
    }

    sqlite3_extended_result_codes(db, 1);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    // A misspelt "column" must be an error, not a string literal that silently matches nothing.
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
    applyLimits(db);

    std::unique_ptr<SqliteConnection> conn(
        new SqliteConnection(db, path, options.access, options.busyTimeoutMs));

    for (const char *pragma : { "PRAGMA trusted_schema = OFF", "PRAGMA mmap_size = 0" }) {
        if (auto s = conn->simple(pragma); !s)
            return openError(path, "cannot configure the connection (" + s.error().message + ")");
    }

    // Opening is lazy: only the first read reveals a file that is not a database.
    sqlite3_stmt *probe = nullptr;
    int prc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &probe, nullptr);
    if (prc == SQLITE_OK)
        prc = sqlite3_step(probe);
    sqlite3_finalize(probe);
    if (prc != SQLITE_ROW) {
        spdlog::debug("sqlite: probing {} failed: {} ({})", path, sqlite3_errmsg(db), prc);
        switch (prc & 0xff) {
        case SQLITE_NOTADB:
            return openError(path,
                             "the file is not a SQLite database (or it is encrypted); "
                             "fix database.path");
        case SQLITE_CORRUPT:
            return openError(path, "the database file is damaged");
        default:
            return openError(path,
                             "the file cannot be read; check its permissions and that "
                             "no other program holds an exclusive lock");
        }
    }
    return conn;
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::openStateFile(const std::string &path,
                                                                         const std::string &what,
                                                                         const std::string &hint)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::absolute(path).parent_path(), ec);
    if (ec)
        return Error(ErrorCode::Unavailable, "cannot create the folder of " + what + " " + path + "; " + hint);
    Options options;
    options.access = AccessMode::ReadWrite;
    options.create = true;
    auto connection = open(path, options);
    if (!connection)
        return connection.takeError();
    // journal_mode answers with a row.
    if (auto r = (*connection)->query("PRAGMA journal_mode = WAL", {}, QueryOptions { 10000, -1 }); !r)
        return r.takeError();
    return connection;
}

SqliteConnection::SqliteConnection(sqlite3 *db, std::string path, AccessMode access,
                                   int busyTimeoutMs)
    : m_db(db)
    , m_path(std::move(path))
    , m_access(access)
    , m_busyTimeoutMs(busyTimeoutMs)
{
    sqlite3_progress_handler(m_db, progressInterval, &SqliteConnection::progressHandler, this);
    sqlite3_busy_handler(m_db, &SqliteConnection::busyHandler, this);
}

SqliteConnection::~SqliteConnection()
{
    m_cache.clear();
    for (auto &entry : m_lru)
        sqlite3_finalize(entry.stmt);
    m_lru.clear();
    sqlite3_close_v2(m_db);
}

int SqliteConnection::progressHandler(void *p)
{
    auto *self = static_cast<SqliteConnection *>(p);
    if (!self->m_checking)
        return 0;
    if (self->m_interrupted.load(std::memory_order_relaxed)) {
        self->m_abort = Abort::Cancelled;
        return 1;
    }
    if (self->m_hasDeadline && Clock::now() >= self->m_deadline) {
        self->m_abort = Abort::Timeout;
        return 1;
    }
    return 0;
}

int SqliteConnection::busyHandler(void *p, int attempts)
{
    auto *self = static_cast<SqliteConnection *>(p);
    const auto now = Clock::now();
    if (attempts == 0)
        self->m_busySince = now;
    if (self->m_interrupted.load(std::memory_order_relaxed))
        return 0;
    auto limit = self->m_busySince + std::chrono::milliseconds(self->m_busyTimeoutMs);
    if (self->m_checking && self->m_hasDeadline)
        limit = std::min(limit, self->m_deadline);
    if (now >= limit)
        return 0;
    const auto step = std::chrono::milliseconds(std::min(1 << std::min(attempts, 4), 20));
    std::this_thread::sleep_for(std::min<Clock::duration>(step, limit - now));
    return 1;
}

void SqliteConnection::startClock(int timeoutMs)
{
    m_abort = Abort::None;
    m_hasDeadline = timeoutMs > 0;
    if (m_hasDeadline)
        m_deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    m_checking = true;
}

void SqliteConnection::stopClock()
{
    m_checking = false;
    m_hasDeadline = false;
}

void SqliteConnection::interrupt()
{
    m_interrupted.store(true);
    // The progress handler notices the flag within ~1000 instructions; sqlite3_interrupt also
    // stops work that does not run VM instructions (a long sort, a busy wait).
    sqlite3_interrupt(m_db);
}

void SqliteConnection::clearInterrupt()
{
    m_interrupted.store(false);
}

bool SqliteConnection::takeInterrupt()
{
    return m_interrupted.exchange(false);
}

Error SqliteConnection::cancelledError()
{
    return Error(ErrorCode::Cancelled, "the query was cancelled");
}

Error SqliteConnection::timeoutError(int timeoutMs)
{
    return Error(ErrorCode::QueryTimeout,
                 "the query ran longer than " + std::to_string(timeoutMs)
                     + " ms; add a more selective filter or ask for fewer rows",
                 {}, Json { { "timeout_ms", timeoutMs } });
}

Error SqliteConnection::failure(int code, const char *what, int timeoutMs)
{
    const int primary = code & 0xff;
    if (primary == SQLITE_INTERRUPT) {
        const Abort why = m_abort;
        m_abort = Abort::None;
        if (why == Abort::Timeout && !m_interrupted.load())
            return timeoutError(timeoutMs);
        // Cancelled by the flag, or by sqlite3_interrupt() before the handler ran.
        m_interrupted.store(false);
        return cancelledError();
    }
    spdlog::debug("sqlite: {} failed on {}: {} (code {})", what, m_path, sqlite3_errmsg(m_db),
                  code);
    switch (primary) {
    case SQLITE_READONLY:
        return Error(ErrorCode::WriteDisabled,
                     "the database connection is read-only; writes are not allowed");
    case SQLITE_CONSTRAINT:
        return Error(ErrorCode::QueryRejected,
                     "the write breaks a constraint of the database (unique, not null, check "
                     "or foreign key)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        if (m_abort == Abort::Timeout || (m_hasDeadline && Clock::now() >= m_deadline))
            return timeoutError(timeoutMs);
        return Error(ErrorCode::Unavailable,
                     "the database is locked by another writer; try again shortly");
    case SQLITE_TOOBIG:
        return Error(ErrorCode::QueryRejected,
                     "a value or the statement is larger than the connection allows");
    case SQLITE_MISMATCH:
        return Error(ErrorCode::InvalidArgument, "a parameter does not match the column type");
    case SQLITE_RANGE:
        return Error(ErrorCode::InvalidArgument, "a parameter index is out of range");
    case SQLITE_NOMEM:
        return Error(ErrorCode::Unavailable, "the database ran out of memory");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return Error(ErrorCode::Unavailable, "the database file is damaged");
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
        return Error(ErrorCode::Unavailable, "the database file could not be read or written");
    case SQLITE_AUTH:
        return Error(ErrorCode::QueryRejected, "the statement is not allowed");
    case SQLITE_ERROR:
        return Error(ErrorCode::QueryRejected,
                     "the database could not compile or run the statement (an unknown table "
                     "or column, or invalid SQL)");
    default:
        return Error(ErrorCode::Internal, "the database failed to run the statement");
    }
}

Status SqliteConnection::simple(const char *sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK)
        return failure(rc, sql, 0);
    return {};
}

Result<sqlite3_stmt *> SqliteConnection::prepare(std::string_view sql)
{
    if (auto it = m_cache.find(sql); it != m_cache.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        return it->second->stmt;
    }
    if (sql.size() > std::size_t(INT_MAX))
        return Error(ErrorCode::QueryRejected, "the statement is too long");

    sqlite3_stmt *stmt = nullptr;
    const char *tail = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return failure(rc, "compiling a statement", 0);
    }
    if (!stmt)
        return Error(ErrorCode::QueryRejected, "the statement is empty");

    // Only whitespace and comments may follow: one call runs one statement.
    const char *end = sql.data() + sql.size();
    while (tail && tail < end) {
        sqlite3_stmt *extra = nullptr;
        const char *next = nullptr;
        rc = sqlite3_prepare_v2(m_db, tail, int(end - tail), &extra, &next);
        if (extra || rc != SQLITE_OK) {
            sqlite3_finalize(extra);
            sqlite3_finalize(stmt);
            if (rc != SQLITE_OK)
                spdlog::debug("sqlite: text after the statement does not compile: {}",
                              sqlite3_errmsg(m_db));
            return Error(ErrorCode::QueryRejected, "send exactly one SQL statement per call");
        }
        if (next == tail)
            break;
        tail = next;
    }

    if (m_lru.size() >= statementCacheCapacity) {
        m_cache.erase(m_lru.back().sql);
        sqlite3_finalize(m_lru.back().stmt);
        m_lru.pop_back();
    }
    m_lru.push_front(CachedStatement { std::string(sql), stmt });
    m_cache.emplace(m_lru.front().sql, m_lru.begin());
    return stmt;
}

Status SqliteConnection::bind(sqlite3_stmt *stmt, const std::vector<Json> &params)
{
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (std::size_t(expected) != params.size()) {
        return Error(ErrorCode::InvalidArgument,
                     "the statement expects " + std::to_string(expected) + " parameters but "
                         + std::to_string(params.size()) + " were given");
    }
    for (int i = 0; i < expected; ++i) {
        const Json &v = params[std::size_t(i)];
        int rc = SQLITE_OK;
        switch (v.type()) {
        case Json::value_t::null:
            rc = sqlite3_bind_null(stmt, i + 1);
            break;
        case Json::value_t::boolean:
            rc = sqlite3_bind_int(stmt, i + 1, v.get<bool>() ? 1 : 0);
            break;
        case Json::value_t::number_integer:
            rc = sqlite3_bind_int64(stmt, i + 1, v.get<std::int64_t>());
            break;
        case Json::value_t::number_unsigned: {
            const auto u = v.get<std::uint64_t>();
            if (u > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
                return Error(ErrorCode::InvalidArgument,
                             "parameter " + std::to_string(i + 1)
                                 + " does not fit a 64-bit signed integer");
            }
            rc = sqlite3_bind_int64(stmt, i + 1, std::int64_t(u));
            break;
        }
        case Json::value_t::number_float:
            rc = sqlite3_bind_double(stmt, i + 1, v.get<double>());
            break;
        case Json::value_t::string: {
            const auto &s = v.get_ref<const std::string &>();
            // SQLITE_STATIC: `params` outlives the step loop and bindings are cleared after it.
            rc = sqlite3_bind_text64(stmt, i + 1, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        default:
            return Error(ErrorCode::InvalidArgument,
                         "parameter " + std::to_string(i + 1)
                             + " must be null, a boolean, a number or a string");
        }
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(stmt);
            return failure(rc, "binding a parameter", 0);
        }
    }
    return {};
}

Status SqliteConnection::run(sqlite3_stmt *stmt, const QueryOptions &options, bool collect,
                             RowSet *out)
{
    const int ncol = collect ? sqlite3_column_count(stmt) : 0;
    if (collect) {
        out->columns.reserve(std::size_t(ncol));
        for (int c = 0; c < ncol; ++c) {
            const char *name = sqlite3_column_name(stmt, c);
            out->columns.emplace_back(name ? name : "");
        }
    }

    startClock(options.timeoutMs);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (!collect)
            continue;
        if (options.maxRows >= 0 && std::int64_t(out->rows.size()) >= options.maxRows) {
            out->moreRowsAvailable = true;
            break;
        }
        std::vector<Json> row;
        row.reserve(std::size_t(ncol));
        for (int c = 0; c < ncol; ++c) {
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER:
                row.emplace_back(std::int64_t(sqlite3_column_int64(stmt, c)));
                break;
            case SQLITE_FLOAT:
                row.emplace_back(sqlite3_column_double(stmt, c));
                break;
            case SQLITE_TEXT: {
                const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt, c));
                const auto n = std::size_t(sqlite3_column_bytes(stmt, c));
                if (p)
                    row.emplace_back(ValueCodec::toValidUtf8(std::string_view(p, n)));
                else
                    row.emplace_back(nullptr);
                break;
            }
            case SQLITE_BLOB: {
                const auto *p = static_cast<const unsigned char *>(sqlite3_column_blob(stmt, c));
                const auto n = std::size_t(sqlite3_column_bytes(stmt, c));
                row.emplace_back(ValueCodec::base64Encode(p, p ? n : 0));
                break;
            }
            default:
                row.emplace_back(nullptr);
                break;
            }
        }
        out->rows.push_back(std::move(row));
    }

    Status result;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        result = failure(rc, "running a statement", options.timeoutMs);
    stopClock();
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return result;
}

Result<RowSet> SqliteConnection::query(std::string_view sql, const std::vector<Json> &params,
                                       const QueryOptions &options)
{
    if (takeInterrupt())
        return cancelledError();
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.takeError();
    if (auto b = bind(*stmt, params); !b)
        return b.takeError();
    RowSet rows;
    if (auto r = run(*stmt, options, true, &rows); !r)
        return r.takeError();
    return rows;
}

Result<std::int64_t> SqliteConnection::execute(std::string_view sql,
                                               const std::vector<Json> &params,
                                               const QueryOptions &options)
{
    if (takeInterrupt())
        return cancelledError();
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.takeError();
    if (auto b = bind(*stmt, params); !b)
        return b.takeError();
    const bool readOnly = sqlite3_stmt_readonly(*stmt) != 0;
    if (auto r = run(*stmt, options, false, nullptr); !r)
        return r.takeError();
    return readOnly ? std::int64_t(0) : std::int64_t(sqlite3_changes64(m_db));
}

Status SqliteConnection::begin(bool readOnly)
{
    if (takeInterrupt())
        return cancelledError();
    if (!sqlite3_get_autocommit(m_db))
        return Error(ErrorCode::Internal, "a transaction is already open on this connection");
    if (readOnly && m_access == AccessMode::ReadWrite) {
        if (auto s = simple("PRAGMA query_only = ON"); !s)
            return s;
        m_queryOnlyTransaction = true;
    }
    auto s = simple("BEGIN");
    if (!s)
        endQueryOnly();
    return s;
}

Status SqliteConnection::commit()
{
    if (takeInterrupt()) {
        rollback();
        return cancelledError();
    }
    auto s = simple("COMMIT");
    if (s)
        endQueryOnly();
    return s;
}

void SqliteConnection::rollback()
{
    // Never stopped by a pending interrupt or deadline: a failed rollback would leave the
    // connection holding a transaction.
    stopClock();
    for (int attempt = 0; attempt < 2 && !sqlite3_get_autocommit(m_db); ++attempt) {
        char *message = nullptr;
        const int rc = sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, &message);
        if (rc != SQLITE_OK)
            spdlog::debug("sqlite: ROLLBACK failed on {}: {}", m_path, message ? message : "");
        sqlite3_free(message);
    }
    endQueryOnly();
}

void SqliteConnection::endQueryOnly()
{
    if (!m_queryOnlyTransaction)
        return;
    m_queryOnlyTransaction = false;
    sqlite3_exec(m_db, "PRAGMA query_only = OFF", nullptr, nullptr, nullptr);
}

Result<Schema> SqliteConnection::introspect()
{
    const QueryOptions opts { introspectionTimeoutMs, -1 };
    // One read transaction: every catalog read sees the same schema version.
    const bool ownTransaction = sqlite3_get_autocommit(m_db) != 0;
    if (ownTransaction) {
        if (auto s = begin(true); !s)
            return s.takeError();
    }
    auto result = introspectTables(opts);
    if (ownTransaction) {
        if (result)
            (void)commit();
        else
            rollback();
    }
    return result;
}

Result<Schema> SqliteConnection::introspectTables(const QueryOptions &opts)
{
    auto list = query("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' "
                      "AND type IN ('table', 'view', 'virtual') AND name NOT LIKE 'sqlite\\_%' "
                      "ESCAPE '\\' ORDER BY name",
                      {}, opts);
    if (!list)
        return list.takeError();
    auto stat = query("SELECT 1 FROM pragma_table_list WHERE schema = 'main' "
                      "AND name = 'sqlite_stat1'",
                      {}, opts);
    if (!stat)
        return stat.takeError();
    const bool haveStat1 = !stat->rows.empty();

    Schema schema;
    for (const auto &row : list->rows) {
        TableInfo table;
        table.name = textOf(row[0]);
        const std::string kind = textOf(row[1]);
        const bool withoutRowid = row[2].is_number_integer() && row[2].get<std::int64_t>() != 0;
        table.view = kind == "view";
        const std::vector<Json> name { table.name };

        auto cols = query("SELECT name, type, \"notnull\", pk, hidden "
                          "FROM pragma_table_xinfo(?1) ORDER BY cid",
                          name, opts);
        if (!cols)
            return cols.takeError();
        std::vector<std::pair<std::int64_t, std::string>> pk;
        for (const auto &c : cols->rows) {
            if (c[4].is_number_integer() && c[4].get<std::int64_t>() == 1)
                continue; // hidden columns of virtual tables
            ColumnInfo col;
            col.name = textOf(c[0]);
            col.declaredType = textOf(c[1]);
            col.type = normaliseType(col.declaredType);
            const std::int64_t pkIndex = c[3].is_number_integer() ? c[3].get<std::int64_t>() : 0;
            col.primaryKey = pkIndex > 0;
            col.nullable =
                !(c[2].is_number_integer() && c[2].get<std::int64_t>() != 0) && !col.primaryKey;
            if (col.primaryKey)
                pk.emplace_back(pkIndex, col.name);
            table.columns.push_back(std::move(col));
        }
        std::sort(pk.begin(), pk.end());
        for (auto &p : pk)
            table.primaryKey.push_back(std::move(p.second));

        if (!table.view) {
            auto fks = query("SELECT id, \"table\", \"from\", \"to\", seq "
                             "FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                             name, opts);
            if (!fks)
                return fks.takeError();
            for (const auto &f : fks->rows) {
                ForeignKey fk;
                fk.constraint = "fk_" + std::to_string(f[0].get<std::int64_t>());
                fk.refTable = textOf(f[1]);
                fk.column = textOf(f[2]);
                fk.refColumn = textOf(f[3]);
                if (fk.refColumn.empty()) {
                    // REFERENCES parent without columns: the parent's primary key, in order.
                    const std::vector<Json> parent { fk.refTable };
                    auto ppk = query("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 "
                                     "ORDER BY pk",
                                     parent, opts);
                    if (!ppk)
                        return ppk.takeError();
                    const auto seq = std::size_t(f[4].get<std::int64_t>());
                    if (seq < ppk->rows.size())
                        fk.refColumn = textOf(ppk->rows[seq][0]);
                }
                table.foreignKeys.push_back(std::move(fk));
            }

            auto idx = query("SELECT name FROM pragma_index_list(?1) WHERE partial = 0 "
                             "ORDER BY seq",
                             name, opts);
            if (!idx)
                return idx.takeError();
            for (const auto &i : idx->rows) {
                const std::vector<Json> indexName { textOf(i[0]) };
                auto info =
                    query("SELECT name FROM pragma_index_info(?1) ORDER BY seqno", indexName, opts);
                if (!info)
                    return info.takeError();
                std::vector<std::string> columns;
                for (const auto &col : info->rows) {
                    if (!col[0].is_string())
                        break; // an expression: later columns do not lead anything
                    columns.push_back(col[0].get<std::string>());
                }
                if (!columns.empty())
                    table.indexes.push_back(std::move(columns));
            }

            std::int64_t estimate = 0;
            if (haveStat1) {
                auto s = query("SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 LIMIT 1", name, opts);
                if (!s)
                    return s.takeError();
                if (!s->rows.empty())
                    estimate = leadingInteger(textOf(s->rows[0][0]));
            }
            // count(*) walks the whole table; max(rowid) is one b-tree descent and close
            // enough for cost estimates when rows are rarely deleted.
            if (estimate == 0 && kind == "table" && !withoutRowid) {
                auto m = query("SELECT max(rowid) FROM " + ValueCodec::quoteIdentifier(table.name),
                               {}, opts);
                if (!m)
                    return m.takeError();
                if (!m->rows.empty() && m->rows[0][0].is_number_integer())
                    estimate = m->rows[0][0].get<std::int64_t>();
            }
            table.estimatedRows = std::max<std::int64_t>(estimate, 0);
        }
        schema.tables.push_back(std::move(table));
    }
    if (haveStat1) {
        auto stats = query("SELECT idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL", {}, opts);
        if (!stats)
            return stats.takeError();
        for (const auto &row : stats->rows) {
            if (!row[0].is_string() || !row[1].is_string())
                continue;
            // "rows per-first-column per-first-two ... [unordered] [sz=N]": the leading numbers
            std::istringstream in(row[1].get<std::string>());
            std::vector<std::int64_t> numbers;
            std::int64_t n = 0;
            while (in >> n)
                numbers.push_back(n);
            schema.indexStats[row[0].get<std::string>()] = std::move(numbers);
        }
    }
    return schema;
}

} // namespace warden::db
