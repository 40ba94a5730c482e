#include "AuditJobController.h"

#include <QDir>

namespace warden {

AuditJobController::AuditJobController(AuditService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

AuditJobController::~AuditJobController()
{
    if (m_service && m_id)
        m_service->cancel(m_id);
}

void AuditJobController::begin(Job job, const QString &status)
{
    m_job = job;
    m_outcome = Outcome::None;
    m_done = m_total = m_brokenSeq = 0;
    m_status = status;
    Q_EMIT started();
    Q_EMIT progressChanged();
}

void AuditJobController::end(Outcome outcome, const QString &status)
{
    m_id = 0;
    m_outcome = outcome;
    m_status = status;
    Q_EMIT progressChanged();
    Q_EMIT finished();
}

void AuditJobController::onProgress(std::int64_t done, std::int64_t total)
{
    m_done = done;
    m_total = total;
    Q_EMIT progressChanged();
}

void AuditJobController::startVerify()
{
    if (isRunning() || !m_service)
        return;
    begin(Job::Verify, tr("Verifying the chain…"));
    m_id = m_service->verify(
        this, [this](std::int64_t done, std::int64_t total) { onProgress(done, total); },
        [this](const Result<audit::AuditVerifier::Report> &report) {
            if (!report) {
                if (report.error().code == ErrorCode::Cancelled)
                    end(Outcome::Cancelled, tr("Verification cancelled."));
                else
                    end(Outcome::Failed,
                        tr("Could not verify the chain: %1")
                            .arg(QString::fromStdString(report.error().message)));
                return;
            }
            m_done = m_total = report->records;
            if (report->intact) {
                end(Outcome::Succeeded,
                    tr("Chain intact: %L1 records (%2 to %3), %L4 signed checkpoints.")
                        .arg(report->records)
                        .arg(report->firstSeq)
                        .arg(report->lastSeq)
                        .arg(report->checkpoints));
            } else {
                m_brokenSeq = report->firstBadSeq;
                end(Outcome::Failed,
                    tr("Chain broken at record %1: %2")
                        .arg(report->firstBadSeq)
                        .arg(QString::fromStdString(report->problem)));
            }
        });
}

void AuditJobController::startExport(const audit::AuditFilter &filter,
                                     audit::AuditExport::Format format, const QString &path)
{
    if (isRunning() || !m_service)
        return;
    const QString shown = QDir::toNativeSeparators(path);
    begin(Job::Export, tr("Exporting to %1…").arg(shown));
    m_id = m_service->exportRecords(
        filter, format, path, this,
        [this](std::int64_t done, std::int64_t total) { onProgress(done, total); },
        [this, shown](const Result<std::int64_t> &written) {
            if (!written) {
                if (written.error().code == ErrorCode::Cancelled)
                    end(Outcome::Cancelled, tr("Export cancelled; %1 was not written.").arg(shown));
                else
                    end(Outcome::Failed,
                        tr("Could not export: %1")
                            .arg(QString::fromStdString(written.error().message)));
                return;
            }
            m_done = m_total = *written;
            end(Outcome::Succeeded, tr("Exported %L1 records to %2.").arg(*written).arg(shown));
        });
}

void AuditJobController::cancel()
{
    if (!isRunning())
        return;
    m_service->cancel(m_id);
    end(Outcome::Cancelled,
        m_job == Job::Verify ? tr("Verification cancelled.") : tr("Export cancelled."));
}

} // namespace warden
