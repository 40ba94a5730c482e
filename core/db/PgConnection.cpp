#include "PgConnection.h"

#include "ValueCodec.h"
#include "config/ServerConfig.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

namespace warden::db {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr Oid boolOid = 16;
constexpr Oid byteaOid = 17;
constexpr Oid int8Oid = 20;
constexpr Oid int2Oid = 21;
constexpr Oid int4Oid = 23;
constexpr Oid oidOid = 26;
constexpr Oid timestampOid = 1114;
constexpr Oid timestamptzOid = 1184;
constexpr Oid float4Oid = 700;
constexpr Oid float8Oid = 701;
constexpr Oid numericOid = 1700;

constexpr int introspectionTimeoutMs = 30000;
constexpr int commandTimeoutMs = 30000; // BEGIN, COMMIT, ROLLBACK, session set-up
constexpr int idleInTransactionTimeoutMs = 60000;
// The server enforces statement_timeout; the client steps in only if the server is silent
// this long after it should have stopped (a network partition, a hung backend).
constexpr auto clientGrace = 2s;
constexpr auto cancelGrace = 5s; // after our own cancel, before giving up
constexpr auto pollTick = 20ms; // how quickly the worker notices interrupt()
constexpr auto cancelRepeat = 500ms; // a cancel that reached an idle backend is lost
// Past maxRows, a few more rows are cheaper to read and drop than a cancel request (a new TCP
// connection to the postmaster); a long tail is cancelled.
constexpr std::int64_t drainBeforeCancel = 1000;

struct ResultDeleter
{
    void operator()(PGresult *r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char *message)
{
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

void noticeToLog(void *, const char *message)
{
    spdlog::debug("postgres notice: {}", trimmed(message));
}

Error timeoutError(int timeoutMs)
{
    return Error(ErrorCode::QueryTimeout,
                 "the query ran longer than " + std::to_string(timeoutMs)
                     + " ms; add a more selective filter or ask for fewer rows",
                 {}, Json { { "timeout_ms", timeoutMs } });
}

Error cancelledError()
{
    return Error(ErrorCode::Cancelled, "the query was cancelled");
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

// SQLSTATE → a stable code and a sentence of our own; the server's text goes to the log only.
Error errorForState(std::string_view state)
{
    if (state == "25006")
        return Error(ErrorCode::WriteDisabled,
                     "the database connection is read-only; writes are not allowed");
    if (state == "42501")
        return Error(ErrorCode::QueryRejected,
                     "the database role lacks the privilege for this statement");
    if (state == "08P01")
        return Error(ErrorCode::InvalidArgument,
                     "the number of parameters does not match the statement");
    if (state == "25P02")
        return Error(ErrorCode::QueryRejected,
                     "an earlier statement in this transaction failed; roll it back");
    if (state == "0A000")
        return Error(ErrorCode::QueryRejected,
                     "the statement uses a feature the database does not support");
    if (state == "40001" || state == "40P01" || state == "55P03")
        return Error(ErrorCode::Unavailable,
                     "the database stopped the statement to resolve a conflict; try again");
    if (state == "57P01" || state == "57P02" || state == "57P03" || startsWith(state, "08"))
        return Error(ErrorCode::Unavailable, "the database is unreachable");
    if (startsWith(state, "22"))
        return Error(ErrorCode::InvalidArgument,
                     "a parameter or value does not fit its type (for example text where a "
                     "number is expected)");
    if (startsWith(state, "23"))
        return Error(ErrorCode::QueryRejected,
                     "the write breaks a constraint of the database (unique, not null, check "
                     "or foreign key)");
    if (startsWith(state, "53"))
        return Error(ErrorCode::Unavailable,
                     "the database is short of resources (memory, disk or connections); try "
                     "again later");
    if (startsWith(state, "54"))
        return Error(ErrorCode::QueryRejected, "the statement exceeds a limit of the database");
    if (startsWith(state, "42"))
        return Error(ErrorCode::QueryRejected,
                     "the database could not compile the statement (an unknown table or column, "
                     "or invalid SQL)");
    return Error(ErrorCode::Internal, "the database failed to run the statement");
}

std::optional<std::int64_t> parseInt(std::string_view s)
{
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

Json numericValue(std::string_view s)
{
    const bool negative = !s.empty() && s.front() == '-';
    const std::string_view digits = negative ? s.substr(1) : s;
    if (digits.empty())
        return std::string(s);
    bool integral = true;
    std::string mantissa;
    mantissa.reserve(digits.size());
    for (const char c : digits) {
        if (c == '.') {
            integral = false;
            continue;
        }
        if (c < '0' || c > '9')
            return std::string(s); // NaN, Infinity
        mantissa += c;
    }
    if (integral) {
        if (auto v = parseInt(s))
            return *v;
        return std::string(s);
    }
    const auto first = mantissa.find_first_not_of('0');
    if (first == std::string::npos)
        return 0.0;
    const auto last = mantissa.find_last_not_of('0');
    if (last - first + 1 > 15)
        return std::string(s); // a double would not print back as the same decimal
    double d = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d))
        return std::string(s);
    return d;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Json byteaValue(std::string_view s)
{
    // bytea_output = hex (the default since 9.0): "\x" then two hex digits per byte.
    if (!startsWith(s, "\\x") || s.size() % 2 != 0)
        return std::string(s);
    std::string bytes;
    bytes.reserve(s.size() / 2 - 1);
    for (std::size_t i = 2; i + 1 < s.size(); i += 2) {
        const int hi = hexDigit(s[i]);
        const int lo = hexDigit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return std::string(s);
        bytes += char((hi << 4) | lo);
    }
    return ValueCodec::base64Encode(reinterpret_cast<const unsigned char *>(bytes.data()),
                                    bytes.size());
}

// PostgreSQL's ISO output ("2020-02-18 17:51:05.5+00", the session is in UTC) as RFC 3339
// ("2020-02-18T17:51:05.5Z"), the form the same value has in SQLite and in JSON: an agent
// sees one spelling whichever engine is behind Warden. infinity and BC dates stay as they are.
std::string rfc3339(std::string_view s, bool withZone)
{
    if (s.size() < 19 || s[10] != ' ' || s.find(" BC") != std::string_view::npos)
        return std::string(s);
    std::string out(s);
    out[10] = 'T';
    if (!withZone)
        return out;
    const std::size_t sign = out.find_last_of("+-");
    if (sign == std::string::npos || sign < 19)
        return out;
    const std::string zone = out.substr(sign);
    out.erase(sign);
    if (zone == "+00" || zone == "+00:00")
        return out + "Z";
    return out + (zone.size() == 3 ? zone + ":00" : zone);
}

Json valueOf(const PGresult *res, int row, int col, Oid type)
{
    if (PQgetisnull(res, row, col))
        return nullptr;
    const std::string_view s(PQgetvalue(res, row, col), std::size_t(PQgetlength(res, row, col)));
    switch (type) {
    case boolOid:
        return s == "t";
    case int2Oid:
    case int4Oid:
    case int8Oid:
    case oidOid:
        if (auto v = parseInt(s))
            return *v;
        return std::string(s);
    case float4Oid:
    case float8Oid: {
        double d = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (ec == std::errc() && end == s.data() + s.size())
            return d;
        return std::string(s);
    }
    case numericOid:
        return numericValue(s);
    case byteaOid:
        return byteaValue(s);
    case timestampOid:
    case timestamptzOid:
        return rfc3339(s, type == timestamptzOid);
    default:
        return std::string(s); // client_encoding is UTF8, so the text is valid UTF-8
    }
}

std::string normaliseType(const std::string &typname, const std::string &category)
{
    if (category == "A")
        return "text";
    if (typname == "int2" || typname == "int4" || typname == "int8" || typname == "oid")
        return "integer";
    if (typname == "float4" || typname == "float8")
        return "real";
    if (typname == "numeric")
        return "numeric";
    if (typname == "bool")
        return "boolean";
    if (typname == "date")
        return "date";
    if (typname == "timestamp" || typname == "timestamptz")
        return "datetime";
    if (typname == "json" || typname == "jsonb")
        return "json";
    if (typname == "bytea")
        return "blob";
    return "text";
}

std::string textOf(const Json &v)
{
    return v.is_string() ? v.get<std::string>() : std::string();
}

std::int64_t intOf(const Json &v)
{
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

} // namespace

struct PgConnection::Wait
{
    bool hasDeadline = false;
    Clock::time_point hardDeadline;
    bool timeoutCancelSent = false;
    Clock::time_point giveUpAt;
    bool userCancelSent = false;
    Clock::time_point lastUserCancel;
    bool overflowCancelSent = false;
    bool stuck = false;

    explicit Wait(int timeoutMs)
    {
        hasDeadline = timeoutMs > 0;
        if (hasDeadline)
            hardDeadline = Clock::now() + std::chrono::milliseconds(timeoutMs) + clientGrace;
    }
};

struct PgConnection::Outcome
{
    RowSet rows;
    std::int64_t affected = 0;
    std::optional<Error> error;
    bool connectionLost = false;
    bool staleStatement = false; // a cached plan no longer matches the table: prepare again
};

Result<std::unique_ptr<PgConnection>>
PgConnection::open(const DatabaseConfig &config, const std::string &password, AccessMode access)
{
    const std::string host = config.host.toStdString();
    const std::string port = std::to_string(config.port);
    const std::string dbname = config.dbname.toStdString();
    const std::string user = config.user.toStdString();
    const std::string sslmode = config.sslmode.toStdString();
    // libpq counts whole seconds and treats 1 as 2.
    const std::string connectTimeout =
        std::to_string(std::max(2, (config.connectTimeoutMs + 999) / 1000));
    const std::string target = host + ":" + port + "/" + dbname;

    // Keyword/value arrays with expand_dbname = 0: no value is ever parsed as a conninfo
    // string, so nothing in the configuration can smuggle in other connection options.
    const char *keys[] = { "host",
                           "port",
                           "dbname",
                           "user",
                           "password",
                           "sslmode",
                           "connect_timeout",
                           "application_name",
                           "client_encoding",
                           nullptr };
    const char *values[] = {
        host.c_str(),    port.c_str(),           dbname.c_str(), user.c_str(), password.c_str(),
        sslmode.c_str(), connectTimeout.c_str(), "warden",       "UTF8",       nullptr
    };
    PGconn *conn = PQconnectdbParams(keys, values, 0);
    if (!conn)
        return Error(ErrorCode::Unavailable, "cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        spdlog::debug("postgres: connecting to {} as {} failed: {}", target, user,
                      trimmed(PQerrorMessage(conn)));
        const bool needsPassword = PQconnectionNeedsPassword(conn) != 0;
        PQfinish(conn);
        if (needsPassword) {
            return Error(ErrorCode::Unavailable,
                         "cannot connect to PostgreSQL at " + target
                             + ": the server asks for a password and none was given; set "
                               "database.password_ref");
        }
        return Error(ErrorCode::Unavailable,
                     "cannot connect to PostgreSQL at " + target + " as " + user
                         + ": the database is unreachable or refused the login; check "
                           "database.host, port, dbname, user, password_ref and sslmode (log "
                           "level debug shows the server's reason)",
                     {}, Json { { "host", host }, { "port", config.port }, { "dbname", dbname } });
    }
    PQsetNoticeProcessor(conn, &noticeToLog, nullptr);
    if (const char *su = PQparameterStatus(conn, "is_superuser"); su && std::strcmp(su, "on") == 0)
        spdlog::warn("postgres: {} connects as a superuser; give Warden a role with SELECT "
                     "grants only",
                     target);

    std::unique_ptr<PgConnection> c(new PgConnection(conn, access, target));
    if (auto s = c->setupSession(); !s) {
        return Error(ErrorCode::Unavailable,
                     "cannot prepare the PostgreSQL session at " + target + ": "
                         + s.error().message);
    }
    return c;
}

PgConnection::PgConnection(pg_conn *conn, AccessMode access, std::string target)
    : m_conn(conn)
    , m_access(access)
    , m_target(std::move(target))
{
}

PgConnection::~PgConnection()
{
    if (m_cancel)
        PQfreeCancel(m_cancel);
    PQfinish(m_conn);
}

int PgConnection::backendPid() const
{
    return PQbackendPID(m_conn);
}

Status PgConnection::setupSession()
{
    std::string setup;
    if (m_access == AccessMode::ReadOnly)
        setup += "SET default_transaction_read_only = on; ";
    setup += "SET idle_in_transaction_session_timeout = "
        + std::to_string(idleInTransactionTimeoutMs) + "; ";
    // Unqualified names must resolve where introspection looked, never in a schema the role
    // owns or in a temporary table.
    setup += "SET search_path = public, pg_temp; ";
    // Stable value formats: ISO dates in UTC, exact floats.
    setup += "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; "
             "SET extra_float_digits = 3; SET bytea_output = 'hex'";
    if (auto s = command(setup.c_str(), commandTimeoutMs); !s)
        return s;
    if (m_cancel)
        PQfreeCancel(m_cancel);
    m_cancel = PQgetCancel(m_conn);
    return {};
}

Status PgConnection::ensureConnected()
{
    if (!m_broken && PQstatus(m_conn) == CONNECTION_OK)
        return {};
    spdlog::debug("postgres: connection to {} lost; reconnecting", m_target);
    // A new session has none of the old prepared statements and no open transaction.
    m_cache.clear();
    m_lru.clear();
    m_inTransaction = false;
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) {
        spdlog::debug("postgres: reconnecting to {} failed: {}", m_target,
                      trimmed(PQerrorMessage(m_conn)));
        m_broken = true;
        return lostError();
    }
    PQsetNoticeProcessor(m_conn, &noticeToLog, nullptr);
    m_broken = false;
    if (auto s = setupSession(); !s) {
        m_broken = true;
        return lostError();
    }
    return {};
}

Error PgConnection::lostError()
{
    return Error(ErrorCode::Unavailable, "the database is unreachable",
                 { "check that the database server is running and reachable" });
}

Error PgConnection::errorFor(pg_result *result, const char *what)
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    spdlog::debug("postgres: {} failed on {}: [{}] {}", what, m_target, state ? state : "-",
                  trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(m_conn)));
    if (!state || PQstatus(m_conn) == CONNECTION_BAD)
        return lostError();
    return errorForState(state);
}

void PgConnection::interrupt()
{
    // Only a flag: the worker's wait loop sends the cancel request (a network round trip) so
    // that the caller, often the event loop, never waits on the network.
    m_interrupted.store(true);
}

void PgConnection::clearInterrupt()
{
    m_interrupted.store(false);
}

void PgConnection::sendCancel()
{
    if (!m_cancel)
        return;
    char message[256] = {};
    if (!PQcancel(m_cancel, message, int(sizeof message)))
        spdlog::debug("postgres: cancel request to {} failed: {}", m_target, trimmed(message));
}

void PgConnection::checkCancel(Wait &w)
{
    const auto now = Clock::now();
    if (m_interrupted.load(std::memory_order_relaxed)
        && (!w.userCancelSent || now - w.lastUserCancel >= cancelRepeat)) {
        sendCancel();
        w.userCancelSent = true;
        w.lastUserCancel = now;
    }
    if (w.hasDeadline && now >= w.hardDeadline) {
        if (!w.timeoutCancelSent) {
            spdlog::debug("postgres: {} did not stop the statement at its timeout; cancelling",
                          m_target);
            sendCancel();
            w.timeoutCancelSent = true;
            w.giveUpAt = now + cancelGrace;
        } else if (now >= w.giveUpAt) {
            w.stuck = true;
        }
    }
}

bool PgConnection::waitForResult(Wait &w)
{
    for (;;) {
        checkCancel(w);
        if (w.stuck) {
            m_broken = true;
            return false;
        }
        if (!PQisBusy(m_conn) || PQstatus(m_conn) == CONNECTION_BAD)
            return true;
        pollfd pfd { PQsocket(m_conn), POLLIN, 0 };
        if (pfd.fd < 0)
            return true; // PQgetResult reports the failure
        const int r = ::poll(&pfd, 1, int(pollTick.count()));
        if (r < 0 && errno != EINTR) {
            m_broken = true;
            return false;
        }
        if (r > 0 && !PQconsumeInput(m_conn))
            return true;
    }
}

Status PgConnection::command(const char *sql, int timeoutMs)
{
    if (!PQsendQuery(m_conn, sql)) {
        spdlog::debug("postgres: sending {} to {} failed: {}", sql, m_target,
                      trimmed(PQerrorMessage(m_conn)));
        m_broken = true;
        return lostError();
    }
    Wait w(timeoutMs);
    std::optional<Error> error;
    for (;;) {
        if (!waitForResult(w))
            return lostError();
        ResultPtr res(PQgetResult(m_conn));
        if (!res)
            break;
        const auto status = PQresultStatus(res.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            if (std::strcmp(sql, "COMMIT") == 0
                && std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0 && !error) {
                error = Error(ErrorCode::QueryRejected,
                              "the transaction was rolled back because a statement in it failed");
            }
        } else if (!error) {
            error = errorFor(res.get(), sql);
        }
        if (PQstatus(m_conn) == CONNECTION_BAD) {
            m_broken = true;
            return lostError();
        }
    }
    if (error)
        return *error;
    return {};
}

Status PgConnection::rollbackIfFailed()
{
    Status s;
    // A stray cancel (sent just as the statement ended) can hit the ROLLBACK itself: retry.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (m_broken || PQstatus(m_conn) != CONNECTION_OK
            || PQtransactionStatus(m_conn) == PQTRANS_IDLE)
            return {};
        s = command("ROLLBACK", commandTimeoutMs);
    }
    return s;
}

PgConnection::Outcome PgConnection::runOnce(std::string_view sql,
                                            const std::vector<const char *> &values,
                                            const QueryOptions &options, bool collect)
{
    Outcome out;
    const bool wrap = !m_inTransaction;

    std::string name;
    std::string sqlText;
    std::string evicted;
    const auto cached = m_cache.find(sql);
    const bool needPrepare = cached == m_cache.end();
    if (!needPrepare) {
        m_lru.splice(m_lru.begin(), m_lru, cached->second);
        name = cached->second->name;
    } else {
        sqlText.assign(sql);
        name = "warden_" + std::to_string(++m_nextStatement);
        if (m_lru.size() >= statementCacheCapacity) {
            evicted = m_lru.back().name;
            m_cache.erase(m_lru.back().sql);
            m_lru.pop_back();
        }
    }
    const std::string setTimeout =
        "SET LOCAL statement_timeout = " + std::to_string(std::max(0, options.timeoutMs));
    const std::string deallocate = evicted.empty() ? std::string() : "DEALLOCATE " + evicted;

    enum class Step { Begin, Timeout, Deallocate, Prepare, Query, Commit };
    Step steps[6];
    int stepCount = 0;
    const auto sendCommand = [&](const char *text) {
        return PQsendQueryParams(m_conn, text, 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
    };

    bool sent = PQenterPipelineMode(m_conn) != 0;
    if (sent && wrap) {
        sent = sendCommand(m_access == AccessMode::ReadOnly ? "BEGIN READ ONLY" : "BEGIN");
        steps[stepCount++] = Step::Begin;
    }
    if (sent) {
        sent = sendCommand(setTimeout.c_str());
        steps[stepCount++] = Step::Timeout;
    }
    if (sent && !deallocate.empty()) {
        sent = sendCommand(deallocate.c_str());
        steps[stepCount++] = Step::Deallocate;
    }
    if (sent && needPrepare) {
        sent = PQsendPrepare(m_conn, name.c_str(), sqlText.c_str(), 0, nullptr) != 0;
        steps[stepCount++] = Step::Prepare;
    }
    if (sent) {
        sent = PQsendQueryPrepared(m_conn, name.c_str(), int(values.size()), values.data(), nullptr,
                                   nullptr, 0)
            != 0;
        steps[stepCount++] = Step::Query;
    }
    if (sent && wrap) {
        sent = sendCommand("COMMIT");
        steps[stepCount++] = Step::Commit;
    }
    if (sent)
        sent = PQpipelineSync(m_conn) != 0;
    if (!sent) {
        spdlog::debug("postgres: sending a statement to {} failed: {}", m_target,
                      trimmed(PQerrorMessage(m_conn)));
        m_broken = true;
        out.connectionLost = true;
        return out;
    }

    Wait w(options.timeoutMs);
    bool prepared = false;
    std::string errorState;
    std::vector<Oid> types;
    std::int64_t discarded = 0;
    const std::int64_t maxRows = options.maxRows;
    bool lost = false;

    const auto takeRows = [&](const PGresult *res) {
        const int nfields = PQnfields(res);
        if (collect && types.empty() && nfields > 0) {
            out.rows.columns.reserve(std::size_t(nfields));
            for (int c = 0; c < nfields; ++c) {
                out.rows.columns.emplace_back(PQfname(res, c));
                types.push_back(PQftype(res, c));
            }
        }
        const int ntuples = PQntuples(res);
        for (int t = 0; t < ntuples; ++t) {
            if (!collect)
                continue;
            if (maxRows >= 0 && std::int64_t(out.rows.rows.size()) >= maxRows) {
                out.rows.moreRowsAvailable = true;
                if (++discarded > drainBeforeCancel && wrap && !w.overflowCancelSent) {
                    sendCancel();
                    w.overflowCancelSent = true;
                }
                continue;
            }
            std::vector<Json> row;
            row.reserve(std::size_t(nfields));
            for (int c = 0; c < nfields; ++c)
                row.push_back(valueOf(res, t, c, types[std::size_t(c)]));
            out.rows.rows.push_back(std::move(row));
        }
    };

    for (int i = 0; i < stepCount && !lost; ++i) {
        // (After a failed step the query is only reported as aborted: nothing to set.)
        if (steps[i] == Step::Query && !out.error && PQsetSingleRowMode(m_conn) == 0)
            spdlog::debug("postgres: single-row mode unavailable; reading the whole result");
        for (;;) {
            if (!waitForResult(w)) {
                lost = true;
                break;
            }
            ResultPtr res(PQgetResult(m_conn));
            if (!res)
                break;
            switch (PQresultStatus(res.get())) {
            case PGRES_COMMAND_OK:
                if (steps[i] == Step::Prepare)
                    prepared = true;
                else if (steps[i] == Step::Query)
                    out.affected = parseInt(PQcmdTuples(res.get())).value_or(0);
                break;
            case PGRES_SINGLE_TUPLE:
                if (steps[i] == Step::Query)
                    takeRows(res.get());
                break;
            case PGRES_TUPLES_OK:
                if (steps[i] == Step::Query) {
                    takeRows(res.get());
                    out.affected = parseInt(PQcmdTuples(res.get())).value_or(0);
                }
                break;
            case PGRES_PIPELINE_ABORTED:
                break;
            default:
                if (!out.error) {
                    const char *state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
                    errorState = state ? state : "";
                    out.error = errorFor(res.get(),
                                         steps[i] == Step::Prepare ? "compiling a statement"
                                                                   : "running a statement");
                    out.staleStatement =
                        steps[i] == Step::Query && !needPrepare && errorState == "0A000";
                }
                break;
            }
            if (PQstatus(m_conn) == CONNECTION_BAD) {
                lost = true;
                break;
            }
        }
    }

    if (!lost) {
        // The Sync point ends the pipeline.
        if (!waitForResult(w)) {
            lost = true;
        } else {
            ResultPtr res(PQgetResult(m_conn));
            if (!res || PQresultStatus(res.get()) != PGRES_PIPELINE_SYNC)
                lost = true;
        }
        if (!lost && !PQexitPipelineMode(m_conn))
            lost = true;
    }

    if (needPrepare && prepared) {
        m_lru.push_front(Prepared { std::move(sqlText), name });
        m_cache.emplace(m_lru.front().sql, m_lru.begin());
    }

    if (w.stuck) {
        // The server never answered, not even to a cancel: drop the session.
        m_broken = true;
        out.error = timeoutError(options.timeoutMs);
        return out;
    }
    // A terminated backend says so (57P01..03) before it closes the socket.
    if (startsWith(errorState, "57P0") || (startsWith(errorState, "08") && errorState != "08P01"))
        lost = true;
    if (lost || PQstatus(m_conn) == CONNECTION_BAD) {
        m_broken = true;
        out.connectionLost = true;
        out.error = lostError();
        return out;
    }

    if (out.error && errorState == "57014") {
        if (w.overflowCancelSent && collect) {
            out.error.reset(); // our own cancel, after the rows we wanted
        } else if (w.userCancelSent || m_interrupted.load()) {
            m_interrupted.store(false);
            out.error = cancelledError();
        } else {
            out.error = timeoutError(options.timeoutMs);
        }
    }
    if (wrap)
        (void)rollbackIfFailed(); // COMMIT was skipped when a step failed
    return out;
}

Result<PgConnection::Outcome> PgConnection::run(std::string_view sql,
                                                const std::vector<Json> &params,
                                                const QueryOptions &options, bool collect)
{
    if (m_interrupted.exchange(false))
        return cancelledError();

    // Text parameters with server-inferred types: the same compiled SQL works whatever the
    // column types, and the server does the one and only conversion.
    std::vector<std::string> storage(params.size());
    std::vector<bool> isNull(params.size(), false);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Json &v = params[i];
        switch (v.type()) {
        case Json::value_t::null:
            isNull[i] = true;
            break;
        case Json::value_t::boolean:
            storage[i] = v.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::number_integer:
            storage[i] = std::to_string(v.get<std::int64_t>());
            break;
        case Json::value_t::number_unsigned:
            storage[i] = std::to_string(v.get<std::uint64_t>());
            break;
        case Json::value_t::number_float: {
            const double d = v.get<double>();
            if (std::isnan(d)) {
                storage[i] = "NaN";
            } else if (std::isinf(d)) {
                storage[i] = d > 0 ? "Infinity" : "-Infinity";
            } else {
                char buf[64];
                const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
                storage[i].assign(buf, ec == std::errc() ? end : buf);
            }
            break;
        }
        case Json::value_t::string: {
            const auto &s = v.get_ref<const std::string &>();
            if (s.find('\0') != std::string::npos) {
                return Error(ErrorCode::InvalidArgument,
                             "parameter " + std::to_string(i + 1)
                                 + " contains a NUL character, which PostgreSQL text cannot hold");
            }
            storage[i] = s;
            break;
        }
        default:
            return Error(ErrorCode::InvalidArgument,
                         "parameter " + std::to_string(i + 1)
                             + " must be null, a boolean, a number or a string");
        }
    }
    std::vector<const char *> values(params.size());
    for (std::size_t i = 0; i < params.size(); ++i)
        values[i] = isNull[i] ? nullptr : storage[i].c_str();

    for (int attempt = 0;; ++attempt) {
        if (auto s = ensureConnected(); !s)
            return s.takeError();
        const bool wasInTransaction = m_inTransaction;
        Outcome out = runOnce(sql, values, options, collect);
        if (!out.error)
            return out;
        if (out.connectionLost) {
            m_inTransaction = false;
            // Only a read-only statement outside a transaction is safe to run twice.
            if (attempt == 0 && !wasInTransaction && m_access == AccessMode::ReadOnly)
                continue;
            if (!wasInTransaction && m_access == AccessMode::ReadOnly)
                return lostError();
            return Error(ErrorCode::Unavailable,
                         "the database connection was lost; the statement may or may not have "
                         "taken effect");
        }
        if (out.staleStatement && attempt == 0 && !wasInTransaction) {
            if (auto it = m_cache.find(sql); it != m_cache.end()) {
                const std::string stale = "DEALLOCATE " + it->second->name;
                m_lru.erase(it->second);
                m_cache.erase(it);
                (void)command(stale.c_str(), commandTimeoutMs);
            }
            continue;
        }
        return *std::move(out.error);
    }
}

Result<RowSet> PgConnection::query(std::string_view sql, const std::vector<Json> &params,
                                   const QueryOptions &options)
{
    auto r = run(sql, params, options, true);
    if (!r)
        return r.takeError();
    return std::move(r->rows);
}

Result<std::int64_t> PgConnection::execute(std::string_view sql, const std::vector<Json> &params,
                                           const QueryOptions &options)
{
    auto r = run(sql, params, options, false);
    if (!r)
        return r.takeError();
    return r->affected;
}

Status PgConnection::begin(bool readOnly)
{
    if (m_interrupted.exchange(false))
        return cancelledError();
    if (m_inTransaction)
        return Error(ErrorCode::Internal, "a transaction is already open on this connection");
    if (auto s = ensureConnected(); !s)
        return s;
    if (auto s = command(readOnly ? "BEGIN READ ONLY" : "BEGIN", commandTimeoutMs); !s)
        return s;
    m_inTransaction = true;
    return {};
}

Status PgConnection::commit()
{
    if (!m_inTransaction)
        return Error(ErrorCode::Internal, "no transaction is open on this connection");
    if (m_interrupted.exchange(false)) {
        rollback();
        return cancelledError();
    }
    m_inTransaction = false;
    if (m_broken || PQstatus(m_conn) != CONNECTION_OK)
        return Error(ErrorCode::Unavailable,
                     "the database connection was lost; the transaction was not committed");
    auto s = command("COMMIT", commandTimeoutMs);
    (void)rollbackIfFailed();
    return s;
}

void PgConnection::rollback()
{
    m_inTransaction = false;
    (void)rollbackIfFailed();
}

Result<Schema> PgConnection::introspect()
{
    const QueryOptions opts { introspectionTimeoutMs, -1 };
    static constexpr const char *kinds = "('r', 'p', 'v', 'm', 'f')";

    auto tables = query(std::string("SELECT c.oid::int8, c.relname::text, c.relkind::text, "
                                    "c.reltuples::float8 "
                                    "FROM pg_catalog.pg_class c "
                                    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = 'public' AND c.relkind IN ")
                            + kinds
                            + " AND NOT c.relispartition "
                              "AND pg_catalog.has_any_column_privilege(c.oid, 'SELECT') "
                              "ORDER BY c.relname",
                        {}, opts);
    if (!tables)
        return tables.takeError();

    Schema schema;
    std::map<std::int64_t, std::size_t> byOid;
    for (const auto &row : tables->rows) {
        TableInfo t;
        t.name = textOf(row[1]);
        const std::string kind = textOf(row[2]);
        t.view = kind == "v" || kind == "m";
        const double tuples = row[3].is_number() ? row[3].get<double>() : 0.0;
        t.estimatedRows = t.view || tuples < 0 ? 0 : std::int64_t(std::llround(tuples));
        byOid[intOf(row[0])] = schema.tables.size();
        schema.tables.push_back(std::move(t));
    }
    const auto tableFor = [&](const Json &oid) -> TableInfo * {
        const auto it = byOid.find(intOf(oid));
        return it == byOid.end() ? nullptr : &schema.tables[it->second];
    };

    auto columns = query(std::string("SELECT a.attrelid::int8, a.attname::text, "
                                     "pg_catalog.format_type(a.atttypid, a.atttypmod), "
                                     "COALESCE(bt.typname, t.typname)::text, "
                                     "COALESCE(bt.typcategory, t.typcategory)::text, a.attnotnull "
                                     "FROM pg_catalog.pg_attribute a "
                                     "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                                     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                     "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                                     "LEFT JOIN pg_catalog.pg_type bt "
                                     "ON t.typtype = 'd' AND bt.oid = t.typbasetype "
                                     "WHERE n.nspname = 'public' AND c.relkind IN ")
                             + kinds
                             + " AND a.attnum > 0 AND NOT a.attisdropped "
                               "ORDER BY a.attrelid, a.attnum",
                         {}, opts);
    if (!columns)
        return columns.takeError();
    for (const auto &row : columns->rows) {
        TableInfo *t = tableFor(row[0]);
        if (!t)
            continue;
        ColumnInfo c;
        c.name = textOf(row[1]);
        c.declaredType = textOf(row[2]);
        c.type = normaliseType(textOf(row[3]), textOf(row[4]));
        c.nullable = !(row[5].is_boolean() && row[5].get<bool>());
        t->columns.push_back(std::move(c));
    }

    auto keys = query("SELECT c.conrelid::int8, a.attname::text "
                      "FROM pg_catalog.pg_constraint c "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace "
                      "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
                      "JOIN pg_catalog.pg_attribute a "
                      "ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                      "WHERE c.contype = 'p' AND n.nspname = 'public' "
                      "ORDER BY c.conrelid, k.ord",
                      {}, opts);
    if (!keys)
        return keys.takeError();
    for (const auto &row : keys->rows) {
        TableInfo *t = tableFor(row[0]);
        if (!t)
            continue;
        const std::string column = textOf(row[1]);
        t->primaryKey.push_back(column);
        for (auto &c : t->columns) {
            if (c.name == column) {
                c.primaryKey = true;
                c.nullable = false;
            }
        }
    }

    auto fks = query("SELECT c.conrelid::int8, c.conname::text, a.attname::text, "
                     "rc.relname::text, ra.attname::text "
                     "FROM pg_catalog.pg_constraint c "
                     "JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace "
                     "JOIN pg_catalog.pg_class rc ON rc.oid = c.confrelid "
                     "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
                     "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY "
                     "AS k(attnum, refattnum, ord) "
                     "JOIN pg_catalog.pg_attribute a "
                     "ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                     "JOIN pg_catalog.pg_attribute ra "
                     "ON ra.attrelid = c.confrelid AND ra.attnum = k.refattnum "
                     "WHERE c.contype = 'f' AND n.nspname = 'public' AND rn.nspname = 'public' "
                     "ORDER BY c.conrelid, c.conname, k.ord",
                     {}, opts);
    if (!fks)
        return fks.takeError();
    for (const auto &row : fks->rows) {
        TableInfo *t = tableFor(row[0]);
        if (!t)
            continue;
        ForeignKey fk;
        fk.constraint = textOf(row[1]);
        fk.column = textOf(row[2]);
        fk.refTable = textOf(row[3]);
        fk.refColumn = textOf(row[4]);
        t->foreignKeys.push_back(std::move(fk));
    }

    // Partial indexes help only queries that repeat their predicate: leave them out of cost
    // estimates. An expression ends an index's usable leading columns.
    auto indexes = query("SELECT i.indrelid::int8, ic.relname::text, a.attname::text "
                         "FROM pg_catalog.pg_index i "
                         "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                         "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY "
                         "AS k(attnum, ord) "
                         "LEFT JOIN pg_catalog.pg_attribute a "
                         "ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 "
                         "WHERE n.nspname = 'public' AND i.indpred IS NULL AND i.indisvalid "
                         "AND k.ord <= i.indnkeyatts "
                         "ORDER BY i.indrelid, ic.relname, k.ord",
                         {}, opts);
    if (!indexes)
        return indexes.takeError();
    std::string currentIndex;
    TableInfo *currentTable = nullptr;
    std::vector<std::string> columnsSoFar;
    bool expressionSeen = false;
    const auto flush = [&] {
        if (currentTable && !columnsSoFar.empty())
            currentTable->indexes.push_back(std::move(columnsSoFar));
        columnsSoFar.clear();
        expressionSeen = false;
    };
    for (const auto &row : indexes->rows) {
        TableInfo *t = tableFor(row[0]);
        const std::string indexName = textOf(row[1]);
        if (t != currentTable || indexName != currentIndex) {
            flush();
            currentTable = t;
            currentIndex = indexName;
        }
        if (!row[2].is_string())
            expressionSeen = true;
        else if (!expressionSeen)
            columnsSoFar.push_back(row[2].get<std::string>());
    }
    flush();
    return schema;
}

} // namespace warden::db
