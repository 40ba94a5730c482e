#include "EmbeddedToolTesterService.h"

#include "PolicyStore.h"
#include "audit/AuditQuery.h"
#include "policy/Policy.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "tools/ToolRegistry.h"

#include <QCoreApplication>
#include <QDir>
#include <QMetaObject>
#include <QThread>
#include <QThreadPool>

#include <chrono>

namespace warden {
namespace {

constexpr const char *kCallId = "call";
constexpr const char *kExplainId = "explain";
constexpr int kAuditPage = 50;
constexpr int kAuditAttempts = 40;
constexpr unsigned long kAuditRetryMs = 50;

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string stringOf(const Json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isQueryLike(const QString &tool)
{
    return tool == QLatin1String("db_query") || tool == QLatin1String("db_get")
        || tool == QLatin1String("db_aggregate");
}

// Hands the final response of one request to the service, on the session's (main) thread.
class CaptureOutbound : public Outbound
{
public:
    using Answered = std::function<void(const Json &response)>;
    explicit CaptureOutbound(Answered answered)
        : m_answered(std::move(answered))
    {
    }

    void send(const Json &) override { } // progress and logging: not shown
    void finish(const Json &response) override
    {
        if (!m_open)
            return;
        m_open = false;
        m_answered(response);
    }
    void abandon() override { m_open = false; }
    bool isOpen() const override { return m_open; }

private:
    Answered m_answered;
    bool m_open = true;
};

// What a JSON-RPC response to tools/call says, in the run's terms.
void readAnswer(const Json &response, Json &result, bool &isError, QString &code, QString &message)
{
    if (response.contains("error") && response["error"].is_object()) {
        const Json &error = response["error"];
        result = error;
        isError = true;
        const Json data = error.value("data", Json());
        const std::string dataCode = stringOf(data, "code");
        code =
            !dataCode.empty() ? q(dataCode) : QStringLiteral("RPC_%1").arg(error.value("code", 0));
        message = q(stringOf(error, "message"));
        return;
    }
    const Json callResult = response.value("result", Json::object());
    result = callResult.value("structuredContent", Json::object());
    isError = callResult.value("isError", false);
    if (isError) {
        const Json error = result.value("error", Json::object());
        code = q(stringOf(error, "code"));
        message = q(stringOf(error, "message"));
        if (message.isEmpty()) // a tool without structured errors: its text block
            for (const Json &block : callResult.value("content", Json::array()))
                if (block.is_object() && block.value("type", "") == "text")
                    message = q(stringOf(block, "text"));
    }
}

} // namespace

struct EmbeddedToolTesterService::PendingRun
{
    ToolRun run;
    QPointer<QObject> context;
    RunDone done;
    std::unique_ptr<McpSession> session;
    std::string auditSession;
    std::string inFlight; // the JSON-RPC id awaiting its answer
    bool callAnswered = false;
    bool cancelled = false;
    std::chrono::steady_clock::time_point sent;
};

EmbeddedToolTesterService::EmbeddedToolTesterService(QObject *parent)
    : ToolTesterService(parent)
{
}

EmbeddedToolTesterService::~EmbeddedToolTesterService()
{
    detach();
}

QString EmbeddedToolTesterService::osUserName()
{
    for (const char *variable : { "USER", "USERNAME", "LOGNAME" }) {
        const QString name = qEnvironmentVariable(variable);
        if (!name.isEmpty())
            return name;
    }
    return QDir::home().dirName();
}

QString EmbeddedToolTesterService::consoleUser() const
{
    return osUserName();
}

void EmbeddedToolTesterService::attach(McpServer &mcp, PolicyStore &policies,
                                       AuditReader auditReader)
{
    detach();
    m_mcp = &mcp;
    m_policies = &policies;
    m_auditReader = std::move(auditReader);
    m_policyConnection =
        connect(&policies, &PolicyStore::policyChanged, this, &ToolTesterService::catalogueChanged);
    Q_EMIT availabilityChanged(true);
    Q_EMIT catalogueChanged();
}

void EmbeddedToolTesterService::detach()
{
    if (!m_mcp)
        return;
    disconnect(m_policyConnection);
    auto runs = std::move(m_runs);
    m_runs.clear();
    m_mcp = nullptr;
    m_policies = nullptr;
    m_auditReader = nullptr;
    for (auto &[id, pending] : runs) {
        if (pending->session)
            pending->session->close(); // nothing is answered any more
        pending->session.reset();
        if (pending->run.errorMessage.isEmpty() && pending->run.result.is_null()) {
            pending->run.isError = true;
            pending->run.errorCode = QStringLiteral("SERVER_STOPPED");
            pending->run.errorMessage =
                tr("The server stopped before the call finished. Start it again and rerun "
                   "the call.");
        }
        if (pending->context && pending->done)
            pending->done(pending->run);
    }
    Q_EMIT availabilityChanged(false);
}

void EmbeddedToolTesterService::fetchCatalogue(QObject *context, CatalogueDone done)
{
    ToolCatalogue catalogue;
    if (m_mcp) {
        for (const auto &tool : m_mcp->tools().all()) {
            const Json d = tool->definition();
            ToolDescription t;
            t.name = q(tool->name());
            t.title = q(stringOf(d, "title"));
            t.description = q(stringOf(d, "description"));
            t.inputSchema = d.value("inputSchema", Json::object());
            t.outputSchema = d.value("outputSchema", Json());
            catalogue.tools.append(std::move(t));
        }
        if (const auto policy = m_policies->current()) {
            const Json roles = policy->document().value("roles", Json::object());
            if (roles.is_object())
                for (auto it = roles.begin(); it != roles.end(); ++it)
                    catalogue.policyRoles.append(q(it.key()));
            for (const auto &scope : policy->scopesSupported())
                catalogue.policyScopes.append(q(scope));
        }
    }
    // Asynchronous like a remote server's answer: callers never see it inside their own call.
    QMetaObject::invokeMethod(
        this,
        [context = QPointer<QObject>(context), done = std::move(done),
         catalogue = std::move(catalogue)] {
            if (context)
                done(catalogue);
        },
        Qt::QueuedConnection);
}

quint64 EmbeddedToolTesterService::run(const QString &tool, const Json &arguments,
                                       const Impersonation &principal, QObject *context,
                                       RunDone done)
{
    auto pending = std::make_unique<PendingRun>();
    pending->run.tool = tool;
    pending->run.arguments = arguments;
    pending->run.principal = principal;
    pending->run.started = QDateTime::currentDateTimeUtc();
    pending->context = context;
    pending->done = std::move(done);
    const quint64 id = m_nextRun++;

    if (!m_mcp) {
        pending->run.isError = true;
        pending->run.errorCode = QStringLiteral("SERVER_STOPPED");
        pending->run.errorMessage =
            tr("The server is not running. Start it in the Server panel, then run the call.");
        m_runs.emplace(id, std::move(pending));
        QMetaObject::invokeMethod(
            this, [this, id] { finish(id); }, Qt::QueuedConnection);
        return id;
    }

    Principal p;
    p.userId = principal.user.toStdString();
    p.tenantId = principal.tenant.toStdString();
    for (const QString &r : principal.roles)
        p.roles.push_back(r.toStdString());
    for (const QString &s : principal.scopes)
        p.scopes.push_back(s.toStdString());
    p.authMethod = "impersonated";
    p.impersonatedBy = osUserName().toStdString();
    pending->session = m_mcp->createSession(QStringLiteral("console"), p);
    pending->auditSession = pending->session->auditSession();
    McpSession *session = pending->session.get();
    m_runs.emplace(id, std::move(pending));

    // The same handshake a client makes; its answer is synchronous and of no interest here.
    rpc::Message init;
    init.id = "initialize";
    init.method = "initialize";
    init.params = Json { { "protocolVersion", McpSession::latestVersion() },
                         { "capabilities", Json::object() },
                         { "clientInfo",
                           Json { { "name", "warden-console" }, { "version", WARDEN_VERSION } } } };
    session->handle(std::move(init), std::make_shared<CaptureOutbound>([](const Json &) {}));
    rpc::Message initialized;
    initialized.kind = rpc::Message::Kind::Notification;
    initialized.method = "notifications/initialized";
    session->handle(std::move(initialized), nullptr);

    send(id, kCallId, tool.toStdString(), arguments);
    return id;
}

void EmbeddedToolTesterService::cancel(quint64 runId)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end() || it->second->cancelled)
        return;
    PendingRun &pending = *it->second;
    pending.cancelled = true;
    if (pending.session) {
        // As a client cancels: the session stops the request and sends no answer.
        rpc::Message cancelled;
        cancelled.kind = rpc::Message::Kind::Notification;
        cancelled.method = "notifications/cancelled";
        cancelled.params =
            Json { { "requestId", pending.inFlight }, { "reason", "cancelled in the console" } };
        pending.session->handle(std::move(cancelled), nullptr);
        pending.session->close();
        pending.session.reset();
        if (pending.callAnswered)
            pending.run.explainError = tr("cancelled");
    }
    if (!pending.callAnswered) {
        pending.run.isError = true;
        pending.run.errorCode = QStringLiteral("CANCELLED");
        pending.run.errorMessage =
            tr("You cancelled the call. What it did before is in the audit trail.");
    }
    QMetaObject::invokeMethod(
        this, [this, runId] { finish(runId); }, Qt::QueuedConnection);
}

void EmbeddedToolTesterService::send(quint64 id, const char *rpcId, const std::string &tool,
                                     const Json &arguments)
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end() || !it->second->session)
        return;
    rpc::Message call;
    call.id = rpcId;
    call.method = "tools/call";
    call.params = Json { { "name", tool }, { "arguments", arguments } };
    it->second->sent = std::chrono::steady_clock::now();
    it->second->inFlight = rpcId;
    // The answer may come from inside handle() (a refusal) or later: continue from the event
    // loop either way, never inside the session's own call stack.
    auto out = std::make_shared<CaptureOutbound>(
        [this, id, rpc = std::string(rpcId)](const Json &response) {
            QMetaObject::invokeMethod(
                this, [this, id, rpc, response] { onAnswered(id, rpc, response); },
                Qt::QueuedConnection);
        });
    it->second->session->handle(std::move(call), std::move(out));
}

void EmbeddedToolTesterService::onAnswered(quint64 id, const std::string &rpcId,
                                           const Json &response)
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end() || it->second->cancelled)
        return;
    PendingRun &pending = *it->second;
    ToolRun &run = pending.run;
    if (rpcId == kCallId) {
        pending.callAnswered = true;
        run.durationUs = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - pending.sent)
                             .count();
        readAnswer(response, run.result, run.isError, run.errorCode, run.errorMessage);
        if (isQueryLike(run.tool)) {
            send(id, kExplainId, "db_explain",
                 Json { { "tool", run.tool.toStdString() }, { "arguments", run.arguments } });
            return;
        }
    } else {
        Json explained;
        bool failed = false;
        QString code, message;
        readAnswer(response, explained, failed, code, message);
        if (failed) {
            run.explainError = code.isEmpty() ? message : tr("%1: %2").arg(code, message);
        } else {
            run.sql = q(stringOf(explained, "sql"));
            run.parameters = explained.value("parameters", Json::array());
            run.decisions = explained.value("decisions", Json::array());
        }
    }
    readAudit(id);
}

void EmbeddedToolTesterService::readAudit(quint64 id)
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end() || it->second->cancelled)
        return;
    // The calls are answered; the session is done.
    it->second->session->close();
    it->second->session.reset();
    if (!m_auditReader) {
        finish(id);
        return;
    }
    QThreadPool::globalInstance()->start([self = QPointer<EmbeddedToolTesterService>(this), id,
                                          reader = m_auditReader,
                                          session = it->second->auditSession] {
        Json records = Json::array();
        QString error;
        auto query = reader();
        if (!query)
            error = q(query.error().message);
        // A refusal's record is written without waiting (nothing ran): give it a moment.
        for (int attempt = 0; query && attempt < kAuditAttempts; ++attempt) {
            if (attempt > 0)
                QThread::msleep(kAuditRetryMs);
            audit::AuditFilter filter;
            filter.session = session;
            auto page = (*query)->page(filter, std::nullopt, kAuditPage,
                                       audit::AuditQuery::Order::OldestFirst);
            if (!page) {
                error = q(page.error().message);
                break;
            }
            records = Json::array();
            bool complete = false;
            for (const auto &record : page->records)
                if (stringOf(record.body, "rpc_id") == kCallId) {
                    complete = complete || record.body.value("kind", "") != "request";
                    records.push_back(record.body);
                }
            if (complete)
                break;
        }
        // Back on the main thread (through the application object, which outlives this
        // service, so the pointer is only ever read there).
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, id, records = std::move(records), error] {
                if (!self)
                    return;
                const auto found = self->m_runs.find(id);
                if (found == self->m_runs.end())
                    return;
                ToolRun &run = found->second->run;
                run.auditRecords = records;
                run.auditError = error;
                for (const Json &body : records)
                    if (body.value("kind", "") != "request") {
                        run.auditSeq = body.value("seq", std::int64_t(0));
                        // The decisions the call itself took, when db_explain gave none.
                        if (run.decisions.empty() && body.contains("decisions"))
                            run.decisions = body["decisions"];
                    }
                if (run.auditSeq == 0 && run.auditError.isEmpty())
                    run.auditError = tr("The call's audit records were not found in the store.");
                self->finish(id);
            },
            Qt::QueuedConnection);
    });
}

void EmbeddedToolTesterService::finish(quint64 id)
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end())
        return;
    std::unique_ptr<PendingRun> pending = std::move(it->second);
    m_runs.erase(it);
    if (pending->context && pending->done)
        pending->done(pending->run);
}

} // namespace warden
