#pragma once

#include "audit/AuditExport.h"
#include "audit/AuditQuery.h"
#include "audit/AuditVerifier.h"
#include "common/Result.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>

namespace warden {

// The audit trail as the console's viewer sees it: read-only pages, counts and single
// records, chain verification and export with progress, and the keyed HMAC of a value an
// operator types in ("check a value"). Every answer arrives later on the GUI thread through
// the callback, and only while `context` lives, so a remote server can implement the same
// over the network. Nothing here writes to or deletes from the trail.
class AuditService : public QObject
{
    Q_OBJECT
public:
    using RequestId = quint64;
    template<typename T> using Reply = std::function<void(const Result<T> &)>;
    // (done, total) of a long job, now and then on the GUI thread.
    using Progress = std::function<void(std::int64_t done, std::int64_t total)>;

    struct PageRequest
    {
        audit::AuditFilter filter;
        audit::AuditQuery::Order order = audit::AuditQuery::Order::NewestFirst;
        // Keyset start (exclusive), or nullopt to start `skip` matches into the filter's set.
        std::optional<std::int64_t> after;
        std::int64_t skip = 0;
        int limit = 256;
    };

    using QObject::QObject;
    ~AuditService() override = default;

    // Where the trail is read from, for the panel's header ("SQLite /path/audit.db").
    virtual QString storeDescription() const = 0;

    virtual RequestId fetchPage(const PageRequest &request, QObject *context,
                                Reply<audit::AuditPage> reply) = 0;
    virtual RequestId fetchCount(const audit::AuditFilter &filter, QObject *context,
                                 Reply<std::int64_t> reply) = 0;
    virtual RequestId fetchRecord(std::int64_t seq, QObject *context,
                                  Reply<std::optional<audit::AuditRecord>> reply) = 0;
    // "hmac-sha256:<hex>" of `value` under the trail's value key: what a redacted argument
    // holding it was stored as.
    virtual RequestId hashValue(const QString &value, QObject *context,
                                Reply<std::string> reply) = 0;
    // The whole chain, with the audit key. A cancelled run answers ErrorCode::Cancelled.
    virtual RequestId verify(QObject *context, Progress progress,
                             Reply<audit::AuditVerifier::Report> reply) = 0;
    // The records `filter` selects, oldest first, written to `path` (replaced only once the
    // export is complete). Answers the number of records written.
    virtual RequestId exportRecords(const audit::AuditFilter &filter,
                                    audit::AuditExport::Format format, const QString &path,
                                    QObject *context, Progress progress,
                                    Reply<std::int64_t> reply) = 0;
    // Drops a request: its reply never comes (a running query or job stops early).
    virtual void cancel(RequestId id) = 0;

    // While on, recordsAppended() announces new records (coalesced, a few times a second).
    virtual void setLiveUpdates(bool on) = 0;

Q_SIGNALS:
    // The trail grew; `lastSeq` is its newest record now.
    void recordsAppended(qint64 lastSeq);
    // The store behind the service was replaced or came into being (a server start): what
    // a viewer shows should be read again.
    void storeChanged();
};

} // namespace warden
