#include "DemoSqliteWriter.h"

#include "DemoGenerator.h"
#include "DemoProgressReporter.h"
#include "DemoSchema.h"

#include <QFile>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <memory>
#include <string>

namespace warden {

namespace {

struct DatabaseCloser
{
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer
{
    void operator()(sqlite3_stmt *stmt) const { sqlite3_finalize(stmt); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Error writeFailed(sqlite3 *db, std::string_view what)
{
    spdlog::debug("demo: SQLite failed while {}: {}", what, db ? sqlite3_errmsg(db) : "no handle");
    return Error(ErrorCode::IoError, "Could not write the demo database.");
}

Status exec(sqlite3 *db, std::string_view sql, std::string_view what)
{
    const std::string statement(sql);
    if (sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return writeFailed(db, what);
    return {};
}

std::string insertStatement(const DemoTableSpec &table)
{
    std::string sql = "INSERT INTO " + std::string(table.name) + " (";
    std::string values;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        sql += (i ? ", " : "") + std::string(table.columns[i]);
        values += i ? ", ?" : "?";
    }
    return sql + ") VALUES (" + values + ")";
}

} // namespace

Status DemoSqliteWriter::write(const QString &path, const DemoGenerator &generator,
                               DemoProgressReporter &progress, const std::atomic<bool> *cancel)
{
    auto cancelled = [cancel] {
        return cancel && cancel->load(std::memory_order_relaxed);
    };

    sqlite3 *raw = nullptr;
    const QByteArray encodedPath = QFile::encodeName(path);
    const int rc = sqlite3_open_v2(encodedPath.constData(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    DatabaseHandle db(raw);
    if (rc != SQLITE_OK)
        return writeFailed(raw, "opening the file");

    // Loaded with a rollback journal; switched to WAL once complete (below).
    if (auto s = exec(db.get(), "PRAGMA journal_mode = DELETE", "setting the journal mode"); !s)
        return s;
    if (auto s = exec(db.get(), "PRAGMA foreign_keys = ON", "enabling foreign keys"); !s)
        return s;
    if (auto s = exec(db.get(), "BEGIN", "starting the transaction"); !s)
        return s;
    for (std::string_view ddl : DemoSchema::sqliteTables()) {
        if (auto s = exec(db.get(), ddl, "creating a table"); !s)
            return s;
    }

    const auto &tables = DemoGenerator::tables();
    const std::size_t totalRows = generator.totalRowCount();
    std::size_t rowsDone = 0;
    bool stepFailed = false;
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const std::string sql = insertStatement(tables[t]);
        sqlite3_stmt *rawStmt = nullptr;
        if (sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &rawStmt,
                               nullptr)
            != SQLITE_OK)
            return writeFailed(db.get(), "preparing an insert");
        StatementHandle stmt(rawStmt);
        const std::string_view stage = tables[t].name;
        const bool completed = generator.forEachRow(t, [&](std::span<const DemoCell> row) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                const int index = static_cast<int>(i) + 1;
                switch (row[i].kind) {
                case DemoCell::Kind::Null:
                    sqlite3_bind_null(stmt.get(), index);
                    break;
                case DemoCell::Kind::Integer:
                    sqlite3_bind_int64(stmt.get(), index, row[i].integer);
                    break;
                case DemoCell::Kind::Text:
                    // SQLITE_STATIC: the text outlives the step below.
                    sqlite3_bind_text(stmt.get(), index, row[i].text.data(),
                                      static_cast<int>(row[i].text.size()), SQLITE_STATIC);
                    break;
                }
            }
            if (sqlite3_step(stmt.get()) != SQLITE_DONE) {
                stepFailed = true;
                return false;
            }
            sqlite3_reset(stmt.get());
            if (++rowsDone % 4096 == 0) {
                if (cancelled())
                    return false;
                progress.report(rowsDone, totalRows, 10, 85, stage);
            }
            return true;
        });
        if (stepFailed)
            return writeFailed(db.get(), "inserting a row");
        if (!completed || cancelled())
            return Error(ErrorCode::Cancelled, "Creating the demo database was cancelled.");
    }

    const auto &indexes = DemoSchema::indexes();
    for (std::size_t i = 0; i < indexes.size(); ++i) {
        progress.report(i, indexes.size(), 85, 93, "indexes");
        if (cancelled())
            return Error(ErrorCode::Cancelled, "Creating the demo database was cancelled.");
        if (auto s = exec(db.get(), indexes[i], "creating an index"); !s)
            return s;
    }
    // Statistics in sqlite_stat1 let the planner pick the tenant and foreign-key indexes
    // from the first query on.
    progress.report(93, "analyze");
    if (auto s = exec(db.get(), "ANALYZE", "analysing the tables"); !s)
        return s;
    if (auto s = exec(db.get(), "COMMIT", "committing"); !s)
        return s;
    // WAL, as a live shop database would run: readers never block the writer, and a read
    // transaction needs no file locks or hot-journal checks. The mode is stored in the file;
    // closing the last connection checkpoints and removes -wal/-shm, so the result is still
    // one self-contained file.
    if (auto s = exec(db.get(), "PRAGMA journal_mode = WAL", "switching to WAL"); !s)
        return s;

    sqlite3 *closing = db.release();
    if (sqlite3_close(closing) != SQLITE_OK) {
        auto error = writeFailed(closing, "closing the file");
        sqlite3_close_v2(closing);
        return error;
    }
    return {};
}

} // namespace warden
