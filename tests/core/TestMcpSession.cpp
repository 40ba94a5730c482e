// McpServer + McpSession + RequestContext driven directly, with a recording Outbound and
// small tools, resources and prompts defined here: lifecycle, dispatch, pagination,
// progress, logging, cancellation, server-to-client requests and thread hand-over
// (mcp-protocol.md §1.1–1.10).
#include "common/StrictJson.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/RequestContext.h"
#include "protocol/ResourceCatalog.h"
#include "tools/Tool.h"
#include "tools/ToolRegistry.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace warden;

namespace {

// Everything the engine writes for one request, in order, with the thread it was written on.
class RecordingOutbound : public Outbound
{
public:
    void send(const Json &message) override
    {
        sent.push_back(message);
        threads.push_back(QThread::currentThread());
    }
    void finish(const Json &r) override
    {
        response = r;
        ++finishCount;
        finished = true;
        threads.push_back(QThread::currentThread());
    }
    void abandon() override { abandoned = true; }
    bool isOpen() const override { return !finished && !abandoned; }

    std::vector<Json> notifications(const std::string &method) const
    {
        std::vector<Json> out;
        for (const Json &m : sent)
            if (m.value("method", std::string()) == method)
                out.push_back(m);
        return out;
    }

    std::vector<Json> sent;
    std::vector<QThread *> threads;
    Json response;
    int finishCount = 0;
    bool finished = false;
    bool abandoned = false;
};

class LambdaTool : public Tool
{
public:
    using Call = std::function<void(const std::shared_ptr<RequestContext> &, const Json &)>;
    LambdaTool(std::string name, Call call, Json outputSchema = nullptr)
        : m_name(std::move(name))
        , m_call(std::move(call))
        , m_outputSchema(std::move(outputSchema))
    {
    }
    std::string name() const override { return m_name; }
    Json definition() const override
    {
        Json d = Json::object();
        d["name"] = m_name;
        d["description"] = "test tool " + m_name;
        d["inputSchema"] = Json { { "type", "object" } };
        if (!m_outputSchema.is_null())
            d["outputSchema"] = m_outputSchema;
        return d;
    }
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override
    {
        m_call(ctx, arguments);
    }

private:
    std::string m_name;
    Call m_call;
    Json m_outputSchema;
};

class TestResources : public ResourceProvider
{
public:
    std::vector<Json> list(const Principal &) const override
    {
        std::vector<Json> out;
        for (const char *n : { "a", "b", "c" })
            out.push_back(Json { { "uri", std::string("test://") + n },
                                 { "name", n },
                                 { "mimeType", "text/plain" } });
        return out;
    }
    std::vector<Json> templates() const override
    {
        return { Json { { "uriTemplate", "test://t/{id}" }, { "name", "t" } } };
    }
    std::optional<Json> read(const std::string &uri, const Principal &) const override
    {
        if (uri == "test://a" || uri == "test://b" || uri == "test://c"
            || uri.rfind("test://t/", 0) == 0)
            return Json::array({ Json {
                { "uri", uri }, { "mimeType", "text/plain" }, { "text", "content of " + uri } } });
        return std::nullopt;
    }
    std::optional<std::vector<std::string>> complete(const std::string &uriTemplate,
                                                     const std::string &argument,
                                                     const std::string &prefix,
                                                     const Principal &) const override
    {
        if (uriTemplate != "test://t/{id}" || argument != "id")
            return std::nullopt;
        std::vector<std::string> out;
        for (int i = 0; i < 150; ++i) {
            const std::string v = "v" + std::to_string(1000 + i).substr(1);
            if (v.rfind(prefix, 0) == 0)
                out.push_back(v);
        }
        return out;
    }
};

QString str(const Json &j)
{
    return QString::fromStdString(StrictJson::dump(j));
}

std::string base64Url(const std::string &bytes)
{
    return QByteArray::fromStdString(bytes)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        .toStdString();
}

int errorCode(const Json &response)
{
    if (!response.contains("error"))
        return 0;
    return response["error"].value("code", 0);
}

} // namespace

class TestMcpSession : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<McpServer> m_server;
    std::unique_ptr<McpSession> m_session;
    int m_nextId = 100;

    // What the test tools leave behind.
    std::shared_ptr<RequestContext> m_held;
    std::atomic<int> m_cancelRuns { 0 };
    std::vector<std::thread> m_threads;
    std::atomic<QThread *> m_workerThread { nullptr };
    Json m_clientResult;
    Json m_clientError;
    int m_clientReplies = 0;

    std::unique_ptr<McpServer> makeServer(std::size_t pageSize = 3)
    {
        auto tools = std::make_unique<ToolRegistry>();
        const Json outSchema = toolschema::outputSchema(Json { { "type", "object" } });
        tools->add(std::make_shared<LambdaTool>(
            "echo",
            [](const auto &ctx, const Json &args) {
                ctx->respondToolResult(Json { { "echo", args } });
            },
            outSchema));
        tools->add(std::make_shared<LambdaTool>("thrower", [](const auto &, const Json &) {
            throw std::runtime_error("password=hunter2 at db.internal:5432");
        }));
        tools->add(std::make_shared<LambdaTool>("progress", [](const auto &ctx, const Json &) {
            // 50 twice and a step back: only strictly increasing values may go out.
            for (double v : { 0.0, 50.0, 50.0, 30.0, 100.0 })
                ctx->progress(v, 100.0, "step");
            ctx->respond(Json { { "content", Json::array() } });
            ctx->progress(150.0, 100.0); // after the answer: must be dropped
        }));
        tools->add(std::make_shared<LambdaTool>("logger", [](const auto &ctx, const Json &) {
            ctx->log(LogLevel::Debug, "t", Json("d"));
            ctx->log(LogLevel::Info, "t", Json("i"));
            ctx->log(LogLevel::Warning, "t", Json("w"));
            ctx->log(LogLevel::Error, "", Json { { "detail", "e" } });
            ctx->respond(Json { { "content", Json::array() } });
        }));
        tools->add(std::make_shared<LambdaTool>("hold", [this](const auto &ctx, const Json &) {
            m_held = ctx;
            ctx->setCancelHandler([this] { ++m_cancelRuns; });
        }));
        tools->add(std::make_shared<LambdaTool>("worker", [this](const auto &ctx, const Json &) {
            m_threads.emplace_back([this, ctx] {
                m_workerThread = QThread::currentThread();
                ctx->progress(1, 3);
                ctx->log(LogLevel::Error, "worker", Json("from a worker"));
                ctx->progress(2, 3);
                ctx->respondToolResult(Json { { "from", "worker" } });
            });
        }));
        tools->add(std::make_shared<LambdaTool>("asker", [this](const auto &ctx, const Json &) {
            ctx->requestClient(
                "sampling/createMessage",
                Json { { "messages", Json::array() }, { "maxTokens", 10 } },
                [this, ctx](const Json &result, const Json &error) {
                    ++m_clientReplies;
                    m_clientResult = result;
                    m_clientError = error;
                    if (!error.is_null())
                        ctx->respondToolError(Error(ErrorCode::Unavailable, "the client refused"));
                    else
                        ctx->respondToolResult(Json { { "said", result["content"]["text"] } });
                });
        }));
        for (int i = 0; i < 3; ++i)
            tools->add(std::make_shared<LambdaTool>(
                "filler_" + std::to_string(i), [](const auto &ctx, const Json &) {
                    ctx->respond(Json { { "content", Json::array() } });
                }));

        auto resources = std::make_unique<ResourceCatalog>();
        resources->add(std::make_shared<TestResources>());

        auto prompts = std::make_unique<PromptCatalog>();
        PromptDefinition greet;
        greet.name = "greet";
        greet.description = "Greets someone";
        PromptDefinition::Argument name;
        name.name = "name";
        name.required = true;
        name.complete = [](const std::string &prefix, const Principal &) {
            std::vector<std::string> out;
            for (int i = 0; i < 250; ++i) {
                const std::string v = "n" + std::to_string(1000 + i).substr(1);
                if (v.rfind(prefix, 0) == 0)
                    out.push_back(v);
            }
            return out;
        };
        PromptDefinition::Argument tone;
        tone.name = "tone";
        greet.arguments = { name, tone };
        greet.render = [](const std::map<std::string, std::string> &args, const Principal &) {
            Json content = Json { { "type", "text" }, { "text", "Hello " + args.at("name") } };
            return Json {
                { "messages", Json::array({ Json { { "role", "user" }, { "content", content } } }) }
            };
        };
        prompts->add(greet);

        McpServer::Options options;
        options.pageSize = pageSize;
        return std::make_unique<McpServer>(options, std::move(tools), std::move(resources),
                                           std::move(prompts));
    }

    Principal principal() const
    {
        Principal p;
        p.userId = "tester";
        p.authMethod = "local";
        return p;
    }

    static rpc::Message classified(const Json &value)
    {
        rpc::Message m;
        Json error;
        if (!rpc::classify(value, m, error))
            qFatal("test message rejected: %s", error.dump().c_str());
        return m;
    }

    std::shared_ptr<RecordingOutbound> start(const std::string &method, Json params = nullptr,
                                             Json id = nullptr)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["id"] = id.is_null() ? Json(m_nextId++) : id;
        msg["method"] = method;
        if (!params.is_null())
            msg["params"] = std::move(params);
        auto out = std::make_shared<RecordingOutbound>();
        m_session->handle(classified(msg), out);
        return out;
    }

    static bool waitFinished(const RecordingOutbound &out, int ms = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (!out.finished && t.elapsed() < ms)
            QTest::qWait(2);
        return out.finished;
    }

    Json request(const std::string &method, Json params = nullptr, Json id = nullptr,
                 std::shared_ptr<RecordingOutbound> *outbound = nullptr)
    {
        auto out = start(method, std::move(params), std::move(id));
        if (outbound)
            *outbound = out;
        if (!waitFinished(*out))
            return Json { { "timeout", true } };
        return out->response;
    }

    void notify(const std::string &method, Json params = nullptr)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["method"] = method;
        if (!params.is_null())
            msg["params"] = std::move(params);
        m_session->handle(classified(msg), nullptr);
    }

    Json initialize(const std::string &version = "2025-11-25")
    {
        const Json r =
            request("initialize",
                    Json { { "protocolVersion", version },
                           { "capabilities", Json { { "sampling", Json::object() } } },
                           { "clientInfo", Json { { "name", "test" }, { "version", "1" } } } });
        notify("notifications/initialized");
        return r;
    }

    Json callTool(const std::string &name, Json arguments = Json::object(), Json meta = nullptr,
                  std::shared_ptr<RecordingOutbound> *outbound = nullptr)
    {
        Json params = Json { { "name", name }, { "arguments", std::move(arguments) } };
        if (!meta.is_null())
            params["_meta"] = std::move(meta);
        return request("tools/call", std::move(params), nullptr, outbound);
    }

    void joinThreads()
    {
        for (auto &t : m_threads)
            if (t.joinable())
                t.join();
        m_threads.clear();
    }

private Q_SLOTS:
    void init()
    {
        m_server = makeServer();
        m_session = m_server->createSession(QStringLiteral("test"), principal());
        m_held.reset();
        m_cancelRuns = 0;
        m_workerThread = nullptr;
        m_clientResult = nullptr;
        m_clientError = nullptr;
        m_clientReplies = 0;
    }
    void cleanup()
    {
        joinThreads();
        m_held.reset();
        m_session.reset();
        m_server.reset();
        QTest::qWait(1); // let queued calls for the dead session be discarded
    }

    void pingBeforeInitialize()
    {
        const Json r = request("ping");
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QVERIFY(!m_session->isInitialized());
    }

    void requestsBeforeInitialize_data()
    {
        QTest::addColumn<QString>("method");
        for (const char *m :
             { "tools/list", "tools/call", "resources/list", "resources/read", "prompts/list",
               "prompts/get", "completion/complete", "logging/setLevel", "no/such/method" })
            QTest::newRow(m) << QString::fromLatin1(m);
    }
    void requestsBeforeInitialize()
    {
        QFETCH(QString, method);
        const Json r = request(method.toStdString(), Json::object(), Json("early"));
        QCOMPARE(errorCode(r), int(rpc::InvalidRequest));
        QCOMPARE(r["id"].get<std::string>(), std::string("early"));
        // A notification before initialize is ignored, not answered, and harmless.
        notify("notifications/cancelled", Json { { "requestId", "early" } });
        QVERIFY(!m_session->isInitialized());
        QCOMPARE(m_session->inFlightCount(), std::size_t(0));
    }

    void versionNegotiation_data()
    {
        QTest::addColumn<QString>("requested");
        QTest::addColumn<QString>("expected");
        for (const auto &v : McpSession::supportedVersions())
            QTest::newRow(v.c_str()) << QString::fromStdString(v) << QString::fromStdString(v);
        QTest::newRow("2024-11-05") << QStringLiteral("2024-11-05") << QStringLiteral("2025-11-25");
        QTest::newRow("future") << QStringLiteral("2030-01-01") << QStringLiteral("2025-11-25");
        QTest::newRow("garbage") << QStringLiteral("1999-01-01") << QStringLiteral("2025-11-25");
        QTest::newRow("empty") << QString() << QStringLiteral("2025-11-25");
    }
    void versionNegotiation()
    {
        QFETCH(QString, requested);
        QFETCH(QString, expected);
        QCOMPARE(McpSession::latestVersion(), std::string("2025-11-25"));
        const Json r = initialize(requested.toStdString());
        QVERIFY2(r.contains("result"), r.dump().c_str());
        const Json &res = r["result"];
        QCOMPARE(QString::fromStdString(res["protocolVersion"].get<std::string>()), expected);
        QCOMPARE(QString::fromStdString(m_session->protocolVersion()), expected);
        QVERIFY(m_session->isInitialized());
        for (const char *cap : { "tools", "resources", "prompts", "logging", "completions" })
            QVERIFY2(res["capabilities"].contains(cap), cap);
        QVERIFY(res["serverInfo"]["name"].is_string());
        QVERIFY(res["serverInfo"]["version"].is_string());
        // Optional members are omitted, never null.
        for (auto it = res.begin(); it != res.end(); ++it)
            QVERIFY2(!it.value().is_null(), it.key().c_str());
        QCOMPARE(m_session->clientInfo()["name"].get<std::string>(), std::string("test"));
        QVERIFY(m_session->clientCapabilities().contains("sampling"));
    }

    void initializeNeedsProtocolVersion_data()
    {
        QTest::addColumn<QString>("params"); // empty: no params member at all
        QTest::newRow("no params") << QString();
        QTest::newRow("empty params") << QStringLiteral("{}");
        QTest::newRow("number") << QStringLiteral(R"({"protocolVersion":20251125})");
        QTest::newRow("null") << QStringLiteral(R"({"protocolVersion":null})");
        QTest::newRow("capabilities not object")
            << QStringLiteral(R"({"protocolVersion":"2025-11-25","capabilities":[]})");
    }
    void initializeNeedsProtocolVersion()
    {
        QFETCH(QString, params);
        const Json p = params.isEmpty() ? Json(nullptr) : Json::parse(params.toStdString());
        const Json r = request("initialize", p, Json(0));
        QCOMPARE(errorCode(r), int(rpc::InvalidParams));
        QCOMPARE(r["id"].get<int>(), 0);
        QVERIFY(!m_session->isInitialized());
        QCOMPARE(errorCode(request("tools/list")), int(rpc::InvalidRequest));
        // The session can still be initialized properly afterwards.
        QVERIFY(initialize().contains("result"));
        QVERIFY(request("tools/list").contains("result"));
    }

    void secondInitializeRejected()
    {
        QVERIFY(initialize("2025-06-18").contains("result"));
        const Json r = initialize("2025-11-25");
        QCOMPARE(errorCode(r), int(rpc::InvalidRequest));
        QCOMPARE(m_session->protocolVersion(), std::string("2025-06-18"));
    }

    void unknownMethod()
    {
        initialize();
        const Json r = request("tools/explode", Json::object(), Json("u1"));
        QCOMPARE(errorCode(r), int(rpc::MethodNotFound));
        QCOMPARE(r["id"].get<std::string>(), std::string("u1"));
        // An unknown notification is ignored; the session stays usable.
        notify("notifications/whatever", Json { { "x", 1 } });
        QVERIFY(request("ping").contains("result"));
    }

    void toolsListPagination()
    {
        initialize();
        std::vector<std::string> names;
        std::vector<std::string> cursors;
        Json params = Json::object();
        for (int page = 0; page < 20; ++page) {
            const Json r = request("tools/list", params);
            QVERIFY2(r.contains("result"), r.dump().c_str());
            const Json &res = r["result"];
            QVERIFY(res["tools"].size() <= 3);
            for (const Json &t : res["tools"])
                names.push_back(t["name"].get<std::string>());
            if (!res.contains("nextCursor"))
                break;
            QVERIFY(res["nextCursor"].is_string());
            cursors.push_back(res["nextCursor"].get<std::string>());
            params = Json { { "cursor", cursors.back() } };
        }
        QCOMPARE(names, m_server->tools().names());
        QCOMPARE(names.size(), std::size_t(10));
        QCOMPARE(cursors.size(), std::size_t(3)); // 3+3+3+1
        for (const auto &c : cursors) {
            // Opaque: not a bare offset a client could compute.
            bool isNumber = false;
            QString::fromStdString(c).toInt(&isNumber);
            QVERIFY2(!isNumber, c.c_str());
        }
        // Stable: the same position gives the same cursor.
        const Json again = request("tools/list", Json { { "cursor", cursors.front() } });
        QCOMPARE(again["result"]["tools"][0]["name"].get<std::string>(), names[3]);
        // A null cursor means the first page.
        QCOMPARE(request("tools/list", Json { { "cursor", nullptr } })["result"]["tools"][0]["name"]
                     .get<std::string>(),
                 names[0]);
    }

    void forgedCursorsRejected()
    {
        initialize();
        const std::string valid = request("tools/list")["result"]["nextCursor"].get<std::string>();
        const auto dot = valid.find('.');
        QVERIFY(dot != std::string::npos);
        const std::string mac = valid.substr(dot + 1);

        std::vector<Json> forged;
        forged.push_back(Json("garbage"));
        forged.push_back(Json(""));
        forged.push_back(Json("3"));
        forged.push_back(Json(3));
        forged.push_back(Json::object());
        // Edited offset, original MAC.
        forged.push_back(Json(base64Url("tools:0") + "." + mac));
        forged.push_back(Json(base64Url("tools:6") + "." + mac));
        // One character of the MAC changed.
        std::string flipped = valid;
        char &middle = flipped[dot + 5];
        middle = middle == 'A' ? 'B' : 'A';
        forged.push_back(Json(flipped));
        // The last character changed only in the bits base64 leaves unused: same bytes, but
        // not the cursor the server issued.
        static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const std::size_t last = alphabet.find(valid.back());
        QVERIFY(last != std::string::npos);
        for (std::size_t k = 1; k < 4; ++k) {
            std::string padded = valid;
            padded.back() = alphabet[(last & ~std::size_t(3)) + ((last + k) & 3)];
            forged.push_back(Json(padded));
        }
        forged.push_back(Json(valid + "x"));
        // A real cursor of another server (another key) and of another list.
        auto other = makeServer();
        forged.push_back(Json(other->encodeListCursor("tools", 3)));
        forged.push_back(Json(m_server->encodeListCursor("resources", 3)));
        // Past the end of the list.
        forged.push_back(Json(m_server->encodeListCursor("tools", 1000)));
        for (const Json &c : forged) {
            const Json r = request("tools/list", Json { { "cursor", c } });
            QVERIFY2(errorCode(r) == rpc::InvalidParams, (c.dump() + " -> " + r.dump()).c_str());
        }
        // The valid cursor still works after all that.
        QVERIFY(request("tools/list", Json { { "cursor", valid } }).contains("result"));
        // The other lists check their cursors too.
        QCOMPARE(errorCode(request("resources/list", Json { { "cursor", "nope" } })),
                 int(rpc::InvalidParams));
        QCOMPARE(errorCode(request("prompts/list", Json { { "cursor", valid } })),
                 int(rpc::InvalidParams));
        QCOMPARE(errorCode(request("resources/templates/list", Json { { "cursor", valid } })),
                 int(rpc::InvalidParams));
    }

    void exactPageHasNoNextCursor()
    {
        initialize();
        const Json r = request("resources/list");
        QCOMPARE(r["result"]["resources"].size(), std::size_t(3));
        QVERIFY2(!r["result"].contains("nextCursor"), r.dump().c_str());
        const Json t = request("resources/templates/list");
        QCOMPARE(t["result"]["resourceTemplates"][0]["uriTemplate"].get<std::string>(),
                 std::string("test://t/{id}"));
        const Json p = request("prompts/list");
        QCOMPARE(p["result"]["prompts"][0]["name"].get<std::string>(), std::string("greet"));
        QCOMPARE(p["result"]["prompts"][0]["arguments"][0]["required"].get<bool>(), true);
    }

    void toolsCallInvalidParams_data()
    {
        QTest::addColumn<QString>("params");
        QTest::newRow("unknown tool") << QStringLiteral(R"({"name":"nope","arguments":{}})");
        QTest::newRow("arguments array") << QStringLiteral(R"({"name":"echo","arguments":[1,2]})");
        QTest::newRow("arguments string") << QStringLiteral(R"({"name":"echo","arguments":"{}"})");
        QTest::newRow("arguments number") << QStringLiteral(R"({"name":"echo","arguments":1})");
        QTest::newRow("no name") << QStringLiteral(R"({"arguments":{}})");
        QTest::newRow("name number") << QStringLiteral(R"({"name":1})");
        QTest::newRow("no params") << QString();
    }
    void toolsCallInvalidParams()
    {
        QFETCH(QString, params);
        initialize();
        const Json p = params.isEmpty() ? Json(nullptr) : Json::parse(params.toStdString());
        const Json r = request("tools/call", p, Json("c1"));
        QCOMPARE(errorCode(r), int(rpc::InvalidParams));
        QCOMPARE(r["id"].get<std::string>(), std::string("c1"));
        QCOMPARE(m_session->inFlightCount(), std::size_t(0));
    }

    void toolsCallArguments()
    {
        initialize();
        // Absent and null arguments both mean {}.
        Json r = request("tools/call", Json { { "name", "echo" } });
        QCOMPARE(str(r["result"]["structuredContent"]), QStringLiteral(R"({"echo":{}})"));
        r = request("tools/call", Json { { "name", "echo" }, { "arguments", nullptr } });
        QCOMPARE(str(r["result"]["structuredContent"]), QStringLiteral(R"({"echo":{}})"));
        r = callTool("echo", Json { { "a", 1 } });
        QCOMPARE(str(r["result"]["structuredContent"]), QStringLiteral(R"({"echo":{"a":1}})"));
        QCOMPARE(r["result"]["isError"].get<bool>(), false);
        QCOMPARE(r["result"]["content"][0]["type"].get<std::string>(), std::string("text"));
    }

    void throwingToolGivesInternalWithoutText()
    {
        initialize();
        const Json r = callTool("thrower");
        QVERIFY2(r.contains("result"), r.dump().c_str());
        const Json &res = r["result"];
        QCOMPARE(res["isError"].get<bool>(), true);
        QCOMPARE(res["structuredContent"]["error"]["code"].get<std::string>(),
                 std::string("INTERNAL"));
        const std::string all = r.dump();
        QVERIFY2(all.find("hunter2") == std::string::npos, all.c_str());
        QVERIFY2(all.find("db.internal") == std::string::npos, all.c_str());
        QCOMPARE(m_session->inFlightCount(), std::size_t(0));
        QVERIFY(request("ping").contains("result"));
    }

    void progressNeedsToken()
    {
        initialize();
        std::shared_ptr<RecordingOutbound> out;
        const Json r = callTool("progress", Json::object(), nullptr, &out);
        QVERIFY(r.contains("result"));
        QTest::qWait(20);
        QVERIFY2(out->sent.empty(), str(Json(out->sent)).toUtf8().constData());

        // A token of a type the spec does not allow is no token.
        callTool("progress", Json::object(), Json { { "progressToken", 1.5 } }, &out);
        QVERIFY(out->sent.empty());
        callTool("progress", Json::object(), Json { { "progressToken", nullptr } }, &out);
        QVERIFY(out->sent.empty());
    }

    void progressStrictlyIncreasing_data()
    {
        QTest::addColumn<QString>("token");
        QTest::newRow("integer") << QStringLiteral("7");
        QTest::newRow("zero") << QStringLiteral("0");
        QTest::newRow("string") << QStringLiteral(R"("tok-1")");
    }
    void progressStrictlyIncreasing()
    {
        QFETCH(QString, token);
        initialize();
        const Json tok = Json::parse(token.toStdString());
        std::shared_ptr<RecordingOutbound> out;
        const Json r =
            callTool("progress", Json::object(), Json { { "progressToken", tok } }, &out);
        QVERIFY(r.contains("result"));
        QTest::qWait(20); // anything posted after the answer would arrive now
        const auto notes = out->notifications("notifications/progress");
        QCOMPARE(notes.size(), out->sent.size());
        std::vector<double> values;
        for (const Json &n : notes) {
            // The token comes back as received: same JSON type and value.
            QCOMPARE(str(n["params"]["progressToken"]), str(tok));
            QCOMPARE(n["params"]["total"].get<double>(), 100.0);
            QVERIFY(!n.contains("id"));
            values.push_back(n["params"]["progress"].get<double>());
        }
        QCOMPARE(values, (std::vector<double> { 0.0, 50.0, 100.0 }));
        // All of them before the answer (the SDK drops its handler when the answer arrives):
        // the recorder appends the final thread last, and finish happened once.
        QCOMPARE(out->finishCount, 1);
        QCOMPARE(out->threads.size(), notes.size() + 1);
    }

    void loggingSetLevel_data()
    {
        QTest::addColumn<QString>("params");
        QTest::newRow("unknown name") << QStringLiteral(R"({"level":"verbose"})");
        QTest::newRow("upper case") << QStringLiteral(R"({"level":"WARNING"})");
        QTest::newRow("number") << QStringLiteral(R"({"level":3})");
        QTest::newRow("missing") << QStringLiteral("{}");
    }
    void loggingSetLevel()
    {
        QFETCH(QString, params);
        initialize();
        const LogLevel before = m_session->logLevel();
        const Json r = request("logging/setLevel", Json::parse(params.toStdString()));
        QCOMPARE(errorCode(r), int(rpc::InvalidParams));
        QVERIFY(m_session->logLevel() == before);
    }

    void loggingFiltersByLevel()
    {
        initialize();
        auto levelsOf = [this]() {
            std::shared_ptr<RecordingOutbound> out;
            callTool("logger", Json::object(), nullptr, &out);
            QTest::qWait(10);
            std::vector<std::string> levels;
            for (const Json &n : out->notifications("notifications/message")) {
                levels.push_back(n["params"]["level"].get<std::string>());
                if (!n["params"].contains("data"))
                    levels.push_back("<no data>");
            }
            return levels;
        };
        Json r = request("logging/setLevel", Json { { "level", "warning" } });
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QVERIFY(m_session->logLevel() == LogLevel::Warning);
        QCOMPARE(levelsOf(), (std::vector<std::string> { "warning", "error" }));

        r = request("logging/setLevel", Json { { "level", "debug" } });
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QCOMPARE(levelsOf(), (std::vector<std::string> { "debug", "info", "warning", "error" }));

        request("logging/setLevel", Json { { "level", "emergency" } });
        QCOMPARE(levelsOf(), std::vector<std::string> {});

        // Message shape: level, logger (omitted when empty), data.
        request("logging/setLevel", Json { { "level", "info" } });
        std::shared_ptr<RecordingOutbound> out;
        callTool("logger", Json::object(), nullptr, &out);
        QTest::qWait(10);
        const auto notes = out->notifications("notifications/message");
        QCOMPARE(notes.size(), std::size_t(3));
        QCOMPARE(str(notes[0]["params"]),
                 QStringLiteral(R"({"level":"info","logger":"t","data":"i"})"));
        QCOMPARE(str(notes[2]["params"]),
                 QStringLiteral(R"({"level":"error","data":{"detail":"e"}})"));
    }

    void cancellationStopsWork()
    {
        initialize();
        QSignalSpy completed(m_session.get(), &McpSession::requestCompleted);
        std::shared_ptr<RecordingOutbound> out =
            start("tools/call", Json { { "name", "hold" } }, Json(42));
        QVERIFY(m_held);
        QCOMPARE(m_session->inFlightCount(), std::size_t(1));

        // The string "42" is another id than the number 42.
        notify("notifications/cancelled", Json { { "requestId", "42" } });
        QCOMPARE(m_cancelRuns.load(), 0);
        QVERIFY(!m_held->isCancelled());

        notify("notifications/cancelled",
               Json { { "requestId", 42 }, { "reason", "user pressed stop" } });
        QCOMPARE(m_cancelRuns.load(), 1);
        QVERIFY(m_held->isCancelled());
        QCOMPARE(m_session->inFlightCount(), std::size_t(0));
        QVERIFY(!out->finished);
        QVERIFY(out->abandoned); // the transport may close the channel; no response on it

        // The tool finishing late is dropped: the spec says no response after cancellation.
        m_held->respond(Json { { "content", Json::array() } });
        m_held->respondError(rpc::InternalError, "late");
        QTest::qWait(20);
        QVERIFY(!out->finished);
        QCOMPARE(out->finishCount, 0);
        QVERIFY(out->sent.empty());

        // A second cancel is harmless and does not run the handler again.
        notify("notifications/cancelled", Json { { "requestId", 42 } });
        QCOMPARE(m_cancelRuns.load(), 1);
        // A handler set after cancellation runs at once.
        bool ranLate = false;
        m_held->setCancelHandler([&ranLate] { ranLate = true; });
        QVERIFY(ranLate);

        QCOMPARE(completed.count(), 1);
        const auto ev = completed.at(0).at(0).value<RequestEvent>();
        QCOMPARE(ev.outcome, QStringLiteral("cancelled"));

        // The id is free again and the session works.
        QVERIFY(request("ping", nullptr, Json(42)).contains("result"));
    }

    void invalidCancellationsIgnored()
    {
        initialize();
        auto out = start("tools/call", Json { { "name", "hold" } }, Json("h"));
        notify("notifications/cancelled");
        notify("notifications/cancelled", Json::object());
        notify("notifications/cancelled", Json { { "requestId", "unknown" } });
        notify("notifications/cancelled", Json { { "requestId", nullptr } });
        notify("notifications/cancelled", Json { { "requestId", Json::array({ 1 }) } });
        QCOMPARE(m_cancelRuns.load(), 0);
        QCOMPARE(m_session->inFlightCount(), std::size_t(1));
        m_held->respond(Json { { "content", Json::array() } });
        QVERIFY(waitFinished(*out));
        QCOMPARE(out->response["id"].get<std::string>(), std::string("h"));
        // Cancelling a finished request is a race the spec tells us to tolerate.
        notify("notifications/cancelled", Json { { "requestId", "h" } });
        QCOMPARE(m_cancelRuns.load(), 0);
        QCOMPARE(out->finishCount, 1);
    }

    void duplicateInFlightIdRejected()
    {
        initialize();
        auto held = start("tools/call", Json { { "name", "hold" } }, Json(5));
        QCOMPARE(m_session->inFlightCount(), std::size_t(1));
        Json r = request("tools/list", nullptr, Json(5));
        QCOMPARE(errorCode(r), int(rpc::InvalidRequest));
        QCOMPARE(r["id"].get<int>(), 5);
        r = request("tools/call", Json { { "name", "echo" } }, Json(5));
        QCOMPARE(errorCode(r), int(rpc::InvalidRequest));
        // The original request is unaffected and the string "5" is a different id.
        QVERIFY(!held->finished);
        QVERIFY(!m_held->isCancelled());
        r = request("tools/call", Json { { "name", "echo" } }, Json("5"));
        QVERIFY2(r.contains("result"), r.dump().c_str());
        m_held->respond(Json { { "content", Json::array() } });
        QVERIFY(waitFinished(*held));
        QCOMPARE(held->response["id"].get<int>(), 5);
        QVERIFY(held->response.contains("result"));
    }

    void resourcesRead()
    {
        initialize();
        Json r = request("resources/read", Json { { "uri", "test://missing" } });
        QCOMPARE(errorCode(r), int(rpc::ResourceNotFound));
        QCOMPARE(r["error"]["data"]["uri"].get<std::string>(), std::string("test://missing"));

        QCOMPARE(errorCode(request("resources/read", Json::object())), int(rpc::InvalidParams));
        QCOMPARE(errorCode(request("resources/read", Json { { "uri", 5 } })),
                 int(rpc::InvalidParams));

        r = request("resources/read", Json { { "uri", "test://b" } });
        QCOMPARE(r["result"]["contents"][0]["text"].get<std::string>(),
                 std::string("content of test://b"));
        r = request("resources/read", Json { { "uri", "test://t/123" } });
        QCOMPARE(r["result"]["contents"][0]["uri"].get<std::string>(), std::string("test://t/123"));
    }

    void subscribeAndUnsubscribe()
    {
        initialize();
        Json r = request("resources/subscribe", Json { { "uri", "test://a" } });
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QVERIFY(m_session->isSubscribed("test://a"));
        r = request("resources/unsubscribe", Json { { "uri", "test://a" } });
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QVERIFY(!m_session->isSubscribed("test://a"));
        // Unsubscribing twice is fine.
        r = request("resources/unsubscribe", Json { { "uri", "test://a" } });
        QCOMPARE(str(r["result"]), QStringLiteral("{}"));
        QCOMPARE(errorCode(request("resources/subscribe", Json::object())),
                 int(rpc::InvalidParams));
        QCOMPARE(errorCode(request("resources/subscribe", Json { { "uri", "test://missing" } })),
                 int(rpc::ResourceNotFound));
        QVERIFY(!m_session->isSubscribed("test://missing"));
    }

    void promptsGet_data()
    {
        QTest::addColumn<QString>("params");
        QTest::newRow("missing required") << QStringLiteral(R"({"name":"greet"})");
        QTest::newRow("missing required, optional given")
            << QStringLiteral(R"({"name":"greet","arguments":{"tone":"warm"}})");
        QTest::newRow("unknown prompt") << QStringLiteral(R"({"name":"nope"})");
        QTest::newRow("no name") << QStringLiteral(R"({"arguments":{"name":"x"}})");
        QTest::newRow("non-string argument")
            << QStringLiteral(R"({"name":"greet","arguments":{"name":5}})");
        QTest::newRow("unknown argument")
            << QStringLiteral(R"({"name":"greet","arguments":{"name":"a","x":"b"}})");
        QTest::newRow("arguments array") << QStringLiteral(R"({"name":"greet","arguments":["a"]})");
    }
    void promptsGet()
    {
        QFETCH(QString, params);
        initialize();
        const Json r = request("prompts/get", Json::parse(params.toStdString()));
        QCOMPARE(errorCode(r), int(rpc::InvalidParams));
        QVERIFY(!r["error"]["message"].get<std::string>().empty());
    }

    void promptsGetRenders()
    {
        initialize();
        const Json r =
            request("prompts/get",
                    Json { { "name", "greet" }, { "arguments", Json { { "name", "Ada" } } } });
        QCOMPARE(r["result"]["messages"][0]["content"]["text"].get<std::string>(),
                 std::string("Hello Ada"));
    }

    void completionCapped()
    {
        initialize();
        auto complete = [this](Json ref, const std::string &arg, const std::string &value) {
            return request("completion/complete",
                           Json { { "ref", std::move(ref) },
                                  { "argument", Json { { "name", arg }, { "value", value } } } });
        };
        Json r = complete(Json { { "type", "ref/prompt" }, { "name", "greet" } }, "name", "");
        Json c = r["result"]["completion"];
        QCOMPARE(c["values"].size(), std::size_t(100));
        QCOMPARE(c["total"].get<int>(), 250);
        QCOMPARE(c["hasMore"].get<bool>(), true);
        QCOMPARE(c["values"][0].get<std::string>(), std::string("n000"));

        r = complete(Json { { "type", "ref/prompt" }, { "name", "greet" } }, "name", "n24");
        c = r["result"]["completion"];
        QCOMPARE(c["values"].size(), std::size_t(10));
        QCOMPARE(c["total"].get<int>(), 10);
        QCOMPARE(c["hasMore"].get<bool>(), false);

        // Exactly 100: no more to come.
        r = complete(Json { { "type", "ref/prompt" }, { "name", "greet" } }, "name", "n0");
        c = r["result"]["completion"];
        QCOMPARE(c["values"].size(), std::size_t(100));
        QCOMPARE(c["hasMore"].get<bool>(), false);

        r = complete(Json { { "type", "ref/resource" }, { "uri", "test://t/{id}" } }, "id", "");
        c = r["result"]["completion"];
        QCOMPARE(c["values"].size(), std::size_t(100));
        QCOMPARE(c["total"].get<int>(), 150);
        QCOMPARE(c["hasMore"].get<bool>(), true);

        // An argument without a completion source gives an empty list, not an error.
        r = complete(Json { { "type", "ref/prompt" }, { "name", "greet" } }, "tone", "");
        QCOMPARE(r["result"]["completion"]["values"].size(), std::size_t(0));

        QCOMPARE(errorCode(request("completion/complete",
                                   Json { { "ref", Json { { "type", "ref/prompt" } } } })),
                 int(rpc::InvalidParams));
    }

    void serverToClientRoundTrip()
    {
        initialize();
        auto out = start("tools/call", Json { { "name", "asker" } });
        QTRY_VERIFY(!out->sent.empty());
        const Json req = out->sent.front();
        QCOMPARE(req["method"].get<std::string>(), std::string("sampling/createMessage"));
        QVERIFY(req["id"].is_string() || req["id"].is_number_integer());
        QCOMPARE(req["params"]["maxTokens"].get<int>(), 10);
        QVERIFY(!out->finished);

        // A response for an id nobody asked about is ignored.
        m_session->handle(
            classified(
                Json { { "jsonrpc", "2.0" }, { "id", "nobody" }, { "result", Json::object() } }),
            nullptr);
        QCOMPARE(m_clientReplies, 0);

        const Json answer =
            Json { { "jsonrpc", "2.0" },
                   { "id", req["id"] },
                   { "result",
                     Json { { "role", "assistant" },
                            { "content", Json { { "type", "text" }, { "text", "hi there" } } },
                            { "model", "m" } } } };
        m_session->handle(classified(answer), nullptr);
        QCOMPARE(m_clientReplies, 1);
        QVERIFY(waitFinished(*out));
        QCOMPARE(out->response["result"]["structuredContent"]["said"].get<std::string>(),
                 std::string("hi there"));
        // A duplicate answer is ignored.
        m_session->handle(classified(answer), nullptr);
        QCOMPARE(m_clientReplies, 1);

        // The error path: the client refuses.
        auto out2 = start("tools/call", Json { { "name", "asker" } });
        QTRY_VERIFY(!out2->sent.empty());
        const Json req2 = out2->sent.front();
        QVERIFY(req2["id"] != req["id"]);
        m_session->handle(
            classified(
                Json { { "jsonrpc", "2.0" },
                       { "id", req2["id"] },
                       { "error", Json { { "code", -1 }, { "message", "User rejected" } } } }),
            nullptr);
        QCOMPARE(m_clientReplies, 2);
        QCOMPARE(m_clientError["code"].get<int>(), -1);
        QVERIFY(waitFinished(*out2));
        QCOMPARE(out2->response["result"]["isError"].get<bool>(), true);
    }

    void pendingClientRequestFailsOnClose()
    {
        initialize();
        auto out = start("tools/call", Json { { "name", "asker" } });
        QTRY_VERIFY(!out->sent.empty());
        m_session->close();
        QCOMPARE(m_clientReplies, 1);
        QCOMPARE(m_clientError["code"].get<int>(), int(rpc::ConnectionClosed));
        QTest::qWait(10);
        QVERIFY(!out->finished); // closed sessions answer nothing more
        QVERIFY(out->abandoned);
    }

    void olderProtocolShapes_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("structured");
        QTest::newRow("2025-03-26") << QStringLiteral("2025-03-26") << false;
        QTest::newRow("2025-06-18") << QStringLiteral("2025-06-18") << true;
        QTest::newRow("2025-11-25") << QStringLiteral("2025-11-25") << true;
    }
    void olderProtocolShapes()
    {
        QFETCH(QString, version);
        QFETCH(bool, structured);
        initialize(version.toStdString());
        const Json list = request("tools/list");
        const Json echo = list["result"]["tools"][0];
        QCOMPARE(echo["name"].get<std::string>(), std::string("echo"));
        QCOMPARE(echo.contains("outputSchema"), structured);
        QVERIFY(echo.contains("inputSchema"));

        Json r = callTool("echo", Json { { "k", "v" } });
        QCOMPARE(r["result"].contains("structuredContent"), structured);
        // The text block always carries the result for clients without structured output.
        QVERIFY(r["result"]["content"][0]["text"].get<std::string>().find("\"k\"")
                != std::string::npos);

        r = callTool("thrower");
        QCOMPARE(r["result"]["isError"].get<bool>(), true);
        QCOMPARE(r["result"].contains("structuredContent"), structured);
        QVERIFY(r["result"]["content"][0]["text"].get<std::string>().find("INTERNAL")
                != std::string::npos);
    }

    void respondFromWorkerThread()
    {
        initialize();
        request("logging/setLevel", Json { { "level", "debug" } });
        auto out =
            start("tools/call",
                  Json { { "name", "worker" }, { "_meta", Json { { "progressToken", "w" } } } });
        QTRY_VERIFY(out->finished);
        joinThreads();
        QVERIFY(m_workerThread.load() != nullptr);
        QVERIFY(m_workerThread.load() != QThread::currentThread());
        // Everything arrived on the session's thread, in call order.
        for (QThread *t : out->threads)
            QCOMPARE(t, m_session->thread());
        QCOMPARE(out->sent.size(), std::size_t(3));
        QCOMPARE(out->sent[0]["params"]["progress"].get<double>(), 1.0);
        QCOMPARE(out->sent[1]["method"].get<std::string>(), std::string("notifications/message"));
        QCOMPARE(out->sent[2]["params"]["progress"].get<double>(), 2.0);
        QCOMPARE(out->response["result"]["structuredContent"]["from"].get<std::string>(),
                 std::string("worker"));
        QCOMPARE(m_session->inFlightCount(), std::size_t(0));
    }

    void sessionDestroyedWhileWorkerHoldsContext()
    {
        initialize();
        auto out = start("tools/call",
                         Json { { "name", "hold" }, { "_meta", Json { { "progressToken", 1 } } } });
        QVERIFY(m_held);
        std::shared_ptr<RequestContext> ctx = m_held;
        m_held.reset();
        m_session.reset();
        QCOMPARE(m_cancelRuns.load(), 1); // closing the session cancels its work
        QVERIFY(ctx->isCancelled());
        QVERIFY(out->abandoned);

        std::thread worker([ctx] {
            ctx->progress(1);
            ctx->log(LogLevel::Emergency, "w", Json("late"));
            ctx->requestClient("sampling/createMessage", Json::object(),
                               [](const Json &, const Json &) {});
            ctx->respond(Json { { "content", Json::array() } });
            ctx->respondError(rpc::InternalError, "late");
        });
        worker.join();
        QTest::qWait(20);
        QVERIFY(!out->finished);
        QVERIFY(out->sent.empty());
        QVERIFY(ctx->isFinished());
    }

    void responseQueuedThenSessionDestroyed()
    {
        initialize();
        auto out = start("tools/call", Json { { "name", "hold" } });
        std::shared_ptr<RequestContext> ctx = m_held;
        m_held.reset();
        // The worker answers, but the session dies before the queued delivery runs.
        std::thread worker([ctx] { ctx->respond(Json { { "content", Json::array() } }); });
        worker.join();
        m_session.reset();
        QTest::qWait(20);
        QVERIFY(!out->finished);
    }

    void closeCancelsEverything()
    {
        initialize();
        auto out = start("tools/call", Json { { "name", "hold" } });
        auto standalone = std::make_shared<RecordingOutbound>();
        m_session->setStandalone(standalone);
        QVERIFY(m_session->hasStandalone());
        m_session->notify("notifications/tools/list_changed", nullptr);
        QCOMPARE(standalone->sent.size(), std::size_t(1));
        QCOMPARE(
            str(standalone->sent[0]),
            QStringLiteral(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})"));

        m_session->close();
        QVERIFY(m_session->isClosed());
        QCOMPARE(m_cancelRuns.load(), 1);
        QVERIFY(out->abandoned);
        QVERIFY(standalone->abandoned);
        QVERIFY(!m_session->hasStandalone());
        const Json r = request("ping");
        QCOMPARE(errorCode(r), int(rpc::ConnectionClosed));
        m_held->respond(Json { { "content", Json::array() } });
        QTest::qWait(10);
        QVERIFY(!out->finished);
    }

    void requestEventsAndCounters()
    {
        initialize();
        QSignalSpy sessionSpy(m_session.get(), &McpSession::requestCompleted);
        QSignalSpy serverSpy(m_server.get(), &McpServer::requestCompleted);
        const quint64 requests = m_server->requestCount();
        const quint64 errors = m_server->errorCount();
        callTool("echo");
        request("resources/read", Json { { "uri", "test://missing" } });
        QCOMPARE(sessionSpy.count(), 2);
        QCOMPARE(serverSpy.count(), 2);
        const auto ok = sessionSpy.at(0).at(0).value<RequestEvent>();
        QCOMPARE(ok.method, QStringLiteral("tools/call"));
        QCOMPARE(ok.target, QStringLiteral("echo"));
        QCOMPARE(ok.outcome, QStringLiteral("ok"));
        QCOMPARE(ok.transport, QStringLiteral("test"));
        const auto bad = sessionSpy.at(1).at(0).value<RequestEvent>();
        QCOMPARE(bad.target, QStringLiteral("test://missing"));
        QVERIFY(bad.outcome != QStringLiteral("ok"));
        QCOMPARE(m_server->requestCount(), requests + 2);
        QCOMPARE(m_server->errorCount(), errors + 1);
    }

    void sessionIdsAreRandom()
    {
        const std::string a = McpServer::randomToken();
        const std::string b = McpServer::randomToken();
        QVERIFY(a != b);
        QCOMPARE(a.size(), std::size_t(43));
        for (char c : a)
            QVERIFY(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
        auto s1 = m_server->createSession(QStringLiteral("x"), principal());
        auto s2 = m_server->createSession(QStringLiteral("x"), principal());
        QVERIFY(s1->id() != s2->id());
        QCOMPARE(m_server->createSession(QStringLiteral("x"), principal(), "fixed")->id(),
                 std::string("fixed"));
    }
};

QTEST_GUILESS_MAIN(TestMcpSession)
#include "TestMcpSession.moc"
