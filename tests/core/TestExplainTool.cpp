// db_explain on the real demo database: the compiled SQL with its parameters, every policy
// decision and an estimated cost for db_query, db_get and db_aggregate, without running the
// statement; a call the tool would refuse is refused with the same error.

#include "DemoTools.h"
#include "query/QueryCompiler.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace warden;
using testing::DemoTools;

namespace {

std::string str(const Json &j)
{
    return StrictJson::dump(j);
}

bool contains(const Json &s, const std::string &part)
{
    return s.is_string() && s.get<std::string>().find(part) != std::string::npos;
}

// Whether `decisions` holds one whose members include all of `wanted`.
bool decided(const Json &decisions, const Json &wanted)
{
    for (const Json &d : decisions) {
        bool all = true;
        for (auto it = wanted.begin(); it != wanted.end(); ++it)
            all = all && d.contains(it.key()) && d[it.key()] == it.value();
        if (all)
            return true;
    }
    return false;
}

} // namespace

class TestExplainTool : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    DemoTools m_tools;

    Json explain(const std::string &tool, const Json &arguments)
    {
        return m_tools.ok("db_explain", { { "tool", tool }, { "arguments", arguments } });
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

    void explainsAQuery()
    {
        const Json args = Json::parse(R"({"table": "customers", "select": ["id", "email"],
            "where": {"field": "city", "op": "eq", "value": "Berlin"}, "take": 1000})");
        const Json r = explain("db_query", args);
        // Exactly the statement db_query would run, with the tenant scope in it.
        auto q = QueryCompiler(*m_tools.policy(), db::Dialect::Sqlite)
                     .compileQuery(args, DemoTools::tenant("1"));
        QVERIFY(q);
        QCOMPARE(r["sql"].get<std::string>(), q->sql);
        QVERIFY2(contains(r["sql"], "\"tenant_id\" = ?"), str(r["sql"]).c_str());
        QVERIFY2(contains(r["sql"], "\"deleted_at\" IS NULL"), str(r["sql"]).c_str());
        QCOMPARE(str(r["parameters"]), std::string(R"([1,"Berlin"])"));
        QVERIFY2(decided(r["decisions"],
                         { { "kind", "scope" }, { "scope", "tenant" }, { "field", "tenant_id" } }),
                 str(r["decisions"]).c_str());
        QVERIFY(decided(r["decisions"], { { "kind", "scope" }, { "scope", "soft_delete" } }));
        QVERIFY(decided(r["decisions"],
                        { { "kind", "redact" }, { "field", "email" }, { "action", "mask" } }));
        QVERIFY(decided(r["decisions"],
                        { { "kind", "budget" },
                          { "budget", "max_rows" },
                          { "limit", 100 },
                          { "requested", 1000 } }));
        QVERIFY(
            decided(r["decisions"],
                    { { "kind", "limit" }, { "rows", 100 }, { "statement_timeout_ms", 2000 } }));
        QVERIFY(decided(r["decisions"], { { "kind", "cost" } }));
        QVERIFY(r["estimated_cost"].get<double>() >= 1);
        QVERIFY(contains(r["cost_model"], "sqlite"));
        QCOMPARE(r["statements"].size(), std::size_t(1));
        QCOMPARE(r["statements"][0]["role"].get<std::string>(), std::string("main"));

        // Another tenant's explanation binds its own tenant.
        m_tools.setPrincipal(DemoTools::tenant("3"));
        QCOMPARE(str(explain("db_query", args)["parameters"]), std::string(R"([3,"Berlin"])"));
    }

    void explainsIncludesCursorsGetsAndAggregates()
    {
        const Json inc = explain(
            "db_query",
            Json::parse(R"({"table": "orders", "where": {"field": "id", "op": "lte", "value": 50},
            "include": [{"relation": "customer", "select": ["id"]}, {"relation": "order_items", "take": 2}]})"));
        QCOMPARE(inc["statements"].size(), std::size_t(3));
        for (std::size_t i = 1; i < 3; ++i) {
            const Json &s = inc["statements"][i];
            QCOMPARE(s["role"].get<std::string>(), std::string("include"));
            QVERIFY2(contains(s["sql"], "IN (<parent keys>)"), str(s).c_str());
            QVERIFY2(contains(s["sql"], "\"tenant_id\" = ?"),
                     str(s).c_str()); // the related table's own scope
            QCOMPARE(s["parameters"][0].get<std::int64_t>(), 1);
            QCOMPARE(s["parent_rows_at_most"].get<double>(), 100.0);
        }
        QVERIFY(
            contains(inc["statements"][2]["sql"], "ROW_NUMBER() OVER (PARTITION BY \"order_id\""));
        QVERIFY(decided(
            inc["decisions"],
            { { "kind", "include" }, { "relation", "order_items" }, { "take_per_parent", 2 } }));
        QVERIFY(
            decided(inc["decisions"],
                    { { "kind", "scope" }, { "table", "customers" }, { "scope", "soft_delete" } }));
        double sum = 0;
        for (const Json &s : inc["statements"])
            sum += s["estimated_cost"].get<double>();
        QCOMPARE(inc["estimated_cost"].get<double>(), sum);

        // A verified cursor is a decision too.
        const Json page =
            m_tools.ok("db_query", Json::parse(R"({"table": "orders", "select": ["id"], "take": 2,
            "where": {"field": "status", "op": "eq", "value": "paid"}})"));
        QVERIFY(page["next_cursor"].is_string());
        Json next = Json::parse(
            R"({"table": "orders", "select": ["id"], "take": 2, "where": {"field": "status", "op": "eq", "value": "paid"}})");
        next["cursor"] = page["next_cursor"];
        QVERIFY(decided(explain("db_query", next)["decisions"], { { "kind", "cursor" } }));

        const Json get = explain("db_get", Json::parse(R"({"table": "orders", "id": "7"})"));
        QVERIFY(contains(get["sql"], "\"id\" = ?"));
        QVERIFY(contains(get["sql"], "\"tenant_id\" = ?"));
        QVERIFY(decided(get["decisions"], { { "kind", "lookup" }, { "field", "id" } }));
        QCOMPARE(str(get["parameters"]), std::string("[1,7]"));
        QVERIFY(get["estimated_cost"].get<double>() < 100); // a key lookup, not a scan

        const Json agg =
            explain("db_aggregate", Json::parse(R"({"table": "orders", "group_by": ["status"],
            "metrics": [{"op": "count"}], "min_group_size": 5})"));
        QVERIFY2(contains(agg["sql"], "HAVING COUNT(*) >= ?"), str(agg["sql"]).c_str());
        QCOMPARE(agg["statements"].size(), std::size_t(2));
        QCOMPARE(agg["statements"][1]["role"].get<std::string>(), std::string("suppressed_groups"));
        QVERIFY(decided(
            agg["decisions"],
            { { "kind", "suppression" }, { "min_group_size", 5 }, { "source", "request" } }));
        // Both read one tenant's orders through the tenant index: rows per key from sqlite_stat1.
        const auto stat = DemoTools::sql(
            m_db, "SELECT stat FROM sqlite_stat1 WHERE idx = 'orders_tenant_id_idx'");
        QCOMPARE(stat.size(), std::size_t(1));
        const std::string perTenant =
            stat[0][0].get<std::string>().substr(stat[0][0].get<std::string>().find(' ') + 1);
        QCOMPARE(agg["estimated_cost"].get<double>(), 2 * std::stod(perTenant));
    }

    void errorsAreTheToolsErrors()
    {
        const std::vector<std::pair<std::string, const char *>> calls {
            { "db_query", R"({"table": "nope"})" },
            { "db_query", R"({"table": "users", "select": ["password_hash"]})" },
            { "db_query",
              R"({"table": "customers", "where": {"field": "email", "op": "eq", "value": "x"}})" },
            { "db_query", R"({"table": "orders", "include": [{"relation": "secrets"}]})" },
            { "db_query",
              R"({"table": "orders", "include": [{"relation": "order_items", "include": [{"relation": "product"}]}]})" },
            { "db_query", R"({"table": "orders", "cursor": "forged"})" },
            { "db_query", R"({"table": "orders"})" }, // the broad-query guard
            { "db_query", R"({"table": "orders", "bogus": 1})" },
            { "db_get", R"({"table": "orders", "id": "x"})" },
            { "db_get", R"({"table": "orders"})" },
            { "db_aggregate",
              R"({"table": "customers", "metrics": [{"op": "max", "field": "email"}]})" },
            { "db_aggregate", R"({"table": "orders", "metrics": []})" },
        };
        for (const auto &[tool, args] : calls) {
            const Json direct = m_tools.error(tool, Json::parse(args));
            QVERIFY2(!direct.is_null(), args);
            const Json explained = m_tools.error(
                "db_explain", { { "tool", tool }, { "arguments", Json::parse(args) } });
            QCOMPARE(str(explained), str(direct));
        }
        m_tools.setPrincipal(DemoTools::tenant(""));
        QCOMPARE(m_tools
                     .error("db_explain",
                            { { "tool", "db_query" },
                              { "arguments", Json::parse(R"({"table": "orders", "take": 1})") } })
                     .value("code", std::string()),
                 std::string("TENANT_SCOPE_REQUIRED"));
    }

    void refusesBadExplainArguments()
    {
        for (const char *bad :
             { R"({"tool": "db_explain", "arguments": {}})",
               R"({"tool": "db_sql", "arguments": {}})", R"({"tool": "db_query"})",
               R"({"tool": "db_query", "arguments": [1]})", R"({"arguments": {"table": "orders"}})",
               R"({"tool": "db_query", "arguments": {}, "run": true})" }) {
            const Json e = m_tools.error("db_explain", Json::parse(bad));
            QVERIFY2(e.value("code", std::string()) == "INVALID_ARGUMENT",
                     (std::string(bad) + " " + str(e)).c_str());
        }
    }

    void doesNotRunTheStatement()
    {
        // A copy of the demo with a view of a billion rows: sorting it takes far longer than the
        // statement timeout allows.
        const QString copy = m_dir.path() + QStringLiteral("/huge.db");
        QFile::remove(copy);
        QVERIFY(QFile::copy(m_db, copy));
        DemoTools::sql(copy, "CREATE TABLE n1 (x INTEGER PRIMARY KEY)");
        DemoTools::sql(copy, "CREATE TABLE n2 (x INTEGER PRIMARY KEY)");
        DemoTools::sql(copy, "CREATE TABLE words (x INTEGER PRIMARY KEY, word TEXT NOT NULL)");
        DemoTools::sql(copy,
                       "INSERT INTO n1 WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                       "FROM c WHERE i < 1000) SELECT i FROM c");
        DemoTools::sql(copy, "INSERT INTO n2 SELECT x FROM n1");
        DemoTools::sql(copy, "INSERT INTO words SELECT x, hex(randomblob(8)) FROM n1");
        DemoTools::sql(copy,
                       "CREATE VIEW huge AS SELECT n1.x AS a, n2.x AS b, words.word AS word FROM "
                       "n1, n2, words");
        const Json args =
            Json::parse(R"({"table": "huge", "order_by": [{"field": "word"}], "take": 1})");
        {
            // Under the default max_cost the billion-row estimate is refused before it runs.
            DemoTools guarded;
            guarded.open(copy, DemoTools::demoPolicy([](Json &p) {
                             p["tables"]["huge"] = { { "tenant_column", nullptr } };
                         }));
            QElapsedTimer t;
            t.start();
            const Json refused = guarded.error("db_query", args);
            QVERIFY2(refused.is_object(), "a billion-row statement must be refused");
            QCOMPARE(refused.value("code", std::string()), std::string("BUDGET_EXCEEDED"));
            QVERIFY2(t.elapsed() < 500, std::to_string(t.elapsed()).c_str());
        }
        DemoTools huge;
        huge.open(copy, DemoTools::demoPolicy([](Json &p) {
                      p["tables"]["huge"] = { { "tenant_column", nullptr },
                                              { "budget", { { "statement_timeout_ms", 1000 },
                                                            { "max_cost", std::int64_t(1) << 50 } } } };
                  }));

        QElapsedTimer t;
        t.start();
        const Json timedOut = huge.error("db_query", args);
        const qint64 ran = t.elapsed();
        QCOMPARE(timedOut.value("code", std::string()), std::string("QUERY_TIMEOUT"));
        QVERIFY2(ran >= 900, std::to_string(ran).c_str());

        t.restart();
        const Json r = huge.ok("db_explain", { { "tool", "db_query" }, { "arguments", args } });
        const qint64 explained = t.elapsed();
        QVERIFY2(explained < 500, std::to_string(explained).c_str());
        QVERIFY2(contains(r["sql"], "ORDER BY \"word\""), str(r).c_str());
        // Nested loops multiply: the estimate says what running it would cost.
        QVERIFY2(r["estimated_cost"].get<double>() >= 1e9, str(r["statements"]).c_str());
    }

    void definitionIsComplete()
    {
        const Json d = m_tools.definition("db_explain");
        QCOMPARE(d.value("name", std::string()), std::string("db_explain"));
        QCOMPARE(d["inputSchema"]["properties"]["tool"]["enum"].size(), std::size_t(3));
        QCOMPARE(d["outputSchema"]["anyOf"].size(), std::size_t(2));
        QCOMPARE(d["annotations"]["readOnlyHint"].get<bool>(), true);
    }
};

QTEST_GUILESS_MAIN(TestExplainTool)
#include "TestExplainTool.moc"
