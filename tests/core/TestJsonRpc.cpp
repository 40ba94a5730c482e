// The JSON-RPC 2.0 envelope rules MCP relies on (mcp-protocol.md §1.1): what classify()
// accepts, what it rejects with -32600, and which id the error echoes.
#include "protocol/JsonRpc.h"

#include <QTest>

using namespace warden;

Q_DECLARE_METATYPE(std::string)

namespace {

Json parse(const char *text)
{
    return Json::parse(text);
}

QString dump(const Json &j)
{
    return QString::fromStdString(j.dump());
}

} // namespace

class TestJsonRpc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectsInvalidEnvelopes_data();
    void rejectsInvalidEnvelopes();
    void acceptsRequests_data();
    void acceptsRequests();
    void acceptsNotifications();
    void acceptsResponses();
    void stringAndIntegerIdsStayDistinct();
    void errorResponseIsCompleteMessage();
    void builders();
};

void TestJsonRpc::rejectsInvalidEnvelopes_data()
{
    QTest::addColumn<std::string>("message");
    QTest::addColumn<std::string>("echoedId"); // the id the error must carry, as JSON

    // Batching was removed in 2025-06-18: one message per body or line.
    QTest::newRow("batch") << std::string(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])")
                           << std::string("null");
    QTest::newRow("empty batch") << std::string("[]") << std::string("null");
    QTest::newRow("batch of notifications")
        << std::string(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])")
        << std::string("null");
    QTest::newRow("string") << std::string(R"("ping")") << std::string("null");
    QTest::newRow("number") << std::string("1") << std::string("null");
    QTest::newRow("null") << std::string("null") << std::string("null");

    // Ids: string or integer, never null, float, bool or structured. An unreadable id
    // cannot be echoed, so the error carries null.
    QTest::newRow("id null") << std::string(R"({"jsonrpc":"2.0","id":null,"method":"ping"})")
                             << std::string("null");
    QTest::newRow("id float") << std::string(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")
                              << std::string("null");
    QTest::newRow("id integral float")
        << std::string(R"({"jsonrpc":"2.0","id":2.0,"method":"ping"})") << std::string("null");
    QTest::newRow("id true") << std::string(R"({"jsonrpc":"2.0","id":true,"method":"ping"})")
                             << std::string("null");
    QTest::newRow("id false") << std::string(R"({"jsonrpc":"2.0","id":false,"method":"ping"})")
                              << std::string("null");
    QTest::newRow("id object") << std::string(R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})")
                               << std::string("null");
    QTest::newRow("id array") << std::string(R"({"jsonrpc":"2.0","id":[1],"method":"ping"})")
                              << std::string("null");
    QTest::newRow("id null response")
        << std::string(R"({"jsonrpc":"2.0","id":null,"result":{}})") << std::string("null");

    // The version member; a readable id is echoed.
    QTest::newRow("jsonrpc missing")
        << std::string(R"({"id":7,"method":"ping"})") << std::string("7");
    QTest::newRow("jsonrpc 1.0") << std::string(R"({"jsonrpc":"1.0","id":"abc","method":"ping"})")
                                 << std::string(R"("abc")");
    QTest::newRow("jsonrpc number")
        << std::string(R"({"jsonrpc":2.0,"id":3,"method":"ping"})") << std::string("3");
    QTest::newRow("jsonrpc missing, bad id")
        << std::string(R"({"id":true,"method":"ping"})") << std::string("null");

    // params must be an object in MCP (never an array, string or null).
    QTest::newRow("params array") << std::string(
        R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":[1]})")
                                  << std::string("4");
    QTest::newRow("params string")
        << std::string(R"({"jsonrpc":"2.0","id":"s","method":"x","params":"a"})")
        << std::string(R"("s")");
    QTest::newRow("params null") << std::string(
        R"({"jsonrpc":"2.0","id":5,"method":"x","params":null})")
                                 << std::string("5");
    QTest::newRow("notification params array")
        << std::string(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":[1]})")
        << std::string("null");

    // method
    QTest::newRow("method number")
        << std::string(R"({"jsonrpc":"2.0","id":6,"method":3})") << std::string("6");
    QTest::newRow("method empty") << std::string(R"({"jsonrpc":"2.0","id":6,"method":""})")
                                  << std::string("6");
    QTest::newRow("no method result or error")
        << std::string(R"({"jsonrpc":"2.0","id":8})") << std::string("8");
    QTest::newRow("only jsonrpc") << std::string(R"({"jsonrpc":"2.0"})") << std::string("null");

    // Unknown members (the zod schemas on the other side are strict too).
    QTest::newRow("unknown member in request")
        << std::string(R"({"jsonrpc":"2.0","id":9,"method":"ping","extra":1})") << std::string("9");
    QTest::newRow("unknown member in notification")
        << std::string(R"({"jsonrpc":"2.0","method":"notifications/initialized","x":null})")
        << std::string("null");
    QTest::newRow("result beside method")
        << std::string(R"({"jsonrpc":"2.0","id":10,"method":"ping","result":{}})")
        << std::string("10");
    QTest::newRow("unknown member in response")
        << std::string(R"({"jsonrpc":"2.0","id":11,"result":{},"extra":true})")
        << std::string("11");

    // Responses
    QTest::newRow("result and error")
        << std::string(R"({"jsonrpc":"2.0","id":12,"result":{},"error":{"code":1,"message":"m"}})")
        << std::string("12");
    QTest::newRow("result and error null")
        << std::string(R"({"jsonrpc":"2.0","id":"r","result":{},"error":null})")
        << std::string(R"("r")");
    QTest::newRow("response without id")
        << std::string(R"({"jsonrpc":"2.0","result":{}})") << std::string("null");
    QTest::newRow("error without code")
        << std::string(R"({"jsonrpc":"2.0","id":13,"error":{"message":"m"}})") << std::string("13");
    QTest::newRow("error code float")
        << std::string(R"({"jsonrpc":"2.0","id":14,"error":{"code":1.5,"message":"m"}})")
        << std::string("14");
    QTest::newRow("error code string")
        << std::string(R"({"jsonrpc":"2.0","id":15,"error":{"code":"-32600","message":"m"}})")
        << std::string("15");
    QTest::newRow("error not an object")
        << std::string(R"({"jsonrpc":"2.0","id":16,"error":"boom"})") << std::string("16");
}

void TestJsonRpc::rejectsInvalidEnvelopes()
{
    QFETCH(std::string, message);
    QFETCH(std::string, echoedId);

    rpc::Message out;
    out.method = "untouched";
    Json error;
    QVERIFY2(!rpc::classify(Json::parse(message), out, error), message.c_str());

    // A complete JSON-RPC error message, ready to send back.
    QVERIFY(error.is_object());
    QCOMPARE(error.value("jsonrpc", std::string()), std::string("2.0"));
    QVERIFY2(error.contains("id"), "an error response always carries id (null when unreadable)");
    QCOMPARE(dump(error["id"]), QString::fromStdString(echoedId));
    QVERIFY(!error.contains("result"));
    QVERIFY(error["error"].is_object());
    QCOMPARE(error["error"]["code"].get<int>(), int(rpc::InvalidRequest));
    QVERIFY(error["error"]["code"].is_number_integer());
    QVERIFY(error["error"]["message"].is_string());
    QVERIFY(!error["error"]["message"].get<std::string>().empty());
    QCOMPARE(error.size(), std::size_t(3));
}

void TestJsonRpc::acceptsRequests_data()
{
    QTest::addColumn<std::string>("message");
    QTest::addColumn<std::string>("id");
    QTest::addColumn<std::string>("method");
    QTest::addColumn<std::string>("params");

    // Id 0 is the SDK's first id: never test ids for truthiness.
    QTest::newRow("id 0") << std::string(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"a":1}})")
                          << std::string("0") << std::string("initialize")
                          << std::string(R"({"a":1})");
    QTest::newRow("negative id") << std::string(R"({"jsonrpc":"2.0","id":-5,"method":"ping"})")
                                 << std::string("-5") << std::string("ping") << std::string("null");
    QTest::newRow("large id") << std::string(
        R"({"jsonrpc":"2.0","id":9007199254740993,"method":"ping"})")
                              << std::string("9007199254740993") << std::string("ping")
                              << std::string("null");
    QTest::newRow("string id") << std::string(
        R"({"jsonrpc":"2.0","id":"req-1","method":"tools/list","params":{}})")
                               << std::string(R"("req-1")") << std::string("tools/list")
                               << std::string("{}");
    QTest::newRow("empty string id")
        << std::string(R"({"jsonrpc":"2.0","id":"","method":"ping"})") << std::string(R"("")")
        << std::string("ping") << std::string("null");
    // The SDK writes method, params, jsonrpc, id: key order must not matter.
    QTest::newRow("sdk key order")
        << std::string(R"({"method":"tools/call","params":{"name":"x"},"jsonrpc":"2.0","id":1})")
        << std::string("1") << std::string("tools/call") << std::string(R"({"name":"x"})");
}

void TestJsonRpc::acceptsRequests()
{
    QFETCH(std::string, message);
    QFETCH(std::string, id);
    QFETCH(std::string, method);
    QFETCH(std::string, params);

    rpc::Message out;
    Json error;
    QVERIFY2(rpc::classify(Json::parse(message), out, error), error.dump().c_str());
    QVERIFY(out.kind == rpc::Message::Kind::Request);
    QCOMPARE(dump(out.id), QString::fromStdString(id));
    QCOMPARE(out.method, method);
    QCOMPARE(dump(out.params), QString::fromStdString(params));
    QVERIFY(out.result.is_null());
    QVERIFY(out.error.is_null());
}

void TestJsonRpc::acceptsNotifications()
{
    rpc::Message out;
    Json error;
    QVERIFY(rpc::classify(parse(R"({"method":"notifications/initialized","jsonrpc":"2.0"})"), out,
                          error));
    QVERIFY(out.kind == rpc::Message::Kind::Notification);
    QVERIFY(out.id.is_null());
    QCOMPARE(out.method, std::string("notifications/initialized"));
    QVERIFY(out.params.is_null());

    // A message reused for a second classification is fully overwritten.
    QVERIFY(rpc::classify(
        parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})"),
        out, error));
    QVERIFY(out.kind == rpc::Message::Kind::Notification);
    QVERIFY(out.id.is_null());
    QCOMPARE(out.params["requestId"].get<int>(), 3);
}

void TestJsonRpc::acceptsResponses()
{
    rpc::Message out;
    Json error;
    QVERIFY(rpc::classify(parse(R"({"jsonrpc":"2.0","id":"warden-1","result":{"model":"m"}})"), out,
                          error));
    QVERIFY(out.kind == rpc::Message::Kind::Response);
    QCOMPARE(out.id.get<std::string>(), std::string("warden-1"));
    QCOMPARE(out.result["model"].get<std::string>(), std::string("m"));
    QVERIFY(out.error.is_null());
    QVERIFY(out.method.empty());

    QVERIFY(rpc::classify(
        parse(R"({"id":2,"jsonrpc":"2.0","error":{"code":-32602,"message":"no","data":{"x":1}}})"),
        out, error));
    QVERIFY(out.kind == rpc::Message::Kind::Response);
    QCOMPARE(out.id.get<int>(), 2);
    QVERIFY(out.result.is_null());
    QCOMPARE(out.error["code"].get<int>(), -32602);
    QCOMPARE(out.error["data"]["x"].get<int>(), 1);
}

void TestJsonRpc::stringAndIntegerIdsStayDistinct()
{
    rpc::Message a, b;
    Json error;
    QVERIFY(rpc::classify(parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"), a, error));
    QVERIFY(rpc::classify(parse(R"({"jsonrpc":"2.0","id":"1","method":"ping"})"), b, error));
    QVERIFY(a.id.is_number_integer());
    QVERIFY(b.id.is_string());
    QVERIFY(a.id != b.id);
}

void TestJsonRpc::errorResponseIsCompleteMessage()
{
    // The error built for an invalid request is itself a well-formed response apart from its
    // id: with the id echoed it classifies as a Response carrying the error.
    rpc::Message out;
    Json error;
    QVERIFY(!rpc::classify(parse(R"({"jsonrpc":"2.0","id":21,"method":"ping","params":[]})"), out,
                           error));
    QCOMPARE(error["id"].get<int>(), 21);
    rpc::Message again;
    Json unused;
    QVERIFY2(rpc::classify(error, again, unused), unused.dump().c_str());
    QVERIFY(again.kind == rpc::Message::Kind::Response);
    QCOMPARE(again.error["code"].get<int>(), int(rpc::InvalidRequest));
}

void TestJsonRpc::builders()
{
    const Json result = rpc::makeResult(Json(0), Json::object());
    QCOMPARE(dump(result), QStringLiteral(R"({"jsonrpc":"2.0","id":0,"result":{}})"));

    // No "data" unless given; id null stays present.
    const Json plain = rpc::makeError(nullptr, rpc::ParseError, "Parse error");
    QCOMPARE(dump(plain),
             QStringLiteral(
                 R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})"));
    const Json withData = rpc::makeError(Json("a"), rpc::ResourceNotFound, "Resource not found",
                                         Json { { "uri", "x://y" } });
    QCOMPARE(withData["error"]["data"]["uri"].get<std::string>(), std::string("x://y"));
    QCOMPARE(withData["error"]["code"].get<int>(), -32002);

    // Notifications carry no id at all and omit absent params.
    const Json note = rpc::makeNotification("notifications/initialized", nullptr);
    QCOMPARE(dump(note),
             QStringLiteral(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
    const Json progress =
        rpc::makeNotification("notifications/progress", Json { { "progress", 1 } });
    QVERIFY(!progress.contains("id"));
    QCOMPARE(progress["params"]["progress"].get<int>(), 1);

    const Json request =
        rpc::makeRequest(Json("warden-1"), "sampling/createMessage", Json { { "maxTokens", 5 } });
    QCOMPARE(
        dump(request),
        QStringLiteral(
            R"({"jsonrpc":"2.0","id":"warden-1","method":"sampling/createMessage","params":{"maxTokens":5}})"));
    const Json bare = rpc::makeRequest(Json(3), "ping", nullptr);
    QVERIFY(!bare.contains("params"));

    // Every builder's output passes classify.
    for (const Json &j : { result, plain, withData, note, progress, request, bare }) {
        rpc::Message m;
        Json e;
        if (j.contains("id") && j["id"].is_null())
            continue; // error responses for unreadable ids are for sending, not receiving
        QVERIFY2(rpc::classify(j, m, e), j.dump().c_str());
    }
}

QTEST_GUILESS_MAIN(TestJsonRpc)
#include "TestJsonRpc.moc"
