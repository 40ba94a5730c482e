#include "limits/Gcra.h"

#include <QFile>
#include <QTest>

#include <random>
#include <string>

using namespace warden::limits;
using namespace std::chrono_literals;

namespace {

using TimePoint = Gcra::Clock::time_point;

// An arbitrary monotonic origin; tests move time by hand.
const TimePoint t0 = TimePoint(std::chrono::hours(1000));

// Resident memory of this process, in KiB (Linux).
qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

class TestGcra : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenSteadyRate()
    {
        Gcra gcra(100);
        const Rate rate { 60, 5 }; // one per second, five at once
        for (int i = 0; i < 5; ++i)
            QVERIFY2(gcra.admit("k", rate, t0).allowed, qPrintable(QString::number(i)));
        Decision refused = gcra.admit("k", rate, t0);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfter, 1000ms);
        // Steady state: one more each second, never two.
        for (int s = 1; s <= 10; ++s) {
            const TimePoint at = t0 + std::chrono::seconds(s);
            QVERIFY(!gcra.admit("k", rate, at - 1ms).allowed);
            QVERIFY(gcra.admit("k", rate, at).allowed);
            QVERIFY(!gcra.admit("k", rate, at).allowed);
        }
        // Resting refills the burst, never beyond it.
        const TimePoint later = t0 + 1h;
        for (int i = 0; i < 5; ++i)
            QVERIFY(gcra.admit("k", rate, later).allowed);
        QVERIFY(!gcra.admit("k", rate, later).allowed);
    }

    void retryAfterIsExact_data()
    {
        QTest::addColumn<qint64>("perMinute");
        QTest::addColumn<qint64>("burst");
        QTest::newRow("600/min, burst 1") << qint64(600) << qint64(1);
        QTest::newRow("7/min, burst 3 (interval not whole ms)") << qint64(7) << qint64(3);
        QTest::newRow("120/min, burst 20") << qint64(120) << qint64(20);
    }

    void retryAfterIsExact()
    {
        QFETCH(qint64, perMinute);
        QFETCH(qint64, burst);
        Gcra gcra(100);
        const Rate rate { perMinute, burst };
        TimePoint now = t0;
        for (qint64 i = 0; i < burst; ++i)
            QVERIFY(gcra.admit("k", rate, now).allowed);
        now += 13ms; // an arbitrary offset into the interval
        const Decision refused = gcra.admit("k", rate, now);
        QVERIFY(!refused.allowed);
        QVERIFY(refused.retryAfter > 0ms);
        // One millisecond early is still refused (and says 1 ms); at the stated wait it works.
        const Decision early = gcra.admit("k", rate, now + refused.retryAfter - 1ms);
        QVERIFY(!early.allowed);
        QCOMPARE(early.retryAfter, 1ms);
        QVERIFY(gcra.admit("k", rate, now + refused.retryAfter).allowed);
        // The wait is the emission interval minus the offset, rounded up to the millisecond.
        const auto intervalNs = 60'000'000'000LL / perMinute;
        const auto expectedMs = (intervalNs - 13'000'000 + 999'999) / 1'000'000;
        QCOMPARE(refused.retryAfter.count(), expectedMs);
    }

    void refusedRequestsDoNotConsume()
    {
        Gcra gcra(100);
        const Rate rate { 60, 2 };
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        // A client hammering a closed limit does not push its reopening further away.
        for (int i = 0; i < 1000; ++i) {
            const Decision d = gcra.admit("k", rate, t0 + std::chrono::milliseconds(i % 500));
            QVERIFY(!d.allowed);
            QCOMPARE(d.retryAfter, 1000ms - std::chrono::milliseconds(i % 500));
        }
        QVERIFY(gcra.admit("k", rate, t0 + 1s).allowed);
        QVERIFY(!gcra.admit("k", rate, t0 + 1s).allowed);
    }

    void peekAndRefund()
    {
        Gcra gcra(100);
        const Rate rate { 60, 2 };
        QVERIFY(gcra.peek("k", rate, t0).allowed);
        QCOMPARE(gcra.size(), std::size_t(0)); // peek stores nothing
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(!gcra.peek("k", rate, t0).allowed);
        gcra.refund("k", rate); // as if the second request never came
        QVERIFY(gcra.peek("k", rate, t0).allowed);
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(!gcra.admit("k", rate, t0).allowed);
    }

    void keysAreIndependent()
    {
        Gcra gcra(100);
        const Rate rate { 60, 3 };
        for (int i = 0; i < 3; ++i)
            QVERIFY(gcra.admit("flood", rate, t0).allowed);
        for (int i = 0; i < 100; ++i)
            QVERIFY(!gcra.admit("flood", rate, t0).allowed);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(gcra.admit("quiet", rate, t0).allowed, "another key keeps its whole burst");
        QVERIFY(!gcra.admit("quiet", rate, t0).allowed);
    }

    void unlimitedRateStoresNothing()
    {
        Gcra gcra(100);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(gcra.admit("k" + std::to_string(i), Rate { 0, 1 }, t0).allowed);
        QCOMPARE(gcra.size(), std::size_t(0));
    }

    void clockGoingBackwardsIsSafe()
    {
        Gcra gcra(100);
        const Rate rate { 60, 2 };
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        // An hour back: no extra capacity, and the wait is at most one interval, not an hour.
        const TimePoint back = t0 - 1h;
        const Decision d = gcra.admit("k", rate, back);
        QVERIFY(!d.allowed);
        QVERIFY2(d.retryAfter <= 1000ms, qPrintable(QString::number(d.retryAfter.count())));
        QVERIFY(gcra.admit("k", rate, back + d.retryAfter).allowed);
        QVERIFY(!gcra.admit("k", rate, back + d.retryAfter).allowed);
        // Refused requests during the jump did not keep the key closed: it waited one interval.
        // Forward again by an hour, the key has rested: at most one burst, as always.
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(gcra.admit("k", rate, t0).allowed);
        QVERIFY(!gcra.admit("k", rate, t0).allowed);
    }

    void lruBoundHoldsUnderRandomKeys()
    {
        const std::size_t cap = 10000;
        Gcra gcra(cap);
        QCOMPARE(gcra.maxKeys(), cap);
        const Rate rate { 60, 1 };
        QVERIFY(gcra.admit("hot", rate, t0).allowed);
        std::mt19937_64 random(42);
        const qint64 before = residentKiB();
        const int total = 1'000'000;
        std::string key;
        for (int i = 0; i < total; ++i) {
            key.assign("random-key-").append(std::to_string(random()));
            QVERIFY(gcra.admit(key, rate, t0).allowed);
            // The key in active use stays (least recently used goes first): still limited.
            if (i % 1000 == 0)
                QVERIFY(!gcra.admit("hot", rate, t0).allowed);
        }
        QVERIFY(gcra.size() <= cap);
        QVERIFY(gcra.size() >= cap - 16); // the shards share the cap
        QVERIFY(gcra.evictions() >= std::uint64_t(total) - cap);
        QVERIFY(!gcra.admit("hot", rate, t0).allowed);
        const qint64 after = residentKiB();
        QVERIFY(before > 0 && after > 0);
#ifndef __SANITIZE_ADDRESS__
        // A million unbounded entries would need well over 100 MiB; the bound keeps ~2 MiB.
        // (AddressSanitizer keeps freed memory in quarantine, so RSS says nothing there.)
        QVERIFY2(after - before < 32 * 1024,
                 qPrintable(QStringLiteral("grew by %1 KiB").arg(after - before)));
#endif
    }

    void smallCapEvictsLeastRecentlyUsed()
    {
        Gcra gcra(3);
        const Rate rate { 60, 1 };
        for (const char *key : { "a", "b", "c" })
            QVERIFY(gcra.admit(key, rate, t0).allowed);
        QVERIFY(!gcra.admit("a", rate, t0).allowed); // touches a: b is now the oldest
        QVERIFY(gcra.admit("d", rate, t0).allowed); // evicts b
        QCOMPARE(gcra.size(), std::size_t(3));
        QCOMPARE(gcra.evictions(), std::uint64_t(1));
        QVERIFY(!gcra.admit("a", rate, t0).allowed);
        QVERIFY(!gcra.admit("c", rate, t0).allowed);
        QVERIFY2(gcra.admit("b", rate, t0).allowed, "an evicted key starts afresh");
    }
};

QTEST_GUILESS_MAIN(TestGcra)
#include "TestGcra.moc"
