#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace warden {

// One write waiting for an operator, as the console lists it.
struct PendingApproval
{
    QString id;
    QString tool;      // db_update, db_delete, ...
    QString table;
    QString principal; // who asked (user id)
    QString tenant;
    QDateTime requestedAt;
    QDateTime expiresAt;
    QString payload;   // the approval in full, as indented JSON (what exactly is approved)

    bool operator==(const PendingApproval &) const = default;
};

// Pending write approvals and the operator's decisions on them (DESIGN.md "Approvals"), for
// the console's Approvals panel. Answers arrive by signal, never by blocking, so a remote
// server can implement it over the admin API; the embedded one is Server's.
//
// While available() the list is kept current: pendingChanged() follows every change,
// including approvals filed by agents and decisions made elsewhere (the command line).
class ApprovalService : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ApprovalService() override = default;

    // Whether the server keeps approvals now (it runs with a policy that enables writes).
    virtual bool isAvailable() const = 0;
    // Why not, in words that say what to do; empty when available.
    virtual QString unavailableReason() const = 0;
    // The name decisions made here are recorded under in the audit trail ("console:ada").
    virtual QString decider() const = 0;
    // The last list sent with pendingChanged().
    virtual QList<PendingApproval> pending() const = 0;

public Q_SLOTS:
    // Reads the list again now (it is also read by itself while available).
    virtual void refresh() = 0;
    // Approves or denies one pending approval; `reason` is audited with the decision and is
    // required to deny. Answers with decided().
    virtual void decide(const QString &id, bool approve, const QString &reason) = 0;

Q_SIGNALS:
    void availabilityChanged(bool available);
    void pendingChanged();
    // `error` is empty when the decision was recorded; otherwise what went wrong.
    void decided(const QString &id, bool approved, const QString &error);
};

} // namespace warden

Q_DECLARE_METATYPE(warden::PendingApproval)
