#include "DatabasePool.h"

#include "config/ServerConfig.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#endif

namespace warden::db {

struct DatabasePool::Worker
{
    std::thread thread;
    std::unique_ptr<Connection> connection; // created and destroyed on `thread`
    std::shared_ptr<PoolJob> current; // guarded by State::mutex
};

struct DatabasePool::State
{
    mutable std::mutex mutex;
    std::mutex joinMutex; // serialises concurrent shutdowns (one thread joins the workers)
    std::condition_variable wake;
    std::deque<std::shared_ptr<PoolJob>> queue;
    std::vector<std::unique_ptr<Worker>> workers;
    bool stopping = false;
    bool joined = false;
    // At most one idle worker spins briefly for the next job before it sleeps. Under load the
    // worker that just finished takes the next job itself: no futex wake-up, no context switch,
    // and the other workers stay asleep. Written under `mutex`, read without it by the spinner.
    std::atomic<bool> spinnerActive = false;
    std::atomic<std::size_t> queued = 0; // queue.size(), readable without the mutex
};

namespace {

// Long enough to bridge the gap between back-to-back calls under load (tens of microseconds),
// short enough that an idle server goes to sleep at once.
constexpr auto kSpinWindow = std::chrono::microseconds(50);

void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

} // namespace

DatabasePool::DatabasePool(std::shared_ptr<State> state, Dialect dialect, AccessMode access)
    : m_state(std::move(state))
    , m_dialect(dialect)
    , m_access(access)
{
}

DatabasePool::~DatabasePool()
{
    shutdown(Shutdown::AbandonQueued);
}

Result<std::unique_ptr<DatabasePool>> DatabasePool::open(const DatabaseConfig &config,
                                                         const std::string &password, int threads,
                                                         AccessMode access)
{
    if (threads < 1 || threads > maxThreads) {
        return Error(ErrorCode::ConfigInvalid,
                     "database.pool_size must be between 1 and " + std::to_string(maxThreads)
                         + " (it is " + std::to_string(threads) + ")");
    }

    auto state = std::make_shared<State>();
    struct Startup
    {
        std::mutex mutex;
        std::condition_variable reported;
        int count = 0;
        std::optional<Error> error;
    } startup;

    for (int i = 0; i < threads; ++i)
        state->workers.push_back(std::make_unique<Worker>());
    for (int i = 0; i < threads; ++i) {
        Worker *w = state->workers[std::size_t(i)].get();
        // `config` and `password` are read only before this worker reports, and open() waits
        // for every report: the references stay valid and the password is not copied.
        w->thread = std::thread([state, w, i, &startup, &config, &password, access] {
#ifdef __linux__
            const std::string name = "warden-db-" + std::to_string(i);
            pthread_setname_np(pthread_self(), name.c_str());
#endif
            auto c = openConnection(config, password, access);
            const bool ok = c.ok();
            {
                // Notify under the lock: once open() sees the last report it returns and
                // `startup` (on its stack) is gone, so no worker may touch it afterwards.
                std::lock_guard lock(startup.mutex);
                if (ok)
                    w->connection = std::move(*c);
                else if (!startup.error)
                    startup.error = c.takeError();
                ++startup.count;
                startup.reported.notify_all();
            }
            if (!ok)
                return;
            workerLoop(*state, *w);
            w->connection.reset();
        });
    }
    {
        std::unique_lock lock(startup.mutex);
        startup.reported.wait(lock, [&] { return startup.count == threads; });
    }
    if (startup.error) {
        stop(*state, Shutdown::AbandonQueued);
        return *std::move(startup.error);
    }

    const Dialect dialect =
        config.driver == DatabaseConfig::Driver::Postgres ? Dialect::Postgres : Dialect::Sqlite;
    std::unique_ptr<DatabasePool> pool(new DatabasePool(state, dialect, access));
    std::optional<Error> introspectionError;
    const Status ran = pool->runSync([&](Connection &c) {
        auto schema = c.introspect();
        if (schema)
            pool->m_schema = std::move(*schema);
        else
            introspectionError = schema.takeError();
    });
    if (!ran)
        return ran.error();
    if (introspectionError) {
        Error e = *std::move(introspectionError);
        e.message = "cannot read the database schema: " + e.message;
        return e;
    }
    return pool;
}

std::shared_ptr<PoolJob> DatabasePool::takeJob(State &s)
{
    std::unique_lock lock(s.mutex);
    if (s.queue.empty() && !s.stopping && !s.spinnerActive.load(std::memory_order_relaxed)) {
        s.spinnerActive.store(true, std::memory_order_relaxed);
        lock.unlock();
        const auto deadline = std::chrono::steady_clock::now() + kSpinWindow;
        for (unsigned i = 1; s.queued.load(std::memory_order_acquire) == 0; ++i) {
            cpuRelax();
            if (i % 64 == 0) {
                if (std::chrono::steady_clock::now() >= deadline)
                    break;
                std::this_thread::yield(); // let the event loop run on a busy core
            }
        }
        lock.lock();
        // Cleared under the mutex before waiting: submit() reads the flag under the same mutex,
        // so a job pushed while we spun is either seen by the wait predicate or notified.
        s.spinnerActive.store(false, std::memory_order_relaxed);
    }
    s.wake.wait(lock, [&] { return s.stopping || !s.queue.empty(); });
    if (s.queue.empty())
        return nullptr;
    std::shared_ptr<PoolJob> job = std::move(s.queue.front());
    s.queue.pop_front();
    s.queued.store(s.queue.size(), std::memory_order_relaxed);
    return job;
}

void DatabasePool::workerLoop(State &s, Worker &w)
{
    Connection &connection = *w.connection;
    for (;;) {
        std::shared_ptr<PoolJob> job = takeJob(s);
        if (!job)
            return;
        {
            std::lock_guard lock(s.mutex);
            w.current = job;
        }
        // Before the job becomes cancellable: a late cancel of the previous job must not
        // reach this one, and a cancel of this one must not be forgotten.
        connection.clearInterrupt();
        if (job->start(connection)) {
            job->run(connection);
            job->finish();
        }
        // A job left half-way through a transaction must not leak it into the next one.
        connection.rollback();
        std::lock_guard lock(s.mutex);
        w.current.reset();
    }
}

std::shared_ptr<PoolJob> DatabasePool::submit(PoolJob::Work work, std::function<void()> onDropped)
{
    std::weak_ptr<State> weak = m_state;
    auto unqueue = [weak](PoolJob *job) {
        if (auto s = weak.lock()) {
            std::lock_guard lock(s->mutex);
            const auto it = std::find_if(s->queue.begin(), s->queue.end(),
                                         [job](const auto &q) { return q.get() == job; });
            if (it != s->queue.end()) {
                s->queue.erase(it);
                s->queued.store(s->queue.size(), std::memory_order_relaxed);
            }
        }
    };
    std::shared_ptr<PoolJob> job(new PoolJob(std::move(work), std::move(onDropped), unqueue));
    bool queued = false;
    bool notify = false;
    {
        std::lock_guard lock(m_state->mutex);
        if (!m_state->stopping) {
            m_state->queue.push_back(job);
            m_state->queued.store(m_state->queue.size(), std::memory_order_release);
            queued = true;
            // A spinning worker takes the first queued job; any more need a sleeper woken.
            notify = !m_state->spinnerActive.load(std::memory_order_relaxed) || m_state->queue.size() > 1;
        }
    }
    if (queued) {
        // Notify after unlocking: a woken worker must not block at once on our mutex.
        if (notify)
            m_state->wake.notify_one();
        return job;
    }
    job->drop();
    return job;
}

Status DatabasePool::runSync(PoolJob::Work work)
{
    auto job = submit(std::move(work));
    job->wait();
    if (job->state() == PoolJob::State::Dropped)
        return Error(ErrorCode::Cancelled, "the database job was cancelled before it ran");
    return {};
}

void DatabasePool::stop(State &s, Shutdown mode)
{
    std::lock_guard joining(s.joinMutex);
    std::deque<std::shared_ptr<PoolJob>> dropped;
    std::vector<std::shared_ptr<PoolJob>> running;
    {
        std::lock_guard lock(s.mutex);
        if (s.joined)
            return;
        s.stopping = true;
        if (mode == Shutdown::AbandonQueued) {
            dropped.swap(s.queue);
            s.queued.store(0, std::memory_order_relaxed);
            for (const auto &w : s.workers)
                if (w->current)
                    running.push_back(w->current);
        }
    }
    s.wake.notify_all();
    for (const auto &job : dropped)
        job->drop();
    for (const auto &job : running)
        job->cancel();
    for (const auto &w : s.workers)
        if (w->thread.joinable())
            w->thread.join();
    std::lock_guard lock(s.mutex);
    s.joined = true;
}

void DatabasePool::shutdown(Shutdown mode)
{
    stop(*m_state, mode);
}

int DatabasePool::threadCount() const
{
    return int(m_state->workers.size());
}

std::size_t DatabasePool::queuedJobs() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->queue.size();
}

} // namespace warden::db
