#include "EmbeddedAuditService.h"

#include "Server.h"
#include "audit/AuditLog.h"
#include "audit/PgAuditStore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSaveFile>
#include <QThread>

#include <condition_variable>
#include <deque>

namespace warden {

// One worker thread with its own read-only connection (opened on first use, reopened after
// a failure or when the store changes) and a queue of tasks. A queued task can be dropped; a
// running one is interrupted (its statement fails; its answer is dropped anyway).
class EmbeddedAuditService::Lane
{
public:
    using Opener = std::function<Result<std::unique_ptr<audit::AuditQuery>>()>;
    struct Task
    {
        RequestId id = 0;
        std::shared_ptr<std::atomic<bool>> cancelled;
        std::function<void(Lane &)> run;
    };

    explicit Lane(Opener opener)
        : m_opener(std::move(opener))
    {
        m_thread.reset(QThread::create([this] { loop(); }));
        m_thread->start();
    }

    ~Lane()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            for (Task &t : m_queue)
                t.cancelled->store(true);
            if (m_running)
                m_running->store(true);
            if (m_query)
                m_query->interrupt();
        }
        m_wake.notify_all();
        m_thread->wait();
    }

    void post(Task task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(std::move(task));
        }
        m_wake.notify_one();
    }

    // From any thread. The task's flag is already set: a queued task is removed, a running
    // one interrupted.
    void cancel(RequestId id)
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
            if (it->id == id) {
                m_queue.erase(it);
                return;
            }
        }
        if (m_runningId == id && m_query)
            m_query->interrupt();
    }

    // Close the connection before the next task (the store was replaced or created).
    void reopen() { m_reopen = true; }

    // On the lane's thread: this lane's connection.
    Result<const audit::AuditQuery *> query()
    {
        if (m_reopen.exchange(false))
            setQuery(nullptr);
        if (!m_query) {
            auto opened = m_opener();
            if (!opened)
                return opened.takeError();
            setQuery(std::move(*opened));
        }
        return static_cast<const audit::AuditQuery *>(m_query.get());
    }

    // On the lane's thread, after an error: the next task starts from a fresh connection.
    void dropQuery() { setQuery(nullptr); }

private:
    void setQuery(std::unique_ptr<audit::AuditQuery> query)
    {
        std::unique_ptr<audit::AuditQuery> old;
        std::lock_guard lock(m_mutex);
        old = std::exchange(m_query, std::move(query));
    }

    void loop()
    {
        for (;;) {
            Task task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
                if (m_stop)
                    break;
                task = std::move(m_queue.front());
                m_queue.pop_front();
                m_runningId = task.id;
                m_running = task.cancelled;
            }
            if (!task.cancelled->load())
                task.run(*this);
            std::lock_guard lock(m_mutex);
            m_runningId = 0;
            m_running.reset();
            if (m_query) // a cancel that came as the task ended must not fail the next one
                m_query->clearInterrupt();
        }
        setQuery(nullptr);
    }

    Opener m_opener;
    std::unique_ptr<QThread> m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_queue;
    bool m_stop = false;
    RequestId m_runningId = 0;
    std::shared_ptr<std::atomic<bool>> m_running;
    std::unique_ptr<audit::AuditQuery> m_query; // set and reset on the lane's thread under m_mutex
    std::atomic<bool> m_reopen = false;
};

EmbeddedAuditService::EmbeddedAuditService(ServerConfig config, QObject *parent)
    : AuditService(parent)
    , m_config(std::move(config))
{
    m_pollTimer.setInterval(PollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &EmbeddedAuditService::poll);
    m_coalesceTimer.setSingleShot(true);
    m_coalesceTimer.setInterval(CoalesceMs);
    connect(&m_coalesceTimer, &QTimer::timeout, this, [this] { announce(m_committed); });
}

EmbeddedAuditService::~EmbeddedAuditService()
{
    for (auto &l : m_lanes)
        l.reset(); // stops and joins: no answer is posted to a dead object
}

void EmbeddedAuditService::setAuditLog(const std::shared_ptr<audit::AuditLog> &log)
{
    if (log == m_log)
        return;
    disconnect(m_logConnection);
    const bool started = log && !m_log;
    m_log = log;
    {
        std::lock_guard lock(m_keysMutex);
        m_runningKeys.reset();
        if (log)
            m_runningKeys.emplace(log->keys());
    }
    if (log) {
        // Emitted on the writer's thread after each commit: thousands of records a second
        // become a few announcements.
        m_logConnection = connect(
            log.get(), &audit::AuditLog::recordsCommitted, this,
            [this](std::int64_t, std::int64_t last) {
                m_committed = std::max(m_committed, last);
                if (m_live && !m_coalesceTimer.isActive())
                    m_coalesceTimer.start();
            },
            Qt::QueuedConnection);
    }
    if (started) {
        for (auto &l : m_lanes)
            if (l)
                l->reopen();
        Q_EMIT storeChanged();
    }
}

QString EmbeddedAuditService::storeDescription() const
{
    if (m_config.audit.store == AuditConfig::Store::Postgres) {
        const DatabaseConfig &pg = m_config.audit.postgres;
        return tr("PostgreSQL %1@%2:%3/%4, chain %5")
            .arg(pg.user, pg.host)
            .arg(pg.port)
            .arg(pg.dbname, m_config.audit.chain);
    }
    return tr("SQLite %1").arg(Server::auditPath(m_config));
}

Result<std::unique_ptr<audit::AuditQuery>> EmbeddedAuditService::openQuery() const
{
    if (m_config.audit.store == AuditConfig::Store::Sqlite) {
        const QString path = Server::auditPath(m_config);
        if (!QFileInfo::exists(path))
            return Error(
                ErrorCode::NotFound,
                "there is no audit trail at " + path.toStdString()
                    + " yet: start the server once, or point audit.path at an existing trail");
    }
    return Server::openAuditQuery(m_config);
}

EmbeddedAuditService::Lane &EmbeddedAuditService::lane(LaneKind kind)
{
    auto &l = m_lanes[int(kind)];
    if (!l) // threads start on first use: a headless server never pays for them
        l = std::make_unique<Lane>([this] { return openQuery(); });
    return *l;
}

Result<audit::AuditKeys> EmbeddedAuditService::keys()
{
    {
        std::lock_guard lock(m_keysMutex);
        if (m_runningKeys)
            return *m_runningKeys;
        if (m_configuredKeys)
            return *m_configuredKeys;
    }
    if (m_config.secrets.auditKeyRef.isEmpty())
        return Error(ErrorCode::ConfigInvalid,
                     "the audit key is not configured (secrets.audit_key) and the server is not "
                     "running: start the "
                     "server, or configure the key (docs/audit.md, \"Keys\")");
    auto configured =
        Server::auditKeys(m_config); // the keychain may take a moment: a lane's thread
    if (!configured)
        return configured.takeError();
    std::lock_guard lock(m_keysMutex);
    m_configuredKeys.emplace(*configured);
    return *configured;
}

bool EmbeddedAuditService::stillWanted(RequestId id, bool finished)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return false;
    const bool wanted = !it->second.cancelled->load();
    if (finished)
        m_pending.erase(it);
    return wanted;
}

template<typename T>
AuditService::RequestId EmbeddedAuditService::submit(
    LaneKind kind, QObject *context, Reply<T> reply,
    std::function<Result<T>(Lane &lane, const std::atomic<bool> &cancelled)> work)
{
    const RequestId id = m_nextId++;
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    m_pending.emplace(id, Pending { kind, cancelled });
    QPointer<QObject> guard(context);
    lane(kind).post(
        { id, cancelled,
          [this, id, cancelled, guard, reply = std::move(reply), work = std::move(work)](Lane &l) {
              auto result = std::make_shared<Result<T>>(work(l, *cancelled));
              if (cancelled->load())
                  return;
              QMetaObject::invokeMethod(
                  this,
                  [this, id, guard, reply, result] {
                      if (stillWanted(id, true) && guard)
                          reply(*result);
                  },
                  Qt::QueuedConnection);
          } });
    return id;
}

std::function<bool(std::int64_t, std::int64_t)>
EmbeddedAuditService::progressRelay(RequestId id, QObject *context, Progress progress,
                                    const std::atomic<bool> &cancelled)
{
    auto timer = std::make_shared<QElapsedTimer>();
    QPointer<QObject> guard(context);
    return [this, id, guard, progress = std::move(progress), timer,
            &cancelled](std::int64_t done, std::int64_t total) {
        if (cancelled.load())
            return false;
        if (progress
            && (!timer->isValid() || timer->elapsed() >= ProgressIntervalMs || done == total)) {
            timer->start();
            QMetaObject::invokeMethod(
                this,
                [this, id, guard, progress, done, total] {
                    if (stillWanted(id, false) && guard)
                        progress(done, total);
                },
                Qt::QueuedConnection);
        }
        return true;
    };
}

AuditService::RequestId EmbeddedAuditService::fetchPage(const PageRequest &request,
                                                        QObject *context,
                                                        Reply<audit::AuditPage> reply)
{
    return submit<audit::AuditPage>(
        LaneKind::Pages, context, std::move(reply),
        [request](Lane &l, const std::atomic<bool> &) -> Result<audit::AuditPage> {
            auto q = l.query();
            if (!q)
                return q.takeError();
            std::optional<std::int64_t> after = request.after;
            if (!after && request.skip > 0) {
                auto start = (*q)->seqAt(request.filter, request.skip, request.order);
                if (!start) {
                    l.dropQuery();
                    return start.takeError();
                }
                if (!*start)
                    return audit::AuditPage {};
                // The page starts at that record: `after` is exclusive.
                after = request.order == audit::AuditQuery::Order::NewestFirst ? **start + 1
                                                                               : **start - 1;
            }
            auto page = (*q)->page(request.filter, after, request.limit, request.order);
            if (!page)
                l.dropQuery();
            return page;
        });
}

AuditService::RequestId EmbeddedAuditService::fetchCount(const audit::AuditFilter &filter,
                                                         QObject *context,
                                                         Reply<std::int64_t> reply)
{
    return submit<std::int64_t>(
        LaneKind::Counts, context, std::move(reply),
        [filter](Lane &l, const std::atomic<bool> &) -> Result<std::int64_t> {
            auto q = l.query();
            if (!q)
                return q.takeError();
            auto n = (*q)->count(filter);
            if (!n)
                l.dropQuery();
            return n;
        });
}

AuditService::RequestId
EmbeddedAuditService::fetchRecord(std::int64_t seq, QObject *context,
                                  Reply<std::optional<audit::AuditRecord>> reply)
{
    return submit<std::optional<audit::AuditRecord>>(
        LaneKind::Pages, context, std::move(reply),
        [seq](Lane &l, const std::atomic<bool> &) -> Result<std::optional<audit::AuditRecord>> {
            auto q = l.query();
            if (!q)
                return q.takeError();
            auto r = (*q)->record(seq);
            if (!r)
                l.dropQuery();
            return r;
        });
}

AuditService::RequestId EmbeddedAuditService::hashValue(const QString &value, QObject *context,
                                                        Reply<std::string> reply)
{
    return submit<std::string>(LaneKind::Pages, context, std::move(reply),
                               [this, text = value.toStdString()](
                                   Lane &, const std::atomic<bool> &) -> Result<std::string> {
                                   auto k = keys();
                                   if (!k)
                                       return k.takeError();
                                   return k->valueHmac(text);
                               });
}

AuditService::RequestId EmbeddedAuditService::verify(QObject *context, Progress progress,
                                                     Reply<audit::AuditVerifier::Report> reply)
{
    const RequestId id = m_nextId; // the id submit() is about to hand out
    return submit<audit::AuditVerifier::Report>(
        LaneKind::Jobs, context, std::move(reply),
        [this, id, guard = QPointer<QObject>(context), progress = std::move(progress)](
            Lane &, const std::atomic<bool> &cancelled) -> Result<audit::AuditVerifier::Report> {
            auto k = keys();
            if (!k)
                return k.takeError();
            if (m_config.audit.store == AuditConfig::Store::Sqlite
                && !QFileInfo::exists(Server::auditPath(m_config)))
                return Error(ErrorCode::NotFound,
                             "there is no audit trail at "
                                 + Server::auditPath(m_config).toStdString() + " to verify yet");
            auto store = Server::openAuditStore(m_config, false);
            if (!store)
                return store.takeError();
            auto report = audit::AuditVerifier::verify(
                **store, *k, progressRelay(id, guard, progress, cancelled));
            if (report && cancelled.load())
                return Error(ErrorCode::Cancelled, "verification was cancelled");
            return report;
        });
}

AuditService::RequestId EmbeddedAuditService::exportRecords(const audit::AuditFilter &filter,
                                                            audit::AuditExport::Format format,
                                                            const QString &path, QObject *context,
                                                            Progress progress,
                                                            Reply<std::int64_t> reply)
{
    const RequestId id = m_nextId;
    return submit<std::int64_t>(
        LaneKind::Jobs, context, std::move(reply),
        [this, id, filter, format, path, guard = QPointer<QObject>(context),
         progress = std::move(progress)](
            Lane &l, const std::atomic<bool> &cancelled) -> Result<std::int64_t> {
            auto q = l.query();
            if (!q)
                return q.takeError();
            QSaveFile out(path); // the old file stays until the new one is complete
            if (!out.open(QIODevice::WriteOnly))
                return Error(ErrorCode::IoError,
                             "cannot write " + path.toStdString() + ": "
                                 + out.errorString().toStdString()
                                 + "; choose a folder you can write to");
            auto written = audit::AuditExport::write(**q, filter, format, out,
                                                     progressRelay(id, guard, progress, cancelled));
            if (!written) {
                out.cancelWriting();
                if (written.error().code != ErrorCode::Cancelled)
                    l.dropQuery();
                return written;
            }
            if (!out.commit())
                return Error(ErrorCode::IoError,
                             "cannot write " + path.toStdString() + ": "
                                 + out.errorString().toStdString());
            return written;
        });
}

void EmbeddedAuditService::cancel(RequestId id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    it->second.cancelled->store(true);
    if (auto &l = m_lanes[int(it->second.lane)])
        l->cancel(id);
    m_pending.erase(it);
}

void EmbeddedAuditService::setLiveUpdates(bool on)
{
    m_live = on;
    if (on) {
        m_pollTimer.start();
        poll();
    } else {
        m_pollTimer.stop();
        m_coalesceTimer.stop();
    }
}

void EmbeddedAuditService::poll()
{
    // Another process (a server a desktop client launched) may write the same store: ask the
    // store itself, once at a time.
    if (m_polling)
        return;
    m_polling = true;
    submit<std::int64_t>(
        LaneKind::Pages, this,
        [this](const Result<std::int64_t> &last) {
            m_polling = false;
            if (last)
                announce(*last);
        },
        [](Lane &l, const std::atomic<bool> &) -> Result<std::int64_t> {
            auto q = l.query();
            if (!q)
                return q.takeError();
            auto last = (*q)->lastSeq();
            if (!last)
                l.dropQuery();
            return last;
        });
}

void EmbeddedAuditService::announce(std::int64_t lastSeq)
{
    if (!m_live || lastSeq <= m_announced)
        return;
    m_announced = lastSeq;
    Q_EMIT recordsAppended(lastSeq);
}

} // namespace warden
