// db_explain, and the SQL behind it, on PostgreSQL: the demo loaded into a throwaway database
// of the test cluster and read through the least-privilege role. Explanations carry the
// planner's cost; includes, db_get and db_aggregate answer exactly as on SQLite.

#include "DemoTools.h"

#include <QRandomGenerator>
#include <QTemporaryDir>

#include <libpq-fe.h>

#include <map>

using namespace warden;
using testing::DemoTools;

namespace {

std::string str(const Json &j)
{
    return StrictJson::dump(j);
}

} // namespace

class TestExplainToolPostgres : public QObject
{
    Q_OBJECT

private:
    std::map<std::string, std::string> m_env;
    std::string m_dbname;
    QTemporaryDir m_dir;
    DemoTools m_pg;
    DemoTools m_lite;

    std::string superuser(const std::string &dbname) const
    {
        return "host=" + m_env.at("WARDEN_PG_SOCKET_DIR") + " port=" + m_env.at("WARDEN_PG_PORT")
            + " user=" + m_env.at("WARDEN_PG_SUPERUSER") + " dbname=" + dbname;
    }

    bool admin(const std::string &sql) const
    {
        PGconn *conn = PQconnectdb(superuser("postgres").c_str());
        bool ok = PQstatus(conn) == CONNECTION_OK;
        if (ok) {
            PGresult *r = PQexec(conn, sql.c_str());
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok)
                qWarning("%s: %s", sql.c_str(), PQerrorMessage(conn));
            PQclear(r);
        }
        PQfinish(conn);
        return ok;
    }

    static Json policy()
    {
        return DemoTools::demoPolicy(
            [](Json &p) { p["defaults"]["budget"]["max_include_depth"] = 2; });
    }

    // The same call on both engines; their structured results must be identical.
    void same(const std::string &tool, const char *arguments)
    {
        const Json args = Json::parse(arguments);
        const Json pg = m_pg.callTool(tool, args);
        const Json lite = m_lite.callTool(tool, args);
        QVERIFY2(!pg.value("isError", true), str(pg).c_str());
        QCOMPARE(str(pg["structuredContent"]), str(lite["structuredContent"]));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString path = qEnvironmentVariable("WARDEN_TEST_TMP") + QStringLiteral("/pg.env");
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            if (qEnvironmentVariableIsSet("WARDEN_ALLOW_SKIP_PG"))
                QSKIP("no PostgreSQL fixture and WARDEN_ALLOW_SKIP_PG is set");
            QFAIL(qPrintable(
                QStringLiteral("the PostgreSQL fixture is missing (%1); run the test through ctest "
                               "so that fixture.pg.start runs")
                    .arg(path)));
        }
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            const int eq = line.indexOf('=');
            if (eq > 0)
                m_env[line.left(eq).toStdString()] = line.mid(eq + 1).toStdString();
        }
        for (const char *key :
             { "WARDEN_PG_HOST", "WARDEN_PG_PORT", "WARDEN_PG_READER", "WARDEN_PG_READER_PASSWORD",
               "WARDEN_PG_SOCKET_DIR", "WARDEN_PG_SUPERUSER" })
            QVERIFY2(m_env.count(key), key);

        m_dbname = "warden_read_" + std::to_string(QRandomGenerator::global()->bounded(1u << 30));
        QVERIFY(admin("CREATE DATABASE " + m_dbname));
        DemoPostgresOptions load;
        load.conninfo = superuser(m_dbname);
        load.readerRole = m_env.at("WARDEN_PG_READER");
        auto loaded = DemoDataset::loadPostgres(load);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());

        DatabaseConfig config;
        config.driver = DatabaseConfig::Driver::Postgres;
        config.host = QString::fromStdString(m_env.at("WARDEN_PG_HOST"));
        config.port = std::stoi(m_env.at("WARDEN_PG_PORT"));
        config.dbname = QString::fromStdString(m_dbname);
        config.user = QString::fromStdString(m_env.at("WARDEN_PG_READER"));
        m_pg.open(config, m_env.at("WARDEN_PG_READER_PASSWORD"), policy());
        QVERIFY(m_dir.isValid());
        m_lite.open(DemoTools::createDemo(m_dir.path()), policy());
    }

    void cleanupTestCase()
    {
        m_pg.close();
        if (!m_dbname.empty())
            admin("DROP DATABASE IF EXISTS " + m_dbname + " WITH (FORCE)");
    }

    void explainsWithThePlannersCost()
    {
        const Json r = m_pg.ok("db_explain",
                               Json::parse(R"({"tool": "db_query", "arguments": {"table": "orders",
            "where": {"field": "status", "op": "eq", "value": "paid"},
            "include": [{"relation": "customer", "select": ["id"]}, {"relation": "order_items", "take": 2}]}})"));
        QVERIFY2(r["cost_model"].get<std::string>().rfind("postgres", 0) == 0, str(r).c_str());
        QVERIFY2(r["sql"].get<std::string>().find("\"tenant_id\" = $1") != std::string::npos,
                 str(r["sql"]).c_str());
        QCOMPARE(r["statements"].size(), std::size_t(3));
        for (const Json &s : r["statements"]) {
            QVERIFY2(s["estimated_cost"].get<double>() > 0, str(s).c_str());
            QVERIFY(!s["plan"].empty());
        }
        const Json get = m_pg.ok(
            "db_explain",
            Json::parse(R"({"tool": "db_get", "arguments": {"table": "orders", "id": 5}})"));
        QVERIFY(get["estimated_cost"].get<double>() > 0);
        const Json agg = m_pg.ok(
            "db_explain", Json::parse(R"({"tool": "db_aggregate", "arguments": {"table": "orders",
            "group_by": ["status"], "metrics": [{"op": "count"}, {"op": "count_distinct", "field": "customer_id"}],
            "min_group_size": 3}})"));
        QCOMPARE(agg["statements"].size(), std::size_t(2));
        // A full scan costs more than a key lookup, in the planner's own units.
        QVERIFY(agg["estimated_cost"].get<double>() > get["estimated_cost"].get<double>());
    }

    void answersAsSqliteDoes()
    {
        same("db_query", R"({"table": "orders", "select": ["id", "status", "total_cents"],
            "where": {"field": "id", "op": "lte", "value": 40},
            "include": [{"relation": "customer", "select": ["id", "first_name", "email", "last_name"]},
                        {"relation": "order_items", "select": ["id", "quantity"], "take": 2,
                         "include": [{"relation": "product", "select": ["id", "sku", "price_cents"]}]}]})");
        same(
            "db_query",
            R"({"table": "customers", "select": ["id", "city"], "where": {"field": "id", "op": "in", "value": [1, 4, 6, 3001]},
            "include": [{"relation": "orders", "select": ["id", "status"], "where": {"field": "status", "op": "ne", "value": "paid"},
                         "take": 5}]})");
        same(
            "db_get",
            R"({"table": "orders", "id": 7, "select": ["id", "status"], "include": [{"relation": "customer", "select": ["id"]}]})");
        same("db_get", R"({"table": "orders", "id": "3"})"); // another tenant's row
        same("db_aggregate", R"({"table": "orders", "group_by": ["status"],
            "metrics": [{"op": "count"}, {"op": "sum", "field": "total_cents"}, {"op": "max", "field": "total_cents"},
                        {"op": "count_distinct", "field": "customer_id"}]})");
        same(
            "db_aggregate",
            R"({"table": "orders", "group_by": ["customer_id"], "metrics": [{"op": "count", "as": "n"}],
            "min_group_size": 62})");
        same(
            "db_aggregate",
            R"({"table": "order_items", "metrics": [{"op": "count"}], "min_group_size": 1000000})");
    }
};

QTEST_GUILESS_MAIN(TestExplainToolPostgres)
#include "TestExplainToolPostgres.moc"
