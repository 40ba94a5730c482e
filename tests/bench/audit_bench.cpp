// audit_bench: figures for the audit trail. A benchmark, not a test: it prints one line per
// figure and asserts nothing timed.
//
//   audit_bench [--dir DIR] [--records N] [--verify-records N] [--seconds S] [--keep]
//               [--query-store FILE] [--postgres HOST:PORT/DBNAME/USER]
//
//   (a) audited appends/s through AuditLog (durable group commit, synchronous=FULL) with 1
//       and 8 threads each calling appendAndWait() in a loop for S seconds (default 5), with
//       the p50/p99 latency of one append (queue + commit + fsync); with --postgres the same
//       against the PostgreSQL store (chain "bench-<pid>", synchronous_commit on), the
//       password in WARDEN_BENCH_PG_PASSWORD;
//   (b) AuditVerifier::verify over a valid chain of --verify-records records (default
//       200000), written through AuditStore in large batches, in records/minute;
//   (c) a store of --records rows (default 10000000) filled with direct batched INSERTs
//       (synchronous=OFF, no chain: only the query side is measured), then the first page
//       (limit 100, newest first) for principal=X with a one-day range (the newest day and a
//       day in the middle of the history), for tool=Y, and the same with a one-day range.
//
// --query-store reuses a store part (c) made before (run once with --keep) and skips filling.
// Files go to a fresh folder under DIR (default: the system temp folder) and are removed at
// the end unless --keep. Part (c) needs about 550 bytes of disk per record (5.5 GB for 10M).

#include "audit/AuditKeys.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "audit/AuditRecord.h"
#include "audit/AuditStore.h"
#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"
#include "crypto/Crypto.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace warden;
using namespace warden::audit;

namespace {

using Clock = std::chrono::steady_clock;

struct Options
{
    QString dir = QDir::tempPath();
    std::int64_t records = 10'000'000;
    std::int64_t verifyRecords = 200'000;
    double seconds = 5;
    bool keep = false;
    QString queryStore;
    std::optional<DatabaseConfig> postgres;
};

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Json sampleBody(std::int64_t i)
{
    return Json {
        { "kind", "request" },
        { "session", "s-" + std::to_string(i / 50) },
        { "transport", "http" },
        { "principal",
          { { "user", "user-" + std::to_string(i % 200) },
            { "tenant", "tenant-" + std::to_string(i % 20) },
            { "roles", Json::array({ "analyst" }) } } },
        { "method", "tools/call" },
        { "target", "db_query" },
        { "arguments",
          { { "model", "orders" }, { "limit", 50 }, { "where", { { "status", "open" } } } } },
        { "outcome", "ok" },
        { "rows", 50 },
        { "duration_us", 1234 }
    };
}

std::int64_t percentile(std::vector<std::int64_t> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const auto index = std::size_t(p * double(sorted.size() - 1));
    return sorted[index];
}

// (a)
void benchAppends(const QString &dir, int threads, double seconds, const std::optional<DatabaseConfig> &postgres = {})
{
    const QString path = dir + QStringLiteral("/append-%1.db").arg(threads);
    AuditLog::Options o;
    o.path = path;
    o.instance = "bench";
    o.writeTimeoutMs = 10000;
    if (postgres) {
        const std::string chain = "bench-" + std::to_string(QCoreApplication::applicationPid()) + "-" + std::to_string(threads);
        o.openStore = [config = *postgres, chain]() -> Result<std::unique_ptr<AuditBackend>> {
            auto store = PgAuditStore::open(config, qEnvironmentVariable("WARDEN_BENCH_PG_PASSWORD").toStdString(), chain,
                                            AuditBackend::Mode::Writer);
            if (!store)
                return store.takeError();
            return std::unique_ptr<AuditBackend>(std::move(*store));
        };
    }
    auto log = AuditLog::open(o, AuditKeys("bench-secret"));
    if (!log) {
        std::printf("appends: cannot open the store: %s\n", log.error().message.c_str());
        return;
    }
    std::vector<std::vector<std::int64_t>> latencies(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    std::atomic<std::int64_t> failures = 0;
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            auto &mine = latencies[std::size_t(t)];
            for (std::int64_t i = t; Clock::now() < end; i += threads) {
                const auto before = Clock::now();
                if (!(*log)->appendAndWait(sampleBody(i)))
                    ++failures;
                mine.push_back(
                    std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - before)
                        .count());
            }
        });
    }
    for (auto &w : workers)
        w.join();
    const double elapsed = msSince(start) / 1000.0;
    (*log)->close();
    std::vector<std::int64_t> all;
    for (auto &l : latencies)
        all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    std::printf("appends%s, %d thread%s: %.0f records/s durable (%zu in %.1f s, %lld refused), "
                "latency p50 %.2f ms, "
                "p99 %.2f ms\n",
                postgres ? " (postgres)" : "", threads, threads == 1 ? "" : "s", double(all.size()) / elapsed,
                all.size(), elapsed,
                static_cast<long long>(failures.load()), double(percentile(all, 0.50)) / 1000.0,
                double(percentile(all, 0.99)) / 1000.0);
}

// (b) A valid chain written the way AuditLog does it, but in big batches so that building it
// does not dominate the run.
void benchVerify(const QString &dir, std::int64_t count)
{
    const QString path = dir + QStringLiteral("/verify.db");
    const AuditKeys keys("bench-secret");
    {
        auto store = AuditStore::open(path, AuditStore::Mode::Writer);
        if (!store) {
            std::printf("verify: cannot open the store: %s\n", store.error().message.c_str());
            return;
        }
        const std::int64_t t0 = 1'780'000'000'000;
        const auto start = Clock::now();
        AuditStore::CheckpointPolicy policy;
        for (std::int64_t first = 1; first <= count; first += 5000) {
            std::vector<Json> bodies;
            for (std::int64_t seq = first; seq < first + 5000 && seq <= count; ++seq) {
                Json body = sampleBody(seq);
                body["v"] = kRecordFormatVersion;
                body["time_ms"] = t0 + seq;
                body["time"] = formatTime(t0 + seq);
                body["instance"] = "bench";
                body["key_id"] = keys.keyId();
                bodies.push_back(std::move(body));
            }
            // The store links, hashes and MACs them exactly as AuditLog's commits do.
            if (auto s = (*store)->append(std::move(bodies), keys, policy); !s) {
                std::printf("verify: cannot write the chain: %s\n", s.error().message.c_str());
                return;
            }
        }
        std::printf("verify: built a chain of %lld records in %.1f s\n",
                    static_cast<long long>(count), msSince(start) / 1000.0);
    }
    const auto start = Clock::now();
    auto report = AuditVerifier::verify(path, keys);
    const double ms = msSince(start);
    if (!report || !report->intact) {
        std::printf("verify: FAILED: %s\n",
                    report ? report->problem.c_str() : report.error().message.c_str());
        return;
    }
    std::printf("verify: %.0f records/minute (%lld records in %.2f s)\n",
                double(report->records) / ms * 60000.0, static_cast<long long>(report->records),
                ms / 1000.0);
}

// (c) Rows look like AuditLog's (same columns, a ~400-byte canonical body) with made-up
// chain fields. 100 days of history; 200 principals, 20 tenants, 8 tools (one takes half
// the calls), 5% errors.
constexpr std::int64_t kBaseMs = 1'780'000'000'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kDays = 100;
const char *const kTools[] = { "db_query",        "db_get",    "db_aggregate", "db_explain",
                               "describe_schema", "db_insert", "db_update",    "db_delete" };

bool exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
        return true;
    std::printf("query: %s failed: %s\n", sql, sqlite3_errmsg(db));
    return false;
}

bool fillStore(const QString &path, std::int64_t count)
{
    {
        auto store = AuditStore::open(path, AuditStore::Mode::Writer); // the real schema
        if (!store) {
            std::printf("query: cannot create the store: %s\n", store.error().message.c_str());
            return false;
        }
    }
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK)
        return false;
    const auto start = Clock::now();
    bool ok = exec(db, "PRAGMA journal_mode = OFF") && exec(db, "PRAGMA synchronous = OFF")
        && exec(db, "PRAGMA cache_size = -262144");
    sqlite3_stmt *insert = nullptr;
    ok = ok
        && sqlite3_prepare_v2(
               db,
               "INSERT INTO audit_records(seq, time_ms, kind, instance, session, principal, "
               "tenant, tool, outcome, error_code, body, prev_hash, hash, mac) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               -1, &insert, nullptr)
            == SQLITE_OK;
    std::mt19937_64 random(42);
    const std::string hash(32, '\x5a');
    const double stepMs = double(kDays * kDayMs) / double(count);
    char body[1024];
    for (std::int64_t seq = 1; ok && seq <= count; ++seq) {
        if (seq % 200'000 == 1)
            ok = exec(db, "BEGIN");
        const std::uint64_t r = random();
        const std::int64_t timeMs = kBaseMs + std::int64_t(double(seq) * stepMs);
        const std::string principal = "user-" + std::to_string(r % 200);
        const std::string tenant = "tenant-" + std::to_string(r % 20);
        const unsigned toolPick = unsigned((r >> 16) % 16);
        const char *tool = kTools[toolPick < 8 ? 0 : toolPick - 8];
        const bool error = (r >> 24) % 20 == 0;
        const std::string session = "s-" + std::to_string(seq / 50);
        const std::string time = formatTime(timeMs);
        const int n = std::snprintf(
            body, sizeof body,
            "{\"arguments\":{\"limit\":50,\"model\":\"orders\",\"where\":{\"customer_id\":%llu,"
            "\"status\":\"open\"}},"
            "\"duration_us\":%llu,%s\"instance\":\"bench\",\"key_id\":\"0123456789abcdef\","
            "\"kind\":\"request\","
            "\"method\":\"tools/"
            "call\",\"outcome\":\"%s\",\"principal\":{\"roles\":[\"analyst\"],\"tenant\":\"%s\","
            "\"user\":\"%s\"},\"rows\":%d,\"seq\":%lld,\"session\":\"%s\",\"target\":\"%s\","
            "\"time\":\"%s\","
            "\"time_ms\":%lld,\"transport\":\"http\",\"v\":1}",
            static_cast<unsigned long long>((r >> 32) % 100000),
            static_cast<unsigned long long>((r >> 40) % 50000),
            error ? "\"error_code\":\"QUERY_TIMEOUT\"," : "", error ? "error" : "ok",
            tenant.c_str(), principal.c_str(), error ? 0 : 50, static_cast<long long>(seq),
            session.c_str(), tool, time.c_str(), static_cast<long long>(timeMs));
        sqlite3_reset(insert);
        sqlite3_bind_int64(insert, 1, seq);
        sqlite3_bind_int64(insert, 2, timeMs);
        sqlite3_bind_text(insert, 3, "request", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, "bench", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, session.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 6, principal.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 7, tenant.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 8, tool, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 9, error ? "error" : "ok", -1, SQLITE_STATIC);
        if (error)
            sqlite3_bind_text(insert, 10, "QUERY_TIMEOUT", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(insert, 10);
        sqlite3_bind_text(insert, 11, body, n, SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 12, hash.data(), 32, SQLITE_STATIC);
        sqlite3_bind_blob(insert, 13, hash.data(), 32, SQLITE_STATIC);
        sqlite3_bind_blob(insert, 14, hash.data(), 32, SQLITE_STATIC);
        ok = sqlite3_step(insert) == SQLITE_DONE;
        if (ok && (seq % 200'000 == 0 || seq == count))
            ok = exec(db, "COMMIT");
    }
    if (!ok)
        std::printf("query: filling the store failed: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(insert);
    ok = ok && exec(db, "PRAGMA journal_mode = WAL");
    sqlite3_close(db);
    if (ok)
        std::printf("query: filled a store of %lld records in %.1f s\n",
                    static_cast<long long>(count), msSince(start) / 1000.0);
    return ok;
}

void timePage(const AuditQuery &q, const char *label, const AuditFilter &f)
{
    // Cold for SQLite's page cache on the first call (a fresh connection), warm for the OS.
    double first = 0, best = 1e18;
    std::size_t rows = 0;
    for (int i = 0; i < 5; ++i) {
        const auto start = Clock::now();
        auto page = q.page(f, std::nullopt, 100, AuditQuery::Order::NewestFirst);
        const double ms = msSince(start);
        if (!page) {
            std::printf("query: %s failed: %s\n", label, page.error().message.c_str());
            return;
        }
        rows = page->records.size();
        if (i == 0)
            first = ms;
        best = std::min(best, ms);
    }
    auto plan = q.pagePlan(f, std::nullopt, 100, AuditQuery::Order::NewestFirst);
    std::string planText;
    if (plan)
        for (const auto &line : *plan)
            planText += (planText.empty() ? "" : "; ") + line;
    std::printf("query: first page (limit 100, newest first) %s: %zu records, %.2f ms first, %.2f "
                "ms best of 5 "
                "[%s]\n",
                label, rows, first, best, planText.c_str());
}

void benchQuery(const QString &dir, std::int64_t count, const QString &existing)
{
    const QString path = existing.isEmpty() ? dir + QStringLiteral("/query.db") : existing;
    if (existing.isEmpty() && !fillStore(path, count))
        return;
    auto q = AuditQuery::open(path);
    if (!q) {
        std::printf("query: cannot open: %s\n", q.error().message.c_str());
        return;
    }
    const std::int64_t lastDay = kBaseMs + (kDays - 1) * kDayMs;
    const std::int64_t midDay = kBaseMs + (kDays / 2) * kDayMs;
    AuditFilter f;
    f.principal = "user-42";
    f.fromMs = lastDay;
    f.toMs = lastDay + kDayMs;
    timePage(**q, "principal=user-42, the newest day", f);
    f.fromMs = midDay;
    f.toMs = midDay + kDayMs;
    timePage(**q, "principal=user-42, a day 50 days back", f);
    f.fromMs = midDay - 29 * kDayMs;
    timePage(**q, "principal=user-42, 30 days ending 50 days back", f);
    f.fromMs = lastDay - 29 * kDayMs;
    f.toMs = std::nullopt;
    timePage(**q, "principal=user-42, since 30 days back", f);
    f = {};
    f.tool = "db_explain";
    timePage(**q, "tool=db_explain", f);
    f.fromMs = midDay;
    f.toMs = midDay + kDayMs;
    timePage(**q, "tool=db_explain, a day 50 days back", f);
    f = {};
    f.fromMs = midDay;
    f.toMs = midDay + kDayMs;
    timePage(**q, "a day 50 days back, no other filter", f);
    f = {};
    f.principal = "user-42";
    const auto start = Clock::now();
    auto n = (*q)->count(f);
    std::printf("query: count principal=user-42: %lld in %.1f ms\n",
                static_cast<long long>(n ? *n : -1), msSince(start));
}

Options parse(const QStringList &args)
{
    Options o;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == QStringLiteral("--records") && hasValue)
            o.records = args[++i].toLongLong();
        else if (a == QStringLiteral("--verify-records") && hasValue)
            o.verifyRecords = args[++i].toLongLong();
        else if (a == QStringLiteral("--seconds") && hasValue)
            o.seconds = args[++i].toDouble();
        else if (a == QStringLiteral("--dir") && hasValue)
            o.dir = args[++i];
        else if (a == QStringLiteral("--query-store") && hasValue)
            o.queryStore = args[++i];
        else if (a == QStringLiteral("--keep"))
            o.keep = true;
        else if (a == QStringLiteral("--postgres") && hasValue) {
            // HOST:PORT/DBNAME/USER
            const QStringList parts = args[++i].split(u'/');
            const QStringList hostPort = parts.value(0).split(u':');
            DatabaseConfig pg;
            pg.driver = DatabaseConfig::Driver::Postgres;
            pg.host = hostPort.value(0);
            pg.port = hostPort.value(1, QStringLiteral("5432")).toInt();
            pg.dbname = parts.value(1);
            pg.user = parts.value(2);
            pg.sslmode = QStringLiteral("prefer");
            o.postgres = pg;
        }
        else {
            std::fprintf(
                stderr,
                "usage: audit_bench [--dir DIR] [--records N] [--verify-records N] [--seconds S] "
                "[--keep] [--query-store FILE] [--postgres HOST:PORT/DBNAME/USER]\n");
            std::exit(2);
        }
    }
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Options o = parse(QCoreApplication::arguments());
    QTemporaryDir dir(o.dir + QStringLiteral("/audit-bench-XXXXXX"));
    if (!dir.isValid()) {
        std::fprintf(stderr, "audit_bench: cannot create a folder under %s\n", qPrintable(o.dir));
        return 1;
    }
    dir.setAutoRemove(!o.keep);
    std::printf("audit_bench: files in %s\n", qPrintable(dir.path()));
    std::fflush(stdout);
    if (o.seconds > 0) {
        benchAppends(dir.path(), 1, o.seconds);
        benchAppends(dir.path(), 8, o.seconds);
        if (o.postgres) {
            benchAppends(dir.path(), 1, o.seconds, o.postgres);
            benchAppends(dir.path(), 8, o.seconds, o.postgres);
        }
        std::fflush(stdout);
    }
    if (o.verifyRecords > 0) {
        benchVerify(dir.path(), o.verifyRecords);
        std::fflush(stdout);
    }
    if (o.records > 0 || !o.queryStore.isEmpty())
        benchQuery(dir.path(), o.records, o.queryStore);
    return 0;
}
