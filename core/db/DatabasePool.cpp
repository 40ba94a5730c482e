#include "DatabasePool.h"

#include "config/ServerConfig.h"

#include <spdlog/spdlog.h>

#include <algorithm>
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
};

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

void DatabasePool::workerLoop(State &s, Worker &w)
{
    Connection &connection = *w.connection;
    for (;;) {
        std::shared_ptr<PoolJob> job;
        {
            std::unique_lock lock(s.mutex);
            s.wake.wait(lock, [&] { return s.stopping || !s.queue.empty(); });
            if (s.queue.empty())
                return;
            job = std::move(s.queue.front());
            s.queue.pop_front();
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
            if (it != s->queue.end())
                s->queue.erase(it);
        }
    };
    std::shared_ptr<PoolJob> job(new PoolJob(std::move(work), std::move(onDropped), unqueue));
    bool queued = false;
    {
        std::lock_guard lock(m_state->mutex);
        if (!m_state->stopping) {
            m_state->queue.push_back(job);
            queued = true;
        }
    }
    if (queued) {
        // Notify after unlocking: a woken worker must not block at once on our mutex.
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
