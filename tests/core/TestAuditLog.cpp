#include "FaultyVfs.h"
#include "TestTempRoot.h"
#include "audit/AuditLog.h"
#include "audit/AuditStore.h"
#include "audit/AuditVerifier.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <set>
#include <thread>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &testKeys()
{
    static const AuditKeys keys("audit-log-test-secret-0123456789");
    return keys;
}

Json callRecord(int i)
{
    Json body = Json::object();
    body["kind"] = "request";
    body["principal"] = Json{{"user", "u" + std::to_string(i % 3)}, {"tenant", "1"}, {"roles", Json::array()}};
    body["target"] = "db_query";
    return body;
}

std::int64_t countRows(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *stmt = nullptr;
    std::int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

    QString m_dir;
    std::unique_ptr<QTemporaryDir> m_tmp;

    AuditLog::Options options(const QString &name, bool faulty = false) const
    {
        AuditLog::Options o;
        o.path = m_dir + QLatin1Char('/') + name;
        o.instance = "test";
        o.writeTimeoutMs = 2000;
        o.reopenIntervalMs = 50;
        if (faulty)
            o.vfs = test::registerFaultyVfs();
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tmp = std::make_unique<QTemporaryDir>(test::tempRoot() + QStringLiteral("/audit-XXXXXX"));
        QVERIFY(m_tmp->isValid());
        m_dir = m_tmp->path();
    }

    void cleanup() { test::currentFault() = test::Fault::None; }

    void appendsFormAVerifiableChain()
    {
        auto log = AuditLog::open(options(QStringLiteral("chain.db")), testKeys());
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        for (int i = 1; i <= 25; ++i) {
            auto seq = (*log)->appendAndWait(callRecord(i));
            QVERIFY(seq.ok());
            QCOMPARE(*seq, std::int64_t(i));
        }
        QCOMPARE((*log)->lastSeq(), std::int64_t(25));
        (*log)->close();
        auto report = AuditVerifier::verify(options(QStringLiteral("chain.db")).path, testKeys());
        QVERIFY(report.ok());
        QVERIFY2(report->intact, report->problem.c_str());
        QCOMPARE(report->records, std::int64_t(25));
        // Every stored body carries the fields the writer fills in.
        auto reader = AuditStore::open(options(QStringLiteral("chain.db")).path, AuditStore::Mode::Reader);
        QVERIFY(reader.ok());
        auto tail = (*reader)->readTail();
        QVERIFY(tail.ok());
        QCOMPARE(tail->seq, std::int64_t(25));
    }

    void concurrentAppendsShareCommitsAndStayGapFree()
    {
        auto log = AuditLog::open(options(QStringLiteral("group.db")), testKeys());
        QVERIFY(log.ok());
        QSignalSpy commits(log->get(), &AuditLog::recordsCommitted);
        constexpr int threads = 8, each = 60;
        std::mutex m;
        std::set<std::int64_t> seqs;
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < each; ++i) {
                    auto seq = (*log)->appendAndWait(callRecord(t * each + i));
                    if (seq.ok()) {
                        std::lock_guard lock(m);
                        seqs.insert(*seq);
                    }
                }
            });
        for (auto &t : pool)
            t.join();
        QCOMPARE(int(seqs.size()), threads * each);
        QCOMPARE(*seqs.begin(), std::int64_t(1));
        QCOMPARE(*seqs.rbegin(), std::int64_t(threads * each));
        // Group commit: fewer durable commits than records.
        QVERIFY2(commits.count() < threads * each, "concurrent appends should share commits");
        qInfo("%d records in %lld commits", threads * each, static_cast<long long>(commits.count()));
        (*log)->close();
        auto report = AuditVerifier::verify(options(QStringLiteral("group.db")).path, testKeys());
        QVERIFY(report.ok() && report->intact);
    }

    void twoWritersContinueOneChain()
    {
        auto a = AuditLog::open(options(QStringLiteral("shared.db")), testKeys());
        auto b = AuditLog::open(options(QStringLiteral("shared.db")), testKeys());
        QVERIFY(a.ok() && b.ok());
        std::thread ta([&] {
            for (int i = 0; i < 100; ++i)
                (void)(*a)->appendAndWait(callRecord(i));
        });
        std::thread tb([&] {
            for (int i = 0; i < 100; ++i)
                (void)(*b)->appendAndWait(callRecord(i));
        });
        ta.join();
        tb.join();
        (*a)->close();
        (*b)->close();
        QCOMPARE(countRows(options(QStringLiteral("shared.db")).path, "SELECT count(*) FROM audit_records"),
                 std::int64_t(200));
        auto report = AuditVerifier::verify(options(QStringLiteral("shared.db")).path, testKeys());
        QVERIFY(report.ok());
        QVERIFY2(report->intact, report->problem.c_str());
    }

    void checkpointsAreWrittenPeriodicallyAndAtStop()
    {
        auto o = options(QStringLiteral("checkpoints.db"));
        o.checkpointEveryRecords = 10;
        auto log = AuditLog::open(o, testKeys());
        QVERIFY(log.ok());
        for (int i = 0; i < 35; ++i)
            QVERIFY((*log)->appendAndWait(callRecord(i)).ok());
        Json stop = Json::object();
        stop["kind"] = std::string(kind::ServerStop);
        QVERIFY((*log)->appendAndWait(stop).ok());
        (*log)->close();
        QVERIFY(countRows(o.path, "SELECT count(*) FROM audit_checkpoints WHERE reason = 'periodic'") >= 3);
        QCOMPARE(countRows(o.path, "SELECT max(seq) FROM audit_checkpoints WHERE reason = 'stop'"), std::int64_t(36));
        QCOMPARE(countRows(o.path, "SELECT seq FROM audit_head"), std::int64_t(36));
    }

    // Disk full, a write error and an fsync error: the record is refused, never assumed
    // written; the log reports itself unhealthy, refuses at once, and recovers by itself.
    void failedWritesRefuseThenRecover_data()
    {
        QTest::addColumn<int>("fault");
        QTest::newRow("disk full") << int(test::Fault::DiskFull);
        QTest::newRow("write error") << int(test::Fault::WriteError);
        QTest::newRow("fsync error") << int(test::Fault::SyncError);
    }

    void failedWritesRefuseThenRecover()
    {
        QFETCH(int, fault);
        const QString name = QStringLiteral("fault-%1.db").arg(fault);
        auto log = AuditLog::open(options(name, true), testKeys());
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        QSignalSpy health(log->get(), &AuditLog::healthChanged);
        QVERIFY((*log)->appendAndWait(callRecord(1)).ok());

        test::currentFault() = test::Fault(fault);
        auto refused = (*log)->appendAndWait(callRecord(2));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::AuditUnavailable);
        QVERIFY(!(*log)->isHealthy());
        QVERIFY(!(*log)->problem().isEmpty());
        auto again = (*log)->appendAndWait(callRecord(3)); // refused at once while unhealthy
        QVERIFY(!again.ok());

        test::currentFault() = test::Fault::None;
        QTRY_VERIFY_WITH_TIMEOUT((*log)->isHealthy(), 5000);
        auto next = (*log)->appendAndWait(callRecord(4));
        QVERIFY2(next.ok(), next.ok() ? "" : next.error().message.c_str());
        QCOMPARE(*next, std::int64_t(2)); // the refused records left no trace and no gap
        QVERIFY(health.count() >= 2);
        (*log)->close();
        auto report = AuditVerifier::verify(options(name).path, testKeys());
        QVERIFY(report.ok());
        QVERIFY2(report->intact, report->problem.c_str());
        QCOMPARE(report->records, std::int64_t(2));
    }

    // A store that does not answer within the write timeout: the caller is refused at the
    // timeout, not left waiting.
    void slowStoreTimesOut()
    {
        auto o = options(QStringLiteral("slow.db"));
        o.writeTimeoutMs = 200;
        auto log = AuditLog::open(o, testKeys());
        QVERIFY(log.ok());
        // Another connection holds the write lock longer than the timeout.
        sqlite3 *blocker = nullptr;
        QCOMPARE(sqlite3_open(o.path.toUtf8().constData(), &blocker), SQLITE_OK);
        QCOMPARE(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        QElapsedTimer t;
        t.start();
        auto refused = (*log)->appendAndWait(callRecord(1));
        const qint64 waited = t.elapsed();
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::AuditUnavailable);
        QVERIFY2(waited < 1500, "the refusal must come at the write timeout");
        sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(blocker);
        QTRY_VERIFY_WITH_TIMEOUT((*log)->isHealthy(), 5000);
        QVERIFY((*log)->appendAndWait(callRecord(2)).ok());
    }

    void closedLogRefuses()
    {
        auto log = AuditLog::open(options(QStringLiteral("closed.db")), testKeys());
        QVERIFY(log.ok());
        (*log)->close();
        auto r = (*log)->appendAndWait(callRecord(1));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::AuditUnavailable);
    }

    void unwritableLocationIsReported()
    {
        auto o = options(QStringLiteral("x.db"));
        o.path = QStringLiteral("/proc/warden-audit/audit.db");
        auto log = AuditLog::open(o, testKeys());
        QVERIFY(!log.ok());
        QCOMPARE(log.error().code, ErrorCode::AuditUnavailable);
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "TestAuditLog.moc"
