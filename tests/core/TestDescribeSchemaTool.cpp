#include "JsonCompare.h"
#include "DemoToolWorld.h"

#include "query/QueryCompiler.h"
#include "tools/SchemaDescription.h"

#include <QTest>

#include <set>

using namespace warden;
using namespace warden::test;

namespace {

// The demo policy with one table switched off, so that something is invisible.
Json testPolicy(Json demo)
{
    demo["tables"]["order_items"] = { { "read", false } };
    return demo;
}

const Json *findByName(const Json &list, const std::string &name)
{
    for (const Json &item : list)
        if (item.value("name", std::string()) == name)
            return &item;
    return nullptr;
}

std::string replaceAll(std::string s, const std::string &from, const std::string &to)
{
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

} // namespace


class TestDescribeSchemaTool : public QObject
{
    Q_OBJECT

    DemoToolWorld m_world;
    std::unique_ptr<McpClient> m_client;
    const std::set<std::string> m_visible { "tenants", "users", "customers", "products", "orders" };
    const std::vector<std::string> m_hidden { "order_items", "password_hash", "api_token" };

    Json describe(Json args = Json::object())
    {
        return m_client->callTool("db_describe_schema", std::move(args));
    }

    Json toolDefinition(const std::string &name)
    {
        const Json list = m_client->request("tools/list"); // keep it alive: the loop refers into it
        for (const Json &t : list["result"]["tools"])
            if (t["name"] == name)
                return t;
        return Json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        QVERIFY2(m_world.setUp(testPolicy, std::string(), 2, error), error.c_str());
        m_client = std::make_unique<McpClient>(m_world.server(), tenantPrincipal("1"));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_world.tearDown();
    }

    void listsVisibleTablesOnly()
    {
        const Json r = describe();
        QCOMPARE(r.value("isError", true), false);
        const Json &s = r["structuredContent"];
        std::set<std::string> names;
        for (const Json &t : s["tables"])
            names.insert(t["name"].get<std::string>());
        QCOMPARE(names, m_visible);
        // Hidden things appear nowhere: not in the structure, not in the text block.
        const std::string all = r.dump();
        for (const auto &hidden : m_hidden)
            QVERIFY2(all.find(hidden) == std::string::npos, hidden.c_str());
        JCOMPARE(s["operators"], QueryCompiler::operators());
        // The text block carries the same content for clients that ignore structuredContent.
        const auto text = StrictJson::parse(r["content"][0]["text"].get<std::string>());
        QVERIFY(text.ok());
        JCOMPARE(*text, s);
    }

    void columnsShowAccessAndFilterability()
    {
        const Json s = describe()["structuredContent"];
        const Json *customers = findByName(s["tables"], "customers");
        QVERIFY(customers);
        struct Expect
        {
            const char *column, *access;
            bool filterable;
        };
        for (const Expect &e :
             { Expect { "id", "allow", true }, Expect { "tenant_id", "allow", true },
               Expect { "email", "mask", false }, Expect { "phone", "mask", false },
               Expect { "last_name", "mask", false }, Expect { "date_of_birth", "mask", false },
               Expect { "national_id", "hash", false }, Expect { "city", "allow", true } }) {
            const Json *c = findByName((*customers)["columns"], e.column);
            QVERIFY2(c, e.column);
            QCOMPARE((*c)["access"].get<std::string>(), std::string(e.access));
            QCOMPARE((*c)["filterable"].get<bool>(), e.filterable);
        }
        const Json *id = findByName((*customers)["columns"], "id");
        QCOMPARE((*id)["primary_key"].get<bool>(), true);
        QCOMPARE((*id)["type"].get<std::string>(), std::string("integer"));
        const Json *email = findByName((*customers)["columns"], "email");
        JCOMPARE((*email)["tags"], Json::array({ "pii" }));
        QCOMPARE((*email)["nullable"].get<bool>(), false);
        QCOMPARE((*findByName((*customers)["columns"], "phone"))["nullable"].get<bool>(), true);
        // Row scopes and the row budget are stated, so an agent knows what it will get.
        JCOMPARE((*customers)["row_scopes"], Json::array({ "tenant", "soft_delete" }));
        QCOMPARE((*customers)["max_rows"].get<std::int64_t>(), std::int64_t(100));
        // Every table of the schema shows exactly the policy's visible columns, in table order.
        for (const Json &t : s["tables"]) {
            const TableView *view =
                m_world.policy().table(t["name"].get<std::string>(), tenantPrincipal("1"));
            QVERIFY(view);
            std::vector<std::string> shown, expected;
            for (const Json &c : t["columns"])
                shown.push_back(c["name"].get<std::string>());
            for (const auto &c : view->columns)
                expected.push_back(c.name());
            QCOMPARE(shown, expected);
        }
        const Json *users = findByName(s["tables"], "users");
        QVERIFY(users);
        QVERIFY(!findByName((*users)["columns"], "password_hash"));
        QVERIFY(!findByName((*users)["columns"], "api_token"));
        QCOMPARE((*findByName((*users)["columns"], "email"))["access"].get<std::string>(),
                 std::string("mask"));
    }

    void relationsJoinVisibleTablesOnly()
    {
        const Json s = describe()["structuredContent"];
        std::set<std::string> pairs;
        for (const Json &t : s["tables"]) {
            for (const Json &r : t["relations"]) {
                const std::string target = r["target"].get<std::string>();
                QVERIFY2(m_visible.count(target), r.dump().c_str());
                const std::string kind = r["kind"].get<std::string>();
                QVERIFY(kind == "many_to_one" || kind == "one_to_many");
                pairs.insert(t["name"].get<std::string>() + ">" + target + ":" + kind);
                // The linking column is one the caller can see.
                if (r.contains("via")) {
                    const TableView *view =
                        m_world.policy().table(t["name"].get<std::string>(), tenantPrincipal("1"));
                    QVERIFY2(view->column(r["via"].get<std::string>()), r.dump().c_str());
                }
            }
        }
        for (const char *expected : { "orders>customers:many_to_one", "orders>users:many_to_one",
                                      "customers>orders:one_to_many", "users>orders:one_to_many" })
            QVERIFY2(pairs.count(expected), expected);
        for (const auto &p : pairs)
            QVERIFY2(p.find("order_items") == std::string::npos, p.c_str());
    }

    void structuredContentValidatesAgainstTheOutputSchema()
    {
        const Json def = toolDefinition("db_describe_schema");
        QVERIFY(def.is_object());
        QCOMPARE(def["inputSchema"]["type"].get<std::string>(), std::string("object"));
        const Json &schema = def["outputSchema"];
        QVERIFY(schema.is_object());
        const Json full = describe()["structuredContent"];
        auto problems = schemaProblems(schema, full);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        // The success branch requires what DESIGN.md promises.
        const Json success = SchemaDescription::outputSchema();
        JCOMPARE(success["required"], Json::array({ "tables" }));
        const Json &table = success["properties"]["tables"]["items"];
        for (const char *key : { "name", "columns", "relations" })
            QVERIFY(std::find(table["required"].begin(), table["required"].end(), Json(key))
                    != table["required"].end());
        const Json &column = table["properties"]["columns"]["items"];
        for (const char *key :
             { "name", "type", "nullable", "primary_key", "access", "filterable" })
            QVERIFY(std::find(column["required"].begin(), column["required"].end(), Json(key))
                    != column["required"].end());
        // A validator that accepts everything proves nothing: a broken result must fail.
        Json broken = full;
        broken["tables"][0]["columns"][0].erase("access");
        QVERIFY(!schemaProblems(schema, broken).empty());
        broken = full;
        broken["tables"][0]["columns"][0]["access"] = "deny";
        QVERIFY(!schemaProblems(schema, broken).empty());
        // One table, and an error, validate as well.
        problems = schemaProblems(schema, describe({ { "table", "orders" } })["structuredContent"]);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        problems =
            schemaProblems(schema, describe({ { "table", "order_items" } })["structuredContent"]);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
    }

    void oneTableAndErrors()
    {
        const Json one = describe({ { "table", "customers" } });
        QCOMPARE(one.value("isError", true), false);
        QCOMPARE(one["structuredContent"]["tables"].size(), std::size_t(1));
        QCOMPARE(one["structuredContent"]["tables"][0]["name"].get<std::string>(),
                 std::string("customers"));

        // An invisible table answers exactly like a missing one.
        const Json hidden = describe({ { "table", "order_items" } });
        const Json missing = describe({ { "table", "no_such_table" } });
        QCOMPARE(hidden.value("isError", false), true);
        QCOMPARE(hidden["structuredContent"]["error"]["code"].get<std::string>(),
                 std::string("MODEL_NOT_ALLOWED"));
        QCOMPARE(QByteArray::fromStdString(
                     replaceAll(hidden["structuredContent"].dump(), "order_items", "T")),
                 QByteArray::fromStdString(
                     replaceAll(missing["structuredContent"].dump(), "no_such_table", "T")));
        QVERIFY(hidden["structuredContent"]["error"]["hints"].dump().find("order_items")
                == std::string::npos);

        for (const Json &bad : { Json { { "table", 5 } }, Json { { "tables", "orders" } },
                                 Json { { "table", "orders" }, { "x", 1 } } }) {
            const Json r = describe(bad);
            QVERIFY2(r.value("isError", false), bad.dump().c_str());
            QCOMPARE(r["structuredContent"]["error"]["code"].get<std::string>(),
                     std::string("INVALID_ARGUMENT"));
        }
    }

    void schemaResourcesShowVisibleTablesOnly()
    {
        const Json list = m_client->request("resources/list")["result"]["resources"];
        std::set<std::string> uris;
        for (const Json &r : list)
            uris.insert(r["uri"].get<std::string>());
        std::set<std::string> expected { "warden://schema" };
        for (const auto &t : m_visible)
            expected.insert("warden://schema/" + t);
        QCOMPARE(uris, expected);

        const Json templates =
            m_client->request("resources/templates/list")["result"]["resourceTemplates"];
        QVERIFY(findByName(templates, "table-schema"));
        QCOMPARE((*findByName(templates, "table-schema"))["uriTemplate"].get<std::string>(),
                 std::string("warden://schema/{table}"));

        // Reading a table gives what db_describe_schema says about it.
        const Json read =
            m_client->request("resources/read", { { "uri", "warden://schema/customers" } });
        const Json &contents = read["result"]["contents"];
        QCOMPARE(contents.size(), std::size_t(1));
        QCOMPARE(contents[0]["mimeType"].get<std::string>(), std::string("application/json"));
        const auto body = StrictJson::parse(contents[0]["text"].get<std::string>());
        QVERIFY(body.ok());
        JCOMPARE(*body, describe({ { "table", "customers" } })["structuredContent"]["tables"][0]);

        const Json whole = m_client->request("resources/read", { { "uri", "warden://schema" } });
        const auto wholeBody =
            StrictJson::parse(whole["result"]["contents"][0]["text"].get<std::string>());
        QVERIFY(wholeBody.ok());
        JCOMPARE(*wholeBody, describe()["structuredContent"]);
        QVERIFY(whole.dump().find("password_hash") == std::string::npos);

        // An invisible table reads as not found, exactly like a missing one.
        const Json hidden =
            m_client->request("resources/read", { { "uri", "warden://schema/order_items" } });
        const Json missing =
            m_client->request("resources/read", { { "uri", "warden://schema/no_such_table" } });
        QVERIFY2(hidden.contains("error"), hidden.dump().c_str());
        QCOMPARE(hidden["error"]["code"].get<int>(), int(rpc::ResourceNotFound));
        QCOMPARE(
            QByteArray::fromStdString(replaceAll(hidden["error"].dump(), "order_items", "T")),
            QByteArray::fromStdString(replaceAll(missing["error"].dump(), "no_such_table", "T")));
    }

    void completionsOfferVisibleTablesOnly()
    {
        auto complete = [&](const Json &ref, const std::string &value) {
            const Json r = m_client->request(
                "completion/complete",
                { { "ref", ref }, { "argument", { { "name", "table" }, { "value", value } } } });
            std::vector<std::string> values;
            for (const Json &v : r["result"]["completion"]["values"])
                values.push_back(v.get<std::string>());
            std::sort(values.begin(), values.end());
            return values;
        };
        const Json resourceRef = { { "type", "ref/resource" },
                                   { "uri", "warden://schema/{table}" } };
        QCOMPARE(complete(resourceRef, "o"),
                 std::vector<std::string> { "orders" }); // not order_items
        QCOMPARE(complete(resourceRef, "order_"), std::vector<std::string> {});
        const auto all = complete(resourceRef, "");
        QCOMPARE(std::set<std::string>(all.begin(), all.end()), m_visible);
        const Json promptRef = { { "type", "ref/prompt" }, { "name", "explore_table" } };
        QCOMPARE(complete(promptRef, "cu"), std::vector<std::string> { "customers" });
        QCOMPARE(complete(promptRef, "order_i"), std::vector<std::string> {});
    }

    void workflowPrompts()
    {
        const Json list = m_client->request("prompts/list")["result"]["prompts"];
        QVERIFY(findByName(list, "safe_query_workflow"));
        QVERIFY(findByName(list, "explore_table"));
        const Json got = m_client->request(
            "prompts/get",
            { { "name", "explore_table" }, { "arguments", { { "table", "customers" } } } });
        const std::string text = got["result"]["messages"][0]["content"]["text"].get<std::string>();
        QVERIFY2(text.find("customers") != std::string::npos
                     && text.find("db_describe_schema") != std::string::npos,
                 text.c_str());
        const Json flow = m_client->request(
            "prompts/get",
            { { "name", "safe_query_workflow" },
              { "arguments", { { "question", "How many orders were paid?" } } } });
        const std::string steps =
            flow["result"]["messages"][0]["content"]["text"].get<std::string>();
        QVERIFY2(steps.find("db_query") != std::string::npos
                     && steps.find("How many orders were paid?") != std::string::npos,
                 steps.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDescribeSchemaTool)
#include "TestDescribeSchemaTool.moc"
