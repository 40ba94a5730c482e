#include "common/StrictJson.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/ResourceCatalog.h"
#include "tools/ConformanceFixtures.h"
#include "tools/ToolRegistry.h"

#include <QElapsedTimer>
#include <QTest>

#include <set>

using namespace warden;

namespace {

// Records what the engine writes for one request, in order.
class RecordingOutbound : public Outbound
{
public:
    void send(const Json &message) override { sent.push_back(message); }
    void finish(const Json &r) override
    {
        response = r;
        finished = true;
    }
    void abandon() override { abandoned = true; }
    bool isOpen() const override { return !finished && !abandoned; }
    void disconnectForResumption() override { disconnected = true; }

    std::vector<Json> sent;
    Json response;
    bool finished = false;
    bool abandoned = false;
    bool disconnected = false;
};

rpc::Message classified(const Json &value)
{
    rpc::Message m;
    Json error;
    if (!rpc::classify(value, m, error))
        qFatal("test message rejected: %s", StrictJson::dump(error).c_str());
    return m;
}

QString str(const Json &j)
{
    return QString::fromStdString(j.is_string() ? j.get<std::string>() : StrictJson::dump(j));
}

} // namespace

class TestConformanceFixtures : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<McpServer> m_server;
    std::unique_ptr<McpSession> m_session;
    int m_nextId = 1;

    // Sends a request and returns its outbound without waiting.
    std::shared_ptr<RecordingOutbound> start(const std::string &method, Json params = nullptr)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["id"] = m_nextId++;
        msg["method"] = method;
        if (!params.is_null())
            msg["params"] = std::move(params);
        auto out = std::make_shared<RecordingOutbound>();
        m_session->handle(classified(msg), out);
        return out;
    }

    // Sends a request and waits for its response (tools answer through the event loop).
    Json request(const std::string &method, Json params = nullptr,
                 std::shared_ptr<RecordingOutbound> *outbound = nullptr)
    {
        auto out = start(method, std::move(params));
        if (outbound)
            *outbound = out;
        QElapsedTimer t;
        t.start();
        while (!out->finished && t.elapsed() < 5000)
            QTest::qWait(5);
        if (!out->finished)
            return Json { { "timeout", true } };
        return out->response;
    }

    Json result(const std::string &method, Json params = nullptr)
    {
        const Json r = request(method, std::move(params));
        if (!r.contains("result"))
            qWarning("no result: %s", StrictJson::dump(r).c_str());
        return r.value("result", Json());
    }

    Json callTool(const std::string &name, Json arguments = Json::object(),
                  std::shared_ptr<RecordingOutbound> *outbound = nullptr)
    {
        Json params = Json::object();
        params["name"] = name;
        params["arguments"] = std::move(arguments);
        const Json r = request("tools/call", std::move(params), outbound);
        return r.value("result", Json());
    }

    // Waits for the server-to-client request on `out` and checks its method.
    Json waitForClientRequest(RecordingOutbound &out, const std::string &method)
    {
        QElapsedTimer t;
        t.start();
        while (out.sent.empty() && t.elapsed() < 5000)
            QTest::qWait(5);
        if (out.sent.empty())
            return Json();
        const Json req = out.sent.front();
        if (req.value("method", std::string()) != method)
            return Json();
        return req;
    }

    // Answers a server-to-client request the way a client does (a POSTed response).
    void reply(const Json &request, Json result)
    {
        Json msg = Json::object();
        msg["result"] = std::move(result);
        msg["jsonrpc"] = "2.0";
        msg["id"] = request["id"];
        m_session->handle(classified(msg), nullptr);
    }

    Json waitForResponse(RecordingOutbound &out)
    {
        QElapsedTimer t;
        t.start();
        while (!out.finished && t.elapsed() < 5000)
            QTest::qWait(5);
        return out.finished ? out.response.value("result", Json()) : Json();
    }

    static std::string firstText(const Json &toolResult)
    {
        if (!toolResult.is_object() || !toolResult.contains("content")
            || toolResult["content"].empty())
            return {};
        return toolResult["content"][0].value("text", std::string());
    }

private Q_SLOTS:
    void init()
    {
        auto tools = std::make_unique<ToolRegistry>();
        auto resources = std::make_unique<ResourceCatalog>();
        auto prompts = std::make_unique<PromptCatalog>();
        addConformanceFixtures(*tools, *resources, *prompts);
        m_server = std::make_unique<McpServer>(McpServer::Options {}, std::move(tools),
                                               std::move(resources), std::move(prompts));
        Principal p;
        p.userId = "conformance";
        m_session = m_server->createSession(QStringLiteral("test"), p);
        m_nextId = 1;
        const Json init = result("initialize", Json::parse(R"({"protocolVersion":"2025-11-25",
            "capabilities":{"sampling":{},"elicitation":{}},"clientInfo":{"name":"test","version":"1"}})"));
        QCOMPARE(init.value("protocolVersion", std::string()), std::string("2025-11-25"));
        m_session->handle(
            classified(Json::parse(R"({"method":"notifications/initialized","jsonrpc":"2.0"})")),
            nullptr);
    }

    void cleanup()
    {
        m_session.reset();
        m_server.reset();
    }

    void listsExactlyTheSuiteTools()
    {
        const Json r = result("tools/list");
        std::set<std::string> names;
        for (const Json &t : r["tools"]) {
            names.insert(t["name"].get<std::string>());
            QVERIFY2(ToolRegistry::isValidName(t["name"].get<std::string>()),
                     qPrintable(str(t["name"])));
            QVERIFY2(!t.value("description", std::string()).empty(), qPrintable(str(t["name"])));
            QCOMPARE(t["inputSchema"].value("type", std::string()), std::string("object"));
            QVERIFY2(!t.contains("outputSchema"), qPrintable(str(t["name"])));
        }
        const std::set<std::string> expected { "test_simple_text",
                                               "test_image_content",
                                               "test_audio_content",
                                               "test_embedded_resource",
                                               "test_multiple_content_types",
                                               "test_tool_with_logging",
                                               "test_tool_with_progress",
                                               "test_error_handling",
                                               "test_reconnection",
                                               "test_sampling",
                                               "test_elicitation",
                                               "test_elicitation_sep1034_defaults",
                                               "test_elicitation_sep1330_enums",
                                               "json_schema_2020_12_tool" };
        QVERIFY(names == expected);
        QVERIFY(!r.contains("nextCursor")); // the suite reads the first page only
    }

    void keepsTheJsonSchema202012Verbatim()
    {
        const Json r = result("tools/list");
        Json schema;
        for (const Json &t : r["tools"])
            if (t["name"] == "json_schema_2020_12_tool")
                schema = t["inputSchema"];
        QCOMPARE(str(schema["$schema"]),
                 QStringLiteral("https://json-schema.org/draft/2020-12/schema"));
        QVERIFY(schema["$defs"].contains("address"));
        QCOMPARE(str(schema["properties"]["address"]["$ref"]), QStringLiteral("#/$defs/address"));
        QVERIFY(schema["additionalProperties"].is_boolean());
        QCOMPARE(schema["additionalProperties"].get<bool>(), false);
    }

    void answersContentTools()
    {
        Json r = callTool("test_simple_text");
        QCOMPARE(firstText(r), std::string("This is a simple text response for testing."));
        QVERIFY(!r.contains("isError"));
        QVERIFY(!r.contains("structuredContent"));

        r = callTool("test_image_content");
        QCOMPARE(str(r["content"][0]["type"]), QStringLiteral("image"));
        QCOMPARE(str(r["content"][0]["mimeType"]), QStringLiteral("image/png"));
        QByteArray png = QByteArray::fromBase64(
            QByteArray::fromStdString(r["content"][0]["data"].get<std::string>()),
            QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(png.startsWith("\x89PNG"));

        r = callTool("test_audio_content");
        QCOMPARE(str(r["content"][0]["type"]), QStringLiteral("audio"));
        QCOMPARE(str(r["content"][0]["mimeType"]), QStringLiteral("audio/wav"));
        const QByteArray wav = QByteArray::fromBase64(
            QByteArray::fromStdString(r["content"][0]["data"].get<std::string>()),
            QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(wav.startsWith("RIFF"));

        r = callTool("test_embedded_resource");
        QCOMPARE(str(r["content"][0]["type"]), QStringLiteral("resource"));
        QCOMPARE(str(r["content"][0]["resource"]["uri"]),
                 QStringLiteral("test://embedded-resource"));
        QCOMPARE(str(r["content"][0]["resource"]["text"]),
                 QStringLiteral("This is an embedded resource content."));

        r = callTool("test_multiple_content_types");
        QCOMPARE(r["content"].size(), std::size_t(3));
        QCOMPARE(str(r["content"][0]["type"]), QStringLiteral("text"));
        QCOMPARE(str(r["content"][1]["type"]), QStringLiteral("image"));
        QCOMPARE(str(r["content"][2]["type"]), QStringLiteral("resource"));
        QCOMPARE(str(r["content"][2]["resource"]["text"]),
                 QStringLiteral(R"({"test":"data","value":123})"));

        r = callTool("json_schema_2020_12_tool", Json { { "name", "x" } });
        QCOMPARE(firstText(r),
                 std::string(R"(JSON Schema 2020-12 tool called with: {"name":"x"})"));
    }

    void errorToolIsAResultNotAnRpcError()
    {
        const Json response =
            request("tools/call",
                    Json { { "name", "test_error_handling" }, { "arguments", Json::object() } });
        QVERIFY(!response.contains("error"));
        const Json r = response["result"];
        QCOMPARE(r.value("isError", false), true);
        QCOMPARE(firstText(r), std::string("This tool intentionally returns an error for testing"));
    }

    void logsThreeMessagesBeforeTheAnswer()
    {
        QCOMPARE(str(result("logging/setLevel", Json { { "level", "debug" } })),
                 QStringLiteral("{}"));
        std::shared_ptr<RecordingOutbound> out;
        const Json r = callTool("test_tool_with_logging", Json::object(), &out);
        QCOMPARE(firstText(r), std::string("Tool with logging executed successfully"));
        QCOMPARE(out->sent.size(), std::size_t(3));
        const char *texts[] = { "Tool execution started", "Tool processing data",
                                "Tool execution completed" };
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(str(out->sent[i]["method"]), QStringLiteral("notifications/message"));
            QCOMPARE(str(out->sent[i]["params"]["level"]), QStringLiteral("info"));
            QCOMPARE(str(out->sent[i]["params"]["data"]), QString::fromLatin1(texts[i]));
        }
    }

    void logsRespectTheSessionLevel()
    {
        QCOMPARE(str(result("logging/setLevel", Json { { "level", "error" } })),
                 QStringLiteral("{}"));
        std::shared_ptr<RecordingOutbound> out;
        callTool("test_tool_with_logging", Json::object(), &out);
        QVERIFY(out->finished);
        QVERIFY(out->sent.empty());
    }

    void reportsProgressWithTheIntegerToken()
    {
        Json params = Json::parse(
            R"({"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":1}})");
        std::shared_ptr<RecordingOutbound> out;
        const Json response = request("tools/call", params, &out);
        QCOMPARE(firstText(response["result"]),
                 std::string("Tool with progress executed successfully"));
        QCOMPARE(out->sent.size(), std::size_t(3));
        double last = -1;
        for (const Json &n : out->sent) {
            QCOMPARE(str(n["method"]), QStringLiteral("notifications/progress"));
            QVERIFY(n["params"]["progressToken"].is_number_integer());
            QCOMPARE(n["params"]["progressToken"].get<int>(), 1);
            QVERIFY(n["params"]["progress"].get<double>() > last);
            last = n["params"]["progress"].get<double>();
            QCOMPARE(n["params"]["total"].get<double>(), 100.0);
        }
        QCOMPARE(last, 100.0);

        // Without a token: no notifications, still an answer.
        std::shared_ptr<RecordingOutbound> quiet;
        callTool("test_tool_with_progress", Json::object(), &quiet);
        QVERIFY(quiet->finished);
        QVERIFY(quiet->sent.empty());
    }

    void reconnectionDisconnectsThenAnswers()
    {
        auto out = start("tools/call",
                         Json { { "name", "test_reconnection" }, { "arguments", Json::object() } });
        QVERIFY(out->disconnected);
        QVERIFY(!out->finished);
        QElapsedTimer t;
        t.start();
        const Json r = waitForResponse(*out);
        QVERIFY2(t.elapsed() >= 100, "the answer must come after the stream was closed");
        QVERIFY(firstText(r).rfind("Reconnection test completed successfully", 0) == 0);
        QVERIFY(!r.contains("isError"));
    }

    void samplingRoundTrip()
    {
        auto out = start("tools/call",
                         Json { { "name", "test_sampling" },
                                { "arguments", { { "prompt", "Test prompt for sampling" } } } });
        const Json req = waitForClientRequest(*out, "sampling/createMessage");
        QVERIFY2(!req.is_null(), "no sampling/createMessage on the request's stream");
        QVERIFY(req["id"].is_string() || req["id"].is_number_integer());
        QCOMPARE(str(req["params"]["messages"][0]["role"]), QStringLiteral("user"));
        QCOMPARE(str(req["params"]["messages"][0]["content"]["text"]),
                 QStringLiteral("Test prompt for sampling"));
        QVERIFY(req["params"]["maxTokens"].is_number_integer());
        QVERIFY(!out->finished);
        reply(req, Json::parse(R"({"model":"test-model","stopReason":"endTurn","role":"assistant",
                                   "content":{"type":"text","text":"This is a test response from the client"}})"));
        const Json r = waitForResponse(*out);
        QCOMPARE(firstText(r),
                 std::string("LLM response: This is a test response from the client"));
    }

    void samplingErrorBecomesAToolError()
    {
        auto out =
            start("tools/call",
                  Json { { "name", "test_sampling" }, { "arguments", { { "prompt", "p" } } } });
        const Json req = waitForClientRequest(*out, "sampling/createMessage");
        QVERIFY(!req.is_null());
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["id"] = req["id"];
        msg["error"] = Json { { "code", -32602 }, { "message", "Invalid sampling request" } };
        m_session->handle(classified(msg), nullptr);
        const Json r = waitForResponse(*out);
        QCOMPARE(r.value("isError", false), true);
    }

    void elicitationRoundTrip()
    {
        auto out =
            start("tools/call",
                  Json { { "name", "test_elicitation" },
                         { "arguments", { { "message", "Please provide your information" } } } });
        const Json req = waitForClientRequest(*out, "elicitation/create");
        QVERIFY(!req.is_null());
        QCOMPARE(str(req["params"]["message"]), QStringLiteral("Please provide your information"));
        QCOMPARE(str(req["params"]["requestedSchema"]["type"]), QStringLiteral("object"));
        reply(
            req,
            Json::parse(
                R"({"action":"accept","content":{"username":"testuser","email":"test@example.com"}})"));
        QCOMPARE(
            firstText(waitForResponse(*out)),
            std::string(
                R"(User response: action=accept, content={"username":"testuser","email":"test@example.com"})"));
    }

    void elicitationDefaults()
    {
        auto out = start("tools/call",
                         Json { { "name", "test_elicitation_sep1034_defaults" },
                                { "arguments", Json::object() } });
        const Json req = waitForClientRequest(*out, "elicitation/create");
        QVERIFY(!req.is_null());
        const Json &props = req["params"]["requestedSchema"]["properties"];
        QCOMPARE(str(props["name"]["default"]), QStringLiteral("John Doe"));
        QCOMPARE(str(props["age"]["type"]), QStringLiteral("integer"));
        QVERIFY(props["age"]["default"].is_number_integer());
        QCOMPARE(props["age"]["default"].get<int>(), 30);
        QCOMPARE(str(props["score"]["type"]), QStringLiteral("number"));
        QCOMPARE(props["score"]["default"].get<double>(), 95.5);
        QCOMPARE(str(props["status"]["default"]), QStringLiteral("active"));
        QVERIFY(props["status"]["enum"].is_array());
        QVERIFY(props["verified"]["default"].is_boolean()
                && props["verified"]["default"].get<bool>());
        reply(
            req,
            Json::parse(
                R"({"action":"accept","content":{"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false}})"));
        QCOMPARE(
            firstText(waitForResponse(*out)),
            std::string(
                R"(Elicitation completed: action=accept, content={"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false})"));
    }

    void elicitationEnums()
    {
        auto out = start(
            "tools/call",
            Json { { "name", "test_elicitation_sep1330_enums" }, { "arguments", Json::object() } });
        const Json req = waitForClientRequest(*out, "elicitation/create");
        QVERIFY(!req.is_null());
        const Json &props = req["params"]["requestedSchema"]["properties"];
        QVERIFY(props["untitledSingle"]["enum"].is_array()
                && !props["untitledSingle"].contains("oneOf"));
        QVERIFY(props["titledSingle"]["oneOf"].is_array()
                && !props["titledSingle"].contains("enum"));
        for (const Json &o : props["titledSingle"]["oneOf"])
            QVERIFY(o["const"].is_string() && o["title"].is_string());
        QCOMPARE(props["legacyEnum"]["enumNames"].size(), props["legacyEnum"]["enum"].size());
        QCOMPARE(str(props["untitledMulti"]["items"]["type"]), QStringLiteral("string"));
        QVERIFY(!props["untitledMulti"]["items"].contains("anyOf"));
        QVERIFY(props["titledMulti"]["items"]["anyOf"].is_array()
                && !props["titledMulti"]["items"].contains("enum"));
        reply(
            req,
            Json::parse(
                R"({"action":"accept","content":{"untitledSingle":"option1","titledSingle":"value1",
            "legacyEnum":"opt1","untitledMulti":["option1","option2"],"titledMulti":["value1","value2"]}})"));
        QVERIFY(firstText(waitForResponse(*out)).find(R"("untitledMulti":["option1","option2"])")
                != std::string::npos);
    }

    void listsAndReadsResources()
    {
        const Json list = result("resources/list");
        std::set<std::string> uris;
        for (const Json &r : list["resources"]) {
            QVERIFY(!r.value("name", std::string()).empty());
            uris.insert(r["uri"].get<std::string>());
        }
        QVERIFY((uris
                 == std::set<std::string> { "test://static-text", "test://static-binary",
                                            "test://watched-resource" }));

        const Json templates = result("resources/templates/list");
        QCOMPARE(templates["resourceTemplates"].size(), std::size_t(1));
        QCOMPARE(str(templates["resourceTemplates"][0]["uriTemplate"]),
                 QStringLiteral("test://template/{id}/data"));

        Json r = result("resources/read", Json { { "uri", "test://static-text" } });
        QCOMPARE(str(r["contents"][0]["text"]),
                 QStringLiteral("This is the content of the static text resource."));
        QCOMPARE(str(r["contents"][0]["mimeType"]), QStringLiteral("text/plain"));

        r = result("resources/read", Json { { "uri", "test://static-binary" } });
        const QByteArray blob =
            QByteArray::fromStdString(r["contents"][0]["blob"].get<std::string>());
        QVERIFY(blob.endsWith("=")); // standard alphabet, padded
        QVERIFY(QByteArray::fromBase64(blob, QByteArray::AbortOnBase64DecodingErrors)
                    .startsWith("\x89PNG"));

        r = result("resources/read", Json { { "uri", "test://template/123/data" } });
        QCOMPARE(str(r["contents"][0]["uri"]), QStringLiteral("test://template/123/data"));
        const Json data = Json::parse(r["contents"][0]["text"].get<std::string>());
        QCOMPARE(str(data["id"]), QStringLiteral("123"));

        const Json missing = request("resources/read", Json { { "uri", "test://nope" } });
        QCOMPARE(missing["error"]["code"].get<int>(), int(rpc::ResourceNotFound));
        const Json badTemplate =
            request("resources/read", Json { { "uri", "test://template/1/2/data" } });
        QVERIFY(badTemplate.contains("error"));
    }

    void subscribesWithEmptyResults()
    {
        QCOMPARE(str(result("resources/subscribe", Json { { "uri", "test://watched-resource" } })),
                 QStringLiteral("{}"));
        QVERIFY(m_session->isSubscribed("test://watched-resource"));
        QCOMPARE(
            str(result("resources/unsubscribe", Json { { "uri", "test://watched-resource" } })),
            QStringLiteral("{}"));
        QVERIFY(!m_session->isSubscribed("test://watched-resource"));
        QCOMPARE(str(result("ping")), QStringLiteral("{}"));
    }

    void listsAndRendersPrompts()
    {
        const Json list = result("prompts/list");
        QCOMPARE(list["prompts"].size(), std::size_t(4));
        for (const Json &p : list["prompts"])
            QVERIFY(!p.value("description", std::string()).empty());

        Json r = result("prompts/get", Json { { "name", "test_simple_prompt" } });
        QCOMPARE(str(r["messages"][0]["content"]["text"]),
                 QStringLiteral("This is a simple prompt for testing."));

        r = result(
            "prompts/get",
            Json { { "name", "test_prompt_with_arguments" },
                   { "arguments", { { "arg1", "testValue1" }, { "arg2", "testValue2" } } } });
        QCOMPARE(str(r["messages"][0]["content"]["text"]),
                 QStringLiteral("Prompt with arguments: arg1='testValue1', arg2='testValue2'"));

        r = result("prompts/get",
                   Json { { "name", "test_prompt_with_embedded_resource" },
                          { "arguments", { { "resourceUri", "test://example-resource" } } } });
        QCOMPARE(str(r["messages"][0]["content"]["type"]), QStringLiteral("resource"));
        QCOMPARE(str(r["messages"][0]["content"]["resource"]["uri"]),
                 QStringLiteral("test://example-resource"));
        QVERIFY(r["messages"][0]["content"]["resource"]["text"].is_string());

        r = result("prompts/get", Json { { "name", "test_prompt_with_image" } });
        QCOMPARE(str(r["messages"][0]["content"]["type"]), QStringLiteral("image"));
        QCOMPARE(str(r["messages"][0]["content"]["mimeType"]), QStringLiteral("image/png"));

        const Json c = result("completion/complete", Json::parse(R"({"ref":{"type":"ref/prompt",
            "name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"test"}})"));
        QVERIFY(c["completion"]["values"].is_array());
    }
};

QTEST_GUILESS_MAIN(TestConformanceFixtures)
#include "TestConformanceFixtures.moc"
