#pragma once

#include "common/Result.h"
#include "config/ServerConfig.h"
#include "policy/Principal.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <functional>

#include <memory>
#include <string>
#include <unordered_map>

class QHttpServerRequest;
class QTcpSocket;

namespace warden {

class McpServer;
class McpSession;
class SseStream;

// MCP Streamable HTTP (2025-11-25) on QHttpServer: one endpoint; POST answers JSON, or SSE
// once something precedes the answer; GET opens the session's standalone SSE stream; DELETE
// ends the session. Enforces the transport's security rules: Host and Origin allow-lists
// (DNS rebinding), loopback binding by default, body/header limits and timeouts.
class HttpTransport : public QObject
{
    Q_OBJECT
public:
    HttpTransport(McpServer &server, HttpConfig config, Principal principal, bool authenticationConfigured,
                  QObject *parent = nullptr);
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

    bool hostAllowed(const QByteArray &host) const;
    bool originAllowed(const QByteArray &origin) const;
    void handlePost(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleGet(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleDelete(const QHttpServerRequest &request, QTcpSocket *socket);
    // Finds the session named by Mcp-Session-Id, or answers 400/404 and returns null.
    McpSession *sessionFor(const QHttpServerRequest &request, QTcpSocket *socket);
    bool protocolVersionOk(const QHttpServerRequest &request, QTcpSocket *socket);
    void sweepIdleSessions();
    bool primes(const McpSession &session) const;
    std::function<void(const std::shared_ptr<SseStream> &)> registrarFor(const std::string &sessionId);

    McpServer &m_server;
    HttpConfig m_config;
    Principal m_principal;
    bool m_authConfigured;
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
