#include "LimitsTestSupport.h"
#include "TestTempRoot.h"
#include "limits/SqliteUsageStore.h"
#include "limits/UsageMeter.h"
#include "policy/Principal.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace warden;
using namespace warden::limits;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMinute = 60000;
// 2023-11-14 22:13:00 UTC plus ten seconds: a whole minute and an offset into it.
constexpr std::int64_t kMinuteZero = 28'333'333;
constexpr std::int64_t kStart = kMinuteZero * kMinute + 10'000;

using test::principal;

// A real store whose writes can be made to fail, to prove usage survives a store outage.
class FlakyStore final : public UsageStore
{
public:
    FlakyStore(std::unique_ptr<UsageStore> inner, bool *failing)
        : m_inner(std::move(inner))
        , m_failing(failing)
    {
    }
    Status add(const std::vector<UsageRow> &rows) override
    {
        if (*m_failing)
            return Error(ErrorCode::Unavailable, "the disk is full (injected)");
        return m_inner->add(rows);
    }
    Result<std::vector<UsageRow>> rowsSince(std::int64_t m) override
    {
        return m_inner->rowsSince(m);
    }
    Result<std::vector<SeriesPoint>> series(SubjectKind k, const std::string &s, Metric m,
                                            std::int64_t f, std::int64_t t,
                                            std::int64_t step) override
    {
        return m_inner->series(k, s, m, f, t, step);
    }
    Result<std::vector<Consumer>> top(SubjectKind k, Metric m, std::int64_t f,
                                      std::size_t n) override
    {
        return m_inner->top(k, m, f, n);
    }
    Result<std::int64_t> prune(std::int64_t m) override { return m_inner->prune(m); }
    std::string description() const override { return "flaky " + m_inner->description(); }

private:
    std::unique_ptr<UsageStore> m_inner;
    bool *m_failing;
};

} // namespace

class TestUsageMeter : public QObject
{
    Q_OBJECT

    QString m_path;
    std::int64_t m_now = kStart;
    bool m_failing = false;

    std::unique_ptr<UsageMeter> meter(const WindowBudgets &principalBudgets = {},
                                      const WindowBudgets &tenantBudgets = {}, bool flaky = false)
    {
        auto store = SqliteUsageStore::open(m_path);
        if (!store) {
            qWarning("%s", store.error().message.c_str());
            return nullptr;
        }
        std::unique_ptr<UsageStore> s = std::move(*store);
        if (flaky)
            s = std::make_unique<FlakyStore>(std::move(s), &m_failing);
        return test::manualMeter(std::move(s), principalBudgets, tenantBudgets,
                                 [this] { return m_now; });
    }

    static WindowBudgets hourly(BudgetLimits limits)
    {
        WindowBudgets b;
        b.hour = limits;
        return b;
    }

private Q_SLOTS:
    void init()
    {
        m_now = kStart;
        m_failing = false;
        m_path = QDir(test::tempRoot())
                     .filePath(QStringLiteral("usage-")
                               + QUuid::createUuid().toString(QUuid::WithoutBraces)
                               + QStringLiteral("/usage.db"));
    }

    void callBudgetRefusesBeforeTheCallRuns()
    {
        auto m = meter(hourly({ 3, 0, 0 }));
        QVERIFY(m);
        const Principal alice = principal("alice", "acme");
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!m->checkBudget(alice));
            m->record(alice, 10, 1.0);
        }
        const auto refused = m->checkBudget(alice);
        QVERIFY(refused);
        QCOMPARE(refused->code, std::string("BUDGET_EXCEEDED"));
        QCOMPARE(refused->kind, SubjectKind::Principal);
        QCOMPARE(refused->window, Window::Hour);
        QCOMPARE(refused->metric, Metric::Calls);
        QCOMPARE(refused->limit, 3.0);
        QCOMPARE(refused->used, 3.0);
        QCOMPARE(refused->estimated, 1.0);
        // The three calls leave the window when their minute is 60 minutes old.
        QCOMPARE(refused->retryAfter.count(), 60 * kMinute - 10'000);
        QVERIFY2(refused->message.find("hourly call budget of this principal") != std::string::npos,
                 refused->message.c_str());
        QVERIFY2(refused->message.find("retry in 60 minutes") != std::string::npos,
                 refused->message.c_str());
        const Error e = refused->toError();
        QCOMPARE(e.code, ErrorCode::BudgetExceeded);
        QCOMPARE(e.details.at("window").get<std::string>(), std::string("hour"));
        QCOMPARE(e.details.at("metric").get<std::string>(), std::string("calls"));
        QCOMPARE(e.details.at("subject").get<std::string>(), std::string("principal"));
        QVERIFY(e.details.at("limit").is_number_integer()); // counts stay integers
        QCOMPARE(e.details.at("limit").get<std::int64_t>(), 3);
        QCOMPARE(e.details.at("used").get<std::int64_t>(), 3);
        QCOMPARE(e.details.at("retry_after_ms").get<std::int64_t>(), 60 * kMinute - 10'000);

        // The refusal is counted, the refused call is not.
        const auto used = m->usage(SubjectKind::Principal, principalSubject(alice));
        QCOMPARE(used.hour.calls, 3);
        QCOMPARE(used.hour.budgetRejected, 1);
        QCOMPARE(m->usage(SubjectKind::Tenant, "acme").hour.budgetRejected, 1);
        // Another principal has its own budget.
        QVERIFY(!m->checkBudget(principal("bob", "acme")));

        // The window rolls: one millisecond before the stated wait still refused, then free.
        m_now += refused->retryAfter.count() - 1;
        QVERIFY(m->checkBudget(alice));
        m_now += 1;
        QVERIFY(!m->checkBudget(alice));
    }

    void dayWindowAndRollingSums()
    {
        WindowBudgets b;
        b.day.calls = 5;
        auto m = meter(b);
        QVERIFY(m);
        const Principal alice = principal("alice");
        const std::string key = principalSubject(alice);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(!m->checkBudget(alice));
            m->record(alice, 0, 0);
            m_now += 3 * 60 * kMinute; // every three hours
        }
        // Five calls over twelve hours: the hour holds none, the day all five.
        QCOMPARE(m->usage(SubjectKind::Principal, key).hour.calls, 0);
        QCOMPARE(m->usage(SubjectKind::Principal, key).day.calls, 5);
        const auto refused = m->checkBudget(alice);
        QVERIFY(refused);
        QCOMPARE(refused->window, Window::Day);
        QVERIFY(refused->message.find("daily call budget") != std::string::npos);
        // The first call leaves the day window 24 hours after its minute.
        m_now = kStart + 24 * 60 * kMinute - 10'000;
        QCOMPARE(m->usage(SubjectKind::Principal, key).day.calls, 4);
        QVERIFY(!m->checkBudget(alice));
        m_now += 48 * 60 * kMinute;
        QCOMPARE(m->usage(SubjectKind::Principal, key).day.calls, 0);
    }

    void rowBudgetAndRemainingRows()
    {
        auto m = meter(hourly({ 0, 100, 0 }));
        QVERIFY(m);
        const Principal alice = principal("alice", "acme");
        QCOMPARE(m->remainingRows(alice), std::optional<std::int64_t>(100));
        m->record(alice, 60, 0);
        QVERIFY(!m->checkBudget(alice)); // 60 < 100: may run, capped to the rest
        QCOMPARE(m->remainingRows(alice), std::optional<std::int64_t>(40));
        m->record(alice, 50, 0);
        const auto refused = m->checkBudget(alice);
        QVERIFY(refused);
        QCOMPARE(refused->metric, Metric::Rows);
        QCOMPARE(refused->used, 110.0);
        QCOMPARE(m->remainingRows(alice), std::optional<std::int64_t>(0));
        // Exactly at the limit is used up too: nothing would be left to return.
        const Principal bob = principal("bob");
        m->record(bob, 99, 0);
        QVERIFY(!m->checkBudget(bob));
        m->record(bob, 1, 0);
        QVERIFY(m->checkBudget(bob));
        // No row budget at all: nothing to cap.
        auto unlimited = meter();
        QVERIFY(!unlimited->remainingRows(alice).has_value());
    }

    void remainingRowsTakesTheTightestBudget()
    {
        WindowBudgets p;
        p.hour.rows = 1000;
        p.day.rows = 300;
        WindowBudgets t;
        t.hour.rows = 150;
        auto m = meter(p, t);
        const Principal alice = principal("alice", "acme");
        m->record(principal("bob", "acme"), 100, 0); // the tenant's rows are shared
        QCOMPARE(m->remainingRows(alice), std::optional<std::int64_t>(50));
        QCOMPARE(m->remainingRows(principal("carol")),
                 std::optional<std::int64_t>(300)); // no tenant
    }

    void costBudgetCountsTheEstimate()
    {
        auto m = meter(hourly({ 0, 0, 10.0 }));
        QVERIFY(m);
        const Principal alice = principal("alice");
        m->record(alice, 0, 4.0);
        QVERIFY(!m->checkBudget(alice, 6.0)); // 4 + 6 = 10: allowed
        const auto refused = m->checkBudget(alice, 6.5);
        QVERIFY(refused);
        QCOMPARE(refused->metric, Metric::Cost);
        QCOMPARE(refused->used, 4.0);
        QCOMPARE(refused->estimated, 6.5);
        QVERIFY(refused->retryAfter.count() > 0);
        // A call larger than the whole budget can never run: no wait is promised.
        const auto never = m->checkBudget(alice, 11.0);
        QVERIFY(never);
        QCOMPARE(never->retryAfter.count(), 0);
        QVERIFY(
            never->toError().details.at("estimated").is_number_float()); // cost keeps its fraction
        QVERIFY2(never->message.find("alone is larger than the budget") != std::string::npos,
                 never->message.c_str());
    }

    void tenantBudgetIsShared()
    {
        auto m = meter({}, hourly({ 2, 0, 0 }));
        QVERIFY(m);
        m->record(principal("alice", "acme"), 0, 0);
        m->record(principal("bob", "acme"), 0, 0);
        const auto refused = m->checkBudget(principal("carol", "acme"));
        QVERIFY(refused);
        QCOMPARE(refused->kind, SubjectKind::Tenant);
        QVERIFY2(refused->message.find("this principal's tenant") != std::string::npos,
                 refused->message.c_str());
        for (const char *name : { "alice", "bob", "acme" })
            QVERIFY(refused->message.find(name) == std::string::npos);
        QVERIFY(!m->checkBudget(principal("dave", "globex")));
        QVERIFY(!m->checkBudget(principal("erin"))); // no tenant, no tenant budget
        QCOMPARE(m->limitsFor(SubjectKind::Tenant).hour.calls, 2);
        QVERIFY(m->limitsFor(SubjectKind::Principal).unlimited());
    }

    void persistsAcrossRestart()
    {
        const Principal alice = principal("alice", "acme");
        const WindowBudgets budgets = hourly({ 5, 0, 0 });
        {
            auto m = meter(budgets);
            QVERIFY(m);
            for (int i = 0; i < 3; ++i)
                m->record(alice, 7, 0.5);
            QVERIFY(m->flush());
            m->record(alice, 7, 0.5);
            m->record(alice, 7, 0.5);
            // Not flushed by hand: stop() (the destructor) writes the last interval.
        }
        QVERIFY(QFile::exists(m_path));
        m_now += 5 * kMinute;
        auto again = meter(budgets);
        QVERIFY(again);
        const auto used = again->usage(SubjectKind::Principal, principalSubject(alice));
        QCOMPARE(used.hour.calls, 5);
        QCOMPARE(used.hour.rows, 35);
        QCOMPARE(used.day.cost, 2.5);
        QCOMPARE(again->usage(SubjectKind::Tenant, "acme").hour.calls, 5);
        const auto refused = again->checkBudget(alice);
        QVERIFY2(refused, "the budget holds across a restart");
        QCOMPARE(refused->used, 5.0);
    }

    void seriesAndTopConsumers()
    {
        auto m = meter();
        QVERIFY(m);
        const Principal alice = principal("alice", "acme");
        const Principal bob = principal("bob", "acme");
        const Principal carol = principal("carol", "globex");
        // alice: 2 calls in minute 0, 1 in minute 12; bob: 1 in minute 12, 4 in minute 25;
        // carol: 1.
        m->record(alice, 5, 1.0);
        m->record(alice, 5, 1.0);
        m->record(carol, 1, 0.25);
        m_now += 12 * kMinute;
        m->record(alice, 5, 1.0);
        m->record(bob, 100, 10.0);
        m->recordRejection(bob, RejectionKind::RateLimited);
        m_now += 13 * kMinute;
        for (int i = 0; i < 4; ++i)
            m->record(bob, 1, 0);
        QVERIFY(m->flush());

        const std::int64_t from = kMinuteZero * kMinute;
        const std::int64_t to = from + 30 * kMinute;
        auto s = m->series(SubjectKind::Principal, principalSubject(alice), Metric::Calls, from, to,
                           10 * kMinute);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(s->size(), std::size_t(3));
        QCOMPARE((*s)[0].timeMs, from);
        QCOMPARE((*s)[1].timeMs, from + 10 * kMinute);
        QCOMPARE((*s)[0].value, 2.0);
        QCOMPARE((*s)[1].value, 1.0);
        QCOMPARE((*s)[2].value, 0.0); // steps without usage are there, at zero

        auto tenant = m->series(SubjectKind::Tenant, "acme", Metric::Rows, from, to, 10 * kMinute);
        QVERIFY(tenant.ok());
        QCOMPARE((*tenant)[0].value, 10.0);
        QCOMPARE((*tenant)[1].value, 105.0);
        QCOMPARE((*tenant)[2].value, 4.0);

        auto all = m->series(SubjectKind::Principal, {}, Metric::Cost, from, to, 30 * kMinute);
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t(1));
        QCOMPARE((*all)[0].value, 13.25);

        auto limited = m->series(SubjectKind::Principal, principalSubject(bob), Metric::RateLimited,
                                 from, to, kMinute);
        QVERIFY(limited.ok());
        QCOMPARE(limited->size(), std::size_t(30));
        QCOMPARE((*limited)[12].value, 1.0);

        auto top = m->topConsumers(SubjectKind::Principal, Metric::Calls, Window::Hour, 2);
        QVERIFY2(top.ok(), top.ok() ? "" : top.error().message.c_str());
        QCOMPARE(top->size(), std::size_t(2));
        QCOMPARE((*top)[0].subject, principalSubject(bob));
        QCOMPARE((*top)[0].value, 5.0);
        QCOMPARE((*top)[1].subject, principalSubject(alice));
        QCOMPARE((*top)[1].value, 3.0);
        auto tenants = m->topConsumers(SubjectKind::Tenant, Metric::Rows, Window::Day, 10);
        QVERIFY(tenants.ok());
        QCOMPARE(tenants->size(), std::size_t(2));
        QCOMPARE((*tenants)[0].subject, std::string("acme"));
        QCOMPARE((*tenants)[1].subject, std::string("globex"));
        // The hour window ending an hour and a half later holds nothing any more.
        m_now += 90 * kMinute;
        auto later = m->topConsumers(SubjectKind::Principal, Metric::Calls, Window::Hour, 5);
        QVERIFY(later.ok());
        QVERIFY(later->empty());
        auto week = m->topConsumers(SubjectKind::Principal, Metric::Calls, Window::Week, 5);
        QCOMPARE(week->size(), std::size_t(3));
    }

    void signalsAtMostOncePerFlush()
    {
        auto m = meter();
        QVERIFY(m);
        QSignalSpy changed(m.get(), &UsageMeter::usageChanged);
        QVERIFY(m->flush());
        QCOMPARE(changed.count(), 0); // nothing happened
        for (int i = 0; i < 50; ++i)
            m->record(principal("alice"), 1, 0);
        QCOMPARE(changed.count(), 0); // recording is cheap: no signal per call
        QVERIFY(m->flush());
        QCOMPARE(changed.count(), 1);
        QVERIFY(m->flush());
        QCOMPARE(changed.count(), 1);
    }

    void storeOutageKeepsUsageInMemory()
    {
        const Principal alice = principal("alice");
        {
            auto m = meter(hourly({ 3, 0, 0 }), {}, true);
            QVERIFY(m);
            QSignalSpy health(m.get(), &UsageMeter::storeHealthChanged);
            m_failing = true;
            m->record(alice, 1, 0);
            m->record(alice, 1, 0);
            QVERIFY(!m->flush());
            QVERIFY(m->storeProblem().find("disk is full") != std::string::npos);
            QCOMPARE(health.count(), 1);
            m->record(alice, 1, 0);
            QVERIFY2(m->checkBudget(alice), "usage still counts while the store is down");
            m_failing = false;
            QVERIFY(m->flush());
            QVERIFY(m->storeProblem().empty());
            QCOMPARE(health.count(), 2);
            QCOMPARE(m->usage(SubjectKind::Principal, principalSubject(alice)).hour.calls, 3);
        }
        auto again = meter(hourly({ 3, 0, 0 }));
        QCOMPARE(again->usage(SubjectKind::Principal, principalSubject(alice)).hour.calls, 3);
    }

    void oldMinutesArePruned()
    {
        const Principal alice = principal("alice");
        auto m = meter();
        QVERIFY(m);
        m->record(alice, 1, 0);
        QVERIFY(m->flush());
        const std::int64_t then = m_now;
        m_now += 9 * 24 * 60 * kMinute; // past the 8 days of retention
        m->record(alice, 1, 0);
        QVERIFY(m->flush());
        auto old = m->series(SubjectKind::Principal, principalSubject(alice), Metric::Calls,
                             then - kMinute, then + kMinute, 2 * kMinute);
        QVERIFY(old.ok());
        QCOMPARE(old->at(0).value, 0.0);
        auto recent = m->topConsumers(SubjectKind::Principal, Metric::Calls, Window::Week, 5);
        QCOMPARE(recent->size(), std::size_t(1));
        QCOMPARE(recent->at(0).value, 1.0);
    }

    void opensTheConfiguredStore()
    {
        // No path configured: usage.db next to the audit trail.
        const QString audit = QFileInfo(m_path).absoluteDir().filePath(QStringLiteral("audit.db"));
        UsageStoreConfig config;
        auto store = UsageStore::open(config, audit, {});
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QCOMPARE(QString::fromStdString((*store)->description()),
                 QStringLiteral("SQLite ") + m_path);
        QVERIFY(QFile::exists(m_path));
        // A configured path wins; a folder that cannot be made is an error that names the path.
        config.path = QStringLiteral("/proc/warden-cannot-be-here/usage.db");
        auto refused = UsageStore::open(config, audit, {});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("/proc/warden-cannot-be-here") != std::string::npos,
                 refused.error().message.c_str());
    }

    void writerThreadFlushes()
    {
        auto store = SqliteUsageStore::open(m_path);
        QVERIFY(store.ok());
        UsageMeter::Options options;
        options.flushIntervalMs = 100;
        auto m = UsageMeter::create(std::move(*store), options);
        QVERIFY(m.ok());
        // Emitted on the writer thread: counted here through a queued connection.
        int changed = 0;
        connect(
            m->get(), &UsageMeter::usageChanged, this, [&changed] { ++changed; },
            Qt::QueuedConnection);
        (*m)->record(principal("alice"), 3, 0);
        // The writer flushes on its own; waiting for its signal, not for a time.
        QTRY_VERIFY_WITH_TIMEOUT(changed >= 1, 30000);
        auto top = (*m)->topConsumers(SubjectKind::Principal, Metric::Rows, Window::Hour, 1);
        QVERIFY(top.ok());
        QCOMPARE(top->size(), std::size_t(1));
        QCOMPARE(top->at(0).value, 3.0);
        (*m)->stop();
        (*m)->stop(); // idempotent
    }
};

QTEST_GUILESS_MAIN(TestUsageMeter)
#include "TestUsageMeter.moc"
