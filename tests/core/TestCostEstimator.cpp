// The SQLite cost model (docs/policy.md "Cost model") line by line, and whole estimates on the
// real demo database through a real read-only connection: nothing is executed.

#include "DemoTools.h"
#include "query/CostEstimator.h"

#include <QTemporaryDir>

using namespace warden;
using testing::DemoTools;

class TestCostEstimator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<db::Connection> m_conn;
    db::Schema m_schema;

    double cost(const std::string &sql, const std::vector<Json> &params = {})
    {
        CostEstimator estimator(*m_conn, m_schema);
        auto e = estimator.estimate(sql, params, 2000);
        if (!e) {
            qWarning("%s: %s", sql.c_str(), e.error().message.c_str());
            return -1;
        }
        return e->cost;
    }

    double statFor(const std::string &index, int prefix)
    {
        const auto rows =
            DemoTools::sql(m_db, "SELECT stat FROM sqlite_stat1 WHERE idx = '" + index + "'");
        std::istringstream in(rows.at(0).at(0).get<std::string>());
        double n = 0;
        for (int i = 0; i <= prefix; ++i)
            in >> n;
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = DemoTools::createDemo(m_dir.path());
        DatabaseConfig config;
        config.path = m_db;
        auto conn = db::openConnection(config, std::string());
        QVERIFY2(conn, conn ? "" : conn.error().message.c_str());
        m_conn = std::move(conn).value();
        auto schema = m_conn->introspect();
        QVERIFY(schema);
        m_schema = std::move(schema).value();
    }

    void linesOfThePlan()
    {
        db::Schema s;
        db::TableInfo t;
        t.name = "orders";
        t.estimatedRows = 1000;
        s.tables.push_back(t);
        s.indexStats["orders_customer_idx"] = { 1000, 25, 2 };
        QCOMPARE(CostEstimator::sqliteLineCost("SCAN orders", s), 1000.0);
        QCOMPARE(CostEstimator::sqliteLineCost(
                     "SCAN orders USING COVERING INDEX orders_customer_idx", s),
                 1000.0);
        QCOMPARE(CostEstimator::sqliteLineCost("SEARCH orders USING INTEGER PRIMARY KEY (rowid=?)", s),
                 1.0);
        QCOMPARE(CostEstimator::sqliteLineCost(
                     "SEARCH orders USING INDEX orders_customer_idx (customer_id=?)", s),
                 25.0);
        QCOMPARE(CostEstimator::sqliteLineCost(
                     "SEARCH orders USING INDEX orders_customer_idx (customer_id=? AND status=?)", s),
                 2.0);
        QCOMPARE(
            CostEstimator::sqliteLineCost(
                "SEARCH orders USING INDEX orders_customer_idx (customer_id=? AND id>?)", s),
            25.0);
        QCOMPARE(CostEstimator::sqliteLineCost(
                     "SEARCH orders USING INDEX unknown_idx (customer_id=?)", s),
                 10.0);
        QCOMPARE(CostEstimator::sqliteLineCost(
                     "SEARCH orders USING INDEX orders_placed_idx (placed_at>? AND placed_at<?)", s),
                 250.0);
        QCOMPARE(CostEstimator::sqliteLineCost("USE TEMP B-TREE FOR ORDER BY", s), 0.0);
        QCOMPARE(CostEstimator::sqliteLineCost("CO-ROUTINE warden_related", s), 0.0);
        QCOMPARE(CostEstimator::sqliteLineCost("SCAN warden_related", s), 0.0);
        QCOMPARE(CostEstimator::sqliteLineCost("SCAN CONSTANT ROW", s), 0.0);
    }

    void estimatesWithoutRunning()
    {
        const db::TableInfo *orders = m_schema.table("orders");
        QVERIFY(orders && orders->estimatedRows >= 120000);
        // A full scan reads the table; a key lookup one row; an index search its rows per key.
        QCOMPARE(cost("SELECT \"status\" FROM \"orders\" WHERE \"status\" = ?", { "paid" }),
                 double(orders->estimatedRows));
        QCOMPARE(cost("SELECT * FROM \"orders\" WHERE \"id\" = ?", { 7 }), 1.0);
        QCOMPARE(cost("SELECT * FROM \"orders\" WHERE \"customer_id\" = ?", { 7 }),
                 statFor("orders_customer_id_idx", 1));
        // Nested loops multiply.
        const double join = cost("SELECT * FROM orders, order_items WHERE order_items.order_id = "
                                 "orders.id AND orders.status = 'x'");
        QCOMPARE(join,
                 double(orders->estimatedRows) * (1 + statFor("order_items_order_id_idx", 1)));
        // A statement that would fail to run is still only planned: an error, not a crash.
        CostEstimator estimator(*m_conn, m_schema);
        QVERIFY(!estimator.estimate("SELECT * FROM no_such_table", {}, 2000));
        QVERIFY(CostEstimator::model(db::Dialect::Sqlite).find("sqlite") == 0);
        QVERIFY(CostEstimator::model(db::Dialect::Postgres).find("postgres") == 0);
    }
};

QTEST_GUILESS_MAIN(TestCostEstimator)
#include "TestCostEstimator.moc"
