#include "AuditLog.h"

#include "AuditStore.h"

#include <spdlog/spdlog.h>

#include <QDateTime>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#ifdef __linux__
#include <pthread.h>
#endif

namespace warden::audit {

namespace {

using Clock = std::chrono::steady_clock;

struct Pending
{
    Json body;
    AuditLog::Done done;
    Clock::time_point deadline;
    std::atomic<bool> settled = false;

    void settle(const Result<std::int64_t> &result)
    {
        if (!settled.exchange(true) && done)
            done(result);
    }
};

Error unavailable(const std::string &why)
{
    return Error(ErrorCode::AuditUnavailable, "the audit trail cannot be written (" + why
                                                  + "); nothing runs unaudited, so the call was refused");
}

void nameThread(const char *name)
{
#ifdef __linux__
    pthread_setname_np(pthread_self(), name);
#else
    (void)name;
#endif
}

} // namespace

struct AuditLog::State
{
    State(Options o, AuditKeys k)
        : options(std::move(o))
        , keys(std::move(k))
    {
    }

    Options options;
    AuditKeys keys;
    AuditLog *owner = nullptr;

    std::mutex mutex;
    std::condition_variable wake; // the writer's
    std::condition_variable tick; // the watchdog's
    std::deque<std::shared_ptr<Pending>> queue; // guarded by mutex
    std::deque<std::weak_ptr<Pending>> watched; // guarded by mutex; FIFO, so deadlines ascend
    bool stopping = false; // guarded by mutex
    QString problem; // guarded by mutex
    std::atomic<bool> healthy = true;
    std::atomic<std::int64_t> lastSeq = 0;

    // Writer thread only.
    std::unique_ptr<AuditBackend> store;

    std::thread writer;
    std::thread watchdog;

    void setHealth(bool ok, const QString &why)
    {
        {
            std::lock_guard lock(mutex);
            problem = ok ? QString() : why;
        }
        if (healthy.exchange(ok) != ok) {
            if (ok)
                spdlog::info("audit: the store is writable again");
            else
                spdlog::error("audit: {}", why.toStdString());
            Q_EMIT owner->healthChanged(ok, why);
        }
    }

    void writerLoop();
    void watchdogLoop();
    void commit(std::deque<std::shared_ptr<Pending>> &batch);
    bool reopen();
};

bool AuditLog::State::reopen()
{
    // Healthy again only after a real durable write: reopening alone proves nothing.
    Status s = store->reopen();
    if (s)
        s = store->probe();
    if (!s) {
        setHealth(false, QString::fromStdString(s.error().message));
        return false;
    }
    auto t = store->readTail();
    if (!t) {
        setHealth(false, QString::fromStdString(t.error().message));
        return false;
    }
    lastSeq = t->seq;
    setHealth(true, {});
    return true;
}

void AuditLog::State::commit(std::deque<std::shared_ptr<Pending>> &batch)
{
    std::vector<Json> bodies;
    std::vector<std::shared_ptr<Pending>> owners;
    bodies.reserve(batch.size());
    owners.reserve(batch.size());
    bool stop = false;
    for (auto &p : batch) {
        if (p->settled.load()) // timed out before we got to it: its call was refused
            continue;
        stop = stop || p->body.value("kind", std::string()) == kind::ServerStop;
        bodies.push_back(std::move(p->body));
        owners.push_back(p);
    }
    if (bodies.empty())
        return;
    AuditBackend::CheckpointPolicy policy;
    policy.everyRecords = options.checkpointEveryRecords;
    policy.intervalMs = options.checkpointIntervalMs;
    auto written = store->append(std::move(bodies), keys, policy, stop ? "stop" : nullptr);
    if (!written) {
        // Never retried and assumed: the store is reopened and the tail re-read from disk.
        // Unhealthy before anyone hears of the refusal; the writer loop reopens the store and
        // probes it until a durable write works again.
        setHealth(false, QString::fromStdString(written.error().message));
        for (auto &p : owners)
            p->settle(unavailable("the commit failed"));
        return;
    }
    const std::vector<AuditRecord> &records = *written;
    lastSeq = records.back().seq;
    for (std::size_t i = 0; i < owners.size(); ++i)
        owners[i]->settle(records[i].seq);
    if (!healthy.load())
        setHealth(true, {});
    Q_EMIT owner->recordsCommitted(records.front().seq, records.back().seq);
}

void AuditLog::State::writerLoop()
{
    nameThread("warden-audit");
    for (;;) {
        std::deque<std::shared_ptr<Pending>> batch;
        {
            std::unique_lock lock(mutex);
            if (!healthy.load() && queue.empty() && !stopping) {
                // Unhealthy: try the store again now and then, even with nothing to write.
                wake.wait_for(lock, std::chrono::milliseconds(options.reopenIntervalMs),
                              [&] { return stopping || !queue.empty(); });
                if (queue.empty() && !stopping) {
                    lock.unlock();
                    reopen();
                    continue;
                }
            }
            wake.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty())
                return; // stopping, and everything queued is written
            batch.swap(queue);
        }
        commit(batch);
    }
}

void AuditLog::State::watchdogLoop()
{
    nameThread("warden-audit-wd");
    std::unique_lock lock(mutex);
    for (;;) {
        if (stopping && watched.empty())
            return;
        const auto now = Clock::now();
        std::vector<std::shared_ptr<Pending>> late;
        while (!watched.empty()) {
            auto p = watched.front().lock();
            if (!p || p->settled.load()) {
                watched.pop_front();
                continue;
            }
            if (p->deadline > now)
                break;
            late.push_back(std::move(p));
            watched.pop_front();
        }
        if (!late.empty()) {
            lock.unlock();
            const std::string why = "a write took longer than audit.write_timeout_ms ("
                                    + std::to_string(options.writeTimeoutMs) + " ms)";
            // Unhealthy before anyone hears of the refusal.
            setHealth(false, QString::fromStdString("the audit store is not answering: " + why));
            for (auto &p : late)
                p->settle(unavailable(why));
            lock.lock();
            continue;
        }
        // Sleep until the oldest record still waiting is due (deadlines ascend in queue
        // order), or until there is one: an idle trail costs no wake-ups.
        if (watched.empty()) {
            tick.wait(lock, [&] { return stopping || !watched.empty(); });
        } else if (const auto front = watched.front().lock()) {
            const auto due = front->deadline;
            tick.wait_until(lock, due);
        }
    }
}

AuditLog::AuditLog(std::shared_ptr<State> state)
    : m_state(std::move(state))
{
    m_state->owner = this;
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(Options options, AuditKeys keys)
{
    if (options.writeTimeoutMs < 1)
        options.writeTimeoutMs = 1;
    auto store = [&]() -> Result<std::unique_ptr<AuditBackend>> {
        if (options.openStore)
            return options.openStore();
        auto sqlite = AuditStore::open(options.path, AuditStore::Mode::Writer, options.vfs);
        if (!sqlite)
            return sqlite.takeError();
        return std::unique_ptr<AuditBackend>(std::move(*sqlite));
    }();
    if (!store)
        return store.takeError();
    auto tail = (*store)->readTail();
    if (!tail)
        return tail.takeError();
    auto state = std::make_shared<State>(std::move(options), std::move(keys));
    state->store = std::move(*store);
    state->lastSeq = tail->seq;
    std::unique_ptr<AuditLog> log(new AuditLog(state));
    state->writer = std::thread([s = state.get()] { s->writerLoop(); });
    state->watchdog = std::thread([s = state.get()] { s->watchdogLoop(); });
    return log;
}

AuditLog::~AuditLog()
{
    close();
}

void AuditLog::close()
{
    State &s = *m_state;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopping && !s.writer.joinable())
            return;
        s.stopping = true;
    }
    s.wake.notify_all();
    if (s.writer.joinable())
        s.writer.join();
    s.tick.notify_all();
    if (s.watchdog.joinable())
        s.watchdog.join();
    s.store.reset(); // the file is free for others (verify, backup) once closed
}

void AuditLog::append(Json body, Done done)
{
    auto p = std::make_shared<Pending>();
    p->done = std::move(done);
    State &s = *m_state;
    std::optional<Error> refused;
    bool wakeWatchdog = false;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopping) {
            refused = unavailable("the audit trail is closed");
        } else if (!s.healthy.load()) {
            refused = unavailable(s.problem.toStdString());
        } else {
            // Stamped under the mutex, in queue order: times ascend with seq (barring clock steps).
            stamp(body, s.options.instance, s.keys.keyId());
            p->body = std::move(body);
            p->deadline = Clock::now() + std::chrono::milliseconds(s.options.writeTimeoutMs);
            s.queue.push_back(p);
            wakeWatchdog = s.watched.empty(); // otherwise it already sleeps until an earlier deadline
            s.watched.push_back(p);
        }
    }
    if (refused) {
        p->settle(*refused);
        return;
    }
    s.wake.notify_one();
    if (wakeWatchdog)
        s.tick.notify_one();
}

Result<std::int64_t> AuditLog::appendAndWait(Json body)
{
    auto promise = std::make_shared<std::promise<Result<std::int64_t>>>();
    auto future = promise->get_future();
    append(std::move(body), [promise](const Result<std::int64_t> &r) { promise->set_value(r); });
    return future.get(); // bounded: the watchdog answers at the write timeout
}

bool AuditLog::isHealthy() const
{
    return m_state->healthy.load();
}

QString AuditLog::problem() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->problem;
}

const AuditKeys &AuditLog::keys() const
{
    return m_state->keys;
}

const AuditLog::Options &AuditLog::options() const
{
    return m_state->options;
}

std::int64_t AuditLog::lastSeq() const
{
    return m_state->lastSeq.load();
}

} // namespace warden::audit
