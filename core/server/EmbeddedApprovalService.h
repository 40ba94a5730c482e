#pragma once

#include "ApprovalService.h"

#include <QThreadPool>
#include <QTimer>

namespace warden {

class Server;
namespace approvals { class ApprovalStore; }

// ApprovalService over the embedded Server's ApprovalStore. Follows the server: available
// while it runs with an approval store, and it lets go of the store before the server tears it
// down. Store calls run on a thread of its own (the store may wait for another process's
// lock); while something listens to pendingChanged() the list is polled every second, so
// approvals filed by agents or decided from the command line show up by themselves. Owned
// by Server, on its thread.
class EmbeddedApprovalService : public ApprovalService
{
    Q_OBJECT
public:
    explicit EmbeddedApprovalService(Server *server);
    ~EmbeddedApprovalService() override;

    bool isAvailable() const override;
    QString unavailableReason() const override;
    QString decider() const override;
    QList<PendingApproval> pending() const override;

    void refresh() override;
    void decide(const QString &id, bool approve, const QString &reason) override;

private:
    void onServerStateChanged();
    void setPending(QList<PendingApproval> pending);

    Server *m_server;
    approvals::ApprovalStore *m_store = nullptr; // the running server's; nullptr otherwise
    QThreadPool m_worker;
    QTimer m_poll;
    bool m_reading = false;
    QList<PendingApproval> m_pending;
};

} // namespace warden
