#pragma once

#include "AuditBackend.h"
#include "common/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace warden::audit {

// The audit trail's writer: a thread that appends records to the store in durable group
// commits, so concurrent calls share one fsync. Fail closed:
//   - append() answers every record exactly once: with its seq once it is durably committed,
//     or with AUDIT_UNAVAILABLE when the store cannot be written or the commit did not finish
//     within the write timeout (a hanging disk becomes a refusal, not a stall);
//   - a failed commit (an fsync error included) is never retried and assumed: the store is
//     closed, the log reports itself unhealthy and refuses records at once, and it reopens
//     the store and re-reads the chain's tail from disk until that works again.
// A record timed out before the writer got to it is not written (its call was refused).
// What a caller is told when its call is refused because the trail cannot be written. The
// reason stays with the operator (health, log): it may name paths the caller has no business with.
inline constexpr const char *kRefusalForCallers =
    "the audit trail cannot be written right now, so the call was refused (nothing runs or is released "
    "unaudited); try again later";

class AuditLog : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString path; // the SQLite store, unless openStore is set
        std::string vfs; // tests inject I/O faults through an SQLite VFS
        // Opens another store as a writer (PostgreSQL: Server::openAuditStore).
        std::function<Result<std::unique_ptr<AuditBackend>>()> openStore;
        int writeTimeoutMs = 2000;
        int checkpointEveryRecords = 1000;
        int checkpointIntervalMs = 60000;
        int reopenIntervalMs = 500;
        std::string instance; // this server instance's id, in every record
    };

    using Done = std::function<void(const Result<std::int64_t> &seq)>;

    // Opens (creating) the store and reads its tail; refuses a store another writer holds.
    static Result<std::unique_ptr<AuditLog>> open(Options options, AuditKeys keys);
    ~AuditLog() override;

    // Thread-safe. Fills in v, seq, time, time_ms, instance and key_id, then commits.
    // `done` runs on the writer's or the watchdog's thread, exactly once.
    void append(Json body, Done done);
    // Blocks the calling thread until the record is committed or refused (bounded).
    Result<std::int64_t> appendAndWait(Json body);

    bool isHealthy() const;
    QString problem() const; // why it is unhealthy; empty when healthy
    const AuditKeys &keys() const;
    const Options &options() const;
    std::int64_t lastSeq() const; // of the last committed record

    // Stops the writer after committing what is queued. Further appends are refused.
    void close();

Q_SIGNALS:
    // Emitted from the writer thread after each commit (connect queued to use it in the UI).
    void recordsCommitted(std::int64_t firstSeq, std::int64_t lastSeq);
    void healthChanged(bool healthy, const QString &problem);

private:
    struct State;
    explicit AuditLog(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

} // namespace warden::audit
