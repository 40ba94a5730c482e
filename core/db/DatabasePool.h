#pragma once

#include "Connection.h"
#include "PoolJob.h"
#include "Schema.h"
#include "common/Result.h"

#include <functional>
#include <memory>
#include <string>

namespace warden {
struct DatabaseConfig;
}

namespace warden::db {

// N worker threads, each owning one Connection that it opened itself, fed from one FIFO
// queue. Submitting only enqueues: the caller's thread (the Qt event loop) never waits on
// database work. The schema is introspected once, at open.
//
// Thread-safety: submit(), shutdown(), queuedJobs() and the PoolJob handles may be used from
// any thread; schema() is immutable after open(). Jobs run on worker threads and must not
// call runSync() on their own pool.
class DatabasePool
{
public:
    enum class Shutdown {
        FinishQueued, // run every queued job, then stop
        AbandonQueued, // drop queued jobs (their onDropped runs), interrupt running ones
    };

    static constexpr int maxThreads = 64;

    // Opens `threads` connections up front (each on its worker thread) and introspects the
    // schema; fails with the first connection's error (ErrorCode::Unavailable, naming what to
    // fix) if any of them cannot be opened. `password` is used during this call only.
    static Result<std::unique_ptr<DatabasePool>> open(const DatabaseConfig &config,
                                                      const std::string &password, int threads,
                                                      AccessMode access = AccessMode::ReadOnly);
    ~DatabasePool(); // shutdown(AbandonQueued)

    DatabasePool(const DatabasePool &) = delete;
    DatabasePool &operator=(const DatabasePool &) = delete;

    // Queues a job; jobs start in submission order. `onDropped` runs instead of the job if the
    // job is cancelled before it starts or abandoned at shutdown (on the thread that cancels
    // or shuts down; synchronously, here, if the pool is already shut down).
    std::shared_ptr<PoolJob> submit(PoolJob::Work job, std::function<void()> onDropped = {});

    // Submits and blocks until the job is done. For tests and the command line only.
    // Cancelled if the job was dropped.
    Status runSync(PoolJob::Work job);

    // Stops the workers and joins them. Idempotent; later submissions are dropped at once.
    void shutdown(Shutdown mode = Shutdown::AbandonQueued);

    const Schema &schema() const { return m_schema; }
    Dialect dialect() const { return m_dialect; }
    AccessMode access() const { return m_access; }
    int threadCount() const;
    std::size_t queuedJobs() const;

private:
    struct State;
    struct Worker;

    DatabasePool(std::shared_ptr<State> state, Dialect dialect, AccessMode access);
    static void workerLoop(State &state, Worker &worker);
    static std::shared_ptr<PoolJob> takeJob(State &state);
    static void stop(State &state, Shutdown mode);

    std::shared_ptr<State> m_state;
    Schema m_schema;
    Dialect m_dialect;
    AccessMode m_access;
};

} // namespace warden::db
