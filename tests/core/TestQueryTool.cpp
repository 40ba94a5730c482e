// db_query on the real demo database, above all its nested includes (IncludeCompiler,
// RowFetcher): included rows
// are scoped, filtered, redacted, capped, fetched level by level and actually returned.

#include "DemoTools.h"

#include <QTemporaryDir>

#include <set>

using namespace warden;
using testing::DemoTools;

namespace {

std::string str(const Json &j)
{
    return StrictJson::dump(j);
}

std::set<std::int64_t> ids(const Json &rows, const char *key = "id")
{
    std::set<std::int64_t> out;
    for (const Json &r : rows)
        out.insert(r[key].get<std::int64_t>());
    return out;
}

std::set<std::int64_t> sqlIds(const QString &path, const std::string &statement)
{
    std::set<std::int64_t> out;
    for (const auto &row : DemoTools::sql(path, statement))
        out.insert(row[0].get<std::int64_t>());
    return out;
}

} // namespace

class TestQueryTool : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    DemoTools m_tools;

    // The demo policy with room for two levels of includes.
    static Json deepPolicy()
    {
        return DemoTools::demoPolicy(
            [](Json &p) { p["defaults"]["budget"]["max_include_depth"] = 2; });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = DemoTools::createDemo(m_dir.path());
        m_tools.open(m_db, deepPolicy());
    }

    void init()
    {
        m_tools.setPolicy(deepPolicy());
        m_tools.setPrincipal(DemoTools::tenant("1"));
    }

    void describedRelationsAreThePolicyRelations()
    {
        const Json schema = m_tools.ok("db_describe_schema", { { "table", "orders" } });
        std::set<std::string> described;
        for (const Json &r : schema["tables"][0]["relations"])
            described.insert(r["name"].get<std::string>() + ":" + r["kind"].get<std::string>() + ":"
                             + r["target"].get<std::string>());
        const std::set<std::string> expected { "tenant:many_to_one:tenants",
                                               "customer:many_to_one:customers",
                                               "user:many_to_one:users",
                                               "order_items:one_to_many:order_items" };
        QCOMPARE(described, expected);
    }

    void includesTheCustomerOfAnOrder()
    {
        const auto truth = DemoTools::sql(m_db,
                                          "SELECT id, customer_id FROM orders WHERE tenant_id = 1 "
                                          "AND deleted_at IS NULL AND id <= 30 "
                                          "ORDER BY id LIMIT 20");
        const Json r =
            m_tools.ok("db_query", Json::parse(R"({"table": "orders", "select": ["id", "status"],
            "where": {"field": "id", "op": "lte", "value": 30}, "take": 20,
            "include": [{"relation": "customer", "select": ["id", "first_name", "email"]}]})"));
        QCOMPARE(r["rows"].size(), truth.size());
        for (std::size_t i = 0; i < truth.size(); ++i) {
            const Json &row = r["rows"][i];
            QCOMPARE(row["id"].get<std::int64_t>(), truth[i][0].get<std::int64_t>());
            // The link column was not selected: it travelled hidden and is gone.
            QVERIFY2(!row.contains("customer_id"), str(row).c_str());
            QVERIFY2(row["customer"].is_object(), str(row).c_str());
            QCOMPARE(row["customer"]["id"].get<std::int64_t>(), truth[i][1].get<std::int64_t>());
            QCOMPARE(row["customer"].size(), std::size_t(3));
            const std::string email = row["customer"]["email"].get<std::string>();
            QVERIFY2(email.find("***@") != std::string::npos, email.c_str());
        }
    }

    void includesOrdersOfACustomerWithAPerParentTake()
    {
        const std::set<std::int64_t> customers { 1, 4, 6 };
        const Json r =
            m_tools.ok("db_query", Json::parse(R"({"table": "customers", "select": ["id"],
            "where": {"field": "id", "op": "in", "value": [1, 4, 6]},
            "include": [{"relation": "orders", "select": ["id", "status"], "take": 3}]})"));
        QCOMPARE(ids(r["rows"]), customers);
        for (const Json &c : r["rows"]) {
            const std::int64_t id = c["id"].get<std::int64_t>();
            const auto first3 = DemoTools::sql(
                m_db,
                "SELECT id FROM orders WHERE customer_id = " + std::to_string(id)
                    + " AND tenant_id = 1 AND deleted_at IS NULL ORDER BY id LIMIT 3");
            QCOMPARE(c["orders"].size(), std::size_t(3));
            for (std::size_t i = 0; i < 3; ++i)
                QCOMPARE(c["orders"][i]["id"].get<std::int64_t>(),
                         first3[i][0].get<std::int64_t>());
            QVERIFY(!c["orders"][0].contains("customer_id")); // the hidden link column
        }
        QCOMPARE(r["truncated"].get<bool>(), false); // the caller asked for 3

        // Without a take, a parent gets up to max_rows related rows: all of them here, and no
        // soft-deleted ones.
        const Json all =
            m_tools.ok("db_query", Json::parse(R"({"table": "customers", "select": ["id"],
            "where": {"field": "id", "op": "in", "value": [1, 4, 6]}, "include": [{"relation": "orders", "select": ["id"]}]})"));
        for (const Json &c : all["rows"]) {
            const std::string id = std::to_string(c["id"].get<std::int64_t>());
            QCOMPARE(ids(c["orders"]),
                     sqlIds(m_db,
                            "SELECT id FROM orders WHERE customer_id = " + id
                                + " AND tenant_id = 1 AND deleted_at IS NULL"));
            QVERIFY(DemoTools::sqlInt(m_db,
                                      "SELECT count(*) FROM orders WHERE customer_id = " + id
                                          + " AND deleted_at IS NOT NULL")
                    > 0);
        }
        QCOMPARE(all["truncated"].get<bool>(), false);

        // A take above the related table's max_rows is cut to it.
        auto small = DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["budget"] = { { "max_rows", 5 } };
        });
        m_tools.setPolicy(small);
        const Json capped =
            m_tools.ok("db_query", Json::parse(R"({"table": "customers", "select": ["id"],
            "where": {"field": "id", "op": "eq", "value": 1}, "include": [{"relation": "orders", "take": 50}]})"));
        QCOMPARE(capped["rows"][0]["orders"].size(), std::size_t(5));
        QCOMPARE(capped["truncated"].get<bool>(), true);
    }

    void nestsOrderItemsAndTheirProducts()
    {
        const Json r = m_tools.ok("db_query", Json::parse(R"({"table": "orders", "select": ["id"],
            "where": {"field": "id", "op": "in", "value": [1, 2, 7]},
            "include": [{"relation": "order_items", "select": ["id", "quantity"],
                         "include": [{"relation": "product", "select": ["id", "sku"]}]}]})"));
        QCOMPARE(r["rows"].size(), std::size_t(3));
        for (const Json &o : r["rows"]) {
            const std::string id = std::to_string(o["id"].get<std::int64_t>());
            QCOMPARE(ids(o["order_items"]),
                     sqlIds(m_db, "SELECT id FROM order_items WHERE order_id = " + id));
            QVERIFY(!o["order_items"].empty());
            for (const Json &item : o["order_items"]) {
                const std::string itemId = std::to_string(item["id"].get<std::int64_t>());
                QVERIFY2(item["product"].is_object(), str(item).c_str());
                QCOMPARE(item["product"]["id"].get<std::int64_t>(),
                         DemoTools::sqlInt(
                             m_db, "SELECT product_id FROM order_items WHERE id = " + itemId));
                QVERIFY(!item.contains("product_id"));
                QVERIFY(!item.contains("order_id"));
            }
        }
    }

    void neverIncludesAnotherTenantsRows()
    {
        // A copy of the demo where tenant 1's order 1 points at tenant 2's customer, and one of
        // tenant 2's order items points at tenant 1's order 1.
        const QString copy = m_dir.path() + QStringLiteral("/cross.db");
        QFile::remove(copy);
        QVERIFY(QFile::copy(m_db, copy));
        const std::int64_t foreignCustomer =
            DemoTools::sqlInt(copy,
                              "SELECT id FROM customers WHERE tenant_id = 2 AND deleted_at IS NULL "
                              "ORDER BY id LIMIT 1");
        DemoTools::sql(copy,
                       "UPDATE orders SET customer_id = " + std::to_string(foreignCustomer)
                           + " WHERE id = 1");
        DemoTools::sql(
            copy,
            "INSERT INTO order_items (id, tenant_id, order_id, product_id, quantity, "
            "unit_price_cents) "
            "SELECT 9999999, 2, 1, id, 1, 100 FROM products WHERE tenant_id = 2 LIMIT 1");
        QCOMPARE(DemoTools::sqlInt(copy,
                                   "SELECT tenant_id FROM customers WHERE id = "
                                       + std::to_string(foreignCustomer)),
                 2);

        DemoTools cross;
        cross.open(copy, deepPolicy());
        const Json r = cross.ok(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "customer"}, {"relation": "order_items", "include": [{"relation": "product"}]}]})"));
        QCOMPARE(r["rows"].size(), std::size_t(1));
        const Json &order = r["rows"][0];
        QCOMPARE(order["customer_id"].get<std::int64_t>(),
                 foreignCustomer); // the raw link is there ...
        QVERIFY2(order["customer"].is_null(),
                 str(order).c_str()); // ... the other tenant's row is not
        QVERIFY(!ids(order["order_items"]).count(9999999));
        for (const Json &item : order["order_items"])
            QCOMPARE(item["tenant_id"].get<std::int64_t>(), 1);

        // From the other side: tenant 1's customers never list tenant 2's orders, and tenant 2
        // sees its own customer's order 1 only as a row of its own tenant would be seen: not at
        // all.
        const Json c = cross.ok(
            "db_query",
            { { "table", "customers" },
              { "where", { { "field", "id" }, { "op", "eq" }, { "value", foreignCustomer } } },
              { "include",
                Json::parse(R"([{"relation": "orders", "select": ["id", "tenant_id"]}])") } });
        QCOMPARE(c["rows"].size(), std::size_t(0)); // tenant 2's customer is invisible to tenant 1
        cross.setPrincipal(DemoTools::tenant("2"));
        const Json c2 = cross.ok(
            "db_query",
            { { "table", "customers" },
              { "where", { { "field", "id" }, { "op", "eq" }, { "value", foreignCustomer } } },
              { "include",
                Json::parse(R"([{"relation": "orders", "select": ["id", "tenant_id"]}])") } });
        QCOMPARE(c2["rows"].size(), std::size_t(1));
        QVERIFY(!ids(c2["rows"][0]["orders"]).count(1));
        for (const Json &o : c2["rows"][0]["orders"])
            QCOMPARE(o["tenant_id"].get<std::int64_t>(), 2);
    }

    void masksFieldsInsideIncludes()
    {
        const Json r = m_tools.ok("db_query", Json::parse(R"({"table": "orders", "select": ["id"],
            "where": {"field": "id", "op": "eq", "value": 1}, "include": [{"relation": "customer"}]})"));
        const Json &customer = r["rows"][0]["customer"];
        const std::string id = std::to_string(customer["id"].get<std::int64_t>());
        const auto raw = DemoTools::sql(
            m_db,
            "SELECT email, national_id, date_of_birth, last_name FROM customers WHERE id = "
                + id)[0];
        QVERIFY(customer["email"] != raw[0]);
        QVERIFY(customer["email"].get<std::string>().find("***@") != std::string::npos);
        QVERIFY(customer["national_id"].get<std::string>().rfind("hmac-sha256:", 0) == 0);
        if (raw[2].is_string())
            QCOMPARE(customer["date_of_birth"].get<std::string>(),
                     raw[2].get<std::string>().substr(0, 4) + "-**-**");
        QVERIFY(customer["last_name"] != raw[3]);

        // The include's filter obeys the related table's column rules: masked fields are not
        // filterable.
        const Json e = m_tools.error(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "customer", "where": {"field": "email", "op": "startswith", "value": "k"}}]})"));
        QCOMPARE(e.value("code", std::string()), std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(e["details"].value("pointer", std::string()),
                 std::string("/include/0/where/field"));
        // A denied field cannot be selected inside an include either, and is named like a missing
        // one.
        const Json d = m_tools.error(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "user", "select": ["password_hash"]}]})"));
        QCOMPARE(d.value("code", std::string()), std::string("FIELD_NOT_ALLOWED"));
        QVERIFY(str(d["hints"]).find("api_token") == std::string::npos);
    }

    void filtersIncludedRows()
    {
        const Json r =
            m_tools.ok("db_query", Json::parse(R"({"table": "customers", "select": ["id"],
            "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "orders", "select": ["id", "status"], "where": {"field": "status", "op": "eq", "value": "paid"}}]})"));
        const Json &orders = r["rows"][0]["orders"];
        QCOMPARE(ids(orders),
                 sqlIds(m_db,
                        "SELECT id FROM orders WHERE customer_id = 1 AND status = 'paid' AND "
                        "deleted_at IS NULL"));
        for (const Json &o : orders)
            QCOMPARE(o["status"].get<std::string>(), std::string("paid"));
    }

    void softDeletedParentIsNotIncluded()
    {
        const auto row = DemoTools::sql(
            m_db,
            "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE c.deleted_at IS NOT NULL AND o.deleted_at IS NULL AND o.tenant_id = 1 LIMIT 1");
        QVERIFY(!row.empty());
        const Json r =
            m_tools.ok("db_query",
                       { { "table", "orders" },
                         { "where", { { "field", "id" }, { "op", "eq" }, { "value", row[0][0] } } },
                         { "include", Json::parse(R"([{"relation": "customer"}])") } });
        QCOMPARE(r["rows"].size(), std::size_t(1));
        QVERIFY(r["rows"][0]["customer"].is_null());
    }

    void manyParentsAreFetchedInChunks()
    {
        // More distinct parent keys than one statement binds (500).
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["budget"] = { { "max_rows", 1500 } };
        }));
        const Json r = m_tools.ok(
            "db_query", Json::parse(R"({"table": "orders", "select": ["id", "customer_id"],
            "where": {"field": "id", "op": "lte", "value": 3000}, "take": 1500, "include": [{"relation": "customer", "select": ["id"]}]})"));
        QCOMPARE(r["rows"].size(), std::size_t(1500));
        std::set<std::int64_t> distinct;
        for (const Json &o : r["rows"]) {
            QVERIFY2(o["customer"].is_object() || o["customer"].is_null(), str(o).c_str());
            if (o["customer"].is_object()) {
                QCOMPARE(str(o["customer"]["id"]), str(o["customer_id"]));
                distinct.insert(o["customer_id"].get<std::int64_t>());
            }
        }
        QVERIFY2(distinct.size() > 500, std::to_string(distinct.size()).c_str());
    }

    // max_cost: a statement whose estimate exceeds the table's budget is refused before it
    // runs; a cheap one (a primary-key lookup) still runs.
    void maxCostRefusesExpensiveQueries()
    {
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["budget"] = { { "max_cost", 100 } };
        }));
        const Json e = m_tools.error("db_query", Json::parse(R"({"table": "orders", "select": ["id"],
            "where": {"field": "total_cents", "op": "gt", "value": 1}})"));
        QVERIFY2(e.is_object(), "an expensive query must be refused");
        QCOMPARE(e.value("code", std::string()), std::string("BUDGET_EXCEEDED"));
        QCOMPARE(e["details"].value("budget", std::string()), std::string("max_cost"));
        QVERIFY(e["details"].value("estimated", std::int64_t(0)) > 100);
        QVERIFY(m_tools.ok("db_query", Json::parse(R"({"table": "orders", "select": ["id"],
            "where": {"field": "id", "op": "eq", "value": 1}})")).contains("rows"));
        const Json agg = m_tools.error("db_aggregate", Json::parse(R"({"table": "orders",
            "metrics": [{"op": "count"}], "group_by": ["status"]})"));
        QVERIFY2(agg.is_object(), "an expensive aggregate must be refused");
        QCOMPARE(agg.value("code", std::string()), std::string("BUDGET_EXCEEDED"));
        m_tools.setPolicy(DemoTools::demoPolicy());
    }

    void capsIncludeDepth()
    {
        // The demo policy (prod) allows one level.
        m_tools.setPolicy(DemoTools::demoPolicy());
        QVERIFY(
            !m_tools
                 .ok("db_query",
                     Json::parse(
                         R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "order_items"}]})"))
                 .empty());
        const Json e = m_tools.error(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "order_items", "include": [{"relation": "product"}]}]})"));
        QCOMPARE(e.value("code", std::string()), std::string("BUDGET_EXCEEDED"));
        QCOMPARE(e["details"].value("budget", std::string()), std::string("max_include_depth"));
        QCOMPARE(e["details"].value("limit", -1), 1);
        QCOMPARE(e["details"].value("pointer", std::string()), std::string("/include/0/include/0"));

        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["budget"] = { { "max_include_depth", 0 } };
        }));
        const Json none = m_tools.error(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "customer"}]})"));
        QCOMPARE(none.value("code", std::string()), std::string("BUDGET_EXCEEDED"));
    }

    void refusesRelationsItCannotFollow()
    {
        // users are hidden here: the orders → user relation is gone and never named.
        m_tools.setPolicy(
            DemoTools::demoPolicy([](Json &p) { p["tables"]["users"]["read"] = false; }));
        const Json e = m_tools.error(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "user"}]})"));
        QCOMPARE(e.value("code", std::string()), std::string("RELATION_NOT_ALLOWED"));
        QCOMPARE(e["details"].value("pointer", std::string()), std::string("/include/0/relation"));
        const std::string hints = str(e["hints"]);
        QVERIFY2(hints.find("customer") != std::string::npos, hints.c_str());
        QVERIFY2(hints.find("user") == std::string::npos, hints.c_str());
        for (const char *bad : { "nope", "customers", "orders" }) {
            const Json u =
                m_tools.error("db_query",
                              { { "table", "orders" },
                                { "where", { { "field", "id" }, { "op", "eq" }, { "value", 1 } } },
                                { "include", Json::array({ { { "relation", bad } } }) } });
            QCOMPARE(u.value("code", std::string()), std::string("RELATION_NOT_ALLOWED"));
        }
        // A relation through a masked, non-filterable column is not offered either.
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["columns"] = { { "customer_id", { { "action", "hash" } } } };
        }));
        QCOMPARE(
            m_tools
                .error("db_query",
                       Json::parse(
                           R"({"table": "orders", "where": {"field": "id", "op": "eq", "value": 1},
            "include": [{"relation": "customer"}]})"))
                .value("code", std::string()),
            std::string("RELATION_NOT_ALLOWED"));
        // Malformed includes.
        for (const char *bad :
             { R"("customer")", R"([{"relation": "customer", "bogus": 1}])",
               R"([{"select": ["id"]}])", R"([{"relation": "customer", "take": 2}])",
               R"([{"relation": "order_items", "take": 0}])",
               R"([{"relation": "customer"}, {"relation": "customer"}])" }) {
            m_tools.setPolicy(deepPolicy());
            const Json m =
                m_tools.error("db_query",
                              { { "table", "orders" },
                                { "where", { { "field", "id" }, { "op", "eq" }, { "value", 1 } } },
                                { "include", Json::parse(bad) } });
            QVERIFY2(m.value("code", std::string()) == "INVALID_ARGUMENT",
                     (std::string(bad) + " " + str(m)).c_str());
        }
    }

    void cursorsKeepTheirIncludes()
    {
        const Json args = Json::parse(
            R"({"table": "orders", "select": ["id"], "where": {"field": "id", "op": "lte", "value": 40},
            "take": 5, "include": [{"relation": "customer", "select": ["id"]}]})");
        const Json first = m_tools.ok("db_query", args);
        QVERIFY(first["next_cursor"].is_string());
        Json next = args;
        next["cursor"] = first["next_cursor"];
        const Json second = m_tools.ok("db_query", next);
        QCOMPARE(second["rows"].size(), std::size_t(5));
        QVERIFY(second["rows"][0]["customer"].is_object());
        QVERIFY(second["rows"][0]["id"].get<std::int64_t>()
                > first["rows"][4]["id"].get<std::int64_t>());
        // The cursor is bound to the include too: a different include is a different query.
        next["include"] =
            Json::parse(R"([{"relation": "customer", "select": ["id", "first_name"]}])");
        QCOMPARE(m_tools.error("db_query", next).value("code", std::string()),
                 std::string("INVALID_CURSOR"));
    }
};

QTEST_GUILESS_MAIN(TestQueryTool)
#include "TestQueryTool.moc"
