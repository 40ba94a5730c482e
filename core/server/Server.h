#pragma once

#include "ServerInterface.h"
#include "config/ServerConfig.h"

#include <QPointer>

#include <atomic>
#include <memory>

namespace warden {

class EmbeddedPolicyService;
class EmbeddedUsageService;
class EmbeddedAuditService;
class McpServer;
class EmbeddedServerSettingsService;
class EmbeddedOAuthService;
struct Principal;
class PolicyStore;
class StdioTransport;
class HttpTransport;
class EmbeddedToolTesterService;
class EmbeddedApprovalService;

// The in-process server: owns the database pool, the policy, the MCP engine and the
// transports. The console embeds one; warden-server runs one headless. GUI/main thread only.
namespace approvals { class ApprovalStore; }
namespace audit { class AuditLog; class AuditKeys; class AuditBackend; class AuditQuery; class PgAuditStore; }
namespace auth { class TokenValidator; }
namespace limits { class UsageMeter; }

class Server : public ServerInterface
{
    Q_OBJECT
public:
    struct Options
    {
        bool http = true;                 // listen per config.http (address/port)
        bool stdio = false;               // serve the process's stdin/stdout
        bool conformanceFixtures = false; // add the official suite's fixture tools, nothing else
    };

    explicit Server(ServerConfig config, Options options, QObject *parent = nullptr);
    ~Server() override;

    State state() const override;
    QString endpoint() const override;
    QString databaseDescription() const override;
    QString lastError() const override;
    QString healthProblem() const override;
    QString securityNotice() const override;
    QString configFilePath() const override { return m_config.filePath; }
    ApprovalService *approvalService() const override;
    quint64 requestCount() const override;
    quint64 errorCount() const override;
    int sessionCount() const override;
    ServerSettingsService *serverSettingsService() const override;
    OAuthService *oauthService() const override;
    PolicyService *policyService() const override;
    UsageService *usageService() const override;
    ToolTesterService *toolTesterService() const override;
    AuditService *auditService() const override;

    const ServerConfig &config() const { return m_config; }
    quint16 httpPort() const;
    // The policy facade (current version, hot reload, history); nullptr unless running.
    PolicyStore *policyStore() const;
    // The OAuth token check (its JWKS cache: "fetch keys now"); nullptr unless running with OAuth.
    auth::TokenValidator *tokenValidator() const { return m_tokens.get(); }
    // Usage counters and budgets (the console's charts); nullptr unless running.
    limits::UsageMeter *usageMeter() const;
    // The approvals facade (pending writes an operator approves or denies); nullptr unless
    // running with a policy that enables writes.
    approvals::ApprovalStore *approvals() const;
    // The audit trail's writer; nullptr unless running.
    audit::AuditLog *auditLog() const;
    // Where the audit trail goes when the configuration names no path.
    static QString defaultAuditPath();
    static QString auditPath(const ServerConfig &config);
    // The audit keys from secrets.audit_key; an error when it is not configured or resolvable.
    static Result<audit::AuditKeys> auditKeys(const ServerConfig &config);
    // The configured audit store (audit.store): SQLite at auditPath(), or the PostgreSQL
    // store's chain audit.chain (or `chain` when given, for reading another server's chain).
    static Result<std::unique_ptr<audit::AuditBackend>> openAuditStore(const ServerConfig &config, bool writer,
                                                                       const QString &chain = {});
    // The PostgreSQL store of audit.postgres (audit.store must be "postgres").
    static Result<std::unique_ptr<audit::PgAuditStore>> openPgAuditStore(const ServerConfig &config, bool writer,
                                                                         const QString &chain = {});
    // A reader of the configured audit store (audit.store), for the viewer and the tool tester.
    static Result<std::unique_ptr<audit::AuditQuery>> openAuditQuery(const ServerConfig &config);

    // Synchronous start for the command line: returns the error that stopped it.
    Status startNow();

public Q_SLOTS:
    void start() override;
    void stop() override;
    // Reloads the configuration file (when the server was loaded from one) between stop and
    // start, so changes written by the console take effect; a file that no longer loads
    // leaves the server Failed with the loader's message.
    void restart() override;

Q_SIGNALS:
    // stdio only: the client closed stdin and in-flight work is done (or abandoned).
    void stdioFinished();

private:
    struct Engine;

    void setState(State state);
    void fail(const QString &message);
    Status build();
    Status openAudit();
    Status openLimits();
    Status startHttp(const Principal &local);
    void teardown();

    ServerConfig m_config;
    Options m_options;
    State m_state = State::Stopped;
    QString m_lastError;
    QString m_healthProblem;
    QString m_securityNotice;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<McpServer> m_mcp;
    std::unique_ptr<auth::TokenValidator> m_tokens;
    std::unique_ptr<HttpTransport> m_http;
    std::unique_ptr<StdioTransport> m_stdio;
    mutable std::unique_ptr<EmbeddedServerSettingsService> m_settingsService;
    std::unique_ptr<EmbeddedOAuthService> m_oauthService;
    EmbeddedPolicyService *m_policyService = nullptr; // a child: lives as long as the server
    EmbeddedUsageService *m_usageService; // child; attached to the meter while running
    EmbeddedToolTesterService *m_toolTester; // child; follows the engine
    std::unique_ptr<EmbeddedAuditService> m_auditService; // for the server's whole life
    EmbeddedApprovalService *m_approvalService; // a child: lives as long as the server
};

} // namespace warden
