// db_aggregate on the real demo database: metrics and groups match direct SQL for the
// caller's tenant; column rules hold for aggregates; small groups are suppressed and counted.

#include "DemoTools.h"

#include <QTemporaryDir>

#include <map>

using namespace warden;
using testing::DemoTools;

namespace {

std::string str(const Json &j)
{
    return StrictJson::dump(j);
}

} // namespace

class TestAggregateTool : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    DemoTools m_tools;

    Json error(const char *arguments)
    {
        return m_tools.error("db_aggregate", Json::parse(arguments));
    }
    std::string code(const char *arguments)
    {
        return error(arguments).value("code", std::string());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = DemoTools::createDemo(m_dir.path());
        m_tools.open(m_db, DemoTools::demoPolicy());
    }

    void init()
    {
        m_tools.setPolicy(DemoTools::demoPolicy());
        m_tools.setPrincipal(DemoTools::tenant("1"));
    }

    void groupCountsMatchDirectSql()
    {
        for (const char *tenant : { "1", "2" }) {
            m_tools.setPrincipal(DemoTools::tenant(tenant));
            const Json r = m_tools.ok("db_aggregate",
                                      Json::parse(R"({"table": "orders", "group_by": ["status"],
                "metrics": [{"op": "count"}, {"op": "sum", "field": "total_cents", "as": "revenue"}]})"));
            std::map<std::string, std::pair<std::int64_t, std::int64_t>> truth;
            for (const auto &row : DemoTools::sql(
                     m_db,
                     std::string(
                         "SELECT status, count(*), sum(total_cents) FROM orders WHERE tenant_id = ")
                         + tenant + " AND deleted_at IS NULL GROUP BY status"))
                truth[row[0].get<std::string>()] = { row[1].get<std::int64_t>(),
                                                     row[2].get<std::int64_t>() };
            QCOMPARE(r["groups"].size(), truth.size());
            std::string previous;
            for (const Json &g : r["groups"]) {
                const std::string status = g["status"].get<std::string>();
                QVERIFY2(truth.count(status), status.c_str());
                QCOMPARE(g["count"].get<std::int64_t>(), truth[status].first);
                QCOMPARE(g["revenue"].get<std::int64_t>(), truth[status].second);
                QCOMPARE(g.size(), std::size_t(3));
                QVERIFY(status > previous); // groups come sorted by their fields
                previous = status;
            }
            QCOMPARE(r["suppressed_groups"].get<std::int64_t>(), 0);
            QCOMPARE(r["truncated"].get<bool>(), false);
        }
    }

    void metricsMatchDirectSql()
    {
        const Json r = m_tools.ok("db_aggregate", Json::parse(R"({"table": "orders",
            "where": {"field": "status", "op": "eq", "value": "paid"},
            "metrics": [{"op": "count"}, {"op": "count_distinct", "field": "customer_id"}, {"op": "min", "field": "total_cents"},
                        {"op": "max", "field": "placed_at"}, {"op": "avg", "field": "total_cents"}]})"));
        QCOMPARE(r["groups"].size(), std::size_t(1));
        const Json &g = r["groups"][0];
        const auto t = DemoTools::sql(
            m_db,
            "SELECT count(*), count(DISTINCT customer_id), min(total_cents), max(placed_at), "
            "avg(total_cents) "
            "FROM orders WHERE tenant_id = 1 AND deleted_at IS NULL AND status = 'paid'")[0];
        QCOMPARE(g["count"].get<std::int64_t>(), t[0].get<std::int64_t>());
        QCOMPARE(g["count_distinct_customer_id"].get<std::int64_t>(), t[1].get<std::int64_t>());
        QCOMPARE(g["min_total_cents"].get<std::int64_t>(), t[2].get<std::int64_t>());
        QCOMPARE(g["max_placed_at"].get<std::string>(), t[3].get<std::string>());
        QVERIFY(std::abs(g["avg_total_cents"].get<double>() - t[4].get<double>()) < 1e-6);
        // count of a field counts its non-null values, masked or not.
        const Json phones = m_tools.ok(
            "db_aggregate",
            Json::parse(
                R"({"table": "customers", "metrics": [{"op": "count", "field": "phone"}]})"));
        QCOMPARE(
            phones["groups"][0]["count_phone"].get<std::int64_t>(),
            DemoTools::sqlInt(
                m_db,
                "SELECT count(phone) FROM customers WHERE tenant_id = 1 AND deleted_at IS NULL"));
    }

    void groupsAreCappedByMaxRows()
    {
        const Json r = m_tools.ok(
            "db_aggregate",
            Json::parse(
                R"({"table": "orders", "group_by": ["customer_id"], "metrics": [{"op": "count"}]})"));
        QCOMPARE(r["groups"].size(), std::size_t(100)); // the demo's max_rows
        QCOMPARE(r["truncated"].get<bool>(), true);
        const auto first = DemoTools::sql(
            m_db,
            "SELECT customer_id, count(*) FROM orders WHERE tenant_id = 1 AND deleted_at IS NULL "
            "GROUP BY customer_id ORDER BY customer_id LIMIT 1")[0];
        QCOMPARE(r["groups"][0]["customer_id"].get<std::int64_t>(), first[0].get<std::int64_t>());
        QCOMPARE(r["groups"][0]["count"].get<std::int64_t>(), first[1].get<std::int64_t>());
    }

    void suppressesSmallGroups()
    {
        const Json r = m_tools.ok("db_aggregate",
                                  Json::parse(R"({"table": "orders", "group_by": ["customer_id"],
            "metrics": [{"op": "count", "as": "n"}], "min_group_size": 62})"));
        const std::string base = "SELECT customer_id, count(*) AS n FROM orders WHERE tenant_id = "
                                 "1 AND deleted_at IS NULL GROUP BY customer_id";
        const std::int64_t kept =
            DemoTools::sqlInt(m_db, "SELECT count(*) FROM (" + base + ") WHERE n >= 62");
        const std::int64_t small =
            DemoTools::sqlInt(m_db, "SELECT count(*) FROM (" + base + ") WHERE n < 62");
        QVERIFY2(kept > 0 && kept < 100 && small > 0,
                 (std::to_string(kept) + " " + std::to_string(small)).c_str());
        QCOMPARE(std::int64_t(r["groups"].size()), kept);
        for (const Json &g : r["groups"])
            QVERIFY(g["n"].get<std::int64_t>() >= 62);
        QCOMPARE(r["suppressed_groups"].get<std::int64_t>(), small);

        // The policy's floor wins over a smaller request.
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["orders"]["budget"] = { { "min_group_size", 10000 } };
        }));
        const Json floor =
            m_tools.ok("db_aggregate", Json::parse(R"({"table": "orders", "group_by": ["status"],
            "metrics": [{"op": "count"}], "min_group_size": 3})"));
        const auto statuses = DemoTools::sql(m_db,
                                             "SELECT status, count(*) FROM orders WHERE tenant_id "
                                             "= 1 AND deleted_at IS NULL GROUP BY status");
        std::int64_t big = 0;
        for (const auto &s : statuses)
            big += s[1].get<std::int64_t>() >= 10000 ? 1 : 0;
        QCOMPARE(std::int64_t(floor["groups"].size()), big);
        QCOMPARE(floor["suppressed_groups"].get<std::int64_t>(),
                 std::int64_t(statuses.size()) - big);
        // Without groups the whole result is one cell: too few rows and it is suppressed too.
        const Json one = m_tools.ok("db_aggregate",
                                    Json::parse(R"({"table": "orders", "metrics": [{"op": "count"}],
            "where": {"field": "status", "op": "eq", "value": "pending"}})"));
        QCOMPARE(one["groups"].size(), std::size_t(0));
        QCOMPARE(one["suppressed_groups"].get<std::int64_t>(), 1);
    }

    void refusesMetricsThatWouldLeakRawValues()
    {
        // Masked and hashed fields: no min/max/sum/avg (they would return the raw value), no
        // count_distinct unless filterable, no group_by unless filterable.
        for (
            const char *bad :
            { R"({"table": "customers", "metrics": [{"op": "min", "field": "email"}]})",
              R"({"table": "customers", "metrics": [{"op": "max", "field": "last_name"}]})",
              R"({"table": "customers", "metrics": [{"op": "max", "field": "national_id"}]})",
              R"({"table": "customers", "metrics": [{"op": "min", "field": "date_of_birth"}]})",
              R"({"table": "customers", "metrics": [{"op": "count_distinct", "field": "email"}]})",
              R"({"table": "customers", "metrics": [{"op": "count"}], "group_by": ["email"]})",
              R"({"table": "customers", "metrics": [{"op": "count"}], "where": {"field": "email", "op": "eq", "value": "x"}})" }) {
            const Json e = error(bad);
            QVERIFY2(e.value("code", std::string()) == "FIELD_NOT_ALLOWED",
                     (std::string(bad) + " " + str(e)).c_str());
        }
        // A masked, non-filterable group_by field is refused exactly like a field that does not
        // exist.
        const Json masked =
            error(R"({"table": "customers", "metrics": [{"op": "count"}], "group_by": ["email"]})");
        const Json missing =
            error(R"({"table": "customers", "metrics": [{"op": "count"}], "group_by": ["emial"]})");
        QCOMPARE(str(masked["hints"]), str(missing["hints"]));
        // Denied fields do not exist anywhere.
        const Json denied =
            error(R"({"table": "users", "metrics": [{"op": "max", "field": "password_hash"}]})");
        const Json absent =
            error(R"({"table": "users", "metrics": [{"op": "max", "field": "password_hush"}]})");
        QCOMPARE(denied.value("code", std::string()), std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(str(denied["hints"]), str(absent["hints"]));
        QVERIFY(str(denied["hints"]).find("password") == std::string::npos);
        // A filterable masked field may be counted distinct and grouped on (values come back
        // masked).
        m_tools.setPolicy(DemoTools::demoPolicy([](Json &p) {
            p["tables"]["customers"]["columns"]["phone"] = { { "action", "mask" },
                                                             { "mask", "phone" },
                                                             { "filterable", true } };
        }));
        const Json phones =
            m_tools.ok("db_aggregate", Json::parse(R"({"table": "customers", "group_by": ["phone"],
            "metrics": [{"op": "count"}]})"));
        QVERIFY(!phones["groups"].empty());
        for (const Json &g : phones["groups"])
            QVERIFY2(g["phone"].is_null()
                         || g["phone"].get<std::string>().find('*') != std::string::npos,
                     str(g).c_str());
        QVERIFY(m_tools
                    .ok("db_aggregate", Json::parse(R"({"table": "customers",
            "metrics": [{"op": "count_distinct", "field": "phone"}]})"))["groups"][0]
                                                                        ["count_distinct_phone"]
                    .get<std::int64_t>()
                > 0);
        QCOMPARE(error(R"({"table": "customers", "metrics": [{"op": "max", "field": "phone"}]})")
                     .value("code", std::string()),
                 std::string("FIELD_NOT_ALLOWED"));
    }

    void refusesMalformedMetrics()
    {
        for (
            const char *bad :
            { R"({"table": "orders"})", R"({"table": "orders", "metrics": []})",
              R"({"table": "orders", "metrics": [{"op": "median", "field": "total_cents"}]})",
              R"({"table": "orders", "metrics": [{"op": "sum"}]})",
              R"({"table": "orders", "metrics": [{"op": "sum", "field": "status"}]})",
              R"({"table": "orders", "metrics": [{"op": "avg", "field": "placed_at"}]})",
              R"({"table": "orders", "metrics": [{"op": "count", "as": "1st"}]})",
              R"({"table": "orders", "metrics": [{"op": "count", "as": "n; DROP TABLE orders"}]})",
              "{\"table\": \"orders\", \"metrics\": [{\"op\": \"count\", \"as\": \"a\\\"b\"}]}",
              R"({"table": "orders", "metrics": [{"op": "count"}, {"op": "count"}]})",
              R"({"table": "orders", "metrics": [{"op": "count", "as": "n"}, {"op": "max", "field": "id", "as": "n"}]})",
              R"({"table": "orders", "group_by": ["status"], "metrics": [{"op": "count", "as": "status"}]})",
              R"({"table": "orders", "group_by": ["status", "status"], "metrics": [{"op": "count"}]})",
              R"({"table": "orders", "group_by": [], "metrics": [{"op": "count"}]})",
              R"({"table": "orders", "metrics": [{"op": "count", "extra": 1}]})",
              R"({"table": "orders", "metrics": [{"op": "count"}], "min_group_size": 0})",
              R"({"table": "orders", "metrics": [{"op": "count"}], "having": 1})" }) {
            const Json e = error(bad);
            QVERIFY2(e.value("code", std::string()) == "INVALID_ARGUMENT",
                     (std::string(bad) + " " + str(e)).c_str());
        }
        QCOMPARE(code(R"({"table": "secrets", "metrics": [{"op": "count"}]})"),
                 std::string("MODEL_NOT_ALLOWED"));
        m_tools.setPrincipal(DemoTools::tenant(""));
        QCOMPARE(code(R"({"table": "orders", "metrics": [{"op": "count"}]})"),
                 std::string("TENANT_SCOPE_REQUIRED"));
    }

    void definitionIsComplete()
    {
        const Json d = m_tools.definition("db_aggregate");
        QCOMPARE(d.value("name", std::string()), std::string("db_aggregate"));
        QCOMPARE(
            d["inputSchema"]["properties"]["metrics"]["items"]["properties"]["op"]["enum"].size(),
            std::size_t(6));
        QCOMPARE(d["outputSchema"]["anyOf"].size(), std::size_t(2));
        QCOMPARE(d["annotations"]["readOnlyHint"].get<bool>(), true);
    }
};

QTEST_GUILESS_MAIN(TestAggregateTool)
#include "TestAggregateTool.moc"
