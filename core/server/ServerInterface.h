#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace warden {

class PolicyService;
class UsageService;
class ToolTesterService;
class AuditService;

// One answered JSON-RPC request, as the console's live request list shows it. Carries no
// argument values: only what an operator needs to see that traffic flows.
struct RequestEvent
{
    QDateTime time;
    QString transport;   // "stdio" or "http"
    QString method;      // "tools/call", "resources/read", ...
    QString target;      // tool name or resource URI, when there is one
    QString outcome;     // "ok", or a stable error code / JSON-RPC error name
    qint64 durationUs = 0;
};

// The facade the console sees for one server: the embedded one today, a remote one over the
// admin API later (GammaRay's interface/server/client split). Lives on the GUI thread.
//
// Each console panel beyond the server's own state talks to one service interface (policy,
// audit, usage, approvals, tool tester, OAuth...): an abstract QObject in core/server whose
// answers arrive by signal or callback, never by blocking, so a remote server can implement
// it over the network. ServerInterface hands them out (nullptr: this server does not offer
// that service); Server implements them over its live engine and keeps each service object
// for its whole life, announcing when the engine behind it comes and goes.
class ServerSettingsService;
class OAuthService;

class ServerInterface : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    using QObject::QObject;
    ~ServerInterface() override = default;

    virtual State state() const = 0;
    virtual QString endpoint() const = 0;     // "http://127.0.0.1:8765/mcp", empty when stopped
    virtual QString databaseDescription() const = 0; // "SQLite /path/shop.db" (never a secret)
    virtual QString lastError() const = 0;    // what went wrong and what to do, or empty
    // Why the running server refuses calls (the audit trail cannot be written...), or empty.
    // Changes are announced with errorOccurred() (an empty message once healthy again).
    virtual QString healthProblem() const = 0;
    // A standing warning about how the server is exposed (anonymous HTTP callers in
    // development mode...), or empty. Shown wherever the server's state is.
    virtual QString securityNotice() const { return {}; }
    virtual quint64 requestCount() const = 0; // JSON-RPC requests answered since start
    virtual quint64 errorCount() const = 0;   // of which protocol or tool errors
    virtual int sessionCount() const = 0;

    // The configuration file, its validation and the health checks (Server panel).
    virtual ServerSettingsService *serverSettingsService() const { return nullptr; }
    // Fetch the OAuth keys, test a token (OAuth panel).
    virtual OAuthService *oauthService() const { return nullptr; }
    // The policy editor's service (document, validation, apply, history), or nullptr.
    virtual PolicyService *policyService() const { return nullptr; }
    // Usage and budgets for the budget charts; nullptr when this server does not offer them.
    virtual UsageService *usageService() const { return nullptr; }
    // The query tester (tool calls as an impersonated principal), or nullptr.
    virtual ToolTesterService *toolTesterService() const { return nullptr; }
    // The audit trail's read side (viewer, verify, export); nullptr when not offered.
    virtual AuditService *auditService() const { return nullptr; }

public Q_SLOTS:
    virtual void start() = 0;
    virtual void stop() = 0;
    // Stop, then start with the configuration as it is now stored.
    virtual void restart()
    {
        stop();
        start();
    }

Q_SIGNALS:
    void stateChanged(warden::ServerInterface::State state);
    void countersChanged();
    void errorOccurred(const QString &message);
    void requestCompleted(const warden::RequestEvent &event);
};

} // namespace warden

Q_DECLARE_METATYPE(warden::RequestEvent)
