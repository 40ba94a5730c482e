#pragma once

#include "auth/ProtectedResource.h"
#include "common/Result.h"
#include "config/ServerConfig.h"
#include "limits/Gcra.h"
#include "policy/Principal.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace warden {

namespace auth {
class HttpAuthenticator;
struct AuthFailure;
}

class McpServer;
class McpSession;
class SseStream;

// MCP Streamable HTTP (2025-11-25) on QHttpServer: one endpoint; POST answers JSON, or SSE
// once something precedes the answer; GET opens the session's standalone SSE stream; DELETE
// ends the session. Enforces the transport's security rules: Host and Origin allow-lists
// (DNS rebinding), loopback binding by default, body/header limits and timeouts, and
// authentication of every request (RFC 6750 challenges, RFC 9728 metadata; docs/auth.md).
class HttpTransport : public QObject
{
    Q_OBJECT
public:
    using ResourceProvider = std::function<std::optional<auth::ProtectedResource>()>;

    // `authenticator` decides who each request is; `resource` (OAuth only) describes this
    // server for the metadata endpoint and challenges.
    HttpTransport(McpServer &server, HttpConfig config, std::shared_ptr<auth::HttpAuthenticator> authenticator,
                  ResourceProvider resource = {}, QObject *parent = nullptr);
    ~HttpTransport() override;

    Status listen();
    void close();
    quint16 port() const { return m_port; }
    QString endpoint() const;
    int sessionCount() const { return int(m_sessions.size()); }

    // Called by the HTTP server for each complete request; always handles it.
    void handleRequest(const QHttpServerRequest &request, QTcpSocket *socket);

private:
    class Acceptor;
    class Engine;

    // One request, kept past the QHttpServerRequest while its caller is authenticated.
    struct Call
    {
        QHttpServerRequest::Method method = QHttpServerRequest::Method::Unknown;
        QByteArray contentType, accept, sessionId, protocolVersion, lastEventId, body;
        QHostAddress peer;
        QPointer<QTcpSocket> socket;
        std::unique_ptr<QHttpServerResponder> responder; // taken once, by whoever answers
        Principal principal;

        QHttpServerResponder take() { return std::move(*responder); }
    };

    bool hostAllowed(const QByteArray &host) const;
    bool originAllowed(const QByteArray &origin) const;
    void dispatch(const std::shared_ptr<Call> &call);
    void handlePost(Call &call);
    void handleGet(Call &call);
    void handleDelete(Call &call);
    void serveMetadata(QHttpServerRequest::Method method, Call &call);
    void refuseUnauthenticated(Call &call, const auth::AuthFailure &failure);
    void recordAuthFailures(Json record);
    void recordUnrecordedFailures(); // a summary record of the failures counted so far
    QByteArray metadataUrl() const;
    // Finds the session named by Mcp-Session-Id and owned by this caller, or answers
    // 400/404 and returns null.
    McpSession *sessionFor(Call &call);
    bool protocolVersionOk(Call &call);
    void sweepIdleSessions();
    bool primes(const McpSession &session) const;
    std::function<void(const std::shared_ptr<SseStream> &)> registrarFor(const std::string &sessionId);

    McpServer &m_server;
    HttpConfig m_config;
    std::shared_ptr<auth::HttpAuthenticator> m_auth;
    ResourceProvider m_resource;
    QByteArray m_metadataUrl; // RFC 9728 metadata URL for challenges; empty without OAuth
    // Failed authentications per remote address: each gets an audit record up to a rate; past
    // it they are counted into the next record (and the periodic sweep), so a flood of bad
    // credentials cannot become a flood of durable writes. Answers do not change.
    limits::Gcra m_authFailures { 10000 };
    std::int64_t m_unrecordedFailures = 0;
    std::unique_ptr<Engine> m_engine;
    Acceptor *m_acceptor = nullptr;
    quint16 m_port = 0;
    QHostAddress m_address;
    std::unordered_map<std::string, std::unique_ptr<McpSession>> m_sessions;
    // Resumable SSE streams per session: stream id → stream.
    std::unordered_map<std::string, std::unordered_map<std::string, std::shared_ptr<SseStream>>> m_streams;
    QTimer m_sweepTimer;
};

} // namespace warden
