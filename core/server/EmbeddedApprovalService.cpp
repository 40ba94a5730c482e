#include "EmbeddedApprovalService.h"

#include "Server.h"
#include "approvals/ApprovalStore.h"

#include <spdlog/spdlog.h>

#include <QMetaMethod>
#include <QTimeZone>

namespace warden {
namespace {

constexpr int kPollMs = 1000;

PendingApproval toPending(const approvals::Approval &a)
{
    PendingApproval p;
    p.id = QString::fromStdString(a.id);
    p.tool = QString::fromStdString(a.tool);
    p.table = QString::fromStdString(a.table);
    p.principal = QString::fromStdString(a.principal);
    p.tenant = QString::fromStdString(a.tenant);
    p.requestedAt = QDateTime::fromMSecsSinceEpoch(a.createdAtMs, QTimeZone::utc());
    p.expiresAt = QDateTime::fromMSecsSinceEpoch(a.expiresAtMs, QTimeZone::utc());
    p.payload = QString::fromStdString(a.toJson().dump(2, ' ', false, Json::error_handler_t::replace));
    return p;
}

} // namespace

EmbeddedApprovalService::EmbeddedApprovalService(Server *server)
    : ApprovalService(server)
    , m_server(server)
{
    qRegisterMetaType<warden::PendingApproval>();
    m_worker.setMaxThreadCount(1); // one store call at a time, in order
    m_poll.setInterval(kPollMs);
    // Polled for listeners only: a headless warden-server has none and reads nothing.
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (isSignalConnected(QMetaMethod::fromSignal(&ApprovalService::pendingChanged)))
            refresh();
    });
    connect(server, &ServerInterface::stateChanged, this, &EmbeddedApprovalService::onServerStateChanged);
}

EmbeddedApprovalService::~EmbeddedApprovalService()
{
    m_worker.waitForDone();
}

bool EmbeddedApprovalService::isAvailable() const
{
    return m_store != nullptr;
}

QString EmbeddedApprovalService::unavailableReason() const
{
    if (m_store)
        return {};
    if (m_server->state() != ServerInterface::State::Running)
        return tr("The server is not running. Start it to see and decide the writes that wait for approval.");
    return tr("The policy in force lets no table be written, so no write waits for approval. A policy that "
              "enables writes (docs/policy.md, \"Writes\") takes effect at the next server start.");
}

QString EmbeddedApprovalService::decider() const
{
    // Like the command line's "cli:<user>", so the trail tells where a decision was made.
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME", QStringLiteral("operator"));
    return QStringLiteral("console:") + user;
}

QList<PendingApproval> EmbeddedApprovalService::pending() const
{
    return m_pending;
}

void EmbeddedApprovalService::onServerStateChanged()
{
    approvals::ApprovalStore *store =
        m_server->state() == ServerInterface::State::Running ? m_server->approvals() : nullptr;
    if (store == m_store)
        return;
    if (m_store) {
        // The server is about to close the store: nothing of ours may still be using it.
        m_poll.stop();
        m_store = nullptr;
        m_worker.waitForDone();
        m_reading = false;
        setPending({});
    }
    m_store = store;
    if (m_store) {
        refresh();
        m_poll.start();
    }
    Q_EMIT availabilityChanged(m_store != nullptr);
}

void EmbeddedApprovalService::setPending(QList<PendingApproval> pending)
{
    if (pending == m_pending)
        return;
    m_pending = std::move(pending);
    Q_EMIT pendingChanged();
}

void EmbeddedApprovalService::refresh()
{
    if (!m_store || m_reading)
        return;
    m_reading = true;
    m_worker.start([this, store = m_store] {
        auto listed = store->list(true);
        QList<PendingApproval> pending;
        if (listed)
            for (const approvals::Approval &a : *listed)
                pending.append(toPending(a));
        else
            spdlog::warn("approvals: the pending approvals cannot be read: {}", listed.error().message);
        QMetaObject::invokeMethod(
            this,
            [this, ok = listed.ok(), pending = std::move(pending)]() mutable {
                m_reading = false;
                if (m_store && ok)
                    setPending(std::move(pending));
            },
            Qt::QueuedConnection);
    });
}

void EmbeddedApprovalService::decide(const QString &id, bool approve, const QString &reason)
{
    auto answer = [this, id, approve](const QString &error) {
        QMetaObject::invokeMethod(
            this, [this, id, approve, error] { Q_EMIT decided(id, approve, error); }, Qt::QueuedConnection);
    };
    if (!approve && reason.trimmed().isEmpty())
        return answer(tr("Give a reason for denying the write; it is kept in the audit trail."));
    if (!m_store)
        return answer(unavailableReason());
    m_worker.start([this, store = m_store, id = id.toStdString(), approve, decider = decider().toStdString(),
                    reason = reason.trimmed().toStdString(), qid = id] {
        auto decided = store->decide(id, approve, decider, reason);
        const QString error = decided ? QString() : QString::fromStdString(decided.error().message);
        QMetaObject::invokeMethod(
            this,
            [this, qid, approve, error] {
                Q_EMIT this->decided(qid, approve, error);
                refresh();
            },
            Qt::QueuedConnection);
    });
}

} // namespace warden
