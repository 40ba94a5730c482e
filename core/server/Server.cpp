#include "Server.h"

#include "EmbeddedOAuthService.h"
#include "EmbeddedServerSettingsService.h"

#include "EmbeddedPolicyService.h"
#include "EmbeddedUsageService.h"
#include "EmbeddedAuditService.h"
#include "EmbeddedApprovalService.h"
#include "PolicyHistory.h"
#include "approvals/ApprovalStore.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "audit/AuditStore.h"
#include "audit/PgAuditStore.h"
#include "auth/ApiKeyStore.h"
#include "auth/ApiKeyVerifier.h"
#include "auth/HttpAuthenticator.h"
#include "auth/TokenValidator.h"
#include "EmbeddedToolTesterService.h"
#include "ServerGate.h"
#include "limits/AdmissionControl.h"
#include "limits/UsageMeter.h"
#include "limits/UsageStore.h"
#include "PolicyStore.h"
#include "StateLocation.h"
#include "common/Resources.h"
#include "crypto/Crypto.h"
#include "db/DatabasePool.h"
#include "policy/Policy.h"
#include "policy/Redactor.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/PromptCatalog.h"
#include "protocol/ResourceCatalog.h"
#include "query/CursorCodec.h"
#include "secrets/SecretStore.h"
#include "tools/ConformanceFixtures.h"
#include "tools/AggregateTool.h"
#include "tools/DescribeSchemaTool.h"
#include "tools/ExplainTool.h"
#include "tools/GetTool.h"
#include "tools/WriteTool.h"
#include "tools/QueryTool.h"
#include "tools/SchemaResources.h"
#include "tools/ToolRegistry.h"
#include "transport/HttpTransport.h"
#include "transport/StdioTransport.h"

#include <spdlog/spdlog.h>

#include <QCoreApplication>
#include <QTimer>

namespace warden {
namespace {

// A key needs enough entropy to stand in for a random 256-bit one; 16 bytes is the floor.
constexpr std::size_t kMinKeyBytes = 16;
constexpr std::size_t kRandomKeyBytes = 32;

// The key behind a `secrets` reference, or a random one for this run when none is configured.
// Messages name the reference, never the secret.
Result<std::string> serverKey(const QString &reference, const char *name)
{
    if (reference.isEmpty())
        return crypto::randomBytes(kRandomKeyBytes);
    auto secret = resolveSecret(QStringView(reference));
    if (!secret)
        return Error(secret.error().code, std::string("secrets.") + name + ": " + secret.error().message);
    if (secret->size() < kMinKeyBytes)
        return Error(ErrorCode::ConfigInvalid,
                     std::string("secrets.") + name + ": the secret behind " + reference.toStdString() + " is shorter than "
                         + std::to_string(kMinKeyBytes)
                         + " bytes; use 32 random bytes or more, e.g. the output of `openssl rand -base64 32`");
    return std::string(secret->view());
}

// The password behind an optional secret reference (empty when there is none); errors name
// the configuration key, never the secret. Callers wipe it once it is used.
Result<std::string> passwordFor(const QString &reference, const char *key)
{
    if (reference.isEmpty())
        return std::string();
    auto secret = resolveSecret(QStringView(reference));
    if (!secret)
        return Error(secret.error().code, std::string(key) + ": " + secret.error().message);
    return std::string(secret->view());
}

} // namespace

struct Server::Engine
{
    std::shared_ptr<audit::AuditLog> audit;
    std::unique_ptr<limits::UsageMeter> usage;
    std::unique_ptr<limits::AdmissionControl> admission;
    std::unique_ptr<db::DatabasePool> pool;
    std::unique_ptr<db::DatabasePool> writePool; // only when the policy enables writes
    std::unique_ptr<approvals::ApprovalStore> approvals;
    std::unique_ptr<QTimer> approvalsRecorder; // records decisions made from the command line
    std::unique_ptr<PolicyStore> policies;
    ToolServices services;
};

Server::Server(ServerConfig config, Options options, QObject *parent)
    : ServerInterface(parent)
    , m_config(std::move(config))
    , m_options(options)
    , m_usageService(new EmbeddedUsageService(this))
    , m_toolTester(new EmbeddedToolTesterService(this))
    , m_auditService(std::make_unique<EmbeddedAuditService>(m_config))
    , m_approvalService(new EmbeddedApprovalService(this))
{
    qRegisterMetaType<warden::RequestEvent>();
    m_oauthService = std::make_unique<EmbeddedOAuthService>(*this);
    m_policyService = new EmbeddedPolicyService(this);
}

Server::~Server()
{
    stop();
}

ServerSettingsService *Server::serverSettingsService() const
{
    // Made on first use: it runs a worker thread that a headless server never needs.
    if (!m_settingsService)
        m_settingsService = std::make_unique<EmbeddedServerSettingsService>(*this);
    return m_settingsService.get();
}

OAuthService *Server::oauthService() const
{
    return m_oauthService.get();
}

void Server::restart()
{
    stop();
    if (!m_config.filePath.isEmpty()) {
        auto reloaded = ServerConfig::load(m_config.filePath);
        if (!reloaded) {
            fail(QString::fromStdString(reloaded.error().message));
            return;
        }
        m_config = std::move(reloaded).value();
    }
    start();
}

ServerInterface::State Server::state() const
{
    return m_state;
}

QString Server::endpoint() const
{
    return m_http ? m_http->endpoint() : QString();
}

QString Server::databaseDescription() const
{
    const DatabaseConfig &db = m_config.database;
    if (db.driver == DatabaseConfig::Driver::Sqlite)
        return tr("SQLite %1").arg(db.path);
    return tr("PostgreSQL %1@%2:%3/%4").arg(db.user, db.host).arg(db.port).arg(db.dbname);
}

QString Server::healthProblem() const
{
    return m_state == State::Running ? m_healthProblem : QString();
}

QString Server::securityNotice() const
{
    return m_state == State::Running ? m_securityNotice : QString();
}

QString Server::lastError() const
{
    return m_lastError;
}

quint64 Server::requestCount() const
{
    return m_mcp ? m_mcp->requestCount() : 0;
}

quint64 Server::errorCount() const
{
    return m_mcp ? m_mcp->errorCount() : 0;
}

int Server::sessionCount() const
{
    return (m_http ? m_http->sessionCount() : 0) + (m_stdio ? 1 : 0);
}

UsageService *Server::usageService() const
{
    return m_usageService;
}

ToolTesterService *Server::toolTesterService() const
{
    return m_toolTester;
}

approvals::ApprovalStore *Server::approvals() const
{
    return m_engine ? m_engine->approvals.get() : nullptr;
}

PolicyService *Server::policyService() const
{
    return m_policyService;
}

ApprovalService *Server::approvalService() const
{
    return m_approvalService;
}

PolicyStore *Server::policyStore() const
{
    return m_engine ? m_engine->policies.get() : nullptr;
}

quint16 Server::httpPort() const
{
    return m_http ? m_http->port() : 0;
}

void Server::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Server::fail(const QString &message)
{
    m_lastError = message;
    spdlog::error("{}", message.toStdString());
    teardown();
    setState(State::Failed);
    Q_EMIT errorOccurred(message);
}

void Server::start()
{
    if (m_state == State::Running || m_state == State::Starting)
        return;
    (void)startNow();
}

Status Server::startNow()
{
    if (m_state == State::Running)
        return {};
    initResources();
    m_lastError.clear();
    setState(State::Starting);
    auto status = build();
    if (!status) {
        fail(QString::fromStdString(status.error().message));
        return status;
    }
    setState(State::Running);
    return {};
}

Status Server::build()
{
    m_engine = std::make_unique<Engine>();

    // Resolved first: a reference that cannot be resolved should stop the start before
    // anything else is opened.
    auto hashKey = serverKey(m_config.secrets.hashKeyRef, "hash_key");
    if (!hashKey)
        return hashKey.takeError();
    auto cursorKey = serverKey(m_config.secrets.cursorKeyRef, "cursor_key");
    if (!cursorKey)
        return cursorKey.takeError();
    // Without configured keys the keys are made for this run: hashes stay keyed (no offline
    // dictionary attack) but change with every start, and a restart invalidates cursors.
    if (m_config.secrets.hashKeyRef.isEmpty())
        spdlog::warn("secrets.hash_key is not configured: hashed columns use a key made for this run, so "
                     "hashed values are not comparable across restarts (docs/configuration.md, \"secrets\")");
    if (m_config.secrets.cursorKeyRef.isEmpty())
        spdlog::info("secrets.cursor_key is not configured: db_query cursors do not survive a restart");

    // The audit trail opens before anything can be called: nothing runs unaudited.
    if (auto s = openAudit(); !s)
        return s;

    if (auto s = openLimits(); !s)
        return s;

    auto openPool = [this](int threads, db::AccessMode access) -> Result<std::unique_ptr<db::DatabasePool>> {
        const bool postgres = m_config.database.driver == DatabaseConfig::Driver::Postgres;
        auto resolved = passwordFor(postgres ? m_config.database.passwordRef : QString(), "database.password");
        if (!resolved)
            return resolved.takeError();
        std::string password = std::move(resolved).value();
        auto opened = db::DatabasePool::open(m_config.database, password, threads, access);
        SecretValue::wipe(password.data(), password.size());
        return opened;
    };
    auto pool = openPool(m_config.database.poolSize, db::AccessMode::ReadOnly);
    if (!pool)
        return pool.takeError();
    m_engine->pool = std::move(pool).value();

    m_engine->policies = std::make_unique<PolicyStore>(m_engine->pool->schema());
    const bool historyConfigured = !m_config.policyHistoryPath.isEmpty();
    auto history = PolicyHistory::open(historyConfigured ? m_config.policyHistoryPath : PolicyHistory::defaultPath(),
                                       m_config.policyPath);
    if (history)
        m_engine->policies->setHistory(std::move(history).value());
    else if (historyConfigured)
        return history.takeError();
    else // the default place is a convenience; serving must not depend on it
        spdlog::warn("{}; policy versions are kept in memory only", history.error().message);
    if (auto s = m_engine->policies->load(m_config.policyPath); !s)
        return s;
    connect(m_engine->policies.get(), &PolicyStore::policyChanged, this,
            [audit = m_engine->audit](const QString &oldHash, const QString &newHash) {
                Json record = Json::object();
                record["kind"] = std::string(audit::kind::PolicyChange);
                record["details"] = Json{{"old_version", oldHash.toStdString()}, {"new_version", newHash.toStdString()}};
                record["policy_version"] = newHash.toStdString();
                // Already in force; the record is how reviewers see when. A failure is logged
                // and shows in the audit health.
                audit->append(std::move(record), [](const Result<std::int64_t> &r) {
                    if (!r)
                        spdlog::error("audit: the policy change could not be recorded: {}", r.error().message);
                });
            });

    // Writes get a connection of their own, opened read-write, only when the policy in force
    // at start lets some table be written (docs/policy.md "Writes").
    const bool writes = m_engine->policies->current()->writesEnabled();
    if (writes) {
        auto writePool = openPool(1, db::AccessMode::ReadWrite);
        if (!writePool)
            return writePool.takeError();
        m_engine->writePool = std::move(writePool).value();
        auto approvals = approvals::ApprovalStore::open(approvals::ApprovalStore::pathNextTo(auditPath(m_config)));
        if (!approvals)
            return approvals.takeError();
        m_engine->approvals = std::move(approvals).value();
        m_engine->approvals->setRecorder([audit = m_engine->audit](Json record) {
            audit->append(std::move(record), [](const Result<std::int64_t> &r) {
                if (!r)
                    spdlog::error("audit: an approval decision could not be recorded: {}", r.error().message);
            });
        });
        m_engine->approvalsRecorder = std::make_unique<QTimer>();
        m_engine->approvalsRecorder->setInterval(std::chrono::seconds(2));
        connect(m_engine->approvalsRecorder.get(), &QTimer::timeout, this,
                [store = m_engine->approvals.get()] {
                    if (auto s = store->recordDecisions(); !s)
                        spdlog::error("approvals: decisions could not be recorded: {}", s.error().message);
                });
        m_engine->approvalsRecorder->start();
        if (auto s = m_engine->approvals->recordDecisions(); !s)
            return s;
    }
    m_engine->services.pool = m_engine->pool.get();
    m_engine->services.writePool = m_engine->writePool.get();
    m_engine->services.approvals = m_engine->approvals.get();
    m_engine->services.usage = m_engine->usage.get();
    m_engine->services.policies = m_engine->policies.get();
    m_engine->services.redactor = std::make_shared<Redactor>(std::move(hashKey).value());
    m_engine->services.cursors = std::make_shared<CursorCodec>(std::move(cursorKey).value());

    auto tools = std::make_unique<ToolRegistry>();
    tools->add(std::make_shared<DescribeSchemaTool>(m_engine->services));
    tools->add(std::make_shared<QueryTool>(m_engine->services));
    tools->add(std::make_shared<GetTool>(m_engine->services));
    tools->add(std::make_shared<AggregateTool>(m_engine->services));
    tools->add(std::make_shared<ExplainTool>(m_engine->services));
    if (writes)
        for (const WriteKind kind : { WriteKind::Create, WriteKind::Update, WriteKind::Delete, WriteKind::BulkUpdate })
            tools->add(std::make_shared<WriteTool>(m_engine->services, kind));
    auto resources = std::make_unique<ResourceCatalog>();
    resources->add(std::make_shared<SchemaResources>(m_engine->services));
    auto prompts = std::make_unique<PromptCatalog>();
    addWorkflowPrompts(*prompts, m_engine->services);
    if (m_options.conformanceFixtures)
        addConformanceFixtures(*tools, *resources, *prompts);

    McpServer::Options mcpOptions;
    mcpOptions.instructions = std::string(writes ? "Warden gives governed access to a SQL database: reads, and "
                                                   "writes where the policy allows them (each needs a reason; some "
                                                   "need an operator's approval). "
                                                 : "Warden gives governed, read-only access to a SQL database. ")
        + "Start with db_describe_schema, then use db_query with selective filters. Masked and hashed fields stay "
          "redacted; rows are limited to your tenant.";
    m_mcp = std::make_unique<McpServer>(mcpOptions, std::move(tools), std::move(resources), std::move(prompts));
    m_mcp->setAudit(m_engine->audit, [policies = m_engine->policies.get()] {
        const auto policy = policies->current();
        return policy ? policy->versionHash() : std::string();
    });
    m_mcp->setGate(std::make_shared<ServerGate>(*m_engine->policies, *m_engine->admission, *m_engine->usage));
    m_mcp->setUsageRecorder([usage = m_engine->usage.get()](const Principal &principal, std::int64_t rows, double cost) {
        usage->record(principal, rows, cost);
    });
    connect(m_mcp.get(), &McpServer::requestCompleted, this, [this](const RequestEvent &ev) {
        Q_EMIT requestCompleted(ev);
        Q_EMIT countersChanged();
    });
    m_toolTester->attach(*m_mcp, *m_engine->policies, [config = m_config] { return openAuditQuery(config); });

    Principal local;
    local.userId = m_config.localPrincipal.userId.toStdString();
    local.tenantId = m_config.localPrincipal.tenantId.toStdString();
    for (const QString &r : m_config.localPrincipal.roles)
        local.roles.push_back(r.toStdString());
    for (const QString &s : m_config.localPrincipal.scopes)
        local.scopes.push_back(s.toStdString());
    local.authMethod = "local";

    if (m_options.http && m_config.http.enabled) {
        if (auto s = startHttp(local); !s)
            return s;
    }
    if (m_options.stdio) {
        m_stdio = std::make_unique<StdioTransport>(*m_mcp, local, m_config.stdio.maxLineBytes);
        connect(m_stdio.get(), &StdioTransport::finished, this, &Server::stdioFinished);
        m_stdio->start();
    }
    return {};
}

Status Server::startHttp(const Principal &local)
{
    if (auto s = m_config.checkHttpExposure(); !s)
        return s;
    auth::HttpAuthenticator::Options options;
    if (m_config.auth.apiKeys.enabled) {
        const QString path = m_config.auth.apiKeys.path.isEmpty() ? auth::ApiKeyStore::defaultPath()
                                                                   : m_config.auth.apiKeys.path;
        auto verifier = std::make_shared<auth::ApiKeyVerifier>(path, auth::ApiKeyVerifier::Options {});
        if (auto s = verifier->open(); !s)
            return Error(s.error().code, "auth.api_keys: " + s.error().message);
        options.apiKeys = std::move(verifier);
    }
    HttpTransport::ResourceProvider resource;
    if (const auto &oauth = m_config.auth.oauth) {
        auto validator = auth::TokenValidator::create(*oauth);
        if (!validator)
            return validator.error();
        m_tokens = std::move(validator).value();
        options.tokens = [tokens = m_tokens.get()](const std::string &token, auth::HttpAuthenticator::Done done) {
            tokens->validate(token, [done = std::move(done)](auth::TokenResult result) {
                if (!result) {
                    const auth::TokenError &e = result.error();
                    // No key set at all is this server's problem, not the token's: 503, so a
                    // client retries instead of throwing a possibly good token away.
                    const bool ours = e.reason == auth::TokenError::Reason::KeysUnavailable;
                    return done(auth::AuthFailure { ours ? 503 : 401, ours ? "" : "invalid_token", e.description,
                                                    std::string(e.name()), "bearer-jwt" });
                }
                const auth::VerifiedToken &t = result.token();
                Principal p;
                p.userId = t.subject;
                p.tenantId = t.tenant;
                p.roles = t.roles;
                p.scopes = t.scopes;
                p.authMethod = "oauth";
                done(p);
            });
        };
        resource = [oauth = *oauth, policies = m_engine->policies.get()]() -> std::optional<auth::ProtectedResource> {
            auth::ProtectedResource r;
            r.resource = oauth.resource;
            r.authorizationServers = oauth.authorizationServers.empty() ? std::vector<std::string>{ oauth.issuer }
                                                                         : oauth.authorizationServers;
            // The configured list wins; otherwise the scopes the policy asks of tools.
            const auto policy = policies->current();
            r.scopes = !oauth.scopesSupported.empty() ? oauth.scopesSupported
                       : policy                       ? policy->scopesSupported()
                                                      : std::vector<std::string>{};
            return r;
        };
    }
    if (m_config.auth.anonymous) {
        options.anonymous = true;
        options.anonymousPrincipal = local;
        m_securityNotice = tr("Development mode: HTTP callers need no credentials and act as %1. "
                              "Never use this with real data; configure API keys or OAuth instead.")
                               .arg(QString::fromStdString(local.userId));
        spdlog::warn("DEVELOPMENT MODE: anonymous HTTP callers are allowed and act as the local principal \"{}\"; "
                     "never use this with real data",
                     local.userId);
    }
    auto authenticator = std::make_shared<auth::HttpAuthenticator>(std::move(options));
    m_http = std::make_unique<HttpTransport>(*m_mcp, m_config.http, std::move(authenticator), std::move(resource));
    return m_http->listen();
}

void Server::teardown()
{
    m_toolTester->detach(); // its sessions end before the engine they run on
    m_healthProblem.clear();
    m_securityNotice.clear();
    m_stdio.reset();
    m_http.reset();
    m_tokens.reset();
    m_mcp.reset();
    if (m_engine && m_engine->pool)
        m_engine->pool->shutdown(db::DatabasePool::Shutdown::AbandonQueued);
    if (m_engine && m_engine->writePool) // a write in progress rolls back
        m_engine->writePool->shutdown(db::DatabasePool::Shutdown::AbandonQueued);
    m_usageService->setMeter(nullptr); // before the meter goes
    if (m_engine && m_engine->usage)
        m_engine->usage->stop(); // the last usage reaches the store
    if (m_engine && m_engine->audit) {
        m_auditService->setAuditLog(nullptr);
        Json record = Json::object();
        record["kind"] = std::string(audit::kind::ServerStop);
        if (auto r = m_engine->audit->appendAndWait(std::move(record)); !r)
            spdlog::error("audit: the server stop could not be recorded: {}", r.error().message);
        m_engine->audit->close();
    }
    m_engine.reset();
}

QString Server::defaultAuditPath()
{
    return statePath(QStringLiteral("audit.db"));
}

limits::UsageMeter *Server::usageMeter() const
{
    return m_engine ? m_engine->usage.get() : nullptr;
}

AuditService *Server::auditService() const
{
    return m_auditService.get();
}

audit::AuditLog *Server::auditLog() const
{
    return m_engine ? m_engine->audit.get() : nullptr;
}

QString Server::auditPath(const ServerConfig &config)
{
    return config.audit.path.isEmpty() ? defaultAuditPath() : config.audit.path;
}

Result<audit::AuditKeys> Server::auditKeys(const ServerConfig &config)
{
    if (config.secrets.auditKeyRef.isEmpty())
        return Error(ErrorCode::ConfigInvalid,
                     "secrets.audit_key is not configured: name the audit key's secret reference in the configuration "
                     "(docs/audit.md, \"Keys\")");
    auto secret = serverKey(config.secrets.auditKeyRef, "audit_key");
    if (!secret)
        return secret.takeError();
    audit::AuditKeys keys(*secret);
    SecretValue::wipe(secret->data(), secret->size());
    return keys;
}

Status Server::openLimits()
{
    const limits::UsageStoreConfig &storeConfig = m_config.limits.usageStore;
    const bool postgres = storeConfig.driver == limits::UsageStoreConfig::Driver::Postgres;
    auto resolved = passwordFor(postgres ? storeConfig.passwordRef : QString(), "limits.usage_store.password");
    if (!resolved)
        return resolved.takeError();
    std::string password = std::move(resolved).value();
    // Budgets must survive a restart: without their store the server does not start.
    auto store = limits::UsageStore::open(storeConfig, auditPath(m_config), password);
    SecretValue::wipe(password.data(), password.size());
    if (!store)
        return Error(store.error().code, "limits.usage_store: " + store.error().message);
    auto meter = limits::UsageMeter::create(std::move(store).value(), limits::UsageMeter::Options::fromConfig(m_config.limits));
    if (!meter)
        return Error(meter.error().code, "limits.usage_store: " + meter.error().message);
    m_engine->usage = std::move(meter).value();
    m_usageService->setMeter(m_engine->usage.get());
    m_engine->admission = std::make_unique<limits::AdmissionControl>(m_config.limits, limits::AdmissionControl::Clock {},
                                                                     m_engine->usage.get());
    return {};
}

Result<std::unique_ptr<audit::AuditBackend>> Server::openAuditStore(const ServerConfig &config, bool writer,
                                                                    const QString &chain)
{
    const auto mode = writer ? audit::AuditBackend::Mode::Writer : audit::AuditBackend::Mode::Reader;
    if (config.audit.store == AuditConfig::Store::Sqlite) {
        auto store = audit::AuditStore::open(auditPath(config), mode);
        if (!store)
            return store.takeError();
        return std::unique_ptr<audit::AuditBackend>(std::move(*store));
    }
    auto store = openPgAuditStore(config, writer, chain);
    if (!store)
        return store.takeError();
    return std::unique_ptr<audit::AuditBackend>(std::move(*store));
}

Result<std::unique_ptr<audit::PgAuditStore>> Server::openPgAuditStore(const ServerConfig &config, bool writer,
                                                                      const QString &chain)
{
    auto resolved = passwordFor(config.audit.postgres.passwordRef, "audit.postgres.password");
    if (!resolved)
        return resolved.takeError();
    std::string password = std::move(resolved).value();
    auto store = audit::PgAuditStore::open(config.audit.postgres, password,
                                           (chain.isEmpty() ? config.audit.chain : chain).toStdString(),
                                           writer ? audit::AuditBackend::Mode::Writer : audit::AuditBackend::Mode::Reader);
    SecretValue::wipe(password.data(), password.size());
    return store;
}

Result<std::unique_ptr<audit::AuditQuery>> Server::openAuditQuery(const ServerConfig &config)
{
    if (config.audit.store == AuditConfig::Store::Sqlite)
        return audit::AuditQuery::open(auditPath(config));
    auto store = openPgAuditStore(config, false);
    if (!store)
        return store.takeError();
    return audit::AuditQuery::open(std::move(*store));
}

Status Server::openAudit()
{
    std::optional<audit::AuditKeys> keys;
    if (m_config.secrets.auditKeyRef.isEmpty()) {
        keys = audit::AuditKeys::ephemeralKeys();
        spdlog::warn("secrets.audit_key is not configured: this run's audit records use a key made for the run, "
                     "so `warden-server audit verify` cannot authenticate them after it ends (docs/audit.md)");
    } else {
        auto configured = auditKeys(m_config);
        if (!configured)
            return configured.takeError();
        keys.emplace(std::move(*configured));
    }
    audit::AuditLog::Options options;
    options.path = auditPath(m_config);
    if (m_config.audit.store == AuditConfig::Store::Postgres)
        options.openStore = [config = m_config] { return openAuditStore(config, true); };
    options.writeTimeoutMs = int(m_config.audit.writeTimeoutMs);
    options.checkpointEveryRecords = int(m_config.audit.checkpointEveryRecords);
    options.checkpointIntervalMs = int(m_config.audit.checkpointIntervalMs);
    options.instance = std::string("warden-") + crypto::toHex(crypto::randomBytes(6));
    auto log = audit::AuditLog::open(std::move(options), std::move(*keys));
    if (!log)
        return log.takeError();
    m_engine->audit = std::move(*log);
    Json record = Json::object();
    record["kind"] = std::string(audit::kind::ServerStart);
    Json details = Json::object();
    details["version"] = WARDEN_VERSION;
    details["pid"] = std::int64_t(QCoreApplication::applicationPid());
    record["details"] = std::move(details);
    if (auto r = m_engine->audit->appendAndWait(std::move(record)); !r)
        return r.error();
    m_auditService->setAuditLog(m_engine->audit);
    connect(
        m_engine->audit.get(), &audit::AuditLog::healthChanged, this,
        [this](bool healthy, const QString &problem) {
            m_healthProblem = healthy ? QString()
                                      : tr("The audit trail cannot be written, so every call is refused until it "
                                           "can (%1). Check the disk and the audit.path setting; the server recovers "
                                           "by itself.")
                                            .arg(problem);
            Q_EMIT errorOccurred(m_healthProblem);
            Q_EMIT countersChanged();
        },
        Qt::QueuedConnection);
    return {};
}

void Server::stop()
{
    if (m_state == State::Stopped || m_state == State::Failed) {
        teardown();
        return;
    }
    setState(State::Stopping);
    teardown();
    setState(State::Stopped);
    Q_EMIT countersChanged();
}

} // namespace warden
