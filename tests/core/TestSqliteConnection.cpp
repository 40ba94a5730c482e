#include "db/SqliteConnection.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <thread>

using namespace warden;
using namespace warden::db;

namespace {

const std::vector<Json> noParams;

// Never finishes on its own: only a timeout or an interrupt stops it.
constexpr const char *endlessQuery =
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r";

QString msg(const Error &e)
{
    return QString::fromStdString(std::string(errorCodeName(e.code)) + ": " + e.message);
}

// The failure text for QVERIFY2, evaluated only when there is an error.
template<typename T> QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : msg(r.error()).toUtf8();
}

} // namespace

class TestSqliteConnection : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

    std::unique_ptr<SqliteConnection> openWritable(const std::string &path, bool create = false)
    {
        SqliteConnection::Options o;
        o.access = AccessMode::ReadWrite;
        o.create = create;
        auto c = SqliteConnection::open(path, o);
        if (!c)
            qWarning("%s", qPrintable(msg(c.error())));
        return c ? std::move(*c) : nullptr;
    }

    std::unique_ptr<SqliteConnection> openReadOnly()
    {
        auto c = SqliteConnection::open(m_path);
        if (!c)
            qWarning("%s", qPrintable(msg(c.error())));
        return c ? std::move(*c) : nullptr;
    }

    void exec(SqliteConnection &c, const std::string &sql, const std::vector<Json> &params = {})
    {
        auto r = c.execute(sql, params, QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("test.db")).toStdString();
        auto c = openWritable(m_path, true);
        QVERIFY(c);
        exec(*c,
             "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, "
             "email TEXT, active BOOLEAN NOT NULL DEFAULT 1, created DATETIME, "
             "birthday DATE, balance DECIMAL(10,2), score DOUBLE, photo BLOB, prefs JSON, "
             "misc)");
        exec(*c, "CREATE INDEX customers_email ON customers (email, name)");
        exec(*c, "CREATE INDEX customers_lower ON customers (lower(name))");
        exec(*c, "CREATE INDEX customers_partial ON customers (created) WHERE active");
        exec(*c,
             "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
             "REFERENCES customers(id), total REAL)");
        exec(*c, "CREATE INDEX orders_customer ON orders (customer_id)");
        exec(*c,
             "CREATE TABLE order_lines (order_id INTEGER REFERENCES orders, line_no INTEGER, "
             "sku TEXT, PRIMARY KEY (line_no, order_id)) WITHOUT ROWID");
        exec(*c, "CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE active");
        QVERIFY(c->begin(false).ok());
        for (int i = 1; i <= 50; ++i) {
            exec(*c,
                 "INSERT INTO customers (id, name, email, active, balance, score, photo) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 { i, "customer " + std::to_string(i), "c" + std::to_string(i) + "@example.com",
                   i % 2 == 0, i * 1.5, i / 4.0, nullptr });
        }
        for (int i = 1; i <= 20; ++i)
            exec(*c, "INSERT INTO orders (id, customer_id, total) VALUES (?, ?, ?)",
                 { i, 1 + i % 5, i * 10.0 });
        QVERIFY(c->commit().ok());
    }

    void valueTypes()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        auto r = c->query("SELECT 42, 2.5, 'héllo', NULL, X'000102FF', 9223372036854775807, "
                          "CAST(X'61FF62' AS TEXT)",
                          noParams, QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
        QCOMPARE(r->rows.size(), std::size_t(1));
        const auto &row = r->rows[0];
        QVERIFY(row[0].is_number_integer());
        QCOMPARE(row[0].get<std::int64_t>(), 42);
        QVERIFY(row[1].is_number_float());
        QCOMPARE(row[1].get<double>(), 2.5);
        QCOMPARE(row[2].get<std::string>(), std::string("héllo"));
        QVERIFY(row[3].is_null());
        QCOMPARE(row[4].get<std::string>(), std::string("AAEC/w=="));
        QCOMPARE(row[5].get<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
        // invalid UTF-8 in a TEXT value becomes U+FFFD, so serialising the row cannot throw
        QCOMPARE(row[6].get<std::string>(),
                 std::string("a\xEF\xBF\xBD"
                             "b"));
        QVERIFY(!Json(row).dump().empty());
        QCOMPARE(r->columns.size(), std::size_t(7));
        QCOMPARE(r->columns[0], std::string("42"));
        QVERIFY(!r->moreRowsAvailable);
    }

    void parameters()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        const std::vector<Json> params {
            nullptr, true, false, std::int64_t(-7), std::uint64_t(123), 0.25, "text"
        };
        auto r = c->query("SELECT ?1 IS NULL, ?2, ?3, ?4, ?5, ?6, ?7, typeof(?6)", params,
                          QueryOptions {});
        QVERIFY2(r.ok(), why(r).constData());
        const auto &row = r->rows.at(0);
        QCOMPARE(row[0].get<std::int64_t>(), 1);
        QCOMPARE(row[1].get<std::int64_t>(), 1); // booleans bind as 0/1
        QCOMPARE(row[2].get<std::int64_t>(), 0);
        QCOMPARE(row[3].get<std::int64_t>(), -7);
        QCOMPARE(row[4].get<std::int64_t>(), 123);
        QCOMPARE(row[5].get<double>(), 0.25);
        QCOMPARE(row[6].get<std::string>(), std::string("text"));
        QCOMPARE(row[7].get<std::string>(), std::string("real"));

        auto byName = c->query("SELECT name FROM customers WHERE id = ?", { 7 }, QueryOptions {});
        QVERIFY(byName.ok());
        QCOMPARE(byName->rows.at(0)[0].get<std::string>(), std::string("customer 7"));
    }

    void rejectsBadParameters()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        auto tooBig = c->query("SELECT ?", { std::uint64_t(1) << 63 }, QueryOptions {});
        QVERIFY(!tooBig.ok());
        QCOMPARE(tooBig.error().code, ErrorCode::InvalidArgument);
        auto object = c->query("SELECT ?", { Json::object() }, QueryOptions {});
        QVERIFY(!object.ok());
        QCOMPARE(object.error().code, ErrorCode::InvalidArgument);
        auto count = c->query("SELECT ?, ?", { 1 }, QueryOptions {});
        QVERIFY(!count.ok());
        QCOMPARE(count.error().code, ErrorCode::InvalidArgument);
        QVERIFY(msg(count.error()).contains(QStringLiteral("expects 2 parameters")));
        // the statement stays usable after a binding failure
        auto again = c->query("SELECT ?, ?", { 1, 2 }, QueryOptions {});
        QVERIFY(again.ok());
    }

    void maxRows()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        const char *sql = "SELECT id FROM customers ORDER BY id";
        auto three = c->query(sql, noParams, QueryOptions { 2000, 3 });
        QVERIFY(three.ok());
        QCOMPARE(three->rows.size(), std::size_t(3));
        QVERIFY(three->moreRowsAvailable);
        QCOMPARE(three->rows[2][0].get<std::int64_t>(), 3);

        auto exact = c->query(sql, noParams, QueryOptions { 2000, 50 });
        QVERIFY(exact.ok());
        QCOMPARE(exact->rows.size(), std::size_t(50));
        QVERIFY(!exact->moreRowsAvailable);

        auto none = c->query(sql, noParams, QueryOptions { 2000, 0 });
        QVERIFY(none.ok());
        QCOMPARE(none->rows.size(), std::size_t(0));
        QVERIFY(none->moreRowsAvailable);

        auto all = c->query(sql, noParams, QueryOptions { 2000, -1 });
        QVERIFY(all.ok());
        QCOMPARE(all->rows.size(), std::size_t(50));
    }

    void timeoutStopsRunawayQuery()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        const auto start = std::chrono::steady_clock::now();
        auto r = c->query(endlessQuery, noParams, QueryOptions { 200, -1 });
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::QueryTimeout);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QStringLiteral("the query ran longer than 200 ms; add a more selective filter "
                                "or ask for fewer rows"));
        QVERIFY(elapsed >= std::chrono::milliseconds(200));
        QVERIFY(elapsed < std::chrono::seconds(3));

        // the connection (and the cached statement) work afterwards
        auto ok = c->query("SELECT count(*) FROM customers", noParams, QueryOptions {});
        QVERIFY2(ok.ok(), why(ok).constData());
        QCOMPARE(ok->rows[0][0].get<std::int64_t>(), 50);
        auto again = c->query(endlessQuery, noParams, QueryOptions { 100, -1 });
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::QueryTimeout);
    }

    void interruptFromAnotherThread()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        SqliteConnection *raw = c.get();
        std::thread canceller([raw] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            raw->interrupt();
        });
        const auto start = std::chrono::steady_clock::now();
        auto r = c->query(endlessQuery, noParams, QueryOptions { 20000, -1 });
        const auto elapsed = std::chrono::steady_clock::now() - start;
        canceller.join();
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(elapsed < std::chrono::seconds(5));

        // reported once: the next statement runs normally
        auto ok = c->query("SELECT 1", noParams, QueryOptions {});
        QVERIFY2(ok.ok(), why(ok).constData());
    }

    void interruptBeforeStatementCancelsNextOnce()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        c->interrupt();
        auto first = c->query("SELECT 1", noParams, QueryOptions {});
        QVERIFY(!first.ok());
        QCOMPARE(first.error().code, ErrorCode::Cancelled);
        QVERIFY(c->query("SELECT 1", noParams, QueryOptions {}).ok());

        c->interrupt();
        c->clearInterrupt();
        QVERIFY(c->query("SELECT 1", noParams, QueryOptions {}).ok());
    }

    void readOnlyRejectsWrites()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        auto ins = c->execute("INSERT INTO customers (id, name) VALUES (999, 'x')", noParams,
                              QueryOptions {});
        QVERIFY(!ins.ok());
        QCOMPARE(ins.error().code, ErrorCode::WriteDisabled);
        // our sentence, not SQLite's ("attempt to write a readonly database")
        QVERIFY(!msg(ins.error()).contains(QStringLiteral("attempt")));
        auto ddl = c->execute("CREATE TABLE t (x)", noParams, QueryOptions {});
        QVERIFY(!ddl.ok());
        QCOMPARE(ddl.error().code, ErrorCode::WriteDisabled);
        // begin(false) on a read-only connection still cannot write
        QVERIFY(c->begin(false).ok());
        QVERIFY(!c->execute("DELETE FROM customers", noParams, QueryOptions {}).ok());
        c->rollback();
        QVERIFY(c->query("SELECT count(*) FROM customers", noParams, QueryOptions {}).ok());
    }

    void engineGuards()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        const std::string other = m_dir.filePath(QStringLiteral("other.db")).toStdString();
        auto attach =
            c->execute("ATTACH DATABASE '" + other + "' AS other", noParams, QueryOptions {});
        QVERIFY(!attach.ok());
        QVERIFY(!QFile::exists(QString::fromStdString(other)));

        auto two = c->query("SELECT 1; SELECT 2", noParams, QueryOptions {});
        QVERIFY(!two.ok());
        QCOMPARE(two.error().code, ErrorCode::QueryRejected);
        QVERIFY(c->query("SELECT 1; -- trailing comment\n", noParams, QueryOptions {}).ok());

        auto syntax = c->query("SELEC nonsense", noParams, QueryOptions {});
        QVERIFY(!syntax.ok());
        QCOMPARE(syntax.error().code, ErrorCode::QueryRejected);
        QVERIFY(!msg(syntax.error()).contains(QStringLiteral("SELEC")));
        QVERIFY(!msg(syntax.error()).contains(QStringLiteral("syntax error")));

        // a misspelt "column" is an error, not a string literal
        auto dqs =
            c->query("SELECT id FROM customers WHERE \"nmae\" = 'x'", noParams, QueryOptions {});
        QVERIFY(!dqs.ok());

        // SQLITE_LIMIT_LENGTH keeps one value from eating the worker's memory
        auto huge = c->query("SELECT length(zeroblob(100000000))", noParams, QueryOptions {});
        QVERIFY(!huge.ok());
        QCOMPARE(huge.error().code, ErrorCode::QueryRejected);

        auto empty = c->query("  -- nothing\n", noParams, QueryOptions {});
        QVERIFY(!empty.ok());
    }

    void statementCacheStaysBounded()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        for (int i = 0; i < 200; ++i) {
            auto r = c->query("SELECT " + std::to_string(i), noParams, QueryOptions {});
            QVERIFY(r.ok());
            QCOMPARE(r->rows[0][0].get<std::int64_t>(), i);
        }
        QCOMPARE(c->cachedStatementCount(), SqliteConnection::statementCacheCapacity);
        // evicted and recompiled
        auto r = c->query("SELECT 0", noParams, QueryOptions {});
        QVERIFY(r.ok());
        QCOMPARE(r->rows[0][0].get<std::int64_t>(), 0);
    }

    void transactions()
    {
        const std::string path = m_dir.filePath(QStringLiteral("tx.db")).toStdString();
        auto c = openWritable(path, true);
        QVERIFY(c);
        exec(*c, "CREATE TABLE t (x INTEGER)");

        QVERIFY(c->begin(false).ok());
        exec(*c, "INSERT INTO t VALUES (1)");
        c->rollback();
        auto n = c->query("SELECT count(*) FROM t", noParams, QueryOptions {});
        QCOMPARE(n->rows[0][0].get<std::int64_t>(), 0);

        QVERIFY(c->begin(false).ok());
        auto changed = c->execute("INSERT INTO t VALUES (1), (2)", noParams, QueryOptions {});
        QVERIFY(changed.ok());
        QCOMPARE(*changed, 2);
        QVERIFY(c->commit().ok());
        n = c->query("SELECT count(*) FROM t", noParams, QueryOptions {});
        QCOMPARE(n->rows[0][0].get<std::int64_t>(), 2);

        // a read-only transaction on a writable connection refuses writes, then ends
        QVERIFY(c->begin(true).ok());
        auto refused = c->execute("INSERT INTO t VALUES (3)", noParams, QueryOptions {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::WriteDisabled);
        QVERIFY(c->commit().ok());
        auto allowed = c->execute("INSERT INTO t VALUES (3)", noParams, QueryOptions {});
        QVERIFY(allowed.ok());
        QCOMPARE(*allowed, 1);
    }

    void openFailures()
    {
        const std::string missing = m_dir.filePath(QStringLiteral("missing.db")).toStdString();
        auto r = SqliteConnection::open(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Unavailable);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QStringLiteral("cannot open SQLite database ") + QString::fromStdString(missing)
                     + QStringLiteral(": file does not exist; run `warden-server demo create "
                                      "<path>` or fix database.path"));
        QVERIFY(!QFile::exists(QString::fromStdString(missing))); // not created by accident

        const QString junk = m_dir.filePath(QStringLiteral("junk.db"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        auto notDb = SqliteConnection::open(junk.toStdString());
        QVERIFY(!notDb.ok());
        QCOMPARE(notDb.error().code, ErrorCode::Unavailable);
        QVERIFY2(msg(notDb.error()).contains(QStringLiteral("not a SQLite database")),
                 qPrintable(msg(notDb.error())));

        auto dir = SqliteConnection::open(m_dir.path().toStdString());
        QVERIFY(!dir.ok());
        QVERIFY(msg(dir.error()).contains(QStringLiteral("directory")));
    }

    void introspection()
    {
        auto c = openReadOnly();
        QVERIFY(c);
        auto s = c->introspect();
        QVERIFY2(s.ok(), why(s).constData());

        std::vector<std::string> names;
        for (const auto &t : s->tables)
            names.push_back(t.name);
        QCOMPARE(names,
                 (std::vector<std::string> { "active_customers", "customers", "order_lines",
                                             "orders" }));

        const TableInfo *customers = s->table("customers");
        QVERIFY(customers);
        QVERIFY(!customers->view);
        QCOMPARE(customers->primaryKey, std::vector<std::string> { "id" });
        QCOMPARE(customers->estimatedRows, 50); // max(rowid): no sqlite_stat1 yet
        const auto type = [&](const char *col) {
            const ColumnInfo *ci = customers->column(col);
            return ci ? ci->type : std::string("<missing>");
        };
        QCOMPARE(type("id"), std::string("integer"));
        QCOMPARE(type("name"), std::string("text"));
        QCOMPARE(type("active"), std::string("boolean"));
        QCOMPARE(type("created"), std::string("datetime"));
        QCOMPARE(type("birthday"), std::string("date"));
        QCOMPARE(type("balance"), std::string("numeric"));
        QCOMPARE(type("score"), std::string("real"));
        QCOMPARE(type("photo"), std::string("blob"));
        QCOMPARE(type("prefs"), std::string("json"));
        QCOMPARE(type("misc"), std::string("text"));
        QCOMPARE(customers->column("name")->declaredType, std::string("VARCHAR(40)"));
        QVERIFY(!customers->column("name")->nullable);
        QVERIFY(customers->column("email")->nullable);
        QVERIFY(!customers->column("id")->nullable);
        QVERIFY(customers->column("id")->primaryKey);
        // the plain index leads with email; the expression and partial indexes do not count
        QCOMPARE(customers->indexes.size(), std::size_t(1));
        QCOMPARE(customers->indexes[0], (std::vector<std::string> { "email", "name" }));
        QVERIFY(customers->hasIndexLeadingWith("email"));
        QVERIFY(!customers->hasIndexLeadingWith("name"));
        QVERIFY(!customers->hasIndexLeadingWith("created"));

        const TableInfo *orders = s->table("orders");
        QVERIFY(orders);
        QCOMPARE(orders->estimatedRows, 20);
        QCOMPARE(orders->foreignKeys.size(), std::size_t(1));
        QCOMPARE(orders->foreignKeys[0].column, std::string("customer_id"));
        QCOMPARE(orders->foreignKeys[0].refTable, std::string("customers"));
        QCOMPARE(orders->foreignKeys[0].refColumn, std::string("id"));
        QVERIFY(orders->hasIndexLeadingWith("customer_id"));

        const TableInfo *lines = s->table("order_lines");
        QVERIFY(lines);
        QCOMPARE(lines->primaryKey, (std::vector<std::string> { "line_no", "order_id" }));
        QCOMPARE(lines->estimatedRows, 0); // WITHOUT ROWID, not analysed: unknown
        // REFERENCES orders (no column): resolved to the parent's primary key
        QCOMPARE(lines->foreignKeys.size(), std::size_t(1));
        QCOMPARE(lines->foreignKeys[0].refTable, std::string("orders"));
        QCOMPARE(lines->foreignKeys[0].refColumn, std::string("id"));

        const TableInfo *view = s->table("active_customers");
        QVERIFY(view);
        QVERIFY(view->view);
        QCOMPARE(view->columns.size(), std::size_t(2));
        QCOMPARE(view->columns[1].type, std::string("text"));
    }

    void introspectionUsesStatistics()
    {
        const std::string path = m_dir.filePath(QStringLiteral("stats.db")).toStdString();
        auto w = openWritable(path, true);
        QVERIFY(w);
        exec(*w, "CREATE TABLE big (id INTEGER PRIMARY KEY, k TEXT)");
        exec(*w, "CREATE INDEX big_k ON big (k)");
        exec(*w,
             "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 300) "
             "INSERT INTO big (id, k) SELECT i * 1000, 'k' || i FROM r");
        auto before = w->introspect();
        QVERIFY(before.ok());
        QCOMPARE(before->table("big")->estimatedRows, 300000); // max(rowid), a rough guess
        QVERIFY(before->indexStats.empty());
        exec(*w, "ANALYZE");
        auto after = w->introspect();
        QVERIFY(after.ok());
        QVERIFY(!after->table("sqlite_stat1"));
        QCOMPARE(after->table("big")->estimatedRows, 300); // sqlite_stat1 wins
        // the index statistics the cost estimator uses: 300 rows, one per value of k
        QCOMPARE(after->indexStats.at("big_k"), (std::vector<std::int64_t> { 300, 1 }));
        // introspection on a writable connection leaves it writable
        exec(*w, "INSERT INTO big (id, k) VALUES (1, 'one')");
    }
};

QTEST_GUILESS_MAIN(TestSqliteConnection)
#include "TestSqliteConnection.moc"
