// audit_viewer_bench: the console's audit viewer over a large trail. A benchmark, not a test:
// it prints one line per figure and asserts nothing timed.
//
//   audit_viewer_bench [--records N] [--store FILE] [--verify] [--jumps J] [--steps S]
//
// The store (default: N = 10,000,000 records, cached as bench-data/audit-viewer-N.db in the
// build tree, so reruns skip building it) is a valid chain: records are linked, hashed and
// MAC'd with the bench key exactly as AuditStore does, inserted in big transactions with the
// indexes built afterwards, and the last record is appended through AuditStore itself, which
// signs the head. --verify checks the whole chain with AuditVerifier first. The store is built
// by a child process, so its memory does not count in the figures below.
//
// With the real viewer open (AuditPanel: the embedded service, the paged model and a
// QTableView, offscreen), it measures:
//   - time to the first page on screen and to the row count;
//   - scrolling: S page-down steps from the top, then J jumps to random rows, then the end,
//     each timed until every visible row is loaded (median, p95, max);
//   - the same first page and jumps with a filter (principal=user-42);
//   - peak RSS (VmHWM) and current RSS of the process with the viewer open.

#include "AuditPanel.h"
#include "AuditTableModel.h"
#include "audit/AuditBackend.h"
#include "audit/AuditKeys.h"
#include "audit/AuditRecord.h"
#include "audit/AuditStore.h"
#include "audit/AuditVerifier.h"
#include "config/ServerConfig.h"
#include "crypto/Crypto.h"
#include "server/EmbeddedAuditService.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QProcess>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace warden;
using namespace warden::audit;

namespace {

constexpr const char *kSecret = "audit-viewer-bench-secret-0123456789";
constexpr std::int64_t kBaseMs = 1'780'000'000'000;
constexpr std::int64_t kSpanMs = 100LL * 86'400'000; // 100 days of history
const char *const kTools[] = { "db_query",           "db_get", "db_aggregate", "db_explain",
                               "db_describe_schema", "db_sql" };
const char *const kCodes[] = { "QUERY_TIMEOUT", "BUDGET_EXCEEDED", "FIELD_NOT_ALLOWED",
                               "RATE_LIMITED" };

const AuditKeys &keys()
{
    static const AuditKeys k(kSecret);
    return k;
}

Json benchBody(std::int64_t seq, std::int64_t count, std::mt19937_64 &random)
{
    const std::uint64_t r = random();
    const std::int64_t timeMs = kBaseMs + seq * kSpanMs / std::max<std::int64_t>(count, 1);
    const bool request = seq % 2 == 1;
    Json body = { { "v", kRecordFormatVersion },
                  { "seq", seq },
                  { "time_ms", timeMs },
                  { "time", formatTime(timeMs) },
                  { "instance", "warden-bench0000001" },
                  { "key_id", keys().keyId() },
                  { "kind", request ? "request" : "outcome" },
                  { "session", "s-" + std::to_string(seq / 40) },
                  { "transport", "http" },
                  { "principal",
                    { { "user", "user-" + std::to_string(r % 200) },
                      { "tenant", "tenant-" + std::to_string(r % 20) },
                      { "roles", Json::array({ "analyst" }) },
                      { "auth", "oauth" } } },
                  { "method", "tools/call" },
                  { "target", kTools[(r >> 8) % 6] } };
    if (request) {
        Json arguments = { { "table", "orders" }, { "take", 50 } };
        if ((r >> 16) % 10 == 0) // a redacted value, as the sanitizer stores it
            arguments["where"] = { { "field", "email" },
                                   { "op", "eq" },
                                   { "value", keys().valueHmac(std::to_string(r)) } };
        body["arguments"] = std::move(arguments);
    } else {
        const bool error = (r >> 24) % 20 == 0;
        body["request_seq"] = seq - 1;
        body["outcome"] = error ? "error" : "ok";
        if (error)
            body["error_code"] = kCodes[(r >> 32) % 4];
        body["duration_us"] = std::int64_t((r >> 40) % 200000);
        body["rows"] = error ? 0 : 50;
    }
    return body;
}

bool exec(sqlite3 *db, const std::string &sql)
{
    char *error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK)
        return true;
    std::fprintf(stderr, "audit_viewer_bench: %s: %s\n", sql.c_str(), error ? error : "?");
    sqlite3_free(error);
    return false;
}

void bindText(sqlite3_stmt *s, int i, const std::optional<std::string> &v)
{
    if (v)
        sqlite3_bind_text(s, i, v->data(), int(v->size()), SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

// The child process: builds a valid chain of `count` records at `path`.
int generate(const QString &path, std::int64_t count)
{
    QElapsedTimer timer;
    timer.start();
    QFile::remove(path);
    {
        auto store = AuditStore::open(path, AuditStore::Mode::Writer); // the real schema
        if (!store) {
            std::fprintf(stderr, "audit_viewer_bench: %s\n", store.error().message.c_str());
            return 1;
        }
    }
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK)
        return 1;
    // The indexes are built once at the end (sorting beats 10M random inserts into each).
    std::vector<std::string> indexes;
    {
        sqlite3_stmt *s = nullptr;
        sqlite3_prepare_v2(db,
                           "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name "
                           "= 'audit_records' "
                           "AND sql IS NOT NULL",
                           -1, &s, nullptr);
        std::vector<std::string> names;
        while (sqlite3_step(s) == SQLITE_ROW) {
            names.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(s, 0)));
            indexes.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(s, 1)));
        }
        sqlite3_finalize(s);
        for (const auto &n : names)
            if (!exec(db, "DROP INDEX " + n))
                return 1;
    }
    if (!exec(db, "PRAGMA journal_mode = OFF") || !exec(db, "PRAGMA synchronous = OFF")
        || !exec(db, "PRAGMA cache_size = -524288"))
        return 1;
    sqlite3_stmt *insert = nullptr;
    sqlite3_prepare_v2(
        db,
        "INSERT INTO audit_records(seq, time_ms, kind, instance, session, principal, tenant, tool, "
        "outcome, error_code, body, prev_hash, hash, mac) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        -1, &insert, nullptr);
    std::mt19937_64 random(7);
    std::string prev = zeroHash();
    const std::int64_t direct = count - 1; // the last one goes through AuditStore
    for (std::int64_t seq = 1; seq <= direct; ++seq) {
        if (seq % 200'000 == 1 && !exec(db, "BEGIN"))
            return 1;
        const Json body = benchBody(seq, count, random);
        const std::string canonical = canonicalForm(body);
        const std::string input = chainInputOfCanonical(prev, canonical);
        const std::string hash = crypto::sha256(input);
        const std::string mac = keys().recordMac(input);
        const IndexedColumns c = indexedColumns(body);
        sqlite3_reset(insert);
        sqlite3_bind_int64(insert, 1, seq);
        sqlite3_bind_int64(insert, 2, c.timeMs);
        sqlite3_bind_text(insert, 3, c.kind.data(), int(c.kind.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, c.instance.data(), int(c.instance.size()), SQLITE_TRANSIENT);
        bindText(insert, 5, c.session);
        bindText(insert, 6, c.principal);
        bindText(insert, 7, c.tenant);
        bindText(insert, 8, c.tool);
        bindText(insert, 9, c.outcome);
        bindText(insert, 10, c.errorCode);
        sqlite3_bind_text(insert, 11, canonical.data(), int(canonical.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 12, prev.data(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 13, hash.data(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 14, mac.data(), 32, SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            std::fprintf(stderr, "audit_viewer_bench: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        prev = hash;
        if ((seq % 200'000 == 0 || seq == direct) && !exec(db, "COMMIT"))
            return 1;
        if (seq % 1'000'000 == 0) {
            std::printf("generate: %lld records in %.0f s\n", static_cast<long long>(seq),
                        timer.elapsed() / 1000.0);
            std::fflush(stdout);
        }
    }
    sqlite3_finalize(insert);
    for (const auto &sql : indexes)
        if (!exec(db, sql))
            return 1;
    if (!exec(db, "PRAGMA journal_mode = WAL"))
        return 1;
    sqlite3_close(db);
    // The last record through the store itself: it links to the tail and signs the head.
    auto store = AuditStore::open(path, AuditStore::Mode::Writer);
    if (!store)
        return 1;
    std::mt19937_64 lastRandom(count);
    Json last = benchBody(count, count, lastRandom);
    last.erase("seq");
    AuditBackend::CheckpointPolicy policy;
    if (auto s = (*store)->append({ last }, keys(), policy, "periodic"); !s) {
        std::fprintf(stderr, "audit_viewer_bench: %s\n", s.error().message.c_str());
        return 1;
    }
    std::printf("generate: a chain of %lld records in %.0f s\n", static_cast<long long>(count),
                timer.elapsed() / 1000.0);
    return 0;
}

std::int64_t statusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

struct Figures
{
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    QString text()
    {
        if (ms.empty())
            return QStringLiteral("none");
        std::sort(ms.begin(), ms.end());
        auto at = [this](double p) {
            return ms[std::size_t(p * double(ms.size() - 1))];
        };
        return QStringLiteral("median %1 ms, p95 %2 ms, max %3 ms (%4 moves)")
            .arg(at(0.5), 0, 'f', 1)
            .arg(at(0.95), 0, 'f', 1)
            .arg(ms.back(), 0, 'f', 1)
            .arg(ms.size());
    }
};

// Waits until every row the table shows is loaded; milliseconds taken (-1: gave up).
double untilVisibleLoaded(QTableView *table, AuditTableModel *model, const QElapsedTimer &since)
{
    const bool ok = QTest::qWaitFor(
        [&] {
            const int top = table->rowAt(0);
            int bottom = table->rowAt(table->viewport()->height() - 1);
            if (bottom < 0)
                bottom = model->rowCount() - 1;
            if (top < 0)
                return model->rowCount() == 0;
            for (int row = top; row <= bottom; ++row) {
                model->index(row, 0).data(); // as painting would
                if (!model->seqAt(row))
                    return false;
            }
            return true;
        },
        60000);
    return ok ? double(since.nsecsElapsed()) / 1e6 : -1;
}

void measure(const QString &path, int jumps, int steps)
{
    ServerConfig config = ServerConfig::defaults();
    config.audit.path = path;
    EmbeddedAuditService service(config);
    QElapsedTimer timer;
    timer.start();
    AuditPanel panel(&service);
    panel.resize(1280, 800);
    panel.show();
    auto *table = panel.findChild<QTableView *>(QStringLiteral("auditTable"));
    AuditTableModel *model = panel.model();
    (void)QTest::qWaitForWindowExposed(&panel);
    (void)QTest::qWaitFor([&] { return model->rowCount() > 0; }, 60000);
    const double firstPage = untilVisibleLoaded(table, model, timer);
    (void)QTest::qWaitFor([&] { return model->totalCount().has_value(); }, 120000);
    const double counted = double(timer.nsecsElapsed()) / 1e6;
    std::printf("viewer: first page on screen %.1f ms, row count (%lld) %.1f ms after opening\n",
                firstPage, static_cast<long long>(model->totalCount().value_or(-1)), counted);

    QScrollBar *bar = table->verticalScrollBar();
    // The view lays out new rows on a zero timer: let it, or the scroll bar still has the old
    // range.
    const auto laidOut = [&] {
        return QTest::qWaitFor(
            [&] { return bar->maximum() + bar->pageStep() >= model->rowCount(); }, 10000);
    };
    if (!laidOut())
        std::printf("viewer: the view did not lay out %d rows\n", model->rowCount());
    const int visible =
        std::max(1, table->viewport()->height() / table->verticalHeader()->defaultSectionSize());
    Figures pageDown, jump;
    for (int i = 0; i < steps; ++i) {
        timer.restart();
        bar->setValue(bar->value() + visible);
        pageDown.add(untilVisibleLoaded(table, model, timer));
    }
    std::mt19937 random(11);
    for (int i = 0; i < jumps; ++i) {
        timer.restart();
        bar->setValue(int(random() % std::uint32_t(std::max(1, bar->maximum()))));
        jump.add(untilVisibleLoaded(table, model, timer));
    }
    timer.restart();
    bar->setValue(bar->maximum());
    const double end = untilVisibleLoaded(table, model, timer);
    std::printf("viewer: page down %s\n", qPrintable(pageDown.text()));
    std::printf("viewer: jump to a random row %s\n", qPrintable(jump.text()));
    std::printf("viewer: jump to the end %.1f ms\n", end);
    std::printf("viewer: rows held in memory %d of %d\n", model->cachedRowCount(),
                model->rowCount());

    audit::AuditFilter f;
    f.principal = "user-42";
    timer.restart();
    model->setFilter(f);
    (void)QTest::qWaitFor([&] { return model->rowCount() > 0; }, 60000);
    const double filteredFirst = untilVisibleLoaded(table, model, timer);
    (void)QTest::qWaitFor([&] { return model->totalCount().has_value(); }, 120000);
    const double filteredCount = double(timer.nsecsElapsed()) / 1e6;
    if (!laidOut())
        std::printf("viewer: the view did not lay out %d rows\n", model->rowCount());
    Figures filteredJump;
    for (int i = 0; i < jumps; ++i) {
        timer.restart();
        bar->setValue(int(random() % std::uint32_t(std::max(1, bar->maximum()))));
        filteredJump.add(untilVisibleLoaded(table, model, timer));
    }
    std::printf("viewer, principal=user-42: first page %.1f ms, count (%lld) %.1f ms, jump %s\n",
                filteredFirst, static_cast<long long>(model->totalCount().value_or(-1)),
                filteredCount, qPrintable(filteredJump.text()));
    std::printf("memory: peak RSS (VmHWM) %.1f MB, now (VmRSS) %.1f MB, with the viewer open\n",
                double(statusKb("VmHWM:")) / 1024.0, double(statusKb("VmRSS:")) / 1024.0);
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStringList args = QApplication::arguments();
    std::int64_t records = 10'000'000;
    QString store;
    bool verify = false;
    int jumps = 30, steps = 100;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == QStringLiteral("--records") && hasValue)
            records = args[++i].toLongLong();
        else if (a == QStringLiteral("--store") && hasValue)
            store = args[++i];
        else if (a == QStringLiteral("--jumps") && hasValue)
            jumps = args[++i].toInt();
        else if (a == QStringLiteral("--steps") && hasValue)
            steps = args[++i].toInt();
        else if (a == QStringLiteral("--verify"))
            verify = true;
        else if (a == QStringLiteral("--generate") && i + 2 < args.size())
            return generate(args[i + 1], args[i + 2].toLongLong());
        else {
            std::fprintf(
                stderr,
                "usage: audit_viewer_bench [--records N] [--store FILE] [--verify] [--jumps J] "
                "[--steps S]\n");
            return 2;
        }
    }
    if (store.isEmpty()) {
        QDir().mkpath(QStringLiteral(WARDEN_BENCH_DATA_DIR));
        store = QStringLiteral(WARDEN_BENCH_DATA_DIR "/audit-viewer-%1.db").arg(records);
    }
    if (!QFileInfo::exists(store)) {
        // Built under a temporary name by a child process, renamed once complete.
        const QString partial = store + QStringLiteral(".part");
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QApplication::applicationFilePath(),
                    { QStringLiteral("--generate"), partial, QString::number(records) });
        if (!child.waitForFinished(-1) || child.exitCode() != 0 || !QFile::rename(partial, store)) {
            std::fprintf(stderr, "audit_viewer_bench: could not build %s\n", qPrintable(store));
            return 1;
        }
        QFile::remove(partial + QStringLiteral("-wal"));
        QFile::remove(partial + QStringLiteral("-shm"));
    }
    std::printf("audit_viewer_bench: store %s (%.2f GB)\n", qPrintable(store),
                double(QFileInfo(store).size()) / 1e9);
    std::fflush(stdout);
    measure(store, jumps, steps);
    if (verify) { // after measuring: its reads must not count in the viewer's memory
        QElapsedTimer timer;
        timer.start();
        auto report = AuditVerifier::verify(store, keys());
        if (!report)
            std::printf("verify: could not run: %s\n", report.error().message.c_str());
        else if (report->intact)
            std::printf("verify: intact, %lld records in %.1f s\n",
                        static_cast<long long>(report->records), timer.elapsed() / 1000.0);
        else
            std::printf("verify: BROKEN at %lld: %s\n", static_cast<long long>(report->firstBadSeq),
                        report->problem.c_str());
        std::fflush(stdout);
    }
    return 0;
}
