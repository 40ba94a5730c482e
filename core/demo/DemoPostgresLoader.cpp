#include "DemoPostgresLoader.h"

#include "DemoGenerator.h"
#include "DemoProgressReporter.h"
#include "DemoSchema.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

namespace {

struct ConnectionCloser
{
    void operator()(PGconn *conn) const { PQfinish(conn); }
};
struct ResultClearer
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using ConnectionHandle = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

constexpr std::size_t kCopyChunk = 1 << 20;

Error cancelledError()
{
    return Error(ErrorCode::Cancelled, "Loading the demo data was cancelled.");
}

Error loadFailed(PGconn *conn, std::string_view what, const PGresult *result = nullptr)
{
    const char *detail = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    spdlog::debug("demo: PostgreSQL failed while {}: {}", what, detail ? detail : "");
    // The SQLSTATE is a stable code, unlike the message: it may pick the sentence.
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::string_view(state) == "42501") {
        return Error(ErrorCode::Unavailable,
                     "The PostgreSQL role lacks a privilege the demo needs: CREATE on schema "
                     "public, and ownership of the demo tables if they exist.");
    }
    return Error(ErrorCode::Internal, "Could not load the demo data into PostgreSQL.");
}

Status exec(PGconn *conn, std::string_view sql, std::string_view what,
            ExecStatusType expected = PGRES_COMMAND_OK)
{
    const std::string statement(sql);
    ResultHandle result(PQexec(conn, statement.c_str()));
    if (!result || PQresultStatus(result.get()) != expected)
        return loadFailed(conn, what, result.get());
    return {};
}

// Server notices (for example "drop cascades to ...") would otherwise go to stderr.
void logNotice(void *, const char *message)
{
    spdlog::debug("demo: PostgreSQL notice: {}", message ? message : "");
}

std::string quoteIdentifier(PGconn *conn, const std::string &name)
{
    char *quoted = PQescapeIdentifier(conn, name.data(), name.size());
    if (!quoted)
        return {};
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

void appendCopyText(std::string &buffer, std::string_view text)
{
    for (char c : text) {
        switch (c) {
        case '\\':
            buffer += "\\\\";
            break;
        case '\t':
            buffer += "\\t";
            break;
        case '\n':
            buffer += "\\n";
            break;
        case '\r':
            buffer += "\\r";
            break;
        default:
            buffer += c;
            break;
        }
    }
}

std::string tableList()
{
    std::string list;
    for (const DemoTableSpec &table : DemoGenerator::tables())
        list += (list.empty() ? "public." : ", public.") + std::string(table.name);
    return list;
}

// COPY in text format: tab-separated, \N for NULL, backslash escapes.
Status copyTable(PGconn *conn, std::size_t index, const DemoGenerator &generator,
                 DemoProgressReporter &progress, std::size_t &rowsDone, std::size_t totalRows,
                 const std::atomic<bool> *cancel)
{
    const DemoTableSpec &table = DemoGenerator::tables()[index];
    std::string sql = "COPY public." + std::string(table.name) + " (";
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        sql += (i ? ", " : "") + std::string(table.columns[i]);
    sql += ") FROM STDIN";
    if (auto s = exec(conn, sql, "starting COPY", PGRES_COPY_IN); !s)
        return s;

    std::string buffer;
    buffer.reserve(kCopyChunk + 4096);
    bool sendFailed = false;
    bool wasCancelled = false;
    auto flush = [&] {
        if (!buffer.empty()
            && PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1) {
            sendFailed = true;
        }
        buffer.clear();
        return !sendFailed;
    };
    generator.forEachRow(index, [&](std::span<const DemoCell> row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i)
                buffer += '\t';
            switch (row[i].kind) {
            case DemoCell::Kind::Null:
                buffer += "\\N";
                break;
            case DemoCell::Kind::Integer: {
                char digits[24];
                const auto end = std::to_chars(digits, digits + sizeof digits, row[i].integer).ptr;
                buffer.append(digits, end);
                break;
            }
            case DemoCell::Kind::Text:
                appendCopyText(buffer, row[i].text);
                break;
            }
        }
        buffer += '\n';
        if (++rowsDone % 4096 == 0) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                wasCancelled = true;
                return false;
            }
            progress.report(rowsDone, totalRows, 10, 80, table.name);
        }
        return buffer.size() < kCopyChunk || flush();
    });
    if (!wasCancelled && !sendFailed)
        flush();

    // An error message passed to PQputCopyEnd makes the server abort the COPY.
    const char *abortReason = wasCancelled ? "cancelled" : sendFailed ? "send failed" : nullptr;
    if (PQputCopyEnd(conn, abortReason) != 1)
        return loadFailed(conn, "ending COPY");
    Status status;
    bool first = true;
    while (PGresult *raw = PQgetResult(conn)) {
        ResultHandle result(raw);
        if (first && PQresultStatus(raw) != PGRES_COMMAND_OK && !wasCancelled)
            status = loadFailed(conn, "copying rows", raw);
        first = false;
    }
    if (wasCancelled)
        return cancelledError();
    if (sendFailed && status)
        return loadFailed(conn, "sending rows");
    return status;
}

Status grantReader(PGconn *conn, const std::string &role)
{
    // PostgreSQL truncates longer names, which would make the lookups below miss.
    if (role.empty() || role.size() > 63) {
        return Error(ErrorCode::InvalidArgument,
                     "The reader role name must be 1 to 63 bytes long.");
    }
    const char *values[] = { role.c_str() };
    ResultHandle result(PQexecParams(conn,
                                     "SELECT rolsuper, rolbypassrls, rolname = current_user "
                                     "FROM pg_catalog.pg_roles WHERE rolname = $1",
                                     1, nullptr, values, nullptr, nullptr, 0));
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        return loadFailed(conn, "looking up the reader role", result.get());
    const std::string quoted = quoteIdentifier(conn, role);
    if (quoted.empty())
        return loadFailed(conn, "quoting the reader role");

    if (PQntuples(result.get()) == 0) {
        if (auto s = exec(conn, "CREATE ROLE " + quoted + " NOLOGIN", "creating the reader role");
            !s) {
            return Error(ErrorCode::Unavailable,
                         "Could not create the reader role: create it first, or connect as a "
                         "role that may create roles.");
        }
    } else {
        auto flag = [&](int column) {
            return std::string_view(PQgetvalue(result.get(), 0, column)) == "t";
        };
        if (flag(0) || flag(1)) {
            return Error(ErrorCode::InvalidArgument,
                         "The reader role must not be a superuser or bypass row-level security.");
        }
        if (flag(2)) {
            return Error(ErrorCode::InvalidArgument,
                         "The reader role must differ from the role that owns the demo tables.");
        }
    }
    if (auto s = exec(conn, "GRANT USAGE ON SCHEMA public TO " + quoted, "granting USAGE"); !s)
        return s;
    return exec(conn, "GRANT SELECT ON " + tableList() + " TO " + quoted, "granting SELECT");
}

} // namespace

Status DemoPostgresLoader::load(const Options &options, const DemoGenerator &generator,
                                DemoProgressReporter &progress)
{
    auto cancelled = [&options] {
        return options.cancel && options.cancel->load(std::memory_order_relaxed);
    };

    progress.report(8, "connecting");
    // Entries after "dbname" override what the connection string says; the string itself is
    // expanded by libpq (expand_dbname = 1) and is never logged: it may hold a password.
    const char *keywords[] = { "dbname", "fallback_application_name", "client_encoding", nullptr };
    const char *values[] = { options.conninfo.c_str(), "warden-demo", "UTF8", nullptr };
    ConnectionHandle conn(PQconnectdbParams(keywords, values, 1));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        spdlog::debug("demo: PostgreSQL connection failed: {}",
                      conn ? PQerrorMessage(conn.get()) : "out of memory");
        return Error(ErrorCode::Unavailable, "Could not connect to the PostgreSQL server.",
                     { "Check the connection string: host, port, database, user and password." });
    }
    PQsetNoticeProcessor(conn.get(), logNotice, nullptr);

    if (auto s = exec(conn.get(), "BEGIN", "starting the transaction"); !s)
        return s;
    // Until COMMIT, every early return rolls the whole load back.
    bool committed = false;
    struct Rollback
    {
        PGconn *conn;
        const bool &committed;
        ~Rollback()
        {
            if (!committed)
                PQclear(PQexec(conn, "ROLLBACK"));
        }
    } rollback { conn.get(), committed };

    for (std::string_view setting :
         { "SET LOCAL search_path = public", "SET LOCAL DateStyle = 'ISO, YMD'",
           "SET LOCAL TimeZone = 'UTC'" }) {
        if (auto s = exec(conn.get(), setting, "configuring the session"); !s)
            return s;
    }

    // Refuse to touch existing tables unless told to replace them.
    std::string names;
    for (const DemoTableSpec &table : DemoGenerator::tables())
        names += (names.empty() ? "'" : ", '") + std::string(table.name) + "'";
    ResultHandle existing(PQexec(conn.get(),
                                 ("SELECT c.relname FROM pg_catalog.pg_class c "
                                  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                  "WHERE n.nspname = 'public' AND c.relname IN ("
                                  + names + ") ORDER BY c.relname")
                                     .c_str()));
    if (!existing || PQresultStatus(existing.get()) != PGRES_TUPLES_OK)
        return loadFailed(conn.get(), "looking for existing tables", existing.get());
    if (PQntuples(existing.get()) > 0) {
        if (!options.overwrite) {
            std::string found;
            for (int i = 0; i < PQntuples(existing.get()); ++i)
                found += (i ? ", " : "") + std::string(PQgetvalue(existing.get(), i, 0));
            return Error(ErrorCode::InvalidArgument,
                         "The demo tables already exist in schema public (" + found
                             + "); drop them or allow overwriting.");
        }
        progress.report(9, "dropping");
        std::string drop = "DROP TABLE IF EXISTS ";
        const auto &tables = DemoGenerator::tables();
        for (auto it = tables.rbegin(); it != tables.rend(); ++it)
            drop += (it == tables.rbegin() ? "public." : ", public.") + std::string(it->name);
        if (auto s = exec(conn.get(), drop + " CASCADE", "dropping the old tables"); !s)
            return s;
    }

    for (std::string_view ddl : DemoSchema::postgresTables()) {
        if (auto s = exec(conn.get(), ddl, "creating a table"); !s)
            return s;
    }

    const std::size_t totalRows = generator.totalRowCount();
    std::size_t rowsDone = 0;
    for (std::size_t t = 0; t < DemoGenerator::tables().size(); ++t) {
        if (cancelled())
            return cancelledError();
        if (auto s =
                copyTable(conn.get(), t, generator, progress, rowsDone, totalRows, options.cancel);
            !s) {
            return s;
        }
    }

    std::vector<std::string_view> afterLoad = DemoSchema::postgresForeignKeys();
    const std::size_t foreignKeys = afterLoad.size();
    const auto &indexes = DemoSchema::indexes();
    afterLoad.insert(afterLoad.end(), indexes.begin(), indexes.end());
    for (std::size_t i = 0; i < afterLoad.size(); ++i) {
        if (cancelled())
            return cancelledError();
        progress.report(i, afterLoad.size(), 80, 90, i < foreignKeys ? "foreign keys" : "indexes");
        if (auto s = exec(conn.get(), afterLoad[i], "adding a constraint or index"); !s)
            return s;
    }

    for (const DemoTableSpec &table : DemoGenerator::tables()) {
        const std::string name = "public." + std::string(table.name);
        const std::string sql = "SELECT setval(pg_get_serial_sequence('" + name
            + "', 'id'), (SELECT max(id) FROM " + name + "))";
        if (auto s = exec(conn.get(), sql, "advancing an identity", PGRES_TUPLES_OK); !s)
            return s;
    }

    if (!options.readerRole.empty()) {
        progress.report(90, "grants");
        if (auto s = grantReader(conn.get(), options.readerRole); !s)
            return s;
    }

    progress.report(92, "analyze");
    if (auto s = exec(conn.get(), "ANALYZE " + tableList(), "analysing the tables"); !s)
        return s;
    if (cancelled())
        return cancelledError();
    progress.report(97, "commit");
    if (auto s = exec(conn.get(), "COMMIT", "committing"); !s)
        return s;
    committed = true;
    return {};
}

} // namespace warden
