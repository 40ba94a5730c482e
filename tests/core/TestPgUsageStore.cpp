// The shared usage ledger on the test suite's throwaway PostgreSQL cluster (ctest fixture
// "postgres"): atomic increments from several connections, and several UsageMeters (as
// several servers would run them) enforcing one budget together.

#include "LimitsTestSupport.h"
#include "PgFixtureEnv.h"
#include "limits/LimitsConfig.h"
#include "limits/PgUsageStore.h"
#include "limits/UsageMeter.h"
#include "policy/Principal.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <libpq-fe.h>

#include <map>
#include <thread>

using namespace warden;
using namespace warden::limits;

namespace {

constexpr std::int64_t kMinute = 60000;
constexpr std::int64_t kMinuteZero = 29'000'000;

Principal principal(const std::string &user, const std::string &tenant = {})
{
    return test::principal(user, tenant, "api-key");
}

std::string randomHex()
{
    return QByteArray::number(QRandomGenerator::global()->generate64(), 16).toStdString();
}

} // namespace

class TestPgUsageStore : public QObject
{
    Q_OBJECT

    std::map<std::string, std::string> m_env;
    std::string m_dbname;
    std::string m_role;
    std::string m_password;
    std::int64_t m_now = kMinuteZero * kMinute + 5000;

    bool admin(const std::string &sql) const
    {
        const std::string conninfo = "host=" + m_env.at("WARDEN_PG_SOCKET_DIR")
            + " port=" + m_env.at("WARDEN_PG_PORT") + " user=" + m_env.at("WARDEN_PG_SUPERUSER")
            + " dbname=postgres";
        PGconn *conn = PQconnectdb(conninfo.c_str());
        bool ok = PQstatus(conn) == CONNECTION_OK;
        if (ok) {
            PGresult *r = PQexec(conn, sql.c_str());
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok)
                qWarning("%s", PQerrorMessage(conn));
            PQclear(r);
        }
        PQfinish(conn);
        return ok;
    }

    UsageStoreConfig config() const
    {
        UsageStoreConfig c;
        c.driver = UsageStoreConfig::Driver::Postgres;
        c.host = QString::fromStdString(m_env.at("WARDEN_PG_HOST"));
        c.port = std::stoi(m_env.at("WARDEN_PG_PORT"));
        c.dbname = QString::fromStdString(m_dbname);
        c.user = QString::fromStdString(m_role);
        c.sslmode = QStringLiteral("disable");
        return c;
    }

    std::unique_ptr<PgUsageStore> store()
    {
        auto s = PgUsageStore::open(config(), m_password);
        if (!s) {
            qWarning("%s", s.error().message.c_str());
            return nullptr;
        }
        return std::move(*s);
    }

    std::unique_ptr<UsageMeter> meter(const WindowBudgets &budgets)
    {
        return test::manualMeter(store(), budgets, budgets, [this] { return m_now; });
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = test::readPgEnv();
        if (m_env.empty()) {
            if (qEnvironmentVariableIsSet("WARDEN_ALLOW_SKIP_PG"))
                QSKIP("no PostgreSQL fixture and WARDEN_ALLOW_SKIP_PG is set");
            QFAIL(qPrintable(
                QStringLiteral("the PostgreSQL fixture is missing (%1); run the test through "
                               "ctest so that fixture.pg.start runs")
                    .arg(test::pgEnvPath())));
        }
        for (const char *key :
             { "WARDEN_PG_HOST", "WARDEN_PG_PORT", "WARDEN_PG_SOCKET_DIR", "WARDEN_PG_SUPERUSER" })
            QVERIFY2(m_env.count(key), key);
        // A role of its own that owns a fresh database: the store creates its table there.
        const std::string suffix = randomHex();
        m_role = "warden_usage_" + suffix;
        m_dbname = "warden_usage_" + suffix;
        m_password = randomHex() + randomHex();
        QVERIFY(admin("CREATE ROLE " + m_role + " LOGIN PASSWORD '" + m_password + "'"));
        QVERIFY(admin("CREATE DATABASE " + m_dbname + " OWNER " + m_role));
    }

    void cleanupTestCase()
    {
        if (!m_dbname.empty()) {
            admin("DROP DATABASE IF EXISTS " + m_dbname + " WITH (FORCE)");
            admin("DROP ROLE IF EXISTS " + m_role);
        }
    }

    void storeAddsAndReads()
    {
        auto s = store();
        QVERIFY(s);
        QVERIFY(s->description().find("PostgreSQL") == 0);
        QVERIFY(s->description().find(m_password) == std::string::npos);
        const std::vector<UsageRow> rows = {
            { SubjectKind::Principal, "api-key:one", 100, { 2, 30, 1.5, 1, 0 } },
            { SubjectKind::Tenant, "t1", 100, { 2, 30, 1.5, 1, 0 } },
            { SubjectKind::Principal, "api-key:one", 101, { 1, 0, 0.25, 0, 1 } },
        };
        QVERIFY(s->add(rows));
        QVERIFY(s->add({ rows[0] })); // increments, not replaces
        auto read = s->rowsSince(100);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        std::map<std::pair<std::string, std::int64_t>, UsageCounts> byKey;
        for (const UsageRow &r : *read)
            byKey[{ std::string(subjectKindName(r.kind)) + "/" + r.subject, r.minute }] = r.counts;
        QCOMPARE(byKey.size(), std::size_t(3));
        QVERIFY((byKey[{ "principal/api-key:one", 100 }] == UsageCounts { 4, 60, 3.0, 2, 0 }));
        QVERIFY((byKey[{ "principal/api-key:one", 101 }] == UsageCounts { 1, 0, 0.25, 0, 1 }));
        QVERIFY((byKey[{ "tenant/t1", 100 }] == UsageCounts { 2, 30, 1.5, 1, 0 }));

        auto series = s->series(SubjectKind::Principal, "api-key:one", Metric::Cost, 100, 102, 1);
        QVERIFY(series.ok());
        QCOMPARE(series->size(), std::size_t(2));
        QCOMPARE(series->at(0).value, 3.0);
        QCOMPARE(series->at(1).value, 0.25);
        QCOMPARE(series->at(1).timeMs, 101 * kMinute);
        auto top = s->top(SubjectKind::Principal, Metric::Calls, 0, 5);
        QVERIFY(top.ok());
        QCOMPARE(top->size(), std::size_t(1));
        QCOMPARE(top->at(0).value, 5.0);
        auto pruned = s->prune(101);
        QVERIFY(pruned.ok());
        QCOMPARE(*pruned, std::int64_t(2));
    }

    void concurrentIncrementsAreAtomic()
    {
        // Two connections (two servers), two threads each, all adding to one row.
        auto a = store();
        auto b = store();
        QVERIFY(a && b);
        const UsageRow one {
            SubjectKind::Principal, "api-key:contended", 500, { 1, 2, 0.5, 0, 0 }
        };
        const UsageRow other { SubjectKind::Tenant, "contended", 500, { 1, 0, 0, 0, 0 } };
        std::atomic<int> failures { 0 };
        std::vector<std::thread> threads;
        for (UsageStore *s :
             { static_cast<UsageStore *>(a.get()), static_cast<UsageStore *>(b.get()) }) {
            for (int t = 0; t < 2; ++t) {
                threads.emplace_back([&, s, t] {
                    for (int i = 0; i < 100; ++i) {
                        // Both keys in one batch, listed in either order: no deadlock, no lost
                        // update.
                        const std::vector<UsageRow> batch = t % 2
                            ? std::vector<UsageRow> { one, other }
                            : std::vector<UsageRow> { other, one };
                        if (!s->add(batch))
                            ++failures;
                    }
                });
            }
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(failures.load(), 0);
        auto rows = a->rowsSince(500);
        QVERIFY(rows.ok());
        for (const UsageRow &r : *rows) {
            if (r.subject == "api-key:contended")
                QVERIFY((r.counts == UsageCounts { 400, 800, 200.0, 0, 0 }));
            else if (r.subject == "contended")
                QCOMPARE(r.counts.calls, 400);
        }
    }

    void twoServersShareOneBudget()
    {
        WindowBudgets budgets;
        budgets.hour.calls = 5;
        auto serverA = meter(budgets);
        auto serverB = meter(budgets);
        QVERIFY(serverA && serverB);
        const Principal alice = principal("alice", "shared-tenant");
        const std::string key = principalSubject(alice);

        for (int i = 0; i < 3; ++i)
            serverA->record(alice, 10, 1.0);
        QVERIFY(serverA->flush());
        QCOMPARE(serverB->usage(SubjectKind::Principal, key).hour.calls, 0); // not re-read yet
        QVERIFY(serverB->flush()); // B's flush re-reads the ledger
        QCOMPARE(serverB->usage(SubjectKind::Principal, key).hour.calls, 3);
        QCOMPARE(serverB->usage(SubjectKind::Tenant, "shared-tenant").hour.rows, 30);

        QVERIFY(!serverB->checkBudget(alice));
        serverB->record(alice, 1, 0);
        serverB->record(alice, 1, 0);
        QVERIFY(serverB->flush());
        QVERIFY(serverA->flush());
        QCOMPARE(serverA->usage(SubjectKind::Principal, key).hour.calls, 5);
        const auto refusedA = serverA->checkBudget(alice);
        const auto refusedB = serverB->checkBudget(alice);
        QVERIFY2(refusedA && refusedB, "both servers enforce the shared budget");
        QCOMPARE(refusedA->used, 5.0);
        QCOMPARE(refusedA->kind, SubjectKind::Principal);

        // The charts of either server see both servers' usage.
        auto top = serverB->topConsumers(SubjectKind::Principal, Metric::Calls, Window::Hour, 3);
        QVERIFY(top.ok());
        QCOMPARE(top->at(0).subject, key);
        QCOMPARE(top->at(0).value, 5.0);

        // A third server started now loads the same state.
        serverA.reset();
        serverB.reset();
        m_now += 2 * kMinute;
        auto serverC = meter(budgets);
        QVERIFY(serverC);
        QCOMPARE(serverC->usage(SubjectKind::Principal, key).hour.calls, 5);
        QCOMPARE(serverC->usage(SubjectKind::Principal, key).hour.budgetRejected, 2);
        QVERIFY(serverC->checkBudget(alice));
    }

    void opensThroughTheConfiguredStore()
    {
        auto s = UsageStore::open(config(), QStringLiteral("/unused/audit.db"), m_password);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QVERIFY((*s)->description().find("PostgreSQL 127.0.0.1:") == 0);
    }

    void wrongPasswordIsRefusedWithoutEcho()
    {
        const std::string wrong = "not-the-password-" + randomHex();
        auto s = PgUsageStore::open(config(), wrong);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Unavailable);
        QVERIFY(s.error().message.find(wrong) == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestPgUsageStore)
#include "TestPgUsageStore.moc"
