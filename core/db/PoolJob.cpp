#include "PoolJob.h"

#include "Connection.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace warden::db {

PoolJob::PoolJob(Work work, std::function<void()> onDropped, std::function<void(PoolJob *)> unqueue)
    : m_work(std::move(work))
    , m_onDropped(std::move(onDropped))
    , m_unqueue(std::move(unqueue))
{
}

void PoolJob::cancel()
{
    std::unique_lock lock(m_mutex);
    switch (m_state) {
    case State::Queued: {
        lock.unlock();
        if (drop()) {
            std::function<void(PoolJob *)> unqueue;
            {
                std::lock_guard relock(m_mutex);
                unqueue = std::move(m_unqueue);
            }
            if (unqueue)
                unqueue(this);
        }
        return;
    }
    case State::Running:
        m_cancelled = true;
        // The worker clears m_connection under m_mutex before it lets go of the connection,
        // so the connection is alive for this call; interrupt() never blocks.
        if (m_connection)
            m_connection->interrupt();
        return;
    case State::Finished:
    case State::Dropped:
        return;
    }
}

bool PoolJob::cancelled() const
{
    std::lock_guard lock(m_mutex);
    return m_cancelled;
}

PoolJob::State PoolJob::state() const
{
    std::lock_guard lock(m_mutex);
    return m_state;
}

bool PoolJob::done() const
{
    std::lock_guard lock(m_mutex);
    return m_state == State::Finished || m_state == State::Dropped;
}

void PoolJob::wait() const
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock,
                   [this] { return m_state == State::Finished || m_state == State::Dropped; });
}

bool PoolJob::waitFor(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(
        lock, timeout, [this] { return m_state == State::Finished || m_state == State::Dropped; });
}

bool PoolJob::start(Connection &connection)
{
    std::lock_guard lock(m_mutex);
    if (m_state != State::Queued)
        return false;
    m_state = State::Running;
    m_connection = &connection;
    m_unqueue = nullptr;
    return true;
}

void PoolJob::run(Connection &connection)
{
    // No exception may cross the worker thread; a throwing job is a bug, logged, not fatal.
    try {
        m_work(connection);
    } catch (const std::exception &e) {
        spdlog::error("database job threw: {}", e.what());
    } catch (...) {
        spdlog::error("database job threw a non-standard exception");
    }
}

void PoolJob::finish()
{
    Work work;
    std::function<void()> onDropped;
    {
        std::lock_guard lock(m_mutex);
        m_state = State::Finished;
        m_connection = nullptr;
        // Release what the job captured (responders, buffers) now, not when the last handle
        // goes away; destroy it outside the lock.
        work = std::move(m_work);
        onDropped = std::move(m_onDropped);
    }
    m_changed.notify_all();
}

bool PoolJob::drop()
{
    Work work;
    std::function<void()> onDropped;
    {
        std::lock_guard lock(m_mutex);
        if (m_state != State::Queued)
            return false;
        m_state = State::Dropped;
        m_cancelled = true;
        work = std::move(m_work);
        onDropped = std::move(m_onDropped);
    }
    m_changed.notify_all();
    if (onDropped) {
        try {
            onDropped();
        } catch (const std::exception &e) {
            spdlog::error("database job drop callback threw: {}", e.what());
        } catch (...) {
            spdlog::error("database job drop callback threw a non-standard exception");
        }
    }
    return true;
}

} // namespace warden::db
