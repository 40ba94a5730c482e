// db_query's governance on the real demo database, through the MCP engine: tenant scope,
// redaction, soft delete, row budgets, ordering, timeouts and cancellation. (Includes and
// relations are TestQueryTool's subject.)

#include "JsonCompare.h"
#include "DemoToolWorld.h"

#include "query/QueryCompiler.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <regex>

using namespace warden;
using namespace warden::test;

namespace {

// Two views that never end quickly: a recursive CTE of 200 million rows. They stand in for a
// query that is too expensive for its budget; one has a tiny statement timeout, the other a
// long one (for cancellation).
const char *slowViews = R"(
CREATE VIEW slow_numbers AS
    WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200000000)
    SELECT i AS id, 'n' || i AS label FROM r;
CREATE VIEW slow_numbers_patient AS SELECT * FROM slow_numbers;
)";

Json testPolicy(Json demo)
{
    demo["tables"]["order_items"] = { { "read", false } };
    // Not tenant data: the explicit opt-out from the default tenant column.
    demo["tables"]["slow_numbers"] = { { "tenant_column", nullptr },
                                       { "budget", { { "statement_timeout_ms", 50 } } } };
    demo["tables"]["slow_numbers_patient"] = {
        { "tenant_column", nullptr }, { "budget", { { "statement_timeout_ms", 600000 } } }
    };
    return demo;
}

std::string code(const Json &toolResult)
{
    if (!toolResult.is_object() || !toolResult.contains("structuredContent")
        || !toolResult["structuredContent"].contains("error")) {
        qWarning("not a tool error: %s", toolResult.dump().substr(0, 400).c_str());
        return {};
    }
    return toolResult["structuredContent"]["error"].value("code", std::string());
}

std::vector<std::int64_t> ids(const Json &toolResult)
{
    std::vector<std::int64_t> out;
    if (!toolResult.contains("structuredContent")
        || !toolResult["structuredContent"].contains("rows"))
        return out;
    for (const Json &row : toolResult["structuredContent"]["rows"])
        out.push_back(row.at("id").get<std::int64_t>());
    return out;
}

std::size_t rowCount(const Json &toolResult)
{
    if (!toolResult.contains("structuredContent")
        || !toolResult["structuredContent"].contains("rows"))
        return std::size_t(-1);
    return toolResult["structuredContent"]["rows"].size();
}

QByteArray dump(const Json &j)
{
    return QByteArray::fromStdString(j.dump());
}

std::string joinIds(const std::vector<std::int64_t> &v)
{
    std::string s;
    for (auto id : v)
        s += (s.empty() ? "" : ",") + std::to_string(id);
    return s;
}

} // namespace


class TestQueryToolBasics : public QObject
{
    Q_OBJECT

    DemoToolWorld m_world;
    std::unique_ptr<DirectDb> m_db;
    std::unique_ptr<McpClient> m_globex; // tenant 2

    Json query(Json args, McpClient *client = nullptr)
    {
        return (client ? *client : *m_globex).callTool("db_query", std::move(args));
    }

    // The id of tenant 2's n-th live order: "id <= that" is a filter with a known answer.
    std::int64_t nthOrderId(int n)
    {
        return m_db->integer("SELECT id FROM orders WHERE tenant_id = 2 AND deleted_at IS NULL "
                             "ORDER BY id LIMIT 1 OFFSET "
                             + std::to_string(n - 1));
    }

    Json outputSchema()
    {
        const Json list = m_globex->request("tools/list"); // kept alive: the loop refers into it
        for (const Json &t : list["result"]["tools"])
            if (t["name"] == "db_query")
                return t["outputSchema"];
        return Json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        // One worker: the cancellation test needs to know which statement holds it.
        QVERIFY2(m_world.setUp(testPolicy, slowViews, 1, error), error.c_str());
        m_db = std::make_unique<DirectDb>(m_world.databasePath());
        m_globex = std::make_unique<McpClient>(m_world.server(), tenantPrincipal("2"));
        QVERIFY(m_globex->session().isInitialized());
    }

    void cleanupTestCase()
    {
        m_globex.reset();
        m_world.tearDown();
    }

    void toolsListAdvertisesSchemas()
    {
        const Json r = m_globex->request("tools/list");
        const Json *tool = nullptr;
        for (const Json &t : r["result"]["tools"])
            if (t["name"] == "db_query")
                tool = &t;
        QVERIFY(tool);
        const Json &where = (*tool)["inputSchema"]["properties"]["where"];
        Json opEnum;
        for (const Json &alt : where["anyOf"])
            if (alt.contains("properties") && alt["properties"].contains("op"))
                opEnum = alt["properties"]["op"]["enum"];
        JCOMPARE(opEnum,
                 QueryCompiler::operators()); // the operator list is advertised, not free-form
        QCOMPARE((*tool)["inputSchema"].value("additionalProperties", true), false);
        QVERIFY((*tool)["outputSchema"].is_object());
        QCOMPARE((*tool)["annotations"].value("readOnlyHint", false), true);
    }

    void returnsOnlyThePrincipalsTenantRows()
    {
        for (const char *tenant : { "1", "2", "3" }) {
            McpClient client(m_world.server(), tenantPrincipal(tenant));
            const Json r = query({ { "table", "users" } }, &client);
            QVERIFY2(!r.value("isError", true), r.dump().c_str());
            const auto expected = m_db->ids(std::string("SELECT id FROM users WHERE tenant_id = ")
                                            + tenant + " ORDER BY id");
            QVERIFY(!expected.empty());
            QCOMPARE(ids(r), expected);
            for (const Json &row : r["structuredContent"]["rows"]) {
                QCOMPARE(row["tenant_id"].get<std::int64_t>(), std::stoll(tenant));
                QVERIFY2(!row.contains("password_hash") && !row.contains("api_token"),
                         row.dump().c_str());
            }
        }
        // Orders interleave across tenants: the same id range holds other tenants' rows, and
        // none of them come back.
        const std::int64_t bound = nthOrderId(60);
        const Json r =
            query({ { "table", "orders" },
                    { "where", { { "field", "id" }, { "op", "lte" }, { "value", bound } } } });
        QVERIFY2(!r.value("isError", true), r.dump().c_str());
        const auto expected =
            m_db->ids("SELECT id FROM orders WHERE tenant_id = 2 AND deleted_at IS NULL AND id <= "
                      + std::to_string(bound) + " ORDER BY id");
        QCOMPARE(expected.size(), std::size_t(60));
        QCOMPARE(ids(r), expected);
        QVERIFY(m_db->integer("SELECT count(*) FROM orders WHERE id <= " + std::to_string(bound))
                > 60);
        for (const Json &row : r["structuredContent"]["rows"])
            QCOMPARE(row["tenant_id"].get<std::int64_t>(), std::int64_t(2));
    }

    void aCallerFilterCannotWidenTheTenantScope()
    {
        const std::int64_t foreign =
            m_db->integer("SELECT min(id) FROM orders WHERE tenant_id = 1");
        const Json r =
            query({ { "table", "orders" },
                    { "where",
                      { { "or",
                          { { { "field", "tenant_id" }, { "op", "eq" }, { "value", 1 } },
                            { { "field", "id" }, { "op", "eq" }, { "value", foreign } } } } } } });
        QVERIFY2(!r.value("isError", true), r.dump().c_str());
        QCOMPARE(rowCount(r), std::size_t(0));
        // The tenants table is scoped by its own key.
        const Json t = query({ { "table", "tenants" } });
        QCOMPARE(ids(t), std::vector<std::int64_t> { 2 });
    }

    void maskedAndHashedValues()
    {
        const auto live = m_db->rows(
            "SELECT id, email, phone, national_id, last_name, date_of_birth FROM customers "
            "WHERE tenant_id = 2 AND deleted_at IS NULL ORDER BY id LIMIT 40");
        QCOMPARE(live.size(), std::size_t(40));
        Json idList = Json::array();
        for (const auto &row : live)
            idList.push_back(row[0]);
        const Json r = query(
            { { "table", "customers" },
              { "select", { "id", "email", "phone", "national_id", "last_name", "date_of_birth" } },
              { "where", { { "field", "id" }, { "op", "in" }, { "value", idList } } } });
        QVERIFY2(!r.value("isError", true), r.dump().c_str());
        const Json &rows = r["structuredContent"]["rows"];
        QCOMPARE(rows.size(), live.size());
        const Redactor redactor(DemoToolWorld::hashKey);
        const std::regex maskedEmail(R"(^[^@*]\*\*\*@[^@]+$)");
        int hashed = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Json &row = rows[i];
            const auto &raw = live[i];
            JCOMPARE(row["id"], raw[0]);
            const std::string email = row["email"].get<std::string>();
            const std::string rawEmail = raw[1].get<std::string>();
            QVERIFY2(std::regex_match(email, maskedEmail), email.c_str());
            QVERIFY(email != rawEmail);
            QCOMPARE(email.substr(email.find('@')), rawEmail.substr(rawEmail.find('@')));
            if (raw[2].is_null()) {
                QVERIFY(row["phone"].is_null());
            } else {
                const std::string phone = row["phone"].get<std::string>();
                QVERIFY(phone != raw[2].get<std::string>());
                QVERIFY2(phone.find('*') != std::string::npos, phone.c_str());
            }
            if (raw[3].is_null()) {
                QVERIFY(row["national_id"].is_null());
            } else {
                ++hashed;
                const std::string h = row["national_id"].get<std::string>();
                QCOMPARE(QByteArray::fromStdString(h),
                         QByteArray::fromStdString(redactor.hash(raw[3].get<std::string>())));
                QVERIFY(h.find(raw[3].get<std::string>()) == std::string::npos);
            }
            const std::string last = row["last_name"].get<std::string>();
            QVERIFY2(last != raw[4].get<std::string>(), last.c_str());
            if (!raw[5].is_null()) {
                const std::string dob = row["date_of_birth"].get<std::string>();
                QCOMPARE(
                    QByteArray::fromStdString(dob),
                    QByteArray::fromStdString(raw[5].get<std::string>().substr(0, 4) + "-**-**"));
            }
        }
        QVERIFY(hashed > 0);
        // A hashed column is no filter: no dictionary probing through where.
        const Json probe = query(
            { { "table", "customers" },
              { "where", { { "field", "national_id" }, { "op", "eq" }, { "value", "x" } } } });
        QCOMPARE(code(probe), std::string("FIELD_NOT_ALLOWED"));
    }

    void softDeletedCustomersAreAbsent()
    {
        const auto deleted = m_db->ids("SELECT id FROM customers WHERE tenant_id = 2 AND "
                                       "deleted_at IS NOT NULL ORDER BY id LIMIT 50");
        QVERIFY(deleted.size() >= 10);
        Json list = Json::array();
        for (auto id : deleted)
            list.push_back(id);
        const Json r =
            query({ { "table", "customers" },
                    { "where", { { "field", "id" }, { "op", "in" }, { "value", list } } } });
        QVERIFY2(!r.value("isError", true), r.dump().c_str());
        QCOMPARE(rowCount(r), std::size_t(0));
        // Asking for deleted rows explicitly does not bring them back either.
        const Json r2 =
            query({ { "table", "customers" },
                    { "where",
                      { { "field", "deleted_at" }, { "op", "is_null" }, { "value", false } } } });
        QCOMPARE(rowCount(r2), std::size_t(0));
        // A window of ids holds exactly the live ones.
        const std::int64_t last = deleted.back();
        const Json r3 =
            query({ { "table", "customers" },
                    { "select", { "id" } },
                    { "where", { { "field", "id" }, { "op", "lte" }, { "value", last } } } });
        const auto live = m_db->ids(
            "SELECT id FROM customers WHERE tenant_id = 2 AND deleted_at IS NULL AND id <= "
            + std::to_string(last) + " ORDER BY id LIMIT 100");
        QCOMPARE(ids(r3), live);
    }

    void takeHasMoreAndTruncated()
    {
        // A large table needs a filter (broad-query guard); this one still matches thousands.
        const Json many = { { "field", "id" }, { "op", "gt" }, { "value", 0 } };
        Json r = query({ { "table", "orders" } });
        QCOMPARE(code(r), std::string("QUERY_REJECTED"));
        // More rows than max_rows (100) and no take: the budget cut the answer short.
        r = query({ { "table", "orders" }, { "where", many } });
        QVERIFY2(!r.value("isError", true), r.dump().c_str());
        QCOMPARE(rowCount(r), std::size_t(100));
        QCOMPARE(r["structuredContent"]["has_more"].get<bool>(), true);
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), true);
        // take 5: the caller chose the page size; more exist but nothing was truncated.
        r = query({ { "table", "orders" }, { "where", many }, { "take", 5 } });
        QCOMPARE(rowCount(r), std::size_t(5));
        QCOMPARE(r["structuredContent"]["has_more"].get<bool>(), true);
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), false);
        QVERIFY(r["structuredContent"]["next_cursor"].is_string());
        // take above max_rows is clamped, and that is a truncation.
        r = query({ { "table", "orders" }, { "where", many }, { "take", 1000 } });
        QCOMPARE(rowCount(r), std::size_t(100));
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), true);
        // Exactly a page: no false "has_more" on a full last page.
        const auto users = m_db->integer("SELECT count(*) FROM users WHERE tenant_id = 2");
        r = query({ { "table", "users" }, { "take", users } });
        QCOMPARE(rowCount(r), std::size_t(users));
        QCOMPARE(r["structuredContent"]["has_more"].get<bool>(), false);
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), false);
        QVERIFY(r["structuredContent"]["next_cursor"].is_null());
        r = query({ { "table", "users" } });
        QCOMPARE(r["structuredContent"]["has_more"].get<bool>(), false);
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), false);
        // Exactly max_rows matching rows without take: complete, not truncated.
        const std::int64_t bound = nthOrderId(100);
        r = query({ { "table", "orders" },
                    { "where", { { "field", "id" }, { "op", "lte" }, { "value", bound } } } });
        QCOMPARE(rowCount(r), std::size_t(100));
        QCOMPARE(r["structuredContent"]["has_more"].get<bool>(), false);
        QCOMPARE(r["structuredContent"]["truncated"].get<bool>(), false);
    }

    void orderingIsStableAndPagesAreComplete()
    {
        const std::int64_t bound = nthOrderId(45);
        const Json args = { { "table", "orders" },
                            { "select", { "id", "status" } },
                            { "where", { { "field", "id" }, { "op", "lte" }, { "value", bound } } },
                            { "order_by",
                              { { { "field", "status" }, { "direction", "desc" } } } } };
        const Json first = query(args);
        QVERIFY2(!first.value("isError", true), first.dump().c_str());
        const auto expected =
            m_db->ids("SELECT id FROM orders WHERE tenant_id = 2 AND deleted_at IS NULL AND id <= "
                      + std::to_string(bound) + " ORDER BY status DESC, id ASC");
        QCOMPARE(ids(first), expected);
        JCOMPARE(query(args)["structuredContent"]["rows"], first["structuredContent"]["rows"]);

        // The same query in pages of 7 gives the same rows, each once.
        std::vector<std::int64_t> paged;
        Json pageArgs = args;
        pageArgs["take"] = 7;
        for (int page = 0; page < 20; ++page) {
            const Json r = query(pageArgs);
            QVERIFY2(!r.value("isError", true), r.dump().c_str());
            const auto got = ids(r);
            paged.insert(paged.end(), got.begin(), got.end());
            const Json &next = r["structuredContent"]["next_cursor"];
            if (next.is_null())
                break;
            pageArgs["cursor"] = next;
        }
        QCOMPARE(joinIds(paged), joinIds(expected));
    }

    void deniedAndMaskedColumnsAreRefusedAlike()
    {
        auto refusal = [&](const Json &args) {
            const Json r = query(args);
            if (!r.value("isError", false))
                qWarning("expected a refusal for %s: %s", args.dump().c_str(),
                         r.dump().substr(0, 300).c_str());
            return r;
        };
        auto without = [](std::string text, const std::string &name) {
            for (auto at = text.find(name); at != std::string::npos; at = text.find(name))
                text.replace(at, name.size(), "X");
            return text;
        };
        const Json missing =
            refusal({ { "table", "users" }, { "select", { "id", "no_such_column" } } });
        QCOMPARE(code(missing), std::string("FIELD_NOT_ALLOWED"));
        for (const char *hidden : { "password_hash", "api_token" }) {
            const Json r = refusal({ { "table", "users" }, { "select", { "id", hidden } } });
            QCOMPARE(code(r), std::string("FIELD_NOT_ALLOWED"));
            QCOMPARE(
                QByteArray::fromStdString(without(r["structuredContent"]["error"].dump(), hidden)),
                QByteArray::fromStdString(
                    without(missing["structuredContent"]["error"].dump(), "no_such_column")));
            const Json where = refusal(
                { { "table", "users" },
                  { "where", { { "field", hidden }, { "op", "startswith" }, { "value", "a" } } } });
            QCOMPARE(code(where), std::string("FIELD_NOT_ALLOWED"));
            const Json order =
                refusal({ { "table", "users" }, { "order_by", { { { "field", hidden } } } } });
            QCOMPARE(code(order), std::string("FIELD_NOT_ALLOWED"));
        }
        // Hints and text never name the hidden columns.
        const std::string text = missing["content"][0]["text"].get<std::string>();
        QVERIFY2(text.rfind("FIELD_NOT_ALLOWED", 0) == 0, text.c_str());
        for (const char *hidden : { "password_hash", "api_token" }) {
            QVERIFY2(text.find(hidden) == std::string::npos, text.c_str());
            QVERIFY(missing["structuredContent"]["error"].dump().find(hidden) == std::string::npos);
        }
        // Masked columns: not filterable, not sortable.
        QCOMPARE(code(refusal(
                     { { "table", "customers" },
                       { "where",
                         { { "field", "email" }, { "op", "startswith" }, { "value", "a" } } } })),
                 std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(code(refusal({ { "table", "customers" },
                                { "order_by", { { { "field", "last_name" } } } } })),
                 std::string("FIELD_NOT_ALLOWED"));
    }

    void errorsAreToolResultsWithStableCodes()
    {
        const Json schema = outputSchema();
        QVERIFY(schema.is_object());
        struct Case
        {
            Json args;
            const char *code;
        };
        const std::vector<Case> cases {
            { { { "table", "orders" },
                { "where", { { "field", "id" }, { "op", "gt" }, { "value", 0 } } },
                { "take", "ten" } },
              "INVALID_ARGUMENT" },
            { { { "table", "orders" } }, "QUERY_REJECTED" },
            { { { "table", "orders" },
                { "where", { { "field", "id" }, { "op", "eq OR 1=1" }, { "value", 1 } } } },
              "INVALID_ARGUMENT" },
            { { { "table", "orders" },
                { "where",
                  { { "field", "id" }, { "op", "eq" }, { "value", "1; DROP TABLE orders" } } } },
              "INVALID_ARGUMENT" },
            { { { "table", "no_such_table" } }, "MODEL_NOT_ALLOWED" },
            { { { "table", "order_items" } }, "MODEL_NOT_ALLOWED" },
            { { { "table", "orders" },
                { "where", { { "field", "id" }, { "op", "gt" }, { "value", 0 } } },
                { "cursor", "forged" } },
              "INVALID_CURSOR" },
        };
        for (const Case &c : cases) {
            const Json r = query(c.args);
            QVERIFY2(r.value("isError", false), c.args.dump().c_str());
            QVERIFY2(code(r) == c.code, (c.args.dump() + " -> " + r.dump()).c_str());
            const Json &error = r["structuredContent"]["error"];
            for (const char *key : { "code", "message", "hints", "details" })
                QVERIFY2(error.contains(key), key);
            const auto problems = schemaProblems(schema, r["structuredContent"]);
            QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        }
        // An invisible table and a missing one answer alike, and hints name visible tables only.
        const Json a = query({ { "table", "order_items" } })["structuredContent"]["error"];
        const Json b = query({ { "table", "no_such_table" } })["structuredContent"]["error"];
        QCOMPARE(dump(a["hints"]), dump(b["hints"]));
        QVERIFY(a["hints"].dump().find("order_items") == std::string::npos);
        QVERIFY(a["hints"].dump().find("orders") != std::string::npos);
        // And a success validates against the output schema.
        const Json ok = query({ { "table", "orders" },
                                { "where", { { "field", "id" }, { "op", "gt" }, { "value", 0 } } },
                                { "take", 3 } });
        const auto problems = schemaProblems(schema, ok["structuredContent"]);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        for (const char *key : { "rows", "next_cursor", "has_more", "truncated" })
            QVERIFY2(ok["structuredContent"].contains(key), key);
    }

    void aPrincipalWithoutTenantGetsNothing()
    {
        McpClient anonymous(m_world.server(), tenantPrincipal(""));
        for (const char *table : { "orders", "customers", "users", "tenants" }) {
            const Json r = query({ { "table", table } }, &anonymous);
            QCOMPARE(code(r), std::string("TENANT_SCOPE_REQUIRED"));
        }
    }

    void databaseTimeoutIsQueryTimeout()
    {
        QElapsedTimer timer;
        timer.start();
        const Json r = query(
            { { "table", "slow_numbers" },
              { "where", { { "field", "label" }, { "op", "contains" }, { "value", "zzz" } } } });
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(code(r), std::string("QUERY_TIMEOUT"));
        QVERIFY2(elapsed < 10000,
                 std::to_string(elapsed).c_str()); // the engine stopped it, not the scan's end
        const std::string everything = r.dump();
        for (const char *leak : { "sqlite", "SQLITE", "interrupt", "RECURSIVE", "SELECT" })
            QVERIFY2(everything.find(leak) == std::string::npos, everything.c_str());
        // The connection is reusable afterwards.
        const Json after = query({ { "table", "tenants" } });
        QVERIFY2(!after.value("isError", true), after.dump().c_str());
        QCOMPARE(ids(after), std::vector<std::int64_t> { 2 });
    }

    void cancelStopsARunningQuery()
    {
        Json params = {
            { "name", "db_query" },
            { "arguments",
              { { "table", "slow_numbers_patient" },
                { "where", { { "field", "label" }, { "op", "contains" }, { "value", "zzz" } } } } }
        };
        Json id;
        auto slow = m_globex->start("tools/call", params, &id);
        QTest::qWait(300); // on the (only) worker by now
        QVERIFY2(!slow->finished, slow->response.dump().c_str());
        QCOMPARE(m_world.pool().queuedJobs(), std::size_t(0));
        m_globex->notify("notifications/cancelled", { { "requestId", id }, { "reason", "test" } });
        QVERIFY(slow->abandoned);
        // The single worker is free again at once: the scan (minutes) was interrupted.
        QElapsedTimer timer;
        timer.start();
        auto next = m_globex->start(
            "tools/call", { { "name", "db_query" }, { "arguments", { { "table", "tenants" } } } });
        QTRY_VERIFY_WITH_TIMEOUT(next->finished, 10000);
        QVERIFY2(timer.elapsed() < 10000, std::to_string(timer.elapsed()).c_str());
        QCOMPARE(next->response["result"].value("isError", true), false);
        // Nothing is ever answered for the cancelled request.
        QTest::qWait(100);
        QVERIFY(!slow->finished);
    }
};

QTEST_GUILESS_MAIN(TestQueryToolBasics)
#include "TestQueryToolBasics.moc"
