#pragma once

#include "server/AuditService.h"

#include <QObject>
#include <QPointer>

namespace warden {

// The audit viewer's long jobs, one at a time: verifying the chain and exporting a filtered
// set, with progress, cancellation and the outcome in words.
class AuditJobController : public QObject
{
    Q_OBJECT
public:
    enum class Job { None, Verify, Export };
    Q_ENUM(Job)
    enum class Outcome { None, Succeeded, Failed, Cancelled };
    Q_ENUM(Outcome)

    explicit AuditJobController(AuditService *service, QObject *parent = nullptr);
    ~AuditJobController() override;

    void startVerify();
    void startExport(const audit::AuditFilter &filter, audit::AuditExport::Format format,
                     const QString &path);
    void cancel();

    bool isRunning() const { return m_id != 0; }
    Job job() const { return m_job; }
    std::int64_t done() const { return m_done; }
    std::int64_t total() const { return m_total; }
    // What the job is doing, then what came of it, in words.
    QString statusText() const { return m_status; }
    Outcome outcome() const { return m_outcome; }
    // Verification: where the chain breaks (0 when intact or not verified).
    std::int64_t brokenSeq() const { return m_brokenSeq; }

Q_SIGNALS:
    void progressChanged();
    void started();
    void finished();

private:
    void begin(Job job, const QString &status);
    void end(Outcome outcome, const QString &status);
    void onProgress(std::int64_t done, std::int64_t total);

    QPointer<AuditService> m_service;
    AuditService::RequestId m_id = 0;
    Job m_job = Job::None;
    Outcome m_outcome = Outcome::None;
    std::int64_t m_done = 0, m_total = 0, m_brokenSeq = 0;
    QString m_status;
};

} // namespace warden
