#pragma once

#include "AuditService.h"
#include "audit/AuditKeys.h"
#include "config/ServerConfig.h"

#include <QTimer>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace warden {

namespace audit {
class AuditLog;
}

// The audit service over the configured store, in this process. Reads through its own
// read-only connections on worker threads, so it works whether the server runs or not, as
// long as the store exists; the writer is never blocked. Three lanes, each one thread with
// its own connection, so a slow answer never holds up a quick one: pages, single records and
// value hashes; counts (a text search over millions of records takes seconds); and long jobs
// (verify, export), one at a time. The server hands it its audit writer while it runs: its
// commits drive the live tail and its keys serve when no key is configured. Owned by Server
// for its whole life; lives on the GUI thread.
class EmbeddedAuditService final : public AuditService
{
    Q_OBJECT
public:
    static constexpr int PollIntervalMs = 1000; // the tail without a writer in this process
    static constexpr int CoalesceMs = 200; // the tail while this process writes
    static constexpr int ProgressIntervalMs = 100;

    explicit EmbeddedAuditService(ServerConfig config, QObject *parent = nullptr);
    ~EmbeddedAuditService() override;

    // The running server's writer, or nullptr once it stops.
    void setAuditLog(const std::shared_ptr<audit::AuditLog> &log);

    QString storeDescription() const override;
    RequestId fetchPage(const PageRequest &request, QObject *context,
                        Reply<audit::AuditPage> reply) override;
    RequestId fetchCount(const audit::AuditFilter &filter, QObject *context,
                         Reply<std::int64_t> reply) override;
    RequestId fetchRecord(std::int64_t seq, QObject *context,
                          Reply<std::optional<audit::AuditRecord>> reply) override;
    RequestId hashValue(const QString &value, QObject *context, Reply<std::string> reply) override;
    RequestId verify(QObject *context, Progress progress,
                     Reply<audit::AuditVerifier::Report> reply) override;
    RequestId exportRecords(const audit::AuditFilter &filter, audit::AuditExport::Format format,
                            const QString &path, QObject *context, Progress progress,
                            Reply<std::int64_t> reply) override;
    void cancel(RequestId id) override;
    void setLiveUpdates(bool on) override;

private:
    class Lane;
    enum class LaneKind { Pages, Counts, Jobs };

    Lane &lane(LaneKind kind);
    Result<std::unique_ptr<audit::AuditQuery>> openQuery() const;
    // On a lane's thread: the running writer's keys, else the configured key.
    Result<audit::AuditKeys> keys();

    // Queues `work` (run on the lane's thread, given the lane) and answers through `reply`.
    template<typename T>
    RequestId submit(LaneKind kind, QObject *context, Reply<T> reply,
                     std::function<Result<T>(Lane &lane, const std::atomic<bool> &cancelled)> work);
    // Throttled progress from a lane's thread to `progress` on the GUI thread.
    std::function<bool(std::int64_t, std::int64_t)>
    progressRelay(RequestId id, QObject *context, Progress progress,
                  const std::atomic<bool> &cancelled);
    // GUI thread: whether `id` is still wanted (forgets it when `finished`).
    bool stillWanted(RequestId id, bool finished);

    void poll();
    void announce(std::int64_t lastSeq);

    const ServerConfig m_config;
    std::unique_ptr<Lane> m_lanes[3];
    RequestId m_nextId = 1;
    struct Pending
    {
        LaneKind lane;
        std::shared_ptr<std::atomic<bool>> cancelled;
    };
    std::map<RequestId, Pending> m_pending; // GUI thread only

    std::mutex m_keysMutex;
    std::optional<audit::AuditKeys> m_runningKeys, m_configuredKeys;

    std::shared_ptr<audit::AuditLog> m_log;
    QMetaObject::Connection m_logConnection;
    bool m_live = false;
    bool m_polling = false;
    std::int64_t m_announced = 0, m_committed = 0;
    QTimer m_pollTimer, m_coalesceTimer;
};

} // namespace warden
