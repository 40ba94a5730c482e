#include "HttpTransport.h"

#include "SocketGuard.h"
#include "SseStream.h"
#include "audit/AuditLog.h"
#include "audit/AuditRecord.h"
#include "auth/HttpAuthenticator.h"
#include "common/StrictJson.h"
#include "protocol/CallGate.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <spdlog/spdlog.h>

namespace warden {
namespace {

const QByteArray kSessionHeader = QByteArrayLiteral("Mcp-Session-Id");
constexpr int kRetryMs = 1000;
const QByteArray kVersionHeader = QByteArrayLiteral("MCP-Protocol-Version");
constexpr char kMetadataPath[] = "/.well-known/oauth-protected-resource";
// Authentication failures per address that get an audit record each: a client's discovery
// request and its mistakes always do; a credential-guessing flood is summarised instead, so
// it cannot turn into a flood of durable writes.
constexpr limits::Rate kAuthFailureRate { 120, 60 };

// A quoted-string for an auth-param (RFC 9110 section 5.6.4); our texts hold no quotes, but
// never let one through.
QByteArray quoted(const std::string &text)
{
    QByteArray out = "\"";
    for (char c : text)
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20)
            out += c;
    return out + "\"";
}

// WWW-Authenticate: Bearer [resource_metadata=..., ][scope=..., ][error=..., error_description=...]
QByteArray bearerChallenge(const QByteArray &metadataUrl, const std::string &scope, const std::string &error,
                           const std::string &description)
{
    QList<QByteArray> params;
    if (!metadataUrl.isEmpty())
        params << "resource_metadata=" + quoted(metadataUrl.toStdString());
    else
        params << "realm=\"warden\"";
    if (!scope.empty())
        params << "scope=" + quoted(scope);
    if (!error.empty()) {
        params << "error=" + quoted(error);
        if (!description.empty())
            params << "error_description=" + quoted(description);
    }
    return "Bearer " + params.join(", ");
}

using HttpStatus = QHttpServerResponder::StatusCode;

HttpStatus statusCode(int code)
{
    return static_cast<HttpStatus>(code);
}

// Media types of an Accept or Content-Type header, lower-cased, parameters dropped.
QList<QByteArray> mediaTypes(const QByteArray &header)
{
    QList<QByteArray> out;
    for (const QByteArray &part : header.split(',')) {
        QByteArray type = part.split(';').first().trimmed().toLower();
        if (!type.isEmpty())
            out.push_back(type);
    }
    return out;
}

bool accepts(const QList<QByteArray> &types, const QByteArray &wanted)
{
    const QByteArray family = wanted.left(wanted.indexOf('/')) + "/*";
    for (const QByteArray &t : types)
        if (t == wanted || t == family || t == "*/*")
            return true;
    return false;
}

// Whether the client listed text/event-stream before application/json (no q-values are used
// by MCP clients; order is the tie-break). SSE is then used even for a plain answer.
bool prefersEventStream(const QList<QByteArray> &types)
{
    for (const QByteArray &t : types) {
        if (t == "text/event-stream")
            return true;
        if (t == "application/json")
            return false;
    }
    return false;
}

bool isLoopbackName(const QString &host)
{
    const QString h = host.toLower();
    return h == QLatin1String("localhost") || h == QLatin1String("127.0.0.1") || h == QLatin1String("::1");
}

} // namespace

// Writes the response to one HTTP request: a JSON body if the answer is the first thing to
// send and the client prefers JSON; otherwise an SSE stream (progress, logs or requests to
// the client came first), registered with the session so it can be resumed.
class HttpExchange : public Outbound
{
public:
    using Registrar = std::function<void(const std::shared_ptr<SseStream> &)>;

    HttpExchange(QHttpServerResponder &&responder, QTcpSocket *socket, QByteArray sessionId, bool preferSse,
                 bool prime, Registrar registrar, QByteArray metadataUrl)
        : m_responder(std::make_unique<QHttpServerResponder>(std::move(responder)))
        , m_socket(socket)
        , m_sessionId(std::move(sessionId))
        , m_preferSse(preferSse)
        , m_prime(prime)
        , m_registrar(std::move(registrar))
        , m_metadataUrl(std::move(metadataUrl))
    {
    }

    // 403 insufficient_scope (RFC 6750 section 3.1) or 429 with Retry-After; once an SSE
    // stream has started the status is sent, so the refusal goes in the stream instead.
    void refuse(const Json &response, const CallRefusal &refusal) override
    {
        // Budgets are the caller's business like any tool error: an ordinary 200 answer.
        const bool httpStatus = refusal.code == ErrorCode::InsufficientScope || refusal.code == ErrorCode::RateLimited;
        if (!httpStatus || m_done || m_stream || !m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
            finish(response);
            return;
        }
        m_done = true;
        const bool scope = refusal.code == ErrorCode::InsufficientScope;
        const std::string body = StrictJson::dump(response);
        m_responder->writeStatusLine(statusCode(scope ? 403 : 429));
        m_responder->writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        m_responder->writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(qsizetype(body.size())));
        if (scope)
            m_responder->writeHeader(QByteArrayLiteral("WWW-Authenticate"),
                                     bearerChallenge(m_metadataUrl, refusal.scope, "insufficient_scope",
                                                     "this call needs the scope " + refusal.scope));
        else
            m_responder->writeHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(refusal.retryAfterSeconds()));
        if (!m_sessionId.isEmpty())
            m_responder->writeHeader(kSessionHeader, m_sessionId);
        m_responder->writeBody(body.data(), qint64(body.size()));
        m_socket->flush();
        if (auto *guard = SocketGuard::of(m_socket))
            guard->responseDone();
    }

    void send(const Json &message) override
    {
        if (m_done)
            return;
        stream().append(QByteArray::fromStdString(StrictJson::dump(message)));
    }

    void finish(const Json &response) override
    {
        if (m_done)
            return;
        m_done = true;
        // A failed initialize created no session: naming one would send the client to a 404.
        if (!m_stream && response.contains("error"))
            m_sessionId.clear();
        const std::string body = StrictJson::dump(response);
        if (!m_stream && !m_preferSse) {
            if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
                return;
            m_responder->writeStatusLine(HttpStatus::Ok);
            m_responder->writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
            m_responder->writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(qsizetype(body.size())));
            if (!m_sessionId.isEmpty())
                m_responder->writeHeader(kSessionHeader, m_sessionId);
            m_responder->writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
            m_responder->writeBody(body.data(), qint64(body.size()));
            m_socket->flush(); // now, not on the next event-loop pass
            if (auto *guard = SocketGuard::of(m_socket))
                guard->responseDone();
            return;
        }
        stream().finish(QByteArray::fromStdString(body));
    }

    void abandon() override
    {
        if (m_done)
            return;
        m_done = true;
        stream().abandon();
    }

    bool isOpen() const override
    {
        if (m_done)
            return false;
        if (m_stream)
            return true; // detached streams keep logging for a resuming client
        return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
    }

    void disconnectForResumption() override
    {
        if (!m_done)
            stream().detach();
    }

private:
    SseStream &stream()
    {
        if (!m_stream) {
            m_stream = std::make_shared<SseStream>(false, m_prime, kRetryMs);
            m_stream->attach(std::make_unique<SseWriter>(std::move(*m_responder), m_socket, m_sessionId), std::nullopt);
            if (m_registrar)
                m_registrar(m_stream);
        }
        return *m_stream;
    }

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_sessionId;
    bool m_preferSse;
    bool m_prime;
    Registrar m_registrar;
    QByteArray m_metadataUrl;
    std::shared_ptr<SseStream> m_stream;
    bool m_done = false;
};

// The session's standalone stream (GET without Last-Event-ID) seen as an Outbound.
class StandaloneOutbound : public Outbound
{
public:
    explicit StandaloneOutbound(std::shared_ptr<SseStream> stream) : m_stream(std::move(stream)) {}
    void send(const Json &message) override { m_stream->append(QByteArray::fromStdString(StrictJson::dump(message))); }
    void finish(const Json &message) override { send(message); }
    void abandon() override { m_stream->abandon(); }
    bool isOpen() const override { return !m_stream->isFinished() && m_stream->isAttached(); }

private:
    std::shared_ptr<SseStream> m_stream;
};

// Accepts connections and puts a SocketGuard on each before QHttpServer sees it.
class HttpTransport::Acceptor : public QTcpServer
{
public:
    Acceptor(SocketGuard::Limits limits, QObject *parent) : QTcpServer(parent), m_limits(limits) {}

protected:
    void incomingConnection(qintptr handle) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        auto *guard = new SocketGuard(socket, m_limits);
        // QAbstractHttpServer takes the socket, and connects its readyRead handler, from
        // pendingConnectionAvailable, which addPendingConnection emits before it returns.
        addPendingConnection(socket);
        guard->watchAfterHandlers();
    }

private:
    SocketGuard::Limits m_limits;
};

class HttpTransport::Engine : public QAbstractHttpServer
{
public:
    explicit Engine(HttpTransport &transport) : m_transport(transport) {}
    static QHttpServerResponder responderFor(const QHttpServerRequest &request, QTcpSocket *socket)
    {
        return makeResponder(request, socket);
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        m_transport.handleRequest(request, socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}

private:
    HttpTransport &m_transport;
};

namespace {

// A complete non-2xx answer with a JSON-RPC error body (id null: the transport refused the
// message before reading it as a request).
void replyError(QHttpServerResponder &&responder, int status, int rpcCode, const std::string &message,
                std::initializer_list<std::pair<QByteArray, QByteArray>> extraHeaders = {})
{
    const std::string body = StrictJson::dump(rpc::makeError(nullptr, rpcCode, message));
    responder.writeStatusLine(statusCode(status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(qsizetype(body.size())));
    for (const auto &[k, v] : extraHeaders)
        responder.writeHeader(k, v);
    responder.writeBody(body.data(), qint64(body.size()));
    // The connection waits for its next request again: idle and header timeouts apply.
    if (auto *guard = SocketGuard::of(responder.socket()))
        guard->responseDone();
}

void replyEmpty(QHttpServerResponder &&responder, int status)
{
    responder.writeStatusLine(statusCode(status));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArrayLiteral("0"));
    responder.writeBody(QByteArray());
    if (auto *guard = SocketGuard::of(responder.socket()))
        guard->responseDone();
}

} // namespace

HttpTransport::HttpTransport(McpServer &server, HttpConfig config, std::shared_ptr<auth::HttpAuthenticator> authenticator,
                             ResourceProvider resource, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_config(std::move(config))
    , m_auth(std::move(authenticator))
    , m_resource(std::move(resource))
{
    // The resource identifier is fixed for the transport's life (only its scopes follow the
    // policy), so every exchange shares one URL instead of building it per request.
    if (const auto r = m_resource ? m_resource() : std::nullopt)
        m_metadataUrl = QByteArray::fromStdString(r->metadataUrl());
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpTransport::sweepIdleSessions);
}

HttpTransport::~HttpTransport()
{
    close();
}

Status HttpTransport::listen()
{
    QHostAddress address;
    if (!address.setAddress(m_config.address))
        return Error(ErrorCode::ConfigInvalid,
                     "transports.http.listen: \"" + m_config.address.toStdString() + "\" is not an IP address");
    if (!address.isLoopback() && !m_auth->required() && !m_config.allowRemote)
        return Error(ErrorCode::ConfigInvalid,
                     "refusing to listen on " + m_config.address.toStdString()
                         + ": it is reachable from other machines and no authentication is configured. "
                           "Listen on 127.0.0.1, configure authentication, or set transports.http.allow_remote "
                           "to true if another layer authenticates callers");
    SocketGuard::Limits limits;
    limits.maxBodyBytes = m_config.maxBodyBytes;
    limits.requestTimeoutMs = m_config.headerTimeoutMs;
    limits.idleTimeoutMs = m_config.idleTimeoutMs;
    m_engine = std::make_unique<Engine>(*this);
    m_acceptor = new Acceptor(limits, m_engine.get());
    if (!m_acceptor->listen(address, quint16(m_config.port))) {
        const std::string why = m_acceptor->errorString().toStdString();
        m_engine.reset();
        m_acceptor = nullptr;
        return Error(ErrorCode::Unavailable,
                     "cannot listen on " + m_config.address.toStdString() + ":" + std::to_string(m_config.port)
                         + " (" + why + "); choose another port (transports.http.listen in the configuration, "
                                        "--http for warden-server, --port for the console) or stop the program using it");
    }
    m_engine->bind(m_acceptor);
    m_address = address;
    m_port = m_acceptor->serverPort();
    m_sweepTimer.start(std::min(60000, std::max(1000, m_config.sessionIdleTimeoutMs / 4)));
    spdlog::info("MCP Streamable HTTP listening on {}", endpoint().toStdString());
    return {};
}

void HttpTransport::close()
{
    m_sweepTimer.stop();
    if (m_unrecordedFailures > 0)
        recordUnrecordedFailures();
    for (auto &[id, session] : m_sessions)
        session->close();
    m_sessions.clear();
    m_streams.clear();
    m_engine.reset();
    m_acceptor = nullptr;
    m_port = 0;
}

QString HttpTransport::endpoint() const
{
    if (!m_port)
        return {};
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + m_address.toString() + QLatin1Char(']')
        : m_address.toString();
    return QStringLiteral("http://") + host + QLatin1Char(':') + QString::number(m_port) + QStringLiteral("/mcp");
}

bool HttpTransport::hostAllowed(const QByteArray &host) const
{
    if (host.isEmpty())
        return false;
    const QUrl url(QStringLiteral("http://") + QString::fromLatin1(host));
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() || (!url.path().isEmpty()))
        return false;
    const QString name = url.host();
    if (isLoopbackName(name))
        return true;
    if (name.compare(m_address.toString(), Qt::CaseInsensitive) == 0 && m_address != QHostAddress(QHostAddress::Any) && m_address != QHostAddress(QHostAddress::AnyIPv6))
        return true;
    for (const QString &allowed : m_config.allowedHosts)
        if (allowed.compare(name, Qt::CaseInsensitive) == 0 || allowed.compare(QString::fromLatin1(host), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool HttpTransport::originAllowed(const QByteArray &origin) const
{
    const QString text = QString::fromLatin1(origin);
    for (const QString &allowed : m_config.allowedOrigins)
        if (allowed.compare(text, Qt::CaseInsensitive) == 0)
            return true;
    const QUrl url(text);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return false;
    return isLoopbackName(url.host());
}

void HttpTransport::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (auto *guard = SocketGuard::of(socket))
        guard->requestArrived();
    auto call = std::make_shared<Call>();
    call->responder = std::make_unique<QHttpServerResponder>(Engine::responderFor(request, socket));
    call->socket = socket;
    auto refuse = [&](int status, const std::string &message,
                      std::initializer_list<std::pair<QByteArray, QByteArray>> headers = {}) {
        replyError(call->take(), status, rpc::ConnectionClosed, message, headers);
    };

    // DNS rebinding: a browser page on another name must not reach a loopback server.
    if (!hostAllowed(request.value(QByteArrayLiteral("Host")))) {
        refuse(403, "Forbidden: Host header not allowed; add the name to transports.http.allowed_hosts");
        return;
    }
    const QByteArray origin = request.value(QByteArrayLiteral("Origin"));
    if (!origin.isEmpty() && !originAllowed(origin)) {
        refuse(403, "Forbidden: Origin not allowed; add it to transports.http.allowed_origins");
        return;
    }
    const QString path = request.url().path();
    if (path == QLatin1String(kMetadataPath) || path == QLatin1String(kMetadataPath) + QLatin1String("/mcp")) {
        serveMetadata(request.method(), *call);
        return;
    }
    if (path != QLatin1String("/mcp")) {
        refuse(404, "Not Found: the MCP endpoint is /mcp");
        return;
    }
    if (request.body().size() > m_config.maxBodyBytes) {
        refuse(413, "Request body too large: the limit is set by transports.http.max_body_bytes");
        return;
    }
    const auto method = request.method();
    if (method != QHttpServerRequest::Method::Post && method != QHttpServerRequest::Method::Get
        && method != QHttpServerRequest::Method::Delete) {
        refuse(405, "Method Not Allowed: use POST, GET or DELETE", {{QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, POST, DELETE")}});
        return;
    }
    call->method = method;
    call->contentType = request.value(QByteArrayLiteral("Content-Type"));
    call->accept = request.value(QByteArrayLiteral("Accept"));
    call->sessionId = request.value(kSessionHeader);
    call->protocolVersion = request.value(kVersionHeader);
    call->lastEventId = request.value(QByteArrayLiteral("Last-Event-ID"));
    call->body = request.body();
    call->peer = request.remoteAddress();
    QList<QByteArray> authorization;
    for (const auto &[name, value] : request.headers())
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0)
            authorization.push_back(value);
    const bool queryHasToken = request.query().hasQueryItem(QStringLiteral("access_token"));

    // Every request authenticates on its own; a session id is never a credential.
    QPointer<HttpTransport> self(this);
    m_auth->authenticate(authorization, queryHasToken, [self, call](const auth::AuthResult &result) {
        if (!self || !call->socket || call->socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (const auto *failure = std::get_if<auth::AuthFailure>(&result)) {
            self->refuseUnauthenticated(*call, *failure);
            return;
        }
        call->principal = std::get<Principal>(result);
        self->dispatch(call);
    });
}

void HttpTransport::dispatch(const std::shared_ptr<Call> &call)
{
    switch (call->method) {
    case QHttpServerRequest::Method::Post:
        handlePost(*call);
        return;
    case QHttpServerRequest::Method::Get:
        handleGet(*call);
        return;
    default:
        handleDelete(*call);
        return;
    }
}

QByteArray HttpTransport::metadataUrl() const
{
    return m_metadataUrl;
}

void HttpTransport::serveMetadata(QHttpServerRequest::Method method, Call &call)
{
    const auto resource = m_resource ? m_resource() : std::nullopt;
    if (!resource) {
        replyError(call.take(), 404, rpc::ConnectionClosed,
                   "Not Found: this server does not use OAuth, so it publishes no protected-resource metadata");
        return;
    }
    if (method != QHttpServerRequest::Method::Get) {
        replyError(call.take(), 405, rpc::ConnectionClosed, "Method Not Allowed: use GET",
                   {{QByteArrayLiteral("Allow"), QByteArrayLiteral("GET")}});
        return;
    }
    const std::string body = StrictJson::dump(resource->document());
    QHttpServerResponder responder = call.take();
    responder.writeStatusLine(HttpStatus::Ok);
    responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(qsizetype(body.size())));
    responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("max-age=300"));
    responder.writeBody(body.data(), qint64(body.size()));
    if (auto *guard = SocketGuard::of(call.socket))
        guard->responseDone();
}

void HttpTransport::recordAuthFailures(Json record)
{
    const auto log = m_server.auditLog();
    if (!log)
        return;
    record["kind"] = std::string(audit::kind::AuthFailure);
    record["transport"] = "http";
    record["outcome"] = "error";
    record["policy_version"] = m_server.policyVersion();
    if (m_unrecordedFailures > 0) {
        // Failures past an address's rate since the last record, all addresses together.
        record["details"]["unrecorded_failures"] = m_unrecordedFailures;
        m_unrecordedFailures = 0;
    }
    // Not awaited: nothing is released but the refusal.
    log->append(std::move(record), [](const Result<std::int64_t> &r) {
        if (!r)
            spdlog::error("audit: an authentication failure could not be recorded: {}", r.error().message);
    });
}

void HttpTransport::recordUnrecordedFailures()
{
    recordAuthFailures(Json{{"error_code", "unauthenticated"}, {"details", Json{{"reason", "throttled"}}}});
}

void HttpTransport::refuseUnauthenticated(Call &call, const auth::AuthFailure &failure)
{
    const std::string address = call.peer.toString().toStdString();
    if (!m_authFailures.admit(address, kAuthFailureRate, limits::Gcra::Clock::now()).allowed)
        ++m_unrecordedFailures;
    else {
        // Who tried and why; never what they presented.
        Json record = Json::object();
        record["error_code"] = failure.status == 400 ? "invalid_request" : failure.error.empty() ? "unauthenticated" : failure.error;
        record["details"] = Json{{"status", failure.status},
                                 {"reason", failure.reason},
                                 {"scheme", failure.scheme},
                                 {"remote", address}};
        recordAuthFailures(std::move(record));
    }
    const auto resource = m_resource ? m_resource() : std::nullopt;
    std::string scope;
    if (resource && failure.status == 401) {
        for (const auto &s : resource->scopes)
            scope += (scope.empty() ? "" : " ") + s;
    }
    const QByteArray challenge = bearerChallenge(metadataUrl(), scope, failure.error, failure.description);
    if (failure.status == 503) {
        replyError(call.take(), 503, rpc::ConnectionClosed, "Service Unavailable: " + failure.description,
                   {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}});
        return;
    }
    const std::string text = failure.status == 400 ? "Bad Request: " + failure.description
                                                    : "Unauthorized: " + failure.description;
    replyError(call.take(), failure.status, rpc::ConnectionClosed, text,
               {{QByteArrayLiteral("WWW-Authenticate"), challenge}});
}

McpSession *HttpTransport::sessionFor(Call &call)
{
    const QByteArray &id = call.sessionId;
    if (id.isEmpty()) {
        replyError(call.take(), 400, rpc::ConnectionClosed,
                   "Bad Request: Mcp-Session-Id header is required; send initialize first to get one");
        return nullptr;
    }
    const auto it = m_sessions.find(id.toStdString());
    // A session belongs to the caller that created it: anyone else is told it does not
    // exist, exactly as for an unknown id, so ids cannot be probed or borrowed.
    if (it == m_sessions.end() || !auth::HttpAuthenticator::sameCaller(it->second->principal(), call.principal)) {
        replyError(call.take(), 404, rpc::ConnectionClosed,
                   "Session not found: it ended or never existed; initialize a new session");
        return nullptr;
    }
    it->second->refreshPrincipal(call.principal);
    return it->second.get();
}

bool HttpTransport::protocolVersionOk(Call &call)
{
    const QByteArray &v = call.protocolVersion;
    if (v.isEmpty())
        return true; // the spec says to assume 2025-03-26, which we support
    const auto &versions = McpSession::supportedVersions();
    if (std::find(versions.begin(), versions.end(), v.toStdString()) != versions.end())
        return true;
    std::string supported;
    for (const auto &s : versions)
        supported += (supported.empty() ? "" : ", ") + s;
    replyError(call.take(), 400, rpc::ConnectionClosed,
               "Bad Request: Unsupported protocol version: " + v.toStdString() + " (supported versions: " + supported + ")");
    return false;
}

void HttpTransport::handlePost(Call &call)
{
    QTcpSocket *socket = call.socket;
    const auto contentType = mediaTypes(call.contentType);
    if (contentType.isEmpty() || contentType.first() != "application/json") {
        replyError(call.take(), 415, rpc::ConnectionClosed,
                   "Unsupported Media Type: Content-Type must be application/json");
        return;
    }
    const auto accept = mediaTypes(call.accept);
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
        replyError(call.take(), 406, rpc::ConnectionClosed,
                   "Not Acceptable: Accept must list both application/json and text/event-stream");
        return;
    }
    const QByteArray &body = call.body;
    JsonLimits limits;
    limits.maxBytes = std::size_t(m_config.maxBodyBytes);
    auto parsed = StrictJson::parse(std::string_view(body.constData(), std::size_t(body.size())), limits);
    if (!parsed) {
        replyError(call.take(), 400, rpc::ParseError, "Parse error: " + parsed.error().message);
        return;
    }
    rpc::Message message;
    Json invalid;
    if (!rpc::classify(*parsed, message, invalid)) {
        const std::string body = StrictJson::dump(invalid);
        QHttpServerResponder responder = call.take();
        responder.writeStatusLine(HttpStatus::BadRequest);
        responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(qsizetype(body.size())));
        responder.writeBody(body.data(), qint64(body.size()));
        if (auto *guard = SocketGuard::of(socket))
            guard->responseDone();
        return;
    }

    const bool isInitialize = message.kind == rpc::Message::Kind::Request && message.method == "initialize";
    if (isInitialize) {
        if (int(m_sessions.size()) >= m_config.maxSessions) {
            sweepIdleSessions();
            if (int(m_sessions.size()) >= m_config.maxSessions) {
                replyError(call.take(), 503, rpc::ConnectionClosed,
                           "Service Unavailable: too many open sessions; end idle sessions with DELETE or retry later",
                           {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5")}});
                return;
            }
        }
        auto session = m_server.createSession(QStringLiteral("http"), call.principal);
        McpSession *raw = session.get();
        const QByteArray sid = QByteArray::fromStdString(raw->id());
        const bool sse = prefersEventStream(accept);
        auto exchange = std::make_shared<HttpExchange>(call.take(), socket, sid, sse, false, registrarFor(raw->id()),
                                                       metadataUrl());
        raw->handle(std::move(message), exchange);
        if (raw->isInitialized())
            m_sessions.emplace(raw->id(), std::move(session));
        return;
    }

    McpSession *session = sessionFor(call);
    if (!session || !protocolVersionOk(call))
        return;
    if (message.kind != rpc::Message::Kind::Request) {
        session->handle(std::move(message), nullptr);
        replyEmpty(call.take(), 202);
        return;
    }
    auto exchange = std::make_shared<HttpExchange>(call.take(), socket, QByteArray::fromStdString(session->id()),
                                                   prefersEventStream(accept), primes(*session),
                                                   registrarFor(session->id()), metadataUrl());
    session->handle(std::move(message), exchange);
}

void HttpTransport::handleGet(Call &call)
{
    QTcpSocket *socket = call.socket;
    const auto accept = mediaTypes(call.accept);
    if (!accepts(accept, "text/event-stream")) {
        replyError(call.take(), 406, rpc::ConnectionClosed,
                   "Not Acceptable: Accept must include text/event-stream");
        return;
    }
    McpSession *session = sessionFor(call);
    if (!session || !protocolVersionOk(call))
        return;
    const QByteArray sid = QByteArray::fromStdString(session->id());
    auto &streams = m_streams[session->id()];

    // Resumption: replay what a dropped stream missed, then follow it live.
    const QByteArray &lastEventId = call.lastEventId;
    if (!lastEventId.isEmpty()) {
        std::string streamId;
        std::uint64_t seq = 0;
        const auto it = SseStream::parseEventId(lastEventId, streamId, seq) ? streams.find(streamId) : streams.end();
        if (it == streams.end()) {
            replyError(call.take(), 404, rpc::ConnectionClosed,
                       "Not Found: no stream to resume for this Last-Event-ID");
            return;
        }
        auto stream = it->second;
        stream->attach(std::make_unique<SseWriter>(call.take(), socket, sid), seq);
        if (stream->isSettled() && !stream->isStandalone())
            streams.erase(it);
        return;
    }

    if (session->hasStandalone()) {
        replyError(call.take(), 409, rpc::ConnectionClosed,
                   "Conflict: this session already has an open GET stream");
        return;
    }
    auto stream = std::make_shared<SseStream>(true, primes(*session), kRetryMs);
    stream->attach(std::make_unique<SseWriter>(call.take(), socket, sid), std::nullopt);
    streams[stream->id()] = stream;
    session->setStandalone(std::make_shared<StandaloneOutbound>(stream));
}

bool HttpTransport::primes(const McpSession &session) const
{
    return session.protocolVersion() >= "2025-11-25";
}

std::function<void(const std::shared_ptr<SseStream> &)> HttpTransport::registrarFor(const std::string &sessionId)
{
    QPointer<HttpTransport> self(this);
    return [self, sessionId](const std::shared_ptr<SseStream> &stream) {
        if (!self)
            return;
        auto &streams = self->m_streams[sessionId];
        // Drop logs nobody can need any more before adding one.
        for (auto it = streams.begin(); it != streams.end();)
            it = it->second->isSettled() ? streams.erase(it) : std::next(it);
        constexpr std::size_t kMaxStreams = 256;
        if (streams.size() >= kMaxStreams)
            streams.erase(streams.begin());
        streams[stream->id()] = stream;
    };
}

void HttpTransport::handleDelete(Call &call)
{
    McpSession *session = sessionFor(call);
    if (!session || !protocolVersionOk(call))
        return;
    const std::string id = session->id();
    auto owned = std::move(m_sessions.at(id));
    m_sessions.erase(id);
    m_streams.erase(id);
    owned->close();
    replyEmpty(call.take(), 200);
}

void HttpTransport::sweepIdleSessions()
{
    if (m_unrecordedFailures > 0) // a flood that stopped still leaves its count in the trail
        recordUnrecordedFailures();
    const auto now = std::chrono::steady_clock::now();
    const auto limit = std::chrono::milliseconds(m_config.sessionIdleTimeoutMs);
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        McpSession &s = *it->second;
        if (s.inFlightCount() == 0 && !s.hasStandalone() && now - s.lastActivity() > limit) {
            s.close();
            m_streams.erase(it->first);
            it = m_sessions.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace warden
