#include "limits/ConcurrencyGate.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace warden::limits;

class TestConcurrencyGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capsPerPrincipalAndGlobal()
    {
        ConcurrencyGate gate({ 2, 3 });
        auto a1 = gate.acquire("a");
        auto a2 = gate.acquire("a");
        QVERIFY(a1 && a2);
        auto a3 = gate.acquire("a");
        QVERIFY(!a3);
        QCOMPARE(a3.refusal, ConcurrencyGate::Refusal::Principal);
        auto b1 = gate.acquire("b");
        QVERIFY(b1);
        QCOMPARE(gate.inFlight(), 3);
        auto c1 = gate.acquire("c");
        QVERIFY(!c1);
        QCOMPARE(c1.refusal, ConcurrencyGate::Refusal::Global);
        // Both caps full: the global one is named.
        QCOMPARE(gate.acquire("a").refusal, ConcurrencyGate::Refusal::Global);

        a1.ticket.release();
        QCOMPARE(gate.inFlight("a"), 1);
        auto c2 = gate.acquire("c");
        QVERIFY(c2);
        QCOMPARE(c2.refusal, ConcurrencyGate::Refusal::None);
        QCOMPARE(gate.inFlight(), 3);
    }

    void zeroMeansUnlimited()
    {
        ConcurrencyGate gate({ 0, 0 });
        std::vector<ConcurrencyGate::Ticket> tickets;
        for (int i = 0; i < 500; ++i) {
            auto admission = gate.acquire("a");
            QVERIFY(admission);
            tickets.push_back(std::move(admission.ticket));
        }
        QCOMPARE(gate.inFlight("a"), 500);
        tickets.clear();
        QCOMPARE(gate.inFlight(), 0);
    }

    void ticketIsMoveOnlyAndReleasesOnce()
    {
        ConcurrencyGate gate({ 1, 0 });
        ConcurrencyGate::Ticket kept;
        QVERIFY(!kept.isValid());
        {
            auto admission = gate.acquire("a");
            QVERIFY(admission);
            kept = std::move(admission.ticket);
            QVERIFY(!admission.ticket.isValid());
        } // the moved-from ticket releases nothing
        QCOMPARE(gate.inFlight("a"), 1);
        QVERIFY(!gate.acquire("a"));
        ConcurrencyGate::Ticket other(std::move(kept));
        other.release();
        other.release(); // a second release does nothing
        QCOMPARE(gate.inFlight(), 0);
        QVERIFY(gate.acquire("a"));
    }

    void entriesGoAtZero()
    {
        ConcurrencyGate gate({ 4, 0 });
        for (int i = 0; i < 1000; ++i) {
            auto admission = gate.acquire("principal-" + std::to_string(i));
            QVERIFY(admission);
        }
        QCOMPARE(gate.trackedPrincipals(), std::size_t(0));
        auto held = gate.acquire("x");
        QCOMPARE(gate.trackedPrincipals(), std::size_t(1));
    }

    void ticketsReleasedFromOtherThreads()
    {
        ConcurrencyGate gate({ 50, 100 });
        std::vector<ConcurrencyGate::Ticket> tickets;
        for (int i = 0; i < 100; ++i) {
            auto admission = gate.acquire(i % 2 ? "odd" : "even");
            QVERIFY(admission);
            tickets.push_back(std::move(admission.ticket));
        }
        QVERIFY(!gate.acquire("third"));
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            std::vector<ConcurrencyGate::Ticket> mine;
            for (int i = t; i < 100; i += 4)
                mine.push_back(std::move(tickets[std::size_t(i)]));
            threads.emplace_back([mine = std::move(mine)]() mutable { mine.clear(); });
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(gate.inFlight(), 0);
        QCOMPARE(gate.trackedPrincipals(), std::size_t(0));
        QVERIFY(gate.acquire("third"));
    }

    void capHoldsUnderContention()
    {
        const int cap = 5;
        ConcurrencyGate gate({ 0, cap });
        std::atomic<int> held { 0 };
        std::atomic<int> most { 0 };
        std::atomic<int> admitted { 0 };
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 20000; ++i) {
                    auto admission = gate.acquire("p" + std::to_string(t));
                    if (!admission)
                        continue;
                    const int now = ++held;
                    int seen = most.load();
                    while (now > seen && !most.compare_exchange_weak(seen, now)) { }
                    ++admitted;
                    --held;
                } // the ticket goes here, after `held` dropped
            });
        }
        for (auto &thread : threads)
            thread.join();
        QVERIFY2(most.load() <= cap, qPrintable(QString::number(most.load())));
        QVERIFY(admitted.load() > 0);
        QCOMPARE(gate.inFlight(), 0);
    }

    void ticketOutlivesGate()
    {
        ConcurrencyGate::Ticket ticket;
        {
            ConcurrencyGate gate({ 1, 1 });
            ticket = std::move(gate.acquire("a").ticket);
            QVERIFY(ticket.isValid());
        }
        ticket.release(); // the shared state is still there
        QVERIFY(!ticket.isValid());
    }
};

QTEST_GUILESS_MAIN(TestConcurrencyGate)
#include "TestConcurrencyGate.moc"
