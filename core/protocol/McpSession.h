#pragma once

#include "JsonRpc.h"
#include "LogLevel.h"
#include "common/Json.h"
#include "policy/Principal.h"
#include "server/ServerInterface.h"

#include <QObject>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace warden {

namespace audit { class AuditKeys; }

class McpServer;
class Outbound;
struct CallRefusal;
class RequestContext;
class SessionLink;

// One MCP session: lifecycle and version negotiation, method dispatch, in-flight requests,
// cancellation, logging level, subscriptions, and requests the server sends to the client.
// Transports feed it classified messages; it never touches sockets or file descriptors.
// Lives on the main thread.
class McpSession : public QObject
{
    Q_OBJECT
public:
    McpSession(McpServer &server, QString transport, Principal principal, std::string id,
               QObject *parent = nullptr);
    ~McpSession() override;

    static const std::vector<std::string> &supportedVersions();
    static const std::string &latestVersion();

    // One inbound message. Requests answer on `out`; notifications and responses ignore it.
    void handle(rpc::Message message, std::shared_ptr<Outbound> out);

    // The channel for messages unrelated to a request (HTTP GET stream; stdout for stdio).
    void setStandalone(std::shared_ptr<Outbound> channel);
    bool hasStandalone() const;
    // Sends an unsolicited notification on the standalone channel, if there is one.
    void notify(const std::string &method, Json params);

    // Cancels everything in flight and refuses further messages.
    void close();
    bool isClosed() const { return m_closed; }

    const std::string &id() const { return m_id; }
    // What audit records carry as `session`: a fingerprint of id(), not usable to join it.
    const std::string &auditSession() const { return m_auditSession; }
    const QString &transport() const { return m_transport; }
    const Principal &principal() const { return m_principal; }
    // The same caller with fresh credentials (HTTP: a new token may carry other scopes or
    // roles); later requests run with it. Callers check the identity matches first.
    void refreshPrincipal(Principal principal) { m_principal = std::move(principal); }
    bool isInitialized() const { return m_initialized; }
    const std::string &protocolVersion() const { return m_protocolVersion; }
    const Json &clientInfo() const { return m_clientInfo; }
    const Json &clientCapabilities() const { return m_clientCapabilities; }
    LogLevel logLevel() const { return m_logLevel; }
    bool isSubscribed(const std::string &uri) const { return m_subscriptions.count(uri) > 0; }
    std::chrono::steady_clock::time_point lastActivity() const { return m_lastActivity; }
    std::size_t inFlightCount() const { return m_inFlight.size(); }
    McpServer &server() { return m_server; }

    // Used by RequestContext on this thread.
    void deliverResponse(RequestContext &ctx, const Json &response, const std::string &outcome);
    void deliverRelated(RequestContext &ctx, const Json &message);
    void sendClientRequest(RequestContext &ctx, const std::string &method, Json params,
                           std::function<void(const Json &, const Json &)> reply);

Q_SIGNALS:
    void requestCompleted(const warden::RequestEvent &event);

private:
    void handleRequest(rpc::Message message, std::shared_ptr<Outbound> out);
    void handleNotification(const rpc::Message &message);
    void handleResponse(const rpc::Message &message);
    void answer(const std::shared_ptr<Outbound> &out, const rpc::Message &request, const Json &response,
                const std::string &outcome, std::chrono::steady_clock::time_point started,
                const struct CallRefusal *refusal = nullptr);
    // Answers a request the CallGate refused, and records the denial in the audit trail.
    void refuse(const std::shared_ptr<Outbound> &out, const rpc::Message &request, const CallRefusal &refusal,
                std::chrono::steady_clock::time_point started);

    using Runner = void (McpSession::*)(const std::shared_ptr<RequestContext> &);
    // Commits the call's request record, then runs it (or refuses it with AUDIT_UNAVAILABLE).
    void startAudited(const std::shared_ptr<RequestContext> &ctx, Runner run);
    void runSimpleCall(const std::shared_ptr<RequestContext> &ctx); // resources/read, prompts/get
    Json auditBase(const RequestContext &ctx) const;
    Json auditBase(const rpc::Message &request) const;
    Json auditArguments(const RequestContext &ctx, const audit::AuditKeys &keys) const;

    Json onInitialize(const Json &params, bool &ok);
    Json onToolsList(const Json &params, bool &ok);
    void onToolsCall(const std::shared_ptr<RequestContext> &ctx);
    Json onResourcesList(const Json &params, bool &ok);
    Json onResourceTemplatesList(const Json &params, bool &ok);
    Json onResourcesRead(const Json &params, bool &ok);
    Json onSubscribe(const Json &params, bool subscribe, bool &ok);
    Json onPromptsList(const Json &params, bool &ok);
    Json onPromptsGet(const Json &params, bool &ok);
    Json onComplete(const Json &params, bool &ok);
    Json onSetLevel(const Json &params, bool &ok);

    static std::string idKey(const Json &id);

    McpServer &m_server;
    QString m_transport;
    Principal m_principal;
    std::string m_id;
    std::string m_auditSession; // fingerprint of m_id for audit records
    std::shared_ptr<SessionLink> m_link;
    bool m_initialized = false;
    bool m_closed = false;
    std::string m_protocolVersion;
    Json m_clientInfo = Json::object();
    Json m_clientCapabilities = Json::object();
    LogLevel m_logLevel = LogLevel::Info;
    std::set<std::string> m_subscriptions;
    std::map<std::string, std::shared_ptr<RequestContext>> m_inFlight;
    struct PendingClientRequest
    {
        std::function<void(const Json &, const Json &)> reply;
        std::weak_ptr<RequestContext> origin;
    };
    std::map<std::string, PendingClientRequest> m_pendingClient;
    std::int64_t m_nextClientRequestId = 1;
    std::shared_ptr<Outbound> m_standalone;
    std::chrono::steady_clock::time_point m_lastActivity;
};

} // namespace warden
