#include "config/ServerConfig.h"
#include "db/DatabasePool.h"
#include "db/SqliteConnection.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

using namespace warden;
using namespace warden::db;

namespace {

const std::vector<Json> noParams;
using Clock = std::chrono::steady_clock;

constexpr const char *endlessQuery =
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r";

QString msg(const Error &e)
{
    return QString::fromStdString(std::string(errorCodeName(e.code)) + ": " + e.message);
}

template<typename T> QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : msg(r.error()).toUtf8();
}

// Holds a worker busy until released, so that later jobs stay queued.
class Gate
{
public:
    void enterAndWait()
    {
        std::unique_lock lock(m_mutex);
        m_entered = true;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_open; });
    }
    bool waitEntered()
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return m_entered; });
    }
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_entered = false;
    bool m_open = false;
};

} // namespace

class TestDatabasePool : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DatabaseConfig m_config;

    std::unique_ptr<DatabasePool> openPool(int threads)
    {
        auto pool = DatabasePool::open(m_config, std::string(), threads);
        if (!pool)
            qWarning("%s", why(pool).constData());
        return pool ? std::move(*pool) : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string path = m_dir.filePath(QStringLiteral("pool.db")).toStdString();
        SqliteConnection::Options o;
        o.access = AccessMode::ReadWrite;
        o.create = true;
        auto c = SqliteConnection::open(path, o);
        QVERIFY2(c.ok(), why(c).constData());
        QVERIFY((*c)->execute("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)",
                              noParams, QueryOptions {})
                    .ok());
        QVERIFY((*c)->execute("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r "
                              "WHERE i < 1000) INSERT INTO items SELECT i, 'item ' || i FROM r",
                              noParams, QueryOptions {})
                    .ok());
        m_config.driver = DatabaseConfig::Driver::Sqlite;
        m_config.path = QString::fromStdString(path);
    }

    void opensAndIntrospects()
    {
        auto pool = openPool(3);
        QVERIFY(pool);
        QCOMPARE(pool->threadCount(), 3);
        QCOMPARE(pool->dialect(), Dialect::Sqlite);
        QCOMPARE(pool->access(), AccessMode::ReadOnly);
        const TableInfo *items = pool->schema().table("items");
        QVERIFY(items);
        QCOMPARE(items->primaryKey, std::vector<std::string> { "id" });
        QCOMPARE(items->estimatedRows, 1000);
    }

    void openFailureSaysWhatToFix()
    {
        DatabaseConfig missing = m_config;
        missing.path = m_dir.filePath(QStringLiteral("nope/missing.db"));
        auto pool = DatabasePool::open(missing, std::string(), 4);
        QVERIFY(!pool.ok());
        QCOMPARE(pool.error().code, ErrorCode::Unavailable);
        QCOMPARE(QString::fromStdString(pool.error().message),
                 QStringLiteral("cannot open SQLite database ") + missing.path
                     + QStringLiteral(": file does not exist; run `warden-server demo create "
                                      "<path>` or fix database.path"));

        auto none = DatabasePool::open(m_config, std::string(), 0);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::ConfigInvalid);
    }

    void runsManyConcurrentJobs()
    {
        auto pool = openPool(4);
        QVERIFY(pool);
        constexpr int jobs = 400;
        std::atomic<int> succeeded { 0 };
        std::atomic<std::int64_t> sum { 0 };
        std::mutex threadsMutex;
        std::set<std::thread::id> threads;
        std::vector<std::shared_ptr<PoolJob>> handles;
        for (int i = 0; i < jobs; ++i) {
            const int id = 1 + i % 1000;
            handles.push_back(pool->submit([&, id](Connection &c) {
                {
                    std::lock_guard lock(threadsMutex);
                    threads.insert(std::this_thread::get_id());
                }
                auto r =
                    c.query("SELECT id, label FROM items WHERE id = ?", { id }, QueryOptions {});
                // a little real work so that the workers overlap
                auto agg =
                    c.query("SELECT sum(length(label)) FROM items", noParams, QueryOptions {});
                if (r.ok() && agg.ok() && r->rows.size() == 1
                    && r->rows[0][1] == Json("item " + std::to_string(id))) {
                    sum += r->rows[0][0].get<std::int64_t>();
                    ++succeeded;
                }
            }));
        }
        for (const auto &h : handles)
            QVERIFY(h->waitFor(std::chrono::seconds(30)));
        QCOMPARE(succeeded.load(), jobs);
        std::int64_t expected = 0;
        for (int i = 0; i < jobs; ++i)
            expected += 1 + i % 1000;
        QCOMPARE(sum.load(), expected);
        QVERIFY2(threads.size() > 1, "jobs should spread over the workers");
        QVERIFY(threads.count(std::this_thread::get_id()) == 0);
        for (const auto &h : handles) {
            QCOMPARE(h->state(), PoolJob::State::Finished);
            QVERIFY(!h->cancelled());
        }
    }

    // Jobs submitted one at a time, with gaps around the idle workers' spin window (none,
    // shorter, longer): every one must be picked up, whether a worker is spinning, just gave
    // up spinning, or sleeps. A lost wake-up would leave a job queued for ever.
    void jobsAtAnyPaceAreAllPickedUp()
    {
        auto pool = openPool(4);
        QVERIFY(pool);
        const std::chrono::microseconds gaps[] = { std::chrono::microseconds(0),
                                                   std::chrono::microseconds(5),
                                                   std::chrono::microseconds(45),
                                                   std::chrono::microseconds(60),
                                                   std::chrono::microseconds(400) };
        for (int i = 0; i < 500; ++i) {
            std::this_thread::sleep_for(gaps[i % 5]);
            auto job = pool->submit([](Connection &c) { (void)c.query("SELECT 1", noParams, QueryOptions {}); });
            QVERIFY2(job->waitFor(std::chrono::seconds(5)), "a submitted job was never started");
        }
    }

    void concurrentSubmittersLoseNoJob()
    {
        auto pool = openPool(3);
        QVERIFY(pool);
        std::atomic<int> ran { 0 };
        std::vector<std::thread> submitters;
        std::mutex handlesMutex;
        std::vector<std::shared_ptr<PoolJob>> handles;
        for (int t = 0; t < 4; ++t) {
            submitters.emplace_back([&, t] {
                for (int i = 0; i < 300; ++i) {
                    auto job = pool->submit([&ran](Connection &) { ++ran; });
                    {
                        std::lock_guard lock(handlesMutex);
                        handles.push_back(std::move(job));
                    }
                    if ((i + t) % 7 == 0)
                        std::this_thread::sleep_for(std::chrono::microseconds(30 * t));
                }
            });
        }
        for (auto &t : submitters)
            t.join();
        for (const auto &h : handles)
            QVERIFY(h->waitFor(std::chrono::seconds(10)));
        QCOMPARE(ran.load(), 1200);
    }

    // A long job occupies one worker; a job submitted meanwhile runs on another at once
    // instead of waiting behind it.
    void shortJobDoesNotWaitBehindLongOne()
    {
        auto pool = openPool(2);
        QVERIFY(pool);
        Gate gate;
        auto longJob = pool->submit([&](Connection &) { gate.enterAndWait(); });
        QVERIFY(gate.waitEntered());
        for (int i = 0; i < 20; ++i) {
            auto shortJob = pool->submit([](Connection &) {});
            QVERIFY2(shortJob->waitFor(std::chrono::seconds(5)), "a short job waited behind a long one");
            if (i % 2)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        QCOMPARE(longJob->state(), PoolJob::State::Running);
        gate.open();
        QVERIFY(longJob->waitFor(std::chrono::seconds(5)));
    }

    void startsJobsInSubmissionOrder()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        Gate gate;
        pool->submit([&](Connection &) { gate.enterAndWait(); });
        QVERIFY(gate.waitEntered());
        std::vector<int> order;
        std::vector<std::shared_ptr<PoolJob>> handles;
        for (int i = 0; i < 50; ++i)
            handles.push_back(pool->submit([&order, i](Connection &) { order.push_back(i); }));
        QCOMPARE(pool->queuedJobs(), std::size_t(50));
        gate.open();
        for (const auto &h : handles)
            QVERIFY(h->waitFor(std::chrono::seconds(10)));
        std::vector<int> expected(50);
        for (int i = 0; i < 50; ++i)
            expected[std::size_t(i)] = i;
        QCOMPARE(order, expected);
    }

    void submitNeverWaitsForWork()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        Gate gate;
        pool->submit([&](Connection &) { gate.enterAndWait(); });
        QVERIFY(gate.waitEntered());
        const auto start = Clock::now();
        for (int i = 0; i < 1000; ++i)
            pool->submit(
                [](Connection &c) { (void)c.query("SELECT 1", noParams, QueryOptions {}); });
        QVERIFY(Clock::now() - start < std::chrono::seconds(1));
        QCOMPARE(pool->queuedJobs(), std::size_t(1000));
        gate.open();
    }

    void cancelQueuedJob()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        Gate gate;
        pool->submit([&](Connection &) { gate.enterAndWait(); });
        QVERIFY(gate.waitEntered());
        std::atomic<bool> ran { false };
        std::atomic<int> dropped { 0 };
        auto victim = pool->submit([&](Connection &) { ran = true; }, [&] { ++dropped; });
        auto survivor = pool->submit([](Connection &) {});
        QCOMPARE(victim->state(), PoolJob::State::Queued);
        victim->cancel();
        victim->cancel(); // idempotent
        QCOMPARE(victim->state(), PoolJob::State::Dropped);
        QVERIFY(victim->cancelled());
        QVERIFY(victim->done());
        QCOMPARE(dropped.load(), 1);
        QCOMPARE(pool->queuedJobs(), std::size_t(1)); // removed from the queue at once
        gate.open();
        QVERIFY(survivor->waitFor(std::chrono::seconds(10)));
        QVERIFY(!ran);
        QVERIFY(!survivor->cancelled());
    }

    void cancelRunningJob()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        std::atomic<bool> started { false };
        std::optional<Error> seen;
        auto job = pool->submit([&](Connection &c) {
            started = true;
            auto r = c.query(endlessQuery, noParams, QueryOptions { 20000, -1 });
            if (!r)
                seen = r.error();
        });
        QTRY_VERIFY_WITH_TIMEOUT(started.load(), 10000);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto start = Clock::now();
        job->cancel();
        QVERIFY(job->waitFor(std::chrono::seconds(5)));
        QVERIFY(Clock::now() - start < std::chrono::seconds(2));
        QCOMPARE(job->state(), PoolJob::State::Finished);
        QVERIFY(job->cancelled());
        QVERIFY(seen.has_value());
        QCOMPARE(seen->code, ErrorCode::Cancelled);

        // the worker's connection serves the next job normally
        std::optional<std::int64_t> count;
        QVERIFY(pool->runSync([&](Connection &c) {
                        auto r = c.query("SELECT count(*) FROM items", noParams, QueryOptions {});
                        if (r)
                            count = r->rows[0][0].get<std::int64_t>();
                    })
                    .ok());
        QCOMPARE(count, std::optional<std::int64_t>(1000));
    }

    void lateCancelDoesNotHitNextJob()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        auto first = pool->submit([](Connection &) {});
        QVERIFY(first->waitFor(std::chrono::seconds(10)));
        first->cancel(); // finished: no effect
        QVERIFY(!first->cancelled());
        bool ok = false;
        QVERIFY(pool->runSync([&](Connection &c) {
                        ok = c.query("SELECT 1", noParams, QueryOptions {}).ok();
                    })
                    .ok());
        QVERIFY(ok);
    }

    void transactionLeftOpenIsRolledBack()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        QVERIFY(pool->runSync([](Connection &c) { (void)c.begin(true); }).ok());
        Status second = Error(ErrorCode::Internal, "not run");
        QVERIFY(pool->runSync([&](Connection &c) {
                        second = c.begin(true);
                        c.rollback();
                    })
                    .ok());
        QVERIFY2(second.ok(), second.ok() ? "" : second.error().message.c_str());
    }

    void throwingJobDoesNotKillWorker()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        auto bad = pool->submit([](Connection &) { throw std::runtime_error("boom"); });
        QVERIFY(bad->waitFor(std::chrono::seconds(10)));
        bool ran = false;
        QVERIFY(pool->runSync([&](Connection &) { ran = true; }).ok());
        QVERIFY(ran);
    }

    void shutdownAbandonsQueuedJobs()
    {
        auto pool = openPool(1);
        QVERIFY(pool);
        Gate gate;
        std::atomic<bool> blockerCancelled { false };
        auto blocker = pool->submit([&](Connection &c) {
            gate.enterAndWait();
            // the shutdown interrupted this connection: the next statement is cancelled
            auto r = c.query("SELECT 1", noParams, QueryOptions {});
            blockerCancelled = !r.ok() && r.error().code == ErrorCode::Cancelled;
        });
        QVERIFY(gate.waitEntered());
        std::atomic<int> dropped { 0 };
        std::atomic<int> ran { 0 };
        std::vector<std::shared_ptr<PoolJob>> queued;
        for (int i = 0; i < 10; ++i)
            queued.push_back(pool->submit([&](Connection &) { ++ran; }, [&] { ++dropped; }));

        std::thread opener([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            gate.open();
        });
        pool->shutdown(DatabasePool::Shutdown::AbandonQueued);
        opener.join();
        QCOMPARE(dropped.load(), 10);
        QCOMPARE(ran.load(), 0);
        for (const auto &q : queued) {
            QCOMPARE(q->state(), PoolJob::State::Dropped);
            QVERIFY(q->cancelled());
        }
        QCOMPARE(blocker->state(), PoolJob::State::Finished);
        QVERIFY(blocker->cancelled());
        QVERIFY(blockerCancelled.load());

        // after shutdown, submissions are dropped at once and runSync reports it
        std::atomic<int> late { 0 };
        auto after = pool->submit([](Connection &) {}, [&] { ++late; });
        QCOMPARE(after->state(), PoolJob::State::Dropped);
        QCOMPARE(late.load(), 1);
        auto sync = pool->runSync([](Connection &) {});
        QVERIFY(!sync.ok());
        QCOMPARE(sync.error().code, ErrorCode::Cancelled);
        pool->shutdown(); // idempotent
    }

    void shutdownCanFinishQueuedJobs()
    {
        auto pool = openPool(2);
        QVERIFY(pool);
        std::atomic<int> ran { 0 };
        for (int i = 0; i < 100; ++i)
            pool->submit([&](Connection &c) {
                if (c.query("SELECT 1", noParams, QueryOptions {}).ok())
                    ++ran;
            });
        pool->shutdown(DatabasePool::Shutdown::FinishQueued);
        QCOMPARE(ran.load(), 100);
    }
};

QTEST_GUILESS_MAIN(TestDatabasePool)
#include "TestDatabasePool.moc"
