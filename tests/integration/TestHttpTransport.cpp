// A real HttpTransport on 127.0.0.1 (port 0) spoken to with raw QTcpSocket requests, so
// every header and every byte is under the test's control: sessions, header rules, DNS
// rebinding, limits and timeouts, SSE framing, the standalone stream and resumption
// (mcp-protocol.md §1.11, conformance-spec.md §2).
#include "auth/HttpAuthenticator.h"
#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/RequestContext.h"
#include "protocol/ResourceCatalog.h"
#include "tools/Tool.h"
#include "tools/ToolRegistry.h"
#include "transport/HttpTransport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace warden;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

// One HTTP request, written by hand.
struct Request
{
    QByteArray method = "POST";
    QByteArray path = "/mcp";
    Headers headers;
    QByteArray body;
    bool contentLength = true;

    Request &set(const QByteArray &name, const QByteArray &value)
    {
        remove(name);
        headers.push_back({ name, value });
        return *this;
    }
    Request &remove(const QByteArray &name)
    {
        headers.removeIf(
            [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        return *this;
    }
    QByteArray head() const
    {
        QByteArray out = method + ' ' + path + " HTTP/1.1\r\n";
        for (const auto &[k, v] : headers)
            out += k + ": " + v + "\r\n";
        if (contentLength && (method == "POST" || !body.isEmpty()))
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        return out + "\r\n";
    }
    QByteArray raw() const { return head() + body; }
};

// What arrived for one response so far: status, headers, and the body (de-chunked).
struct Response
{
    int status = 0;
    Headers headers;
    QByteArray body;
    bool headersDone = false;
    bool complete = false; // Content-Length reached, or the terminating chunk arrived
    bool chunked = false;
    qsizetype consumed = 0; // bytes of the connection this response used up

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
    int headerCount(const QByteArray &name) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
        return n;
    }
    Json json() const
    {
        auto r = StrictJson::parse(std::string_view(body.constData(), std::size_t(body.size())));
        return r ? *r : Json(nullptr);
    }
};

Response parseResponse(const QByteArray &data)
{
    Response r;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return r;
    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() >= 2)
        r.status = statusLine[1].toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.push_back(
                { lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed() });
    }
    r.headersDone = true;
    qsizetype pos = end + 4;
    r.chunked = r.header("Transfer-Encoding").toLower().contains("chunked");
    if (r.chunked) {
        for (;;) {
            const qsizetype lineEnd = data.indexOf("\r\n", pos);
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qsizetype size = data.mid(pos, lineEnd - pos).trimmed().toLongLong(&ok, 16);
            if (!ok)
                break;
            if (size == 0) {
                if (data.size() >= lineEnd + 4) {
                    r.complete = true;
                    r.consumed = lineEnd + 4;
                }
                break;
            }
            if (data.size() < lineEnd + 2 + size + 2)
                break;
            r.body += data.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        return r;
    }
    const qsizetype length = r.header("Content-Length").toLongLong();
    r.body = data.mid(pos, length);
    if (data.size() - pos >= length) {
        r.complete = true;
        r.consumed = pos + length;
    }
    return r;
}

struct SseEvent
{
    QByteArray raw;
    QByteArray id;
    QByteArray event;
    QByteArray retry;
    QByteArray data;
    bool hasData = false;
    Json json() const
    {
        auto r = StrictJson::parse(std::string_view(data.constData(), std::size_t(data.size())));
        return r ? *r : Json(nullptr);
    }
};

// Complete events of an SSE body; comments (": keep-alive") are skipped.
QList<SseEvent> sseEvents(const QByteArray &body)
{
    QList<SseEvent> out;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype end = body.indexOf("\n\n", pos);
        if (end < 0)
            break;
        SseEvent e;
        e.raw = body.mid(pos, end - pos);
        pos = end + 2;
        bool onlyComments = true;
        for (const QByteArray &line : e.raw.split('\n')) {
            if (line.startsWith(':'))
                continue;
            onlyComments = false;
            const qsizetype colon = line.indexOf(':');
            const QByteArray field = colon < 0 ? line : line.left(colon);
            QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (field == "id")
                e.id = value;
            else if (field == "event")
                e.event = value;
            else if (field == "retry")
                e.retry = value;
            else if (field == "data") {
                e.data += (e.hasData ? "\n" : "") + value;
                e.hasData = true;
            }
        }
        if (!onlyComments)
            out.push_back(e);
    }
    return out;
}

bool waitUntil(const std::function<bool()> &done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QTest::qWait(2);
    }
    return true;
}

// One TCP connection to the server, read from inside the test's event loop (the server
// lives on the same thread).
class Client
{
public:
    explicit Client(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_data += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
            if (m_socket.isOpen())
                m_data += m_socket.readAll();
            m_closed = true;
        });
        QObject::connect(&m_socket, &QTcpSocket::errorOccurred, &m_socket,
                         [this](QAbstractSocket::SocketError) {
                             if (m_socket.state() != QAbstractSocket::ConnectedState)
                                 m_closed = true;
                         });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        waitUntil(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState || m_closed; },
            5000);
    }

    bool isConnected() const
    {
        return m_socket.state() == QAbstractSocket::ConnectedState && !m_closed;
    }
    bool isClosed() const { return m_closed; }
    QTcpSocket &socket() { return m_socket; }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // What arrived for the current response so far.
    Response current() const { return parseResponse(m_data); }

    // Waits for a complete response (or the connection closing) and consumes it.
    Response response(int ms = 5000)
    {
        waitUntil([this] { return parseResponse(m_data).complete || m_closed; }, ms);
        Response r = parseResponse(m_data);
        if (r.complete)
            m_data.remove(0, r.consumed);
        return r;
    }
    bool waitFor(const std::function<bool(const Response &)> &pred, int ms = 5000)
    {
        return waitUntil([&] { return pred(parseResponse(m_data)); }, ms);
    }
    bool waitClosed(int ms)
    {
        return waitUntil([this] { return m_closed; }, ms);
    }
    void close() { m_socket.abort(); }

private:
    QTcpSocket m_socket;
    QByteArray m_data;
    bool m_closed = false;
};

class LambdaTool : public Tool
{
public:
    using Call = std::function<void(const std::shared_ptr<RequestContext> &, const Json &)>;
    LambdaTool(std::string name, Call call)
        : m_name(std::move(name))
        , m_call(std::move(call))
    {
    }
    std::string name() const override { return m_name; }
    Json definition() const override
    {
        return Json { { "name", m_name },
                      { "description", "test tool" },
                      { "inputSchema", Json { { "type", "object" } } } };
    }
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override
    {
        m_call(ctx, arguments);
    }

private:
    std::string m_name;
    Call m_call;
};

std::int64_t residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

QByteArray dumpBytes(const Json &j)
{
    return QByteArray::fromStdString(StrictJson::dump(j));
}

constexpr std::int64_t kMaxBody = 64 * 1024;
constexpr int kHeaderTimeoutMs = 400;
constexpr int kIdleTimeoutMs = 700;

} // namespace

class TestHttpTransport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<McpServer> m_server;
    std::unique_ptr<HttpTransport> m_http;
    quint16 m_port = 0;
    int m_cancelled = 0;
    QObject m_timers; // context for the tools' timers; deleting it stops them

    std::unique_ptr<McpServer> makeServer()
    {
        auto tools = std::make_unique<ToolRegistry>();
        tools->add(std::make_shared<LambdaTool>("echo", [](const auto &ctx, const Json &args) {
            ctx->respondToolResult(Json { { "echo", args } });
        }));
        // Progress now, more progress 200 ms later, the answer 500 ms later.
        tools->add(std::make_shared<LambdaTool>("progress", [this](const auto &ctx, const Json &) {
            ctx->progress(0, 100, "started");
            QTimer::singleShot(200, &m_timers, [ctx] { ctx->progress(50, 100); });
            QTimer::singleShot(500, &m_timers, [ctx] {
                ctx->progress(100, 100);
                ctx->respondToolResult(Json { { "done", true } });
            });
        }));
        // Answers after arguments.ms (default 300); counts cancellations.
        tools->add(std::make_shared<LambdaTool>("wait", [this](const auto &ctx, const Json &args) {
            ctx->setCancelHandler([this] { ++m_cancelled; });
            QTimer::singleShot(args.value("ms", 300), &m_timers, [ctx] {
                ctx->respondToolResult(Json { { "waited", true } });
            });
        }));
        // Progress, then drops the POST stream (SEP-1699 polling); more progress and the
        // answer follow after arguments.ms (default 500) while the client is away.
        tools->add(
            std::make_shared<LambdaTool>("reconnect", [this](const auto &ctx, const Json &args) {
                ctx->progress(1);
                QTimer::singleShot(50, &m_timers, [ctx] {
                    if (ctx->outbound())
                        ctx->outbound()->disconnectForResumption();
                });
                QTimer::singleShot(args.value("ms", 500), &m_timers, [ctx] {
                    ctx->progress(2);
                    ctx->respondToolResult(Json { { "reconnected", true } });
                });
            }));
        McpServer::Options options;
        return std::make_unique<McpServer>(options, std::move(tools), nullptr, nullptr);
    }

    static HttpConfig config()
    {
        HttpConfig c;
        c.enabled = true;
        c.address = QStringLiteral("127.0.0.1");
        c.port = 0;
        c.maxBodyBytes = kMaxBody;
        c.headerTimeoutMs = kHeaderTimeoutMs;
        c.idleTimeoutMs = kIdleTimeoutMs;
        return c;
    }

    QByteArray hostHeader() const { return "127.0.0.1:" + QByteArray::number(m_port); }

    Request post(const Json &message, const QByteArray &session = {},
                 const QByteArray &version = "2025-11-25") const
    {
        Request r;
        r.set("Host", hostHeader());
        r.set("Content-Type", "application/json");
        r.set("Accept", "application/json, text/event-stream");
        if (!session.isEmpty()) {
            r.set("Mcp-Session-Id", session);
            if (!version.isEmpty())
                r.set("MCP-Protocol-Version", version);
        }
        r.body = dumpBytes(message);
        return r;
    }

    Request get(const QByteArray &session, const QByteArray &lastEventId = {}) const
    {
        Request r;
        r.method = "GET";
        r.set("Host", hostHeader());
        r.set("Accept", "text/event-stream");
        r.set("Mcp-Session-Id", session);
        r.set("MCP-Protocol-Version", "2025-11-25");
        if (!lastEventId.isEmpty())
            r.set("Last-Event-ID", lastEventId);
        return r;
    }

    Response roundTrip(const Request &request, int ms = 5000)
    {
        Client c(m_port);
        c.send(request.raw());
        return c.response(ms);
    }

    static Json initializeMessage(const std::string &version = "2025-11-25")
    {
        return Json { { "method", "initialize" },
                      { "params",
                        Json { { "protocolVersion", version },
                               { "capabilities", Json::object() },
                               { "clientInfo", Json { { "name", "raw" }, { "version", "1" } } } } },
                      { "jsonrpc", "2.0" },
                      { "id", 0 } };
    }

    static Json requestMessage(const Json &id, const std::string &method, Json params = nullptr)
    {
        Json m = Json { { "jsonrpc", "2.0" }, { "id", id }, { "method", method } };
        if (!params.is_null())
            m["params"] = std::move(params);
        return m;
    }

    static Json toolCall(const Json &id, const std::string &name, Json arguments = Json::object(),
                         Json token = nullptr)
    {
        Json params = Json { { "name", name }, { "arguments", std::move(arguments) } };
        if (!token.is_null())
            params["_meta"] = Json { { "progressToken", std::move(token) } };
        return requestMessage(id, "tools/call", std::move(params));
    }

    // initialize + notifications/initialized; returns the session id.
    QByteArray openSession(const std::string &version = "2025-11-25")
    {
        const Response init = roundTrip(post(initializeMessage(version)));
        if (init.status != 200)
            qWarning("initialize failed: %d %s", init.status, init.body.constData());
        const QByteArray sid = init.header("Mcp-Session-Id");
        const Response ack =
            roundTrip(post(Json { { "jsonrpc", "2.0" }, { "method", "notifications/initialized" } },
                           sid, QByteArray::fromStdString(version)));
        if (ack.status != 202)
            qWarning("initialized notification: %d", ack.status);
        return sid;
    }

    // Callers without credentials act as an empty principal (development mode); with
    // `required`, every caller must authenticate and none can (no method is configured).
    static std::shared_ptr<auth::HttpAuthenticator> authenticator(bool required = false)
    {
        auth::HttpAuthenticator::Options options;
        options.anonymous = !required;
        return std::make_shared<auth::HttpAuthenticator>(std::move(options));
    }

    static bool isPriming(const SseEvent &e)
    {
        static const QRegularExpression re(QStringLiteral("^id: \\S+\\nretry: \\d+\\ndata: ?$"));
        return re.match(QString::fromLatin1(e.raw)).hasMatch();
    }

private Q_SLOTS:
    void init()
    {
        m_cancelled = 0;
        m_server = makeServer();
        m_http = std::make_unique<HttpTransport>(*m_server, config(), authenticator());
        const Status s = m_http->listen();
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        m_port = m_http->port();
        QVERIFY(m_port != 0);
        QCOMPARE(m_http->endpoint(), QStringLiteral("http://127.0.0.1:%1/mcp").arg(m_port));
    }
    void cleanup()
    {
        // Stop pending tool timers before the server they point into goes away.
        const auto children = m_timers.children();
        qDeleteAll(children);
        m_http.reset();
        m_server.reset();
        QTest::qWait(5);
    }

    void initializeGivesJsonAndSessionId()
    {
        const Response r = roundTrip(post(initializeMessage()));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(r.headerCount("Content-Type"), 1);
        QCOMPARE(r.header("Content-Length").toInt(), r.body.size());
        const QByteArray sid = r.header("Mcp-Session-Id");
        QVERIFY2(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{43}$"))
                     .match(QString::fromLatin1(sid))
                     .hasMatch(),
                 sid.constData());
        const Json body = r.json();
        QCOMPARE(body["id"].get<int>(), 0);
        QCOMPARE(body["result"]["protocolVersion"].get<std::string>(), std::string("2025-11-25"));
        QCOMPARE(m_http->sessionCount(), 1);

        const Response again = roundTrip(post(initializeMessage("2025-06-18")));
        QCOMPARE(again.status, 200);
        QVERIFY(again.header("Mcp-Session-Id") != sid);
        QCOMPARE(again.json()["result"]["protocolVersion"].get<std::string>(),
                 std::string("2025-06-18"));
        QCOMPARE(m_http->sessionCount(), 2);

        // initialized is a notification: 202, no body.
        const Response ack = roundTrip(
            post(Json { { "jsonrpc", "2.0" }, { "method", "notifications/initialized" } }, sid));
        QCOMPARE(ack.status, 202);
        QCOMPARE(ack.header("Content-Length"), QByteArray("0"));
        QVERIFY(ack.body.isEmpty());

        // A failed initialize creates no session.
        const Response bad = roundTrip(post(requestMessage(1, "initialize", Json::object())));
        QCOMPARE(bad.status, 200);
        QCOMPARE(bad.json()["error"]["code"].get<int>(), -32602);
        QVERIFY(bad.header("Mcp-Session-Id").isEmpty());
        QCOMPARE(m_http->sessionCount(), 2);
    }

    void sessionHeaderRules()
    {
        // Missing session on anything but initialize: 400; unknown: 404.
        Response r = roundTrip(post(requestMessage(1, "ping")));
        QCOMPARE(r.status, 400);
        QVERIFY(r.json()["error"].is_object());
        QVERIFY(r.json()["id"].is_null());
        r = roundTrip(post(requestMessage(1, "ping"), "no-such-session"));
        QCOMPARE(r.status, 404);
        QVERIFY(r.json()["error"].is_object());
        Request g = get("x");
        g.remove("Mcp-Session-Id");
        QCOMPARE(roundTrip(g).status, 400);
        QCOMPARE(roundTrip(get("no-such-session")).status, 404);

        const QByteArray sid = openSession();
        r = roundTrip(post(requestMessage(1, "ping"), sid));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["result"].dump(), std::string("{}"));
        // A session id differing in case is another (unknown) session.
        r = roundTrip(
            post(requestMessage(1, "ping"), sid.toLower() == sid ? sid.toUpper() : sid.toLower()));
        QCOMPARE(r.status, 404);
    }

    void deleteEndsSession()
    {
        const QByteArray sid = openSession();
        const QByteArray other = openSession();
        QCOMPARE(m_http->sessionCount(), 2);
        Request del;
        del.method = "DELETE";
        del.set("Host", hostHeader())
            .set("Mcp-Session-Id", sid)
            .set("MCP-Protocol-Version", "2025-11-25");
        const Response r = roundTrip(del);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_http->sessionCount(), 1);
        QCOMPARE(roundTrip(post(requestMessage(1, "ping"), sid)).status, 404);
        QCOMPARE(roundTrip(get(sid)).status, 404);
        QCOMPARE(roundTrip(del).status, 404);
        // The other session is untouched.
        QCOMPARE(roundTrip(post(requestMessage(1, "ping"), other)).status, 200);
        del.remove("Mcp-Session-Id");
        QCOMPARE(roundTrip(del).status, 400);
    }

    void protocolVersionHeader_data()
    {
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<int>("status");
        for (const auto &v : McpSession::supportedVersions())
            QTest::newRow(v.c_str()) << QByteArray::fromStdString(v) << 200;
        QTest::newRow("absent") << QByteArray() << 200;
        QTest::newRow("unsupported") << QByteArray("1999-01-01") << 400;
        QTest::newRow("2024-11-05") << QByteArray("2024-11-05") << 400;
        QTest::newRow("garbage") << QByteArray("latest") << 400;
    }
    void protocolVersionHeader()
    {
        QFETCH(QByteArray, version);
        QFETCH(int, status);
        const QByteArray sid = openSession();
        Request r = post(requestMessage(7, "ping"), sid, version);
        const Response resp = roundTrip(r);
        QCOMPARE(resp.status, status);
        if (status == 400) {
            QVERIFY(resp.json()["id"].is_null());
            QVERIFY(resp.json()["error"]["message"].get<std::string>().find(version.toStdString())
                    != std::string::npos);
            // GET and DELETE check it too.
            Request g = get(sid);
            g.set("MCP-Protocol-Version", version);
            QCOMPARE(roundTrip(g).status, 400);
        } else {
            QCOMPARE(resp.json()["id"].get<int>(), 7);
        }
    }

    void acceptHeader_data()
    {
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<int>("status");
        QTest::newRow("json only") << QByteArray("application/json") << 406;
        QTest::newRow("sse only") << QByteArray("text/event-stream") << 406;
        QTest::newRow("absent") << QByteArray() << 406;
        QTest::newRow("html") << QByteArray("text/html") << 406;
        QTest::newRow("both") << QByteArray("application/json, text/event-stream") << 200;
        QTest::newRow("both, parameters")
            << QByteArray("application/json;q=0.9, text/event-stream;q=1.0") << 200;
        QTest::newRow("both, upper case")
            << QByteArray("Application/JSON, Text/Event-Stream") << 200;
    }
    void acceptHeader()
    {
        QFETCH(QByteArray, accept);
        QFETCH(int, status);
        const QByteArray sid = openSession();
        Request r = post(requestMessage(1, "ping"), sid);
        if (accept.isEmpty())
            r.remove("Accept");
        else
            r.set("Accept", accept);
        QCOMPARE(roundTrip(r).status, status);
        // initialize is held to the same rule, and no session is created.
        Request i = post(initializeMessage());
        i.headers = r.headers;
        i.remove("Mcp-Session-Id").remove("MCP-Protocol-Version");
        const int before = m_http->sessionCount();
        QCOMPARE(roundTrip(i).status, status);
        QCOMPARE(m_http->sessionCount(), before + (status == 200 ? 1 : 0));
    }

    void contentType_data()
    {
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<int>("status");
        QTest::newRow("text/plain") << QByteArray("text/plain") << 415;
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded") << 415;
        QTest::newRow("absent") << QByteArray() << 415;
        QTest::newRow("json") << QByteArray("application/json") << 200;
        QTest::newRow("json charset") << QByteArray("application/json; charset=utf-8") << 200;
    }
    void contentType()
    {
        QFETCH(QByteArray, type);
        QFETCH(int, status);
        const QByteArray sid = openSession();
        Request r = post(requestMessage(1, "ping"), sid);
        if (type.isEmpty())
            r.remove("Content-Type");
        else
            r.set("Content-Type", type);
        const Response resp = roundTrip(r);
        QCOMPARE(resp.status, status);
        if (status != 200)
            QVERIFY(resp.json()["error"].is_object());
    }

    void hostAndOrigin_data()
    {
        QTest::addColumn<QByteArray>("host"); // "PORT" is replaced by the server's port
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<int>("status");
        QTest::newRow("evil host") << QByteArray("evil.example.com") << QByteArray() << 403;
        QTest::newRow("evil host with port")
            << QByteArray("evil.example.com:PORT") << QByteArray() << 403;
        QTest::newRow("evil host and origin")
            << QByteArray("evil.example.com") << QByteArray("http://evil.example.com") << 403;
        QTest::newRow("evil origin")
            << QByteArray("127.0.0.1:PORT") << QByteArray("http://evil.example.com") << 403;
        QTest::newRow("loopback-looking host")
            << QByteArray("127.0.0.1.evil.com") << QByteArray() << 403;
        QTest::newRow("localhost subdomain")
            << QByteArray("localhost.evil.com:PORT") << QByteArray() << 403;
        QTest::newRow("userinfo trick")
            << QByteArray("127.0.0.1:PORT@evil.com") << QByteArray() << 403;
        QTest::newRow("origin null") << QByteArray("127.0.0.1:PORT") << QByteArray("null") << 403;
        QTest::newRow("origin file")
            << QByteArray("127.0.0.1:PORT") << QByteArray("file://") << 403;
        QTest::newRow("origin lookalike")
            << QByteArray("localhost:PORT") << QByteArray("http://localhost.evil.com") << 403;
        QTest::newRow("127.0.0.1 with port") << QByteArray("127.0.0.1:PORT") << QByteArray() << 200;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1") << QByteArray() << 200;
        QTest::newRow("localhost with port") << QByteArray("localhost:PORT") << QByteArray() << 200;
        QTest::newRow("localhost") << QByteArray("localhost") << QByteArray() << 200;
        QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST:PORT") << QByteArray() << 200;
        QTest::newRow("[::1] with port") << QByteArray("[::1]:PORT") << QByteArray() << 200;
        QTest::newRow("[::1]") << QByteArray("[::1]") << QByteArray() << 200;
        QTest::newRow("local origin")
            << QByteArray("127.0.0.1:PORT") << QByteArray("http://127.0.0.1:PORT") << 200;
        QTest::newRow("localhost origin other port")
            << QByteArray("localhost:PORT") << QByteArray("http://localhost:3000") << 200;
        QTest::newRow("https localhost origin")
            << QByteArray("localhost") << QByteArray("https://localhost") << 200;
        QTest::newRow("[::1] origin")
            << QByteArray("[::1]:PORT") << QByteArray("http://[::1]:PORT") << 200;
    }
    void hostAndOrigin()
    {
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, origin);
        QFETCH(int, status);
        const QByteArray port = QByteArray::number(m_port);
        host.replace("PORT", port);
        origin.replace("PORT", port);
        // The check runs before any session logic: on initialize itself.
        Request r = post(initializeMessage());
        r.set("Host", host);
        if (!origin.isEmpty())
            r.set("Origin", origin);
        const Response resp = roundTrip(r);
        QCOMPARE(resp.status, status);
        if (status == 403) {
            QVERIFY(resp.json()["error"].is_object());
            QVERIFY(resp.header("Mcp-Session-Id").isEmpty());
            QCOMPARE(m_http->sessionCount(), 0);
        } else {
            QCOMPARE(m_http->sessionCount(), 1);
        }
    }

    void missingHostRefused()
    {
        Request r = post(initializeMessage());
        r.remove("Host");
        const Response resp = roundTrip(r);
        QVERIFY2(resp.status >= 400 && resp.status < 500,
                 QByteArray::number(resp.status).constData());
        QCOMPARE(m_http->sessionCount(), 0);
    }

    void methodAndPath()
    {
        const QByteArray sid = openSession();
        Request put = post(requestMessage(1, "ping"), sid);
        put.method = "PUT";
        const Response r = roundTrip(put);
        QCOMPARE(r.status, 405);
        QVERIFY(r.header("Allow").contains("POST"));
        Request other = post(requestMessage(1, "ping"), sid);
        other.path = "/other";
        QCOMPARE(roundTrip(other).status, 404);
    }

    void bodyAtAndJustOverCap()
    {
        const QByteArray sid = openSession();
        // Exactly at the cap: accepted (padding is JSON whitespace).
        Request atCap = post(requestMessage(1, "ping"), sid);
        atCap.body += QByteArray(kMaxBody - atCap.body.size(), ' ');
        QCOMPARE(atCap.body.size(), kMaxBody);
        QCOMPARE(roundTrip(atCap).status, 200);

        Request over = post(requestMessage(2, "ping"), sid);
        over.body += QByteArray(kMaxBody + 1 - over.body.size(), ' ');
        const Response r = roundTrip(over);
        QCOMPARE(r.status, 413);
        QVERIFY(r.json()["error"].is_object());
    }

    void hugeBodyCutOffEarly()
    {
        const QByteArray sid = openSession();
        constexpr qint64 kTotal = 48LL * 1024 * 1024;
        Request r = post(requestMessage(1, "ping"), sid);
        r.body.clear();
        r.contentLength = false;
        r.set("Content-Length", QByteArray::number(kTotal));

        Client c(m_port);
        qint64 written = 0;
        QObject::connect(&c.socket(), &QTcpSocket::bytesWritten, &c.socket(),
                         [&written](qint64 n) { written += n; });
        c.send(r.head());
        const QByteArray chunk(256 * 1024, ' ');
        qint64 queued = 0;
        const std::int64_t rssBefore = residentKiB();
        std::int64_t rssPeak = rssBefore;
        QElapsedTimer t;
        t.start();
        // Feed the body as the socket drains, so the client itself never holds much.
        while (!c.isClosed() && queued < kTotal && t.elapsed() < 30000) {
            if (c.socket().bytesToWrite() < 512 * 1024 && c.isConnected()) {
                c.socket().write(chunk);
                queued += chunk.size();
            }
            QTest::qWait(1);
            rssPeak = std::max(rssPeak, residentKiB());
        }
        c.waitClosed(5000);
        const Response resp = c.current();
        qInfo("status %d; wrote %lld of %lld bytes; RSS grew by %lld KiB", resp.status, written,
              kTotal, static_cast<long long>(rssPeak - rssBefore));
        QVERIFY2(c.isClosed(), "the server must close a connection whose body exceeds the cap");
        QVERIFY2(written < kTotal / 2, "the body must be cut off long before it is all sent");
        // The server buffered at most the cap plus an allowance, not the body.
        QVERIFY2(rssPeak - rssBefore < 16 * 1024,
                 "memory must stay bounded while a huge body arrives");
        if (resp.headersDone)
            QCOMPARE(resp.status, 413);
        // The server is still healthy.
        QCOMPARE(roundTrip(post(requestMessage(3, "ping"), sid)).status, 200);
    }

    void slowClientTimesOut_data()
    {
        QTest::addColumn<bool>("trickle");
        QTest::newRow("stalls") << false;
        QTest::newRow("trickles") << true;
    }
    void slowClientTimesOut()
    {
        QFETCH(bool, trickle);
        const QByteArray sid = openSession();
        const QByteArray raw = post(requestMessage(1, "ping"), sid).raw();
        Client c(m_port);
        QElapsedTimer t;
        t.start();
        if (trickle) {
            // One byte every 40 ms: each read is quick, the request never completes in time.
            for (qsizetype i = 0; i < raw.size() - 5 && !c.isClosed() && t.elapsed() < 5000; ++i) {
                c.send(raw.mid(i, 1));
                QTest::qWait(40);
            }
        } else {
            c.send(raw.left(raw.size() / 2));
        }
        QVERIFY(c.waitClosed(kHeaderTimeoutMs + 3000));
        const qint64 elapsed = t.elapsed();
        const Response r = c.current();
        QCOMPARE(r.status, 408);
        QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
        QVERIFY2(elapsed >= kHeaderTimeoutMs - 50, QByteArray::number(elapsed).constData());
        QVERIFY2(elapsed < kHeaderTimeoutMs + 1500, QByteArray::number(elapsed).constData());
    }

    void silentConnectionClosed()
    {
        Client c(m_port);
        QVERIFY(c.isConnected());
        QElapsedTimer t;
        t.start();
        QVERIFY(c.waitClosed(kHeaderTimeoutMs + 3000));
        QVERIFY(t.elapsed() >= kHeaderTimeoutMs - 50);
    }

    void idleKeepAliveClosed_data()
    {
        QTest::addColumn<QString>("last"); // the kind of response before the idle period
        QTest::newRow("json answer") << QStringLiteral("json");
        QTest::newRow("202 accepted") << QStringLiteral("202");
        QTest::newRow("error status") << QStringLiteral("error");
        QTest::newRow("sse answer") << QStringLiteral("sse");
    }
    void idleKeepAliveClosed()
    {
        QFETCH(QString, last);
        const QByteArray sid = openSession();
        Client c(m_port);
        // Keep-alive works: two requests on one connection.
        c.send(post(requestMessage(1, "ping"), sid).raw());
        QCOMPARE(c.response().status, 200);
        Request next = post(requestMessage(2, "ping"), sid);
        int expected = 200;
        if (last == QLatin1String("202")) {
            next = post(
                Json { { "jsonrpc", "2.0" }, { "method", "notifications/roots/list_changed" } },
                sid);
            expected = 202;
        } else if (last == QLatin1String("error")) {
            next = post(requestMessage(2, "ping"), "unknown-session");
            expected = 404;
        } else if (last == QLatin1String("sse")) {
            next.set("Accept", "text/event-stream, application/json");
        }
        c.send(next.raw());
        const Response r = c.response();
        QCOMPARE(r.status, expected);
        QVERIFY(r.complete);
        QVERIFY(c.isConnected());
        QElapsedTimer t;
        t.start();
        QVERIFY2(c.waitClosed(kIdleTimeoutMs + 3000),
                 "an idle keep-alive connection must be closed");
        const qint64 elapsed = t.elapsed();
        QVERIFY2(elapsed >= kIdleTimeoutMs - 100, QByteArray::number(elapsed).constData());
        QVERIFY2(elapsed < kIdleTimeoutMs + 1500, QByteArray::number(elapsed).constData());
    }

    void secondRequestOnConnectionIsTimed()
    {
        // The header deadline applies to every request of a keep-alive connection, not
        // only the first, whatever the previous answer was.
        const QByteArray sid = openSession();
        Client c(m_port);
        c.send(post(Json { { "jsonrpc", "2.0" }, { "method", "notifications/roots/list_changed" } },
                    sid)
                   .raw());
        QCOMPARE(c.response().status, 202);
        const QByteArray raw = post(requestMessage(2, "ping"), sid).raw();
        c.send(raw.left(raw.size() / 2));
        QElapsedTimer t;
        t.start();
        QVERIFY(c.waitClosed(kHeaderTimeoutMs + 3000));
        QCOMPARE(c.current().status, 408);
        QVERIFY(t.elapsed() < kHeaderTimeoutMs + 1500);
    }

    void malformedJson_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated") << QByteArray(R"({"jsonrpc":"2.0","id":1,)");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not json") << QByteArray("hello");
        QTest::newRow("duplicate keys")
            << QByteArray(R"({"jsonrpc":"2.0","id":1,"id":2,"method":"ping"})");
        QTest::newRow("trailing garbage")
            << QByteArray(R"({"jsonrpc":"2.0","id":1,"method":"ping"}x)");
        QTest::newRow("too deep") << QByteArray(200, '[') + QByteArray(200, ']');
    }
    void malformedJson()
    {
        QFETCH(QByteArray, body);
        const QByteArray sid = openSession();
        Request r = post(Json::object(), sid);
        r.body = body;
        const Response resp = roundTrip(r);
        QCOMPARE(resp.status, 400);
        const Json j = resp.json();
        QCOMPARE(j["error"]["code"].get<int>(), -32700);
        QVERIFY(j.contains("id"));
        QVERIFY(j["id"].is_null());
        // Before initialize too (no session yet).
        Request noSession = post(Json::object());
        noSession.body = body;
        QCOMPARE(roundTrip(noSession).status, 400);
    }

    void invalidEnvelopes()
    {
        const QByteArray sid = openSession();
        Request batch =
            post(Json::array({ requestMessage(1, "ping"), requestMessage(2, "ping") }), sid);
        Response r = roundTrip(batch);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["error"]["code"].get<int>(), -32600);

        Request nullId =
            post(Json { { "jsonrpc", "2.0" }, { "id", nullptr }, { "method", "ping" } }, sid);
        r = roundTrip(nullId);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["error"]["code"].get<int>(), -32600);

        // A batched initialize creates nothing.
        r = roundTrip(post(Json::array({ initializeMessage() })));
        QCOMPARE(r.status, 400);
        QCOMPARE(m_http->sessionCount(), 1);

        // Protocol errors of a valid message are JSON-RPC answers with 200.
        r = roundTrip(post(requestMessage("m", "no/such"), sid));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["error"]["code"].get<int>(), -32601);
        QCOMPARE(r.json()["id"].get<std::string>(), std::string("m"));
    }

    void notificationsAndResponsesGet202()
    {
        const QByteArray sid = openSession();
        Response r = roundTrip(post(Json { { "jsonrpc", "2.0" },
                                           { "method", "notifications/cancelled" },
                                           { "params", Json { { "requestId", 99 } } } },
                                    sid));
        QCOMPARE(r.status, 202);
        QCOMPARE(r.header("Content-Length"), QByteArray("0"));
        QVERIFY(r.body.isEmpty());
        r = roundTrip(
            post(Json { { "jsonrpc", "2.0" }, { "id", "warden-77" }, { "result", Json::object() } },
                 sid));
        QCOMPARE(r.status, 202);
        QVERIFY(r.body.isEmpty());
    }

    void progressStreamsSse()
    {
        const QByteArray sid = openSession();
        Client c(m_port);
        c.send(post(toolCall(5, "progress", Json::object(), Json(5)), sid).raw());

        // The first progress event is flushed at once, long before the answer.
        QVERIFY(c.waitFor(
            [](const Response &r) { return r.body.contains("notifications/progress"); }, 3000));
        {
            const Response early = c.current();
            QVERIFY(!early.complete);
            QVERIFY(!early.body.contains("\"result\""));
        }
        const Response r = c.response();
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete); // the chunked stream ends after the answer
        QVERIFY(r.chunked);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/event-stream"));
        QCOMPARE(r.headerCount("Content-Type"), 1);
        QVERIFY(r.header("Content-Length").isEmpty());

        const auto events = sseEvents(r.body);
        QVERIFY(events.size() >= 3);
        QVERIFY2(isPriming(events.first()), events.first().raw.constData());
        QVERIFY(events.first().data.isEmpty());

        std::vector<double> progress;
        QSet<QByteArray> ids;
        const QByteArray stream = events.first().id.left(events.first().id.lastIndexOf('_'));
        for (qsizetype i = 0; i < events.size(); ++i) {
            const SseEvent &e = events[i];
            QVERIFY2(!e.id.isEmpty(), e.raw.constData());
            QVERIFY2(!ids.contains(e.id), e.id.constData());
            ids.insert(e.id);
            QVERIFY(e.id.startsWith(QByteArray(stream + '_')));
            QVERIFY(e.event.isEmpty() || e.event == "message");
            QVERIFY2(!e.data.contains('\n'), "one compact JSON per data line");
            if (i == 0)
                continue;
            const Json j = e.json();
            QVERIFY2(j.is_object(), e.data.constData());
            if (i + 1 < events.size()) {
                QCOMPARE(j["method"].get<std::string>(), std::string("notifications/progress"));
                QCOMPARE(j["params"]["progressToken"].get<int>(), 5); // same type as sent
                progress.push_back(j["params"]["progress"].get<double>());
            } else {
                QCOMPARE(j["id"].get<int>(), 5);
                QCOMPARE(j["result"]["structuredContent"]["done"].get<bool>(), true);
            }
        }
        QCOMPARE(progress, (std::vector<double> { 0, 50, 100 }));

        // The connection is reusable after the stream ended.
        c.send(post(requestMessage(6, "ping"), sid).raw());
        const Response next = c.response();
        QCOMPARE(next.status, 200);
        QCOMPARE(next.json()["id"].get<int>(), 6);
    }

    void primingGatedOnNegotiatedVersion()
    {
        // 2025-06-18 session: SSE without a priming event.
        const QByteArray old = openSession("2025-06-18");
        Response r =
            roundTrip(post(toolCall(1, "progress", Json::object(), Json("t")), old, "2025-06-18"));
        QCOMPARE(r.status, 200);
        auto events = sseEvents(r.body);
        QVERIFY(!events.isEmpty());
        for (const auto &e : events)
            QVERIFY2(e.hasData && !e.data.isEmpty(), e.raw.constData());
        // 2025-11-25 session whose requests carry an older header (the polling scenario):
        // the session's version decides, so it is primed.
        const QByteArray sid = openSession();
        r = roundTrip(post(toolCall(2, "progress", Json::object(), Json("t")), sid, "2025-03-26"));
        QCOMPARE(r.status, 200);
        events = sseEvents(r.body);
        QVERIFY(!events.isEmpty());
        QVERIFY(isPriming(events.first()));
    }

    void eventStreamFirstGetsSse()
    {
        const QByteArray sid = openSession();
        Request p = post(requestMessage(9, "ping"), sid);
        p.set("Accept", "text/event-stream, application/json");
        const Response r = roundTrip(p);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/event-stream"));
        QVERIFY(r.complete);
        const auto events = sseEvents(r.body);
        QCOMPARE(events.size(), 2);
        QVERIFY(isPriming(events[0]));
        QCOMPARE(events[1].json()["id"].get<int>(), 9);
        QCOMPARE(events[1].json()["result"].dump(), std::string("{}"));

        // JSON first (or only order given as the spec writes it): plain JSON.
        const Response plain = roundTrip(post(requestMessage(10, "ping"), sid));
        QCOMPARE(plain.header("Content-Type"), QByteArray("application/json"));
    }

    void standaloneGetStream()
    {
        const QByteArray sid = openSession();
        auto first = std::make_unique<Client>(m_port);
        first->send(get(sid).raw());
        QVERIFY(first->waitFor([](const Response &r) { return r.headersDone; }));
        Response r = first->current();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/event-stream"));
        QTest::qWait(100);
        QVERIFY(!first->current().complete); // stays open
        QVERIFY(first->isConnected());

        // One standalone stream per session.
        const Response second = roundTrip(get(sid));
        QCOMPARE(second.status, 409);

        // Requests keep working on other connections while it is open.
        QCOMPARE(roundTrip(post(requestMessage(1, "ping"), sid)).status, 200);

        // Once the client hangs up, a new GET may open the stream again.
        first->close();
        first.reset();
        QTest::qWait(50);
        Client third(m_port);
        third.send(get(sid).raw());
        QVERIFY(third.waitFor([](const Response &x) { return x.headersDone; }));
        QCOMPARE(third.current().status, 200);

        Request noAccept = get(sid);
        noAccept.set("Accept", "application/json");
        QCOMPARE(roundTrip(noAccept).status, 406);
    }

    void resumptionReplaysThenFollowsLive()
    {
        const QByteArray sid = openSession();
        Client post1(m_port);
        post1.send(post(toolCall(11, "reconnect", Json { { "ms", 1000 } }, Json(11)), sid).raw());
        // The server drops the stream after priming and the first progress event.
        const Response dropped = post1.response(3000);
        QCOMPARE(dropped.status, 200);
        QVERIFY2(dropped.complete, "the POST stream must end so the client reconnects");
        auto events = sseEvents(dropped.body);
        QVERIFY(events.size() >= 1);
        QVERIFY(isPriming(events.first()));
        for (const auto &e : events)
            QVERIFY2(!e.data.contains("\"result\""), "no answer before the drop");
        const QByteArray primingId = events.first().id;

        // Resume from the priming event: what came after it is replayed, then the rest live.
        Client resume(m_port);
        resume.send(get(sid, primingId).raw());
        QVERIFY(resume.waitFor([](const Response &r) { return r.headersDone; }));
        QCOMPARE(resume.current().status, 200);
        QCOMPARE(resume.current().header("Content-Type"), QByteArray("text/event-stream"));
        QVERIFY(!resume.current().complete);
        const Response r = resume.response(5000);
        QVERIFY2(r.complete, "the resumed stream ends after the answer");
        events = sseEvents(r.body);
        std::vector<double> progress;
        Json answer;
        for (const auto &e : events) {
            const Json j = e.json();
            QVERIFY2(j.is_object(), e.raw.constData()); // no second priming event
            if (j.contains("method"))
                progress.push_back(j["params"]["progress"].get<double>());
            else
                answer = j;
        }
        QCOMPARE(progress, (std::vector<double> { 1, 2 }));
        QCOMPARE(answer["id"].get<int>(), 11);
        QCOMPARE(answer["result"]["structuredContent"]["reconnected"].get<bool>(), true);
        QVERIFY(events.first().id != primingId);
    }

    void resumptionAfterTheAnswer()
    {
        const QByteArray sid = openSession();
        const Response dropped =
            roundTrip(post(toolCall(12, "reconnect", Json { { "ms", 150 } }, Json(12)), sid));
        QVERIFY(dropped.complete);
        const auto first = sseEvents(dropped.body);
        QVERIFY(!first.isEmpty());
        const QByteArray lastSeen = first.last().id;
        QTest::qWait(400); // the answer is produced while nobody listens
        const Response r = roundTrip(get(sid, lastSeen));
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        const auto events = sseEvents(r.body);
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.last().json()["id"].get<int>(), 12);
        QVERIFY(events.last().json().contains("result"));
        for (const auto &e : events)
            QVERIFY(e.id != lastSeen);

        // Unknown or foreign event ids are refused.
        QCOMPARE(roundTrip(get(sid, "nosuchstream_3")).status, 404);
        QCOMPARE(roundTrip(get(sid, "garbage")).status, 404);
        const QByteArray other = openSession();
        const Response foreign = roundTrip(get(other, first.first().id));
        QCOMPARE(foreign.status, 404);
    }

    void sessionsAreIsolated()
    {
        const QByteArray a = openSession();
        const QByteArray b = openSession();
        Client callA(m_port);
        Client callB(m_port);
        callA.send(post(toolCall(1, "wait", Json { { "ms", 1000 } }), a).raw());
        callB.send(post(toolCall(1, "wait", Json { { "ms", 1000 } }), b).raw());
        QTest::qWait(50);

        // A ping on A is answered while both calls still run.
        QCOMPARE(roundTrip(post(requestMessage(2, "ping"), a)).status, 200);
        QVERIFY(!callA.current().complete);

        // Cancelling id 1 on B leaves A's id 1 alone.
        const Response cancel = roundTrip(post(Json { { "jsonrpc", "2.0" },
                                                      { "method", "notifications/cancelled" },
                                                      { "params", Json { { "requestId", 1 } } } },
                                               b));
        QCOMPARE(cancel.status, 202);
        QCOMPARE(m_cancelled, 1);

        const Response ra = callA.response(3000);
        QCOMPARE(ra.status, 200);
        QCOMPARE(ra.json()["result"]["structuredContent"]["waited"].get<bool>(), true);
        // B's request ends without an answer.
        const Response rb = callB.response(3000);
        QVERIFY(rb.complete || callB.isClosed());
        QVERIFY2(!rb.body.contains("\"result\""), rb.body.constData());
        QVERIFY(!rb.body.contains("\"error\""));

        // Ending B does not end A.
        Request del;
        del.method = "DELETE";
        del.set("Host", hostHeader()).set("Mcp-Session-Id", b);
        QCOMPARE(roundTrip(del).status, 200);
        QCOMPARE(roundTrip(post(requestMessage(3, "ping"), a)).status, 200);
        QCOMPARE(roundTrip(post(requestMessage(3, "ping"), b)).status, 404);
        QCOMPARE(m_cancelled, 1);
    }

    void disconnectIsNotCancellation()
    {
        const QByteArray sid = openSession();
        {
            Client call(m_port);
            call.send(post(toolCall(1, "wait", Json { { "ms", 200 } }), sid).raw());
            QTest::qWait(50);
            call.close();
        }
        QTest::qWait(400); // the tool finishes while nobody listens
        QCOMPARE(m_cancelled, 0);
        // The session is fine and the id is free again.
        const Response r = roundTrip(post(toolCall(1, "echo"), sid));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["id"].get<int>(), 1);
        QVERIFY(r.json().contains("result"));
    }

    void deleteDuringCallEndsItsStream()
    {
        const QByteArray sid = openSession();
        Client call(m_port);
        call.send(post(toolCall(1, "wait", Json { { "ms", 2000 } }), sid).raw());
        QTest::qWait(50);
        Request del;
        del.method = "DELETE";
        del.set("Host", hostHeader()).set("Mcp-Session-Id", sid);
        QCOMPARE(roundTrip(del).status, 200);
        QCOMPARE(m_cancelled, 1);
        QVERIFY(call.waitFor([](const Response &r) { return r.complete; }, 1000)
                || call.isClosed());
        QVERIFY(!call.current().body.contains("\"result\""));
    }

    void remoteAddressNeedsAuthentication()
    {
        HttpConfig c = config();
        c.address = QStringLiteral("0.0.0.0");
        {
            HttpTransport http(*m_server, c, authenticator());
            const Status s = http.listen();
            QVERIFY(!s.ok());
            const QString message = QString::fromStdString(s.error().message);
            QVERIFY2(message.contains(QLatin1String("allow_remote")), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("127.0.0.1")), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("authentication")), qPrintable(message));
            QCOMPARE(http.port(), quint16(0));
        }
        {
            HttpTransport http(*m_server, c, authenticator(true));
            QVERIFY(http.listen().ok());
        }
        c.allowRemote = true;
        {
            HttpTransport http(*m_server, c, authenticator());
            QVERIFY(http.listen().ok());
            QVERIFY(http.port() != 0);
        }
    }

    void portInUse()
    {
        HttpConfig c = config();
        c.port = m_port;
        HttpTransport http(*m_server, c, authenticator());
        const Status s = http.listen();
        QVERIFY(!s.ok());
        const QString message = QString::fromStdString(s.error().message);
        QVERIFY2(message.contains(QString::number(m_port)), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("port")), qPrintable(message));
        // The first transport still serves.
        QCOMPARE(roundTrip(post(initializeMessage())).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestHttpTransport)
#include "TestHttpTransport.moc"
