#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace warden::db {

class Connection;

// A handle on one unit of database work submitted to a DatabasePool. The job runs once, on
// one worker thread, with that worker's connection; it delivers its own result (typically by
// posting it back to the caller's thread).
//
// Thread-safety: every member may be called from any thread.
class PoolJob
{
public:
    using Work = std::function<void(Connection &)>;
    enum class State { Queued, Running, Finished, Dropped };

    PoolJob(const PoolJob &) = delete;
    PoolJob &operator=(const PoolJob &) = delete;

    // A queued job leaves the queue and never runs: its onDropped callback runs here, on the
    // calling thread. A running job has its statement interrupted (the job sees
    // ErrorCode::Cancelled from the connection). A finished job is not affected. Never blocks
    // on database work.
    void cancel();

    // cancel() reached the job before it finished, or the pool dropped it at shutdown.
    bool cancelled() const;
    State state() const;
    bool done() const; // Finished or Dropped

    // Blocks until the job is done. For tests and the command line only: never call it on the
    // event loop, nor from inside another job of the same pool.
    void wait() const;
    bool waitFor(std::chrono::milliseconds timeout) const;

private:
    friend class DatabasePool;

    PoolJob(Work work, std::function<void()> onDropped, std::function<void(PoolJob *)> unqueue);

    // Called by the pool's worker: Queued → Running (false if the job was dropped meanwhile).
    bool start(Connection &connection);
    void run(Connection &connection);
    void finish();
    // Queued → Dropped; runs onDropped. False if the job had already left the queue.
    bool drop();

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    State m_state = State::Queued;
    bool m_cancelled = false;
    Connection *m_connection = nullptr; // set while Running; guarded by m_mutex
    Work m_work;
    std::function<void()> m_onDropped;
    std::function<void(PoolJob *)> m_unqueue; // removes the job from its pool's queue
};

} // namespace warden::db
