#include "LimitsTestSupport.h"
#include "TestTempRoot.h"
#include "limits/AdmissionControl.h"
#include "limits/SqliteUsageStore.h"
#include "limits/UsageMeter.h"
#include "policy/Principal.h"

#include <QDir>
#include <QTest>
#include <QUuid>

#include <vector>

using namespace warden;
using namespace warden::limits;
using namespace std::chrono_literals;

namespace {

using TimePoint = Gcra::Clock::time_point;
using test::principal;

// Rates loose enough not to interfere unless a test tightens one.
LimitsConfig looseConfig()
{
    LimitsConfig c;
    c.principal = { 6000, 1000 };
    c.tenant = { 6000, 1000 };
    c.maxInFlightPerPrincipal = 0;
    c.maxInFlight = 0;
    return c;
}

} // namespace

class TestAdmissionControl : public QObject
{
    Q_OBJECT

    TimePoint m_now = TimePoint(std::chrono::hours(500));

    AdmissionControl::Clock clock()
    {
        return [this] {
            return m_now;
        };
    }

private Q_SLOTS:
    void init() { m_now = TimePoint(std::chrono::hours(500)); }

    void principalLimit()
    {
        LimitsConfig c = looseConfig();
        c.principal = { 60, 2 };
        AdmissionControl control(c, clock());
        const Principal alice = principal("alice", "acme");
        QVERIFY(control.admit(alice, "tools/call", "db_query"));
        QVERIFY(control.admit(alice, "tools/call", "db_query"));
        const Admission refused = control.admit(alice, "tools/call", "db_query");
        QVERIFY(!refused);
        const Rejection &r = refused.rejection();
        QCOMPARE(r.code, std::string("RATE_LIMITED"));
        QCOMPARE(r.which, std::string("principal"));
        QCOMPARE(r.retryAfter, 1000ms);
        QCOMPARE(r.retryAfterSeconds(), 1);
        QVERIFY2(r.message.find("this principal") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find("1.0 seconds") != std::string::npos, r.message.c_str());
        const Error e = r.toError();
        QCOMPARE(e.code, ErrorCode::RateLimited);
        QCOMPARE(e.details.at("retry_after_ms").get<std::int64_t>(), 1000);
        QCOMPARE(e.details.at("limit").get<std::string>(), std::string("principal"));

        m_now += r.retryAfter;
        QVERIFY(control.admit(alice, "tools/call", "db_query"));
        QCOMPARE(control.counters().principal, std::uint64_t(1));
        QCOMPARE(control.counters().admitted, std::uint64_t(3));
    }

    void tenantLimitCoversAllItsPrincipals()
    {
        LimitsConfig c = looseConfig();
        c.tenant = { 120, 3 };
        AdmissionControl control(c, clock());
        const Principal alice = principal("alice", "acme");
        const Principal bob = principal("bob", "acme");
        QVERIFY(control.admit(alice, "tools/call", {}));
        QVERIFY(control.admit(alice, "tools/call", {}));
        QVERIFY(control.admit(bob, "tools/call", {}));
        const Admission refused = control.admit(bob, "tools/call", {});
        QVERIFY(!refused);
        QCOMPARE(refused.rejection().which, std::string("tenant"));
        QCOMPARE(refused.rejection().retryAfter, 500ms);
        // Never names another principal or the tenant.
        for (const char *name : { "alice", "bob", "acme" })
            QVERIFY2(refused.rejection().message.find(name) == std::string::npos,
                     refused.rejection().message.c_str());
        // Another tenant, and a principal without one, are unaffected.
        QVERIFY(control.admit(principal("carol", "globex"), "tools/call", {}));
        for (int i = 0; i < 10; ++i)
            QVERIFY(control.admit(principal("dave"), "tools/call", {}));
    }

    void toolLimitIsPerPrincipalAndTool()
    {
        LimitsConfig c = looseConfig();
        c.tools["db_query"] = { 60, 1 };
        AdmissionControl control(c, clock());
        const Principal alice = principal("alice", "acme");
        QVERIFY(control.admit(alice, "tools/call", "db_query"));
        const Admission refused = control.admit(alice, "tools/call", "db_query");
        QVERIFY(!refused);
        QCOMPARE(refused.rejection().which, std::string("tool:db_query"));
        QVERIFY(refused.rejection().message.find("db_query") != std::string::npos);
        // Other tools, and the same tool for another principal, still pass.
        QVERIFY(control.admit(alice, "tools/call", "db_get"));
        QVERIFY(control.admit(principal("bob", "acme"), "tools/call", "db_query"));
        m_now += refused.rejection().retryAfter;
        QVERIFY(control.admit(alice, "tools/call", "db_query"));
    }

    void laterRefusalDoesNotConsumeEarlierRates()
    {
        // A call refused by the tool limit costs the principal and the tenant nothing.
        LimitsConfig c = looseConfig();
        c.principal = { 60, 3 };
        c.tenant = { 60, 3 };
        c.tools["db_query"] = { 60, 1 };
        AdmissionControl control(c, clock());
        const Principal alice = principal("alice", "acme");
        QVERIFY(control.admit(alice, "tools/call", "db_query")); // principal 1/3, tenant 1/3
        for (int i = 0; i < 50; ++i)
            QCOMPARE(control.admit(alice, "tools/call", "db_query").rejection().which,
                     std::string("tool:db_query"));
        QVERIFY(control.admit(alice, "tools/call", "db_get")); // 2/3
        QVERIFY(control.admit(alice, "tools/call", "db_get")); // 3/3
        QCOMPARE(control.admit(alice, "tools/call", "db_get").rejection().which,
                 std::string("principal"));

        // Refused by the tenant: the principal's own rate is given back too.
        LimitsConfig t = looseConfig();
        t.principal = { 60, 1 }; // one per second
        t.tenant = { 120, 1 }; // one per half second
        AdmissionControl second(t, clock());
        QVERIFY(second.admit(principal("alice", "acme"), "tools/call", {}));
        const Admission byTenant = second.admit(principal("bob", "acme"), "tools/call", {});
        QCOMPARE(byTenant.rejection().which, std::string("tenant"));
        m_now += byTenant.rejection().retryAfter; // half a second: bob's own rate was not used
        QVERIFY(second.admit(principal("bob", "acme"), "tools/call", {}));
    }

    void floodDoesNotAffectOthers()
    {
        LimitsConfig c = looseConfig();
        c.principal = { 600, 10 };
        c.maxInFlightPerPrincipal = 4;
        c.maxInFlight = 100;
        AdmissionControl control(c, clock());
        const Principal mallory = principal("mallory", "evil");
        int admitted = 0;
        for (int i = 0; i < 100000; ++i)
            admitted += control.admit(mallory, "tools/call", "db_query") ? 1 : 0;
        QCOMPARE(admitted, 10);
        const Principal alice = principal("alice", "acme");
        for (int i = 0; i < 10; ++i)
            QVERIFY2(control.admit(alice, "tools/call", "db_query"), "alice keeps her whole burst");
        // The same user name through another auth method is another principal.
        QVERIFY(control.admit(principal("mallory", "evil", "api-key"), "tools/call", "db_query"));
    }

    void concurrencyCaps()
    {
        LimitsConfig c = looseConfig();
        c.principal = { 60, 3 };
        c.maxInFlightPerPrincipal = 2;
        c.maxInFlight = 3;
        AdmissionControl control(c, clock());
        const Principal alice = principal("alice");
        Admission a1 = control.admit(alice, "tools/call", {});
        Admission a2 = control.admit(alice, "tools/call", {});
        QVERIFY(a1 && a2);
        const Admission a3 = control.admit(alice, "tools/call", {});
        QVERIFY(!a3);
        QCOMPARE(a3.rejection().which, std::string("concurrency"));
        QCOMPARE(a3.rejection().retryAfter, AdmissionControl::concurrencyRetryAfter);
        Admission b1 = control.admit(principal("bob"), "tools/call", {});
        QVERIFY(b1);
        const Admission c1 = control.admit(principal("carol"), "tools/call", {});
        QCOMPARE(c1.rejection().which, std::string("global_concurrency"));
        QCOMPARE(control.gate().inFlight(), 3);

        // Refused by a cap, the call used none of alice's rate: one slot free, one call of
        // her burst of three left.
        a1.ticket().release();
        ConcurrencyGate::Ticket held = control.admit(alice, "tools/call", {}).takeTicket();
        QVERIFY(held.isValid());
        QCOMPARE(control.gate().inFlight("alice"), 0); // keys are principal subjects, not user ids
        QCOMPARE(control.gate().inFlight(principalSubject(alice)), 2);
        QCOMPARE(control.counters().concurrency, std::uint64_t(1));
        QCOMPARE(control.counters().globalConcurrency, std::uint64_t(1));
    }

    void principalSubjectsNeverCollide()
    {
        QCOMPARE(principalSubject(principal("alice@example.com", "acme")),
                 std::string("oauth:alice@example.com|acme"));
        QCOMPARE(principalSubject(principal("alice")), std::string("oauth:alice"));
        const std::vector<Principal> distinct = {
            principal("a|acme"),           principal("a", "acme"), principal("a:b", {}, "oauth"),
            principal("b", {}, "oauth:a"), principal("a%7Cacme"),  principal("a", "acme", "local"),
        };
        for (std::size_t i = 0; i < distinct.size(); ++i)
            for (std::size_t j = i + 1; j < distinct.size(); ++j)
                QVERIFY2(principalSubject(distinct[i]) != principalSubject(distinct[j]),
                         principalSubject(distinct[i]).c_str());
    }

    void rejectionsAreRecordedForCharts()
    {
        const QString path = QDir(test::tempRoot())
                                 .filePath(QUuid::createUuid().toString(QUuid::WithoutBraces)
                                           + QStringLiteral("-admission-usage.db"));
        auto store = SqliteUsageStore::open(path);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        UsageMeter::Options options;
        options.flushIntervalMs = 0;
        options.now = [] {
            return std::int64_t(1'700'000'000'000);
        };
        auto meter = UsageMeter::create(std::move(*store), options);
        QVERIFY(meter.ok());

        LimitsConfig c = looseConfig();
        c.principal = { 60, 1 };
        AdmissionControl control(c, clock(), meter->get());
        const Principal alice = principal("alice", "acme");
        QVERIFY(control.admit(alice, "tools/call", {}));
        for (int i = 0; i < 7; ++i)
            QVERIFY(!control.admit(alice, "tools/call", {}));
        QCOMPARE((*meter)->usage(SubjectKind::Principal, principalSubject(alice)).hour.rateLimited,
                 7);
        QCOMPARE((*meter)->usage(SubjectKind::Tenant, "acme").day.rateLimited, 7);
        QCOMPARE((*meter)->usage(SubjectKind::Principal, principalSubject(alice)).hour.calls, 0);
    }
};

QTEST_GUILESS_MAIN(TestAdmissionControl)
#include "TestAdmissionControl.moc"
