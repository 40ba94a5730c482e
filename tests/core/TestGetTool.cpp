// db_get on the real demo database: one row by primary key, scoped and redacted like db_query,
// with includes; a missing row, another tenant's row and a soft-deleted row answer alike.

#include "DemoTools.h"

#include <QTemporaryDir>

using namespace warden;
using testing::DemoTools;

class TestGetTool : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    DemoTools m_tools;

    std::string code(const Json &arguments)
    {
        return m_tools.error("db_get", arguments).value("code", std::string());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = DemoTools::createDemo(m_dir.path());
        m_tools.open(m_db, DemoTools::demoPolicy());
    }

    void init() { m_tools.setPolicy(DemoTools::demoPolicy()); }

    void findsARowByKey()
    {
        const auto truth =
            DemoTools::sql(m_db,
                           "SELECT id, status, total_cents FROM orders WHERE tenant_id = 1 "
                           "AND deleted_at IS NULL ORDER BY id LIMIT 1")[0];
        const Json r = m_tools.ok("db_get", { { "table", "orders" }, { "id", truth[0] } });
        QCOMPARE(r["found"].get<bool>(), true);
        QCOMPARE(r["row"]["id"].get<std::int64_t>(), truth[0].get<std::int64_t>());
        QCOMPARE(r["row"]["status"].get<std::string>(), truth[1].get<std::string>());
        QCOMPARE(r["row"]["total_cents"].get<std::int64_t>(), truth[2].get<std::int64_t>());
        // The key may come quoted; it is coerced to the key's type.
        const Json quoted = m_tools.ok(
            "db_get",
            { { "table", "orders" }, { "id", std::to_string(truth[0].get<std::int64_t>()) } });
        QCOMPARE(StrictJson::dump(quoted), StrictJson::dump(r));
        const Json fractionless = m_tools.ok(
            "db_get", { { "table", "orders" }, { "id", truth[0].get<std::int64_t>() * 1.0 } });
        QCOMPARE(StrictJson::dump(fractionless), StrictJson::dump(r));
    }

    void selectsRedactsAndIncludes()
    {
        const Json r = m_tools.ok(
            "db_get",
            Json::parse(R"({"table": "customers", "id": 1, "select": ["id", "email", "national_id"],
            "include": [{"relation": "orders", "select": ["id"], "take": 2}]})"));
        QVERIFY(r["found"].get<bool>());
        QCOMPARE(r["row"].size(), std::size_t(4));
        const auto raw =
            DemoTools::sql(m_db, "SELECT email, national_id FROM customers WHERE id = 1")[0];
        QVERIFY(r["row"]["email"] != raw[0]);
        QVERIFY(r["row"]["email"].get<std::string>().find("***@") != std::string::npos);
        QVERIFY(r["row"]["national_id"].get<std::string>().rfind("hmac-sha256:", 0) == 0);
        QCOMPARE(r["row"]["orders"].size(), std::size_t(2));
        const auto first = DemoTools::sql(m_db,
                                          "SELECT id FROM orders WHERE customer_id = 1 AND "
                                          "deleted_at IS NULL ORDER BY id LIMIT 1");
        QCOMPARE(r["row"]["orders"][0]["id"].get<std::int64_t>(), first[0][0].get<std::int64_t>());
        // Column and relation rules are db_query's.
        QCOMPARE(code(Json::parse(R"({"table": "users", "id": 1, "select": ["password_hash"]})")),
                 std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(
            code(Json::parse(R"({"table": "orders", "id": 1, "include": [{"relation": "nope"}]})")),
            std::string("RELATION_NOT_ALLOWED"));
        QCOMPARE(
            code(Json::parse(R"({"table": "orders", "id": 1, "include": [{"relation": "order_items",
            "include": [{"relation": "product"}]}]})")),
            std::string("BUDGET_EXCEEDED"));
    }

    void hiddenAndMissingRowsAnswerAlike()
    {
        const std::int64_t otherTenant = DemoTools::sqlInt(
            m_db, "SELECT id FROM orders WHERE tenant_id = 2 AND deleted_at IS NULL LIMIT 1");
        const std::int64_t softDeleted = DemoTools::sqlInt(
            m_db, "SELECT id FROM orders WHERE tenant_id = 1 AND deleted_at IS NOT NULL LIMIT 1");
        const std::int64_t missing = DemoTools::sqlInt(m_db, "SELECT max(id) + 1000 FROM orders");
        QVERIFY(otherTenant > 0 && softDeleted > 0 && missing > 0);
        QCOMPARE(DemoTools::sqlInt(
                     m_db, "SELECT count(*) FROM orders WHERE id = " + std::to_string(missing)),
                 0);
        std::vector<std::string> answers;
        for (std::int64_t id : { missing, otherTenant, softDeleted }) {
            Json result = m_tools.callTool("db_get", { { "table", "orders" }, { "id", id } });
            QVERIFY2(!result.value("isError", true), StrictJson::dump(result).c_str());
            answers.push_back(StrictJson::dump(result));
        }
        // (Built, not written as a raw string: moc misreads backslashes inside raw strings.)
        const Json body = Json::parse(R"({"row": null, "found": false})");
        const std::string notFound = StrictJson::dump(toolschema::successResult(body));
        QCOMPARE(answers[0], notFound);
        QCOMPARE(answers[1], answers[0]);
        QCOMPARE(answers[2], answers[0]);
        // The other tenant sees its own row.
        m_tools.setPrincipal(DemoTools::tenant("2"));
        QVERIFY(m_tools.ok("db_get", { { "table", "orders" }, { "id", otherTenant } })["found"]
                    .get<bool>());
        m_tools.setPrincipal(DemoTools::tenant("1"));
    }

    void refusesBadArguments()
    {
        QCOMPARE(code(Json::parse(R"({"table": "orders", "id": "abc"})")),
                 std::string("INVALID_ARGUMENT"));
        QCOMPARE(code(Json::parse(R"({"table": "orders", "id": 1.5})")),
                 std::string("INVALID_ARGUMENT"));
        QCOMPARE(code(Json::parse(R"({"table": "orders", "id": [1]})")),
                 std::string("INVALID_ARGUMENT"));
        QCOMPARE(code(Json::parse(R"({"table": "orders"})")), std::string("INVALID_ARGUMENT"));
        QCOMPARE(code(Json::parse(R"({"table": "orders", "id": null})")),
                 std::string("INVALID_ARGUMENT"));
        QCOMPARE(
            code(Json::parse(
                R"({"table": "orders", "id": 1, "where": {"field": "id", "op": "eq", "value": 2}})")),
            std::string("INVALID_ARGUMENT"));
        QCOMPARE(code(Json::parse(R"({"table": "secrets", "id": 1})")),
                 std::string("MODEL_NOT_ALLOWED"));
        QCOMPARE(code(Json::parse(R"({"id": 1})")), std::string("INVALID_ARGUMENT"));
        // A tenant-scoped table refuses a caller without a tenant, as db_query does.
        m_tools.setPrincipal(DemoTools::tenant(""));
        QCOMPARE(code(Json::parse(R"({"table": "orders", "id": 1})")),
                 std::string("TENANT_SCOPE_REQUIRED"));
        m_tools.setPrincipal(DemoTools::tenant("1"));
    }

    void needsASingleVisibleKey()
    {
        // A copy of the demo with a composite-key table.
        const QString copy = m_dir.path() + QStringLiteral("/composite.db");
        QFile::remove(copy);
        QVERIFY(QFile::copy(m_db, copy));
        DemoTools::sql(copy,
                       "CREATE TABLE order_tags (order_id INTEGER NOT NULL, tag TEXT NOT NULL, "
                       "tenant_id INTEGER NOT NULL, "
                       "PRIMARY KEY (order_id, tag))");
        DemoTools::sql(copy, "INSERT INTO order_tags VALUES (1, 'gift', 1)");
        DemoTools composite;
        composite.open(copy, DemoTools::demoPolicy([](Json &p) {
                           p["tables"]["order_tags"] = Json::object();
                       }));
        const Json e =
            composite.error("db_get", Json::parse(R"({"table": "order_tags", "id": 1})"));
        QCOMPARE(e.value("code", std::string()), std::string("INVALID_ARGUMENT"));
        QVERIFY2(e.value("message", std::string()).find("single-column primary key")
                     != std::string::npos,
                 e.dump().c_str());
        // A key the caller cannot filter on (hashed) cannot be looked up either.
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["products"]["columns"] = { { "id", { { "action", "hash" } } } };
        }));
        QCOMPARE(code(Json::parse(R"({"table": "products", "id": 1})")),
                 std::string("INVALID_ARGUMENT"));
    }

    void definitionIsComplete()
    {
        const Json d = m_tools.definition("db_get");
        QCOMPARE(d.value("name", std::string()), std::string("db_get"));
        QCOMPARE(StrictJson::dump(d["inputSchema"]["required"]), std::string(R"(["table","id"])"));
        QVERIFY(d["inputSchema"]["properties"].contains("include"));
        QCOMPARE(d["outputSchema"]["anyOf"].size(), std::size_t(2)); // a result or an error
        QCOMPARE(d["annotations"]["readOnlyHint"].get<bool>(), true);
    }
};

QTEST_GUILESS_MAIN(TestGetTool)
#include "TestGetTool.moc"
