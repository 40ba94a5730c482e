#pragma once

#include "ToolTesterService.h"
#include "common/Result.h"

#include <map>
#include <memory>

namespace warden {

namespace audit {
class AuditQuery;
}
class McpServer;
class PolicyStore;

// The query tester over the embedded engine. Each run opens an MCP session of its own on the
// live McpServer (transport "console") as the impersonated principal, marked with the console
// user, and sends it initialize and tools/call exactly as a client would: the CallGate (scopes,
// rate limits, budgets), the tool's policy compilation and the audit trail all apply. For
// db_query, db_get and db_aggregate it then asks db_explain (same session, also audited) for
// the compiled SQL and the decisions, and reads the call's audit records back from the store on
// a worker thread. Owned by Server for its whole life; attach()/detach() follow the engine.
class EmbeddedToolTesterService : public ToolTesterService
{
    Q_OBJECT
public:
    // Opens a read-only view of the audit store the engine writes (called on a worker thread).
    using AuditReader = std::function<Result<std::unique_ptr<audit::AuditQuery>>()>;

    explicit EmbeddedToolTesterService(QObject *parent = nullptr);
    ~EmbeddedToolTesterService() override;

    void attach(McpServer &mcp, PolicyStore &policies, AuditReader auditReader);
    // Ends every run in flight (its callback says the server stopped) before the engine goes.
    void detach();

    bool isAvailable() const override { return m_mcp != nullptr; }
    QString consoleUser() const override;
    void fetchCatalogue(QObject *context, CatalogueDone done) override;
    quint64 run(const QString &tool, const Json &arguments, const Impersonation &principal,
                QObject *context, RunDone done) override;
    void cancel(quint64 runId) override;

    // The OS user name the console runs as.
    static QString osUserName();

private:
    struct PendingRun;

    void send(quint64 id, const char *rpcId, const std::string &tool, const Json &arguments);
    void onAnswered(quint64 id, const std::string &rpcId, const Json &response);
    void readAudit(quint64 id);
    void finish(quint64 id);

    McpServer *m_mcp = nullptr;
    PolicyStore *m_policies = nullptr;
    AuditReader m_auditReader;
    QMetaObject::Connection m_policyConnection;
    std::map<quint64, std::unique_ptr<PendingRun>> m_runs;
    quint64 m_nextRun = 1;
};

} // namespace warden
