#include "config/ServerConfig.h"
#include "db/PgConnection.h"

#include <QFile>
#include <QTest>

#include <chrono>
#include <map>
#include <thread>

using namespace warden;
using namespace warden::db;

namespace {

const std::vector<Json> noParams;
using Clock = std::chrono::steady_clock;

QString msg(const Error &e)
{
    return QString::fromStdString(std::string(errorCodeName(e.code)) + ": " + e.message);
}

template<typename T> QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : msg(r.error()).toUtf8();
}

// QCOMPARE cannot print nlohmann values; show both as JSON text instead.
#define QCOMPARE_JSON(actual, expected)                                                            \
    QVERIFY2((actual) == (expected),                                                               \
             qPrintable(QString::fromStdString((actual).dump() + " != " + (expected).dump())))

} // namespace

// Runs against the throwaway cluster of tests/scripts/pg-fixture.sh (ctest fixture
// "postgres"). Without it the test fails; WARDEN_ALLOW_SKIP_PG=1 turns that into a skip for
// a developer's quick local run.
class TestPgConnection : public QObject
{
    Q_OBJECT

    std::map<std::string, std::string> m_env;

    DatabaseConfig readerConfig() const
    {
        DatabaseConfig c;
        c.driver = DatabaseConfig::Driver::Postgres;
        c.host = QString::fromStdString(m_env.at("WARDEN_PG_HOST"));
        c.port = std::stoi(m_env.at("WARDEN_PG_PORT"));
        c.dbname = QString::fromStdString(m_env.at("WARDEN_PG_DATABASE"));
        c.user = QString::fromStdString(m_env.at("WARDEN_PG_READER"));
        c.sslmode = QStringLiteral("disable");
        c.connectTimeoutMs = 5000;
        return c;
    }

    std::unique_ptr<PgConnection> reader(AccessMode access = AccessMode::ReadOnly)
    {
        auto c = PgConnection::open(readerConfig(), m_env.at("WARDEN_PG_READER_PASSWORD"), access);
        if (!c)
            qWarning("%s", why(c).constData());
        return c ? std::move(*c) : nullptr;
    }

    // Setup only: the superuser, trusted over the cluster's Unix socket.
    std::unique_ptr<PgConnection> superuser()
    {
        DatabaseConfig c = readerConfig();
        c.host = QString::fromStdString(m_env.at("WARDEN_PG_SOCKET_DIR"));
        c.user = QString::fromStdString(m_env.at("WARDEN_PG_SUPERUSER"));
        auto conn = PgConnection::open(c, std::string(), AccessMode::ReadWrite);
        if (!conn)
            qWarning("%s", why(conn).constData());
        return conn ? std::move(*conn) : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString path = qEnvironmentVariable("WARDEN_TEST_TMP") + QStringLiteral("/pg.env");
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            if (qEnvironmentVariableIsSet("WARDEN_ALLOW_SKIP_PG"))
                QSKIP("no PostgreSQL fixture and WARDEN_ALLOW_SKIP_PG is set");
            QFAIL(qPrintable(QStringLiteral("the PostgreSQL fixture is missing (%1); run the "
                                            "test through ctest so that fixture.pg.start runs")
                                 .arg(path)));
        }
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            const int eq = line.indexOf('=');
            if (eq > 0)
                m_env[line.left(eq).toStdString()] = line.mid(eq + 1).toStdString();
        }
        for (const char *key :
             { "WARDEN_PG_HOST", "WARDEN_PG_PORT", "WARDEN_PG_DATABASE", "WARDEN_PG_READER",
               "WARDEN_PG_READER_PASSWORD", "WARDEN_PG_SOCKET_DIR", "WARDEN_PG_SUPERUSER" })
            QVERIFY2(m_env.count(key), key);
    }

    void valueTypes()
    {
        auto c = reader();
        QVERIFY(c);
        auto r = c->query("SELECT * FROM type_samples ORDER BY id", noParams, QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
        QCOMPARE(r->rows.size(), std::size_t(2));
        std::map<std::string, Json> v;
        for (std::size_t i = 0; i < r->columns.size(); ++i)
            v[r->columns[i]] = r->rows[0][i];

        QCOMPARE_JSON(v["i2"], Json(-2));
        QVERIFY(v["i4"].is_number_integer());
        QCOMPARE(v["i4"].get<std::int64_t>(), 40000);
        QCOMPARE(v["i8"].get<std::int64_t>(), 9000000000LL);
        QVERIFY(v["f4"].is_number_float());
        QCOMPARE(v["f4"].get<double>(), 1.5);
        QCOMPARE(v["f8"].get<double>(), 0.1);
        QVERIFY(v["n_small"].is_number_float());
        QCOMPARE(v["n_small"].get<double>(), 1.5);
        QCOMPARE_JSON(v["n_big"], Json("12345678901234567890.123")); // exact, as text
        QVERIFY(v["n_int"].is_number_integer());
        QCOMPARE(v["n_int"].get<std::int64_t>(), 42);
        QCOMPARE_JSON(v["n_huge"], Json("123456789012345678901234567890"));
        QCOMPARE_JSON(v["b"], Json(true));
        QCOMPARE_JSON(v["t"], Json("héllo"));
        QCOMPARE_JSON(v["j"], Json("{\"a\": 1}"));
        QCOMPARE_JSON(v["jb"], Json("{\"b\": [1, 2]}"));
        QCOMPARE_JSON(v["d"], Json("2024-02-29"));
        // Timestamps in RFC 3339, as SQLite and JSON spell them; the session runs in UTC.
        QCOMPARE_JSON(v["ts"], Json("2024-02-29T13:14:15"));
        QCOMPARE_JSON(v["tstz"], Json("2024-02-29T11:14:15Z"));
        QCOMPARE_JSON(v["bin"], Json("AAEC/w=="));
        QCOMPARE_JSON(v["u"], Json("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        QCOMPARE_JSON(v["arr"], Json("{1,2,3}"));
        QCOMPARE_JSON(v["tm"], Json("12:34:56"));
        QCOMPARE_JSON(v["dom"], Json(7)); // a domain arrives as its base type

        for (const auto &cell : r->rows[1])
            if (cell != r->rows[1][0])
                QVERIFY(cell.is_null());
    }

    void parameters()
    {
        auto c = reader();
        QVERIFY(c);
        const std::vector<Json> params { 41,      true,    0.25,
                                         "it's",  nullptr, std::uint64_t(18446744073709551615ULL),
                                         -1.5e300 };
        auto r = c->query("SELECT $1::int + 1, NOT $2::boolean, $3::float8 * 2, $4::text, "
                          "$5::int IS NULL, $6::numeric, $7::float8",
                          params, QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
        const auto &row = r->rows.at(0);
        QCOMPARE(row[0].get<std::int64_t>(), 42);
        QCOMPARE_JSON(row[1], Json(false));
        QCOMPARE(row[2].get<double>(), 0.5);
        QCOMPARE_JSON(row[3], Json("it's"));
        QCOMPARE_JSON(row[4], Json(true));
        QCOMPARE_JSON(row[5], Json("18446744073709551615"));
        QCOMPARE(row[6].get<double>(), -1.5e300);

        // types inferred from the column
        auto byId = c->query("SELECT name FROM customers WHERE id = $1", { 7 }, QueryOptions {});
        QVERIFY2(byId.ok(), why(byId).constData());
        QCOMPARE_JSON(byId->rows.at(0)[0], Json("customer 7"));
        auto inList = c->query("SELECT count(*) FROM customers WHERE id = ANY($1::bigint[])",
                               { "{1,2,3,999999}" }, QueryOptions {});
        QVERIFY2(inList.ok(), why(inList).constData());
        QCOMPARE(inList->rows.at(0)[0].get<std::int64_t>(), 3);
    }

    void rejectsBadParameters()
    {
        auto c = reader();
        QVERIFY(c);
        auto text =
            c->query("SELECT name FROM customers WHERE id = $1", { "abc" }, QueryOptions {});
        QVERIFY(!text.ok());
        QCOMPARE(text.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!msg(text.error()).contains(QStringLiteral("abc")));

        auto count = c->query("SELECT $1::int, $2::int", { 1 }, QueryOptions {});
        QVERIFY(!count.ok());
        QCOMPARE(count.error().code, ErrorCode::InvalidArgument);

        auto object = c->query("SELECT $1::text", { Json::object() }, QueryOptions {});
        QVERIFY(!object.ok());
        QCOMPARE(object.error().code, ErrorCode::InvalidArgument);

        auto nul = c->query("SELECT $1::text", { std::string("a\0b", 3) }, QueryOptions {});
        QVERIFY(!nul.ok());
        QCOMPARE(nul.error().code, ErrorCode::InvalidArgument);

        auto ok = c->query("SELECT $1::int, $2::int", { 1, 2 }, QueryOptions {});
        QVERIFY2(ok.ok(), why(ok).constData());
    }

    void maxRows()
    {
        auto c = reader();
        QVERIFY(c);
        auto ten = c->query("SELECT g FROM generate_series(1, 100000) g", noParams,
                            QueryOptions { 5000, 10 });
        QVERIFY2(ten.ok(), why(ten).constData());
        QCOMPARE(ten->rows.size(), std::size_t(10));
        QVERIFY(ten->moreRowsAvailable);
        QCOMPARE(ten->rows[9][0].get<std::int64_t>(), 10);

        // a streamed result far larger than the budget is cancelled, not read to the end
        // (generate_series in the select list streams; in FROM it would materialise first)
        const auto start = Clock::now();
        auto huge = c->query("SELECT generate_series(1, 500000000) AS g, repeat('x', 100)",
                             noParams, QueryOptions { 30000, 5 });
        QVERIFY2(huge.ok(), why(huge).constData());
        QCOMPARE(huge->rows.size(), std::size_t(5));
        QVERIFY(huge->moreRowsAvailable);
        QVERIFY(Clock::now() - start < std::chrono::seconds(2));

        auto exact =
            c->query("SELECT g FROM generate_series(1, 5) g", noParams, QueryOptions { 5000, 5 });
        QVERIFY(exact.ok());
        QCOMPARE(exact->rows.size(), std::size_t(5));
        QVERIFY(!exact->moreRowsAvailable);

        auto none =
            c->query("SELECT g FROM generate_series(1, 5) g", noParams, QueryOptions { 5000, 0 });
        QVERIFY(none.ok());
        QCOMPARE(none->rows.size(), std::size_t(0));
        QVERIFY(none->moreRowsAvailable);
        QCOMPARE(none->columns, std::vector<std::string> { "g" });

        auto after = c->query("SELECT count(*) FROM customers", noParams, QueryOptions {});
        QVERIFY2(after.ok(), why(after).constData());
        QCOMPARE(after->rows[0][0].get<std::int64_t>(), 500);
    }

    void statementTimeout()
    {
        auto c = reader();
        QVERIFY(c);
        const auto start = Clock::now();
        auto r = c->query("SELECT pg_sleep(5)", noParams, QueryOptions { 200, -1 });
        const auto elapsed = Clock::now() - start;
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::QueryTimeout);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QStringLiteral("the query ran longer than 200 ms; add a more selective filter "
                                "or ask for fewer rows"));
        QVERIFY(elapsed >= std::chrono::milliseconds(190));
        QVERIFY(elapsed < std::chrono::seconds(2));

        auto ok = c->query("SELECT 1", noParams, QueryOptions {});
        QVERIFY2(ok.ok(), why(ok).constData());

        // inside an explicit transaction: the caller rolls back and carries on
        QVERIFY(c->begin(true).ok());
        auto inTx = c->query("SELECT pg_sleep(5)", noParams, QueryOptions { 200, -1 });
        QVERIFY(!inTx.ok());
        QCOMPARE(inTx.error().code, ErrorCode::QueryTimeout);
        c->rollback();
        auto again = c->query("SELECT 2", noParams, QueryOptions {});
        QVERIFY2(again.ok(), why(again).constData());
        QCOMPARE(again->rows[0][0].get<std::int64_t>(), 2);
    }

    void interruptFromAnotherThread()
    {
        auto c = reader();
        QVERIFY(c);
        PgConnection *raw = c.get();
        std::thread canceller([raw] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            raw->interrupt();
        });
        const auto start = Clock::now();
        auto r = c->query("SELECT pg_sleep(5)", noParams, QueryOptions { 10000, -1 });
        const auto elapsed = Clock::now() - start;
        canceller.join();
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(elapsed < std::chrono::seconds(3));

        auto ok = c->query("SELECT 1", noParams, QueryOptions {});
        QVERIFY2(ok.ok(), why(ok).constData());

        c->interrupt(); // no statement running: the next one is cancelled, once
        auto next = c->query("SELECT 1", noParams, QueryOptions {});
        QVERIFY(!next.ok());
        QCOMPARE(next.error().code, ErrorCode::Cancelled);
        QVERIFY(c->query("SELECT 1", noParams, QueryOptions {}).ok());
        c->interrupt();
        c->clearInterrupt();
        QVERIFY(c->query("SELECT 1", noParams, QueryOptions {}).ok());
    }

    void readOnlyAndPrivileges()
    {
        auto ro = reader();
        QVERIFY(ro);
        auto ins =
            ro->execute("INSERT INTO customers (name) VALUES ('x')", noParams, QueryOptions {});
        QVERIFY(!ins.ok());
        QCOMPARE(ins.error().code, ErrorCode::WriteDisabled);
        QVERIFY(!msg(ins.error()).contains(QStringLiteral("read-only transaction")));
        // an explicit read-write BEGIN does not lift the session default either
        QVERIFY(ro->begin(false).ok());
        auto inTx = ro->execute("DELETE FROM orders", noParams, QueryOptions {});
        QVERIFY(!inTx.ok());
        QCOMPARE(inTx.error().code, ErrorCode::WriteDisabled);
        ro->rollback();

        // read-write connection, SELECT-only role: the grant stops it
        auto rw = reader(AccessMode::ReadWrite);
        QVERIFY(rw);
        auto denied =
            rw->execute("INSERT INTO customers (name) VALUES ('x')", noParams, QueryOptions {});
        QVERIFY(!denied.ok());
        QCOMPARE(denied.error().code, ErrorCode::QueryRejected);
        QVERIFY(!msg(denied.error()).contains(QStringLiteral("permission denied")));

        auto hidden = ro->query("SELECT * FROM staff_only", noParams, QueryOptions {});
        QVERIFY(!hidden.ok());
        QCOMPARE(hidden.error().code, ErrorCode::QueryRejected);

        auto unknown = ro->query("SELECT * FROM no_such_table", noParams, QueryOptions {});
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, ErrorCode::QueryRejected);
        QVERIFY(!msg(unknown.error()).contains(QStringLiteral("no_such_table")));

        auto two = ro->query("SELECT 1; SELECT 2", noParams, QueryOptions {});
        QVERIFY(!two.ok());
        QCOMPARE(two.error().code, ErrorCode::QueryRejected);

        QVERIFY(ro->query("SELECT 1", noParams, QueryOptions {}).ok());
    }

    void introspection()
    {
        auto c = reader();
        QVERIFY(c);
        auto s = c->introspect();
        QVERIFY2(s.ok(), why(s).constData());
        std::vector<std::string> names;
        for (const auto &t : s->tables)
            names.push_back(t.name);
        // staff_only has no grant for this role
        QCOMPARE(names,
                 (std::vector<std::string> { "active_customers", "customers", "order_lines",
                                             "orders", "type_samples" }));

        const TableInfo *customers = s->table("customers");
        QVERIFY(customers);
        QVERIFY(!customers->view);
        QCOMPARE(customers->estimatedRows, 500);
        QCOMPARE(customers->primaryKey, std::vector<std::string> { "id" });
        std::vector<std::string> columns;
        for (const auto &col : customers->columns)
            columns.push_back(col.name);
        QCOMPARE(columns,
                 (std::vector<std::string> { "id", "name", "email", "active", "created_at",
                                             "balance" }));
        QCOMPARE(customers->column("id")->type, std::string("integer"));
        QVERIFY(customers->column("id")->primaryKey);
        QVERIFY(!customers->column("id")->nullable);
        QCOMPARE(customers->column("email")->type, std::string("text"));
        QCOMPARE(customers->column("email")->declaredType, std::string("character varying(200)"));
        QVERIFY(customers->column("email")->nullable);
        QVERIFY(!customers->column("name")->nullable);
        QCOMPARE(customers->column("active")->type, std::string("boolean"));
        QCOMPARE(customers->column("created_at")->type, std::string("datetime"));
        QCOMPARE(customers->column("balance")->type, std::string("numeric"));
        QVERIFY(customers->hasIndexLeadingWith("email"));
        QVERIFY(!customers->hasIndexLeadingWith("name")); // only via lower(name)
        QVERIFY(!customers->hasIndexLeadingWith("created_at")); // partial index
        bool sawEmailIndex = false;
        for (const auto &idx : customers->indexes) {
            QVERIFY(!idx.empty());
            if (idx.front() == "email") {
                QCOMPARE(idx, (std::vector<std::string> { "email", "name" }));
                sawEmailIndex = true;
            }
        }
        QVERIFY(sawEmailIndex);

        const TableInfo *orders = s->table("orders");
        QVERIFY(orders);
        QCOMPARE(orders->estimatedRows, 2000);
        QCOMPARE(orders->foreignKeys.size(), std::size_t(1));
        QCOMPARE(orders->foreignKeys[0].column, std::string("customer_id"));
        QCOMPARE(orders->foreignKeys[0].refTable, std::string("customers"));
        QCOMPARE(orders->foreignKeys[0].refColumn, std::string("id"));
        QCOMPARE(orders->foreignKeys[0].constraint, std::string("orders_customer_id_fkey"));
        QVERIFY(orders->hasIndexLeadingWith("customer_id"));
        for (const auto &idx : orders->indexes)
            QVERIFY(std::find(idx.begin(), idx.end(), "total") == idx.end()); // INCLUDE column
        QCOMPARE(orders->column("placed_on")->type, std::string("date"));
        QCOMPARE(orders->column("total")->type, std::string("real"));
        QCOMPARE(orders->column("notes")->type, std::string("json"));

        const TableInfo *lines = s->table("order_lines");
        QVERIFY(lines);
        QCOMPARE(lines->primaryKey, (std::vector<std::string> { "line_no", "order_id" }));

        const TableInfo *types = s->table("type_samples");
        QVERIFY(types);
        const auto type = [&](const char *col) {
            const ColumnInfo *ci = types->column(col);
            return ci ? ci->type : std::string("<missing>");
        };
        QCOMPARE(type("i2"), std::string("integer"));
        QCOMPARE(type("i8"), std::string("integer"));
        QCOMPARE(type("f4"), std::string("real"));
        QCOMPARE(type("n_big"), std::string("numeric"));
        QCOMPARE(type("jb"), std::string("json"));
        QCOMPARE(type("ts"), std::string("datetime"));
        QCOMPARE(type("bin"), std::string("blob"));
        QCOMPARE(type("u"), std::string("text"));
        QCOMPARE(type("arr"), std::string("text"));
        QCOMPARE(type("tm"), std::string("text"));
        QCOMPARE(type("dom"), std::string("integer"));

        const TableInfo *view = s->table("active_customers");
        QVERIFY(view);
        QVERIFY(view->view);
        QCOMPARE(view->columns.size(), std::size_t(2));
        QCOMPARE(view->estimatedRows, 0);
    }

    void reconnectsAfterDroppedConnection()
    {
        auto c = reader();
        auto admin = superuser();
        QVERIFY(c);
        QVERIFY(admin);
        QVERIFY(c->query("SELECT 1", noParams, QueryOptions {}).ok());
        const int pid = c->backendPid();
        auto killed = admin->query("SELECT pg_terminate_backend($1)", { pid }, QueryOptions {});
        QVERIFY2(killed.ok(), why(killed).constData());
        QCOMPARE_JSON(killed->rows[0][0], Json(true));
        // wait until the backend is really gone
        for (int i = 0; i < 100; ++i) {
            auto left = admin->query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1",
                                     { pid }, QueryOptions {});
            QVERIFY(left.ok());
            if (left->rows[0][0].get<std::int64_t>() == 0)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }

        auto r = c->query("SELECT count(*) FROM customers", noParams, QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
        QCOMPARE(r->rows[0][0].get<std::int64_t>(), 500);
        QVERIFY(c->backendPid() != pid);
    }

    void connectFailures()
    {
        DatabaseConfig wrong = readerConfig();
        auto bad = PgConnection::open(wrong, "not-the-password");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::Unavailable);
        QVERIFY(!msg(bad.error()).contains(QStringLiteral("authentication")));
        QVERIFY(!msg(bad.error()).contains(QStringLiteral("not-the-password")));
        QVERIFY(msg(bad.error()).contains(QStringLiteral("warden_reader")));

        auto none = PgConnection::open(wrong, std::string());
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::Unavailable);
        QVERIFY2(msg(none.error()).contains(QStringLiteral("password_ref")), why(none).constData());

        DatabaseConfig closed = readerConfig();
        closed.port = 1; // nothing listens there
        const auto start = Clock::now();
        auto unreachable = PgConnection::open(closed, m_env.at("WARDEN_PG_READER_PASSWORD"));
        QVERIFY(!unreachable.ok());
        QCOMPARE(unreachable.error().code, ErrorCode::Unavailable);
        QVERIFY(msg(unreachable.error()).contains(QStringLiteral("unreachable")));
        QVERIFY(Clock::now() - start < std::chrono::seconds(10));
    }

    void statementCache()
    {
        auto c = reader();
        QVERIFY(c);
        for (int i = 0; i < 100; ++i) {
            auto r = c->query("SELECT " + std::to_string(i) + " AS n", noParams, QueryOptions {});
            QVERIFY2(r.ok(), why(r).constData());
            QCOMPARE(r->rows[0][0].get<std::int64_t>(), i);
        }
        QCOMPARE(c->cachedStatementCount(), PgConnection::statementCacheCapacity);
        auto evicted = c->query("SELECT 0 AS n", noParams, QueryOptions {});
        QVERIFY2(evicted.ok(), why(evicted).constData());
        // the server holds no more prepared statements than the cache
        auto held =
            c->query("SELECT count(*) FROM pg_prepared_statements", noParams, QueryOptions {});
        QVERIFY2(held.ok(), why(held).constData());
        QVERIFY(held->rows[0][0].get<std::int64_t>()
                <= std::int64_t(PgConnection::statementCacheCapacity) + 1);
    }

    void writesAndTransactions()
    {
        auto admin = superuser();
        QVERIFY(admin);
        QVERIFY(admin->execute("DROP TABLE IF EXISTS pgconn_tx", noParams, QueryOptions {}).ok());
        QVERIFY(admin
                    ->execute("CREATE TABLE pgconn_tx (x integer PRIMARY KEY)", noParams,
                              QueryOptions {})
                    .ok());

        QVERIFY(admin->begin(false).ok());
        QVERIFY(admin->execute("INSERT INTO pgconn_tx VALUES (1)", noParams, QueryOptions {}).ok());
        admin->rollback();
        auto n = admin->query("SELECT count(*) FROM pgconn_tx", noParams, QueryOptions {});
        QCOMPARE(n->rows[0][0].get<std::int64_t>(), 0);

        QVERIFY(admin->begin(false).ok());
        auto inserted =
            admin->execute("INSERT INTO pgconn_tx SELECT g FROM generate_series(1, 3) g", noParams,
                           QueryOptions {});
        QVERIFY2(inserted.ok(), why(inserted).constData());
        QCOMPARE(*inserted, 3);
        QVERIFY(admin->commit().ok());

        auto updated =
            admin->execute("UPDATE pgconn_tx SET x = x + 10 WHERE x > $1", { 1 }, QueryOptions {});
        QVERIFY2(updated.ok(), why(updated).constData());
        QCOMPARE(*updated, 2);

        // a failed statement aborts the transaction: COMMIT reports it and nothing lands
        QVERIFY(admin->begin(false).ok());
        QVERIFY(
            admin->execute("INSERT INTO pgconn_tx VALUES (100)", noParams, QueryOptions {}).ok());
        auto dup = admin->execute("INSERT INTO pgconn_tx VALUES (1)", noParams, QueryOptions {});
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().code, ErrorCode::QueryRejected);
        QVERIFY(!admin->commit().ok());
        n = admin->query("SELECT count(*) FROM pgconn_tx WHERE x = 100", noParams, QueryOptions {});
        QCOMPARE(n->rows[0][0].get<std::int64_t>(), 0);

        // a cached plan survives a change of the table's shape
        auto before = admin->query("SELECT * FROM pgconn_tx ORDER BY x", noParams, QueryOptions {});
        QVERIFY(before.ok());
        QCOMPARE(before->columns.size(), std::size_t(1));
        QVERIFY(admin->execute("ALTER TABLE pgconn_tx ADD COLUMN y text", noParams, QueryOptions {})
                    .ok());
        auto after = admin->query("SELECT * FROM pgconn_tx ORDER BY x", noParams, QueryOptions {});
        QVERIFY2(after.ok(), why(after).constData());
        QCOMPARE(after->columns.size(), std::size_t(2));

        QVERIFY(admin->execute("DROP TABLE pgconn_tx", noParams, QueryOptions {}).ok());
    }
};

QTEST_GUILESS_MAIN(TestPgConnection)
#include "TestPgConnection.moc"
