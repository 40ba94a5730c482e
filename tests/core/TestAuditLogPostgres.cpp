#include "PgAuditTestDb.h"
#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"

#include <QTest>

#include <set>
#include <thread>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &keys()
{
    return test::pgAuditKeys();
}

// An outcome as a session would write it: every search column set.
Json outcomeRecord(int i)
{
    Json body = { { "kind", "outcome" },
                  { "session", "s" + std::to_string(i % 4) },
                  { "principal", Json { { "user", "u" + std::to_string(i % 3) }, { "tenant", "1" } } },
                  { "target", "db_query" },
                  { "outcome", i % 5 ? "ok" : "error" } };
    if (i % 5 == 0)
        body["error_code"] = "RATE_LIMITED";
    return body;
}

decltype(AuditLog::Options::openStore) opener(DatabaseConfig config, std::string password, std::string chain)
{
    return [=]() -> Result<std::unique_ptr<AuditBackend>> {
        auto store = PgAuditStore::open(config, password, chain, AuditBackend::Mode::Writer);
        if (!store)
            return store.takeError();
        return std::unique_ptr<AuditBackend>(std::move(*store));
    };
}

} // namespace

// AuditLog over the PostgreSQL store: durable group commits, refusal with AUDIT_UNAVAILABLE
// while the database cannot be written and recovery without help once it can, and two logs
// (two servers) that write one chain without forking it.
class TestAuditLogPostgres : public QObject
{
    Q_OBJECT

    test::PgAuditTestDb m_db;

    AuditLog::Options options(const std::string &chain, const std::string &instance)
    {
        AuditLog::Options o;
        o.instance = instance;
        o.writeTimeoutMs = 5000;
        o.reopenIntervalMs = 50;
        o.openStore = opener(m_db.config(), m_db.password(), chain);
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_db.create("warden_test_auditlogpg");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void concurrentAppendsShareDurableCommits()
    {
        auto log = AuditLog::open(options("group", "test"), keys());
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        constexpr int kThreads = 8, kEach = 15;
        std::vector<std::int64_t> seqs[kThreads];
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i) {
                    auto seq = (*log)->appendAndWait(outcomeRecord(i));
                    seqs[t].push_back(seq ? *seq : -1);
                }
            });
        for (auto &t : threads)
            t.join();
        std::set<std::int64_t> all;
        for (const auto &s : seqs)
            all.insert(s.begin(), s.end());
        QCOMPARE(int(all.size()), kThreads * kEach);
        QCOMPARE(*all.begin(), std::int64_t(1)); // no -1: every record was committed
        QCOMPARE((*log)->lastSeq(), std::int64_t(kThreads * kEach));
        // Committed means in the database now, not when the log closes.
        QCOMPARE(m_db.scalar("SELECT count(*) FROM audit_records WHERE chain = 'group'"), static_cast<long long>(kThreads * kEach));
        (*log)->close();
        const auto report = m_db.verify("group");
        QVERIFY2(report.intact, report.problem.c_str());
    }

    void refusesWhileTheDatabaseIsGoneAndRecovers()
    {
        auto log = AuditLog::open(options("outage", "test"), keys());
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        QVERIFY((*log)->appendAndWait(outcomeRecord(0)).ok());

        // The database drops the connection and refuses the login: the next commit fails and
        // nothing reconnects until the role may log in again.
        QVERIFY(m_db.allowLogin(false).isEmpty());
        QVERIFY(m_db.cutConnections().isEmpty());
        auto refused = (*log)->appendAndWait(outcomeRecord(1));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::AuditUnavailable);
        QVERIFY(!(*log)->isHealthy());
        QVERIFY2((*log)->problem().contains(QStringLiteral("PostgreSQL audit store")), qPrintable((*log)->problem()));
        QVERIFY(!(*log)->problem().contains(QString::fromStdString(m_db.password())));
        auto atOnce = (*log)->appendAndWait(outcomeRecord(2)); // unhealthy: refused without waiting
        QVERIFY(!atOnce.ok());
        QCOMPARE(atOnce.error().code, ErrorCode::AuditUnavailable);

        QVERIFY(m_db.allowLogin(true).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT((*log)->isHealthy(), 20000);
        auto again = (*log)->appendAndWait(outcomeRecord(3));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(*again, std::int64_t(2)); // the refused records were never written
        (*log)->close();
        const auto report = m_db.verify("outage");
        QVERIFY2(report.intact, report.problem.c_str());
        QCOMPARE(report.records, std::int64_t(2));
    }

    // Two servers configured with the same chain: their commits are serialised and each
    // continues the other's chain.
    void twoLogsOnOneChainNeverFork()
    {
        auto a = AuditLog::open(options("pair", "server-a"), keys());
        auto b = AuditLog::open(options("pair", "server-b"), keys());
        QVERIFY(a.ok() && b.ok());
        constexpr int kEach = 30;
        std::atomic<int> failures = 0;
        auto run = [&](AuditLog &log) {
            for (int i = 0; i < kEach; ++i)
                if (!log.appendAndWait(outcomeRecord(i)))
                    ++failures;
        };
        std::thread ta(run, std::ref(**a));
        std::thread tb(run, std::ref(**b));
        ta.join();
        tb.join();
        QCOMPARE(failures.load(), 0);
        (*a)->close();
        (*b)->close();
        const auto report = m_db.verify("pair");
        QVERIFY2(report.intact, report.problem.c_str());
        QCOMPARE(report.records, std::int64_t(2 * kEach));
        QCOMPARE(m_db.scalar("SELECT count(DISTINCT instance) FROM audit_records WHERE chain = 'pair'"), 2LL);
    }

    void anUnreachableStoreIsRefusedAtOpen()
    {
        AuditLog::Options o = options("never", "test");
        DatabaseConfig closed = m_db.config();
        closed.port = 1;
        o.openStore = opener(closed, m_db.password(), "never");
        auto log = AuditLog::open(o, keys());
        QVERIFY(!log.ok());
        QCOMPARE(log.error().code, ErrorCode::AuditUnavailable);
    }
};

QTEST_GUILESS_MAIN(TestAuditLogPostgres)
#include "TestAuditLogPostgres.moc"
