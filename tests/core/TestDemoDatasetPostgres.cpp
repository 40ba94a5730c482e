#include "DemoContentHash.h"

#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "db/DatabasePool.h"
#include "demo/DemoDataset.h"
#include "policy/Policy.h"
#include "policy/Redactor.h"
#include "query/AggregateCompiler.h"
#include "query/GetCompiler.h"
#include "query/QueryCompiler.h"
#include "tools/RowFetcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

using namespace warden;

namespace {

struct ConnectionCloser
{
    void operator()(PGconn *conn) const { PQfinish(conn); }
};
struct ResultClearer
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

constexpr Oid kTimestamptzOid = 1184;

// "2023-01-01 00:01:22+00" (PostgreSQL's ISO output in UTC) -> "2023-01-01T00:01:22Z", the
// form the SQLite demo stores.
std::string normaliseTimestamp(std::string value)
{
    if (value.size() == 22 && value.compare(19, 3, "+00") == 0)
        return value.substr(0, 10) + 'T' + value.substr(11, 8) + 'Z';
    return value; // left different on purpose: the hash comparison then fails loudly
}

QString testTempRoot()
{
    const QString root = qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

QByteArray message(const Error &e)
{
    return QByteArray::fromStdString(std::string(errorCodeName(e.code)) + ": " + e.message);
}

} // namespace

// Loads the demo into a database of its own inside the throwaway cluster of
// tests/scripts/pg-fixture.sh (ctest fixture "postgres") and compares it with the SQLite demo.
// Without the fixture the test fails; WARDEN_ALLOW_SKIP_PG=1 turns that into a skip.
class TestDemoDatasetPostgres : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rowCountsMatchSqlite();
    void contentMatchesSqlite();
    void queriesAnswerAlikeOnBothEngines();
    void schemaIsComplete();
    void identitiesContinueAfterLoad();
    void readerRoleMaySelectOnly();
    void configFilesWritten();
    void refusesExistingTables();
    void failureRollsBack();
    void cancelRollsBack();
    void overwriteReloads();
    void unprivilegedRoleIsToldWhy();
    void unreachableServerIsReported();

private:
    std::string superuserConninfo(const std::string &dbname) const;
    Connection connect(const std::string &dbname) const;
    std::string scalar(const char *sql) const;
    qint64 integer(const char *sql) const { return std::stoll(scalar(sql)); }
    test::TableHashes postgresHashes() const;
    Result<DemoSummary> load(bool overwrite, const std::atomic<bool> *cancel = nullptr,
                             DemoProgress progress = {}, const std::string &readerRole = {});

    std::map<std::string, std::string> m_env;
    std::string m_dbname;
    std::string m_reader;
    std::unique_ptr<QTemporaryDir> m_dir;
    Connection m_conn; // superuser, on the demo database
    DemoSummary m_sqlite;
    DemoSummary m_loaded;
    test::TableHashes m_sqliteHashes;
};

std::string TestDemoDatasetPostgres::superuserConninfo(const std::string &dbname) const
{
    return "host=" + m_env.at("WARDEN_PG_SOCKET_DIR") + " port=" + m_env.at("WARDEN_PG_PORT")
        + " user=" + m_env.at("WARDEN_PG_SUPERUSER") + " dbname=" + dbname;
}

Connection TestDemoDatasetPostgres::connect(const std::string &dbname) const
{
    Connection conn(PQconnectdb(superuserConninfo(dbname).c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        qWarning("connect failed: %s", PQerrorMessage(conn.get()));
        return nullptr;
    }
    PQclear(PQexec(conn.get(), "SET TimeZone = 'UTC'"));
    PQclear(PQexec(conn.get(), "SET DateStyle = 'ISO, YMD'"));
    return conn;
}

std::string TestDemoDatasetPostgres::scalar(const char *sql) const
{
    ResultPtr r(PQexec(m_conn.get(), sql));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) < 1) {
        qWarning("query failed: %s: %s", sql, PQresultErrorMessage(r.get()));
        return "-1";
    }
    return PQgetvalue(r.get(), 0, 0);
}

test::TableHashes TestDemoDatasetPostgres::postgresHashes() const
{
    test::TableHashes hashes;
    for (const std::string &table : DemoDataset::tableNames()) {
        const std::string sql = "SELECT * FROM public." + table + " ORDER BY id";
        ResultPtr r(PQexec(m_conn.get(), sql.c_str()));
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
            return {};
        test::DemoContentHasher hasher;
        const int columns = PQnfields(r.get());
        for (int row = 0; row < PQntuples(r.get()); ++row) {
            for (int c = 0; c < columns; ++c) {
                if (PQgetisnull(r.get(), row, c)) {
                    hasher.addValue(std::nullopt);
                } else if (PQftype(r.get(), c) == kTimestamptzOid) {
                    hasher.addValue(normaliseTimestamp(PQgetvalue(r.get(), row, c)));
                } else {
                    hasher.addValue(
                        std::string_view(PQgetvalue(r.get(), row, c),
                                         static_cast<std::size_t>(PQgetlength(r.get(), row, c))));
                }
            }
            hasher.endRow();
        }
        hashes[table] = hasher.hex();
    }
    return hashes;
}

Result<DemoSummary> TestDemoDatasetPostgres::load(bool overwrite, const std::atomic<bool> *cancel,
                                                  DemoProgress progress,
                                                  const std::string &readerRole)
{
    DemoPostgresOptions options;
    options.conninfo = superuserConninfo(m_dbname);
    options.overwrite = overwrite;
    options.cancel = cancel;
    options.progress = std::move(progress);
    options.readerRole = readerRole;
    return DemoDataset::loadPostgres(options);
}

void TestDemoDatasetPostgres::initTestCase()
{
    const QString envPath = testTempRoot() + QStringLiteral("/pg.env");
    QFile envFile(envPath);
    if (!envFile.open(QIODevice::ReadOnly)) {
        if (qEnvironmentVariableIsSet("WARDEN_ALLOW_SKIP_PG"))
            QSKIP("no PostgreSQL fixture and WARDEN_ALLOW_SKIP_PG is set");
        QFAIL(qPrintable(QStringLiteral("the PostgreSQL fixture is missing (%1); run the test "
                                        "through ctest so that fixture.pg.start runs")
                             .arg(envPath)));
    }
    while (!envFile.atEnd()) {
        const QByteArray line = envFile.readLine().trimmed();
        const int eq = line.indexOf('=');
        if (eq > 0)
            m_env[line.left(eq).toStdString()] = line.mid(eq + 1).toStdString();
    }
    for (const char *key :
         { "WARDEN_PG_HOST", "WARDEN_PG_PORT", "WARDEN_PG_SOCKET_DIR", "WARDEN_PG_SUPERUSER",
           "WARDEN_PG_READER", "WARDEN_PG_READER_PASSWORD" })
        QVERIFY2(m_env.count(key), key);

    // A database and reader role of our own: the fixture's warden_test already has tables
    // named customers and orders, and other tests use it at the same time.
    const std::string suffix = std::to_string(QCoreApplication::applicationPid()) + "_"
        + std::to_string(QRandomGenerator::global()->bounded(1000000));
    m_dbname = "warden_demo_" + suffix;
    m_reader = "warden_demo_reader_" + suffix;
    {
        Connection admin = connect("postgres");
        QVERIFY(admin);
        const std::string create = "CREATE DATABASE " + m_dbname;
        ResultPtr r(PQexec(admin.get(), create.c_str()));
        QVERIFY2(PQresultStatus(r.get()) == PGRES_COMMAND_OK, PQresultErrorMessage(r.get()));
    }

    m_dir = std::make_unique<QTemporaryDir>(testTempRoot() + QStringLiteral("/demo-pg-XXXXXX"));
    QVERIFY(m_dir->isValid());
    DemoOptions sqliteOptions;
    sqliteOptions.databasePath = m_dir->filePath(QStringLiteral("sqlite/shop.db"));
    sqliteOptions.writeConfigFiles = false;
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("sqlite"))));
    auto sqlite = DemoDataset::create(sqliteOptions);
    QVERIFY2(sqlite.ok(), sqlite.ok() ? "" : message(sqlite.error()).constData());
    m_sqlite = sqlite.value();
    m_sqliteHashes =
        test::sqliteDemoHashes(m_sqlite.databasePath.toStdString(), DemoDataset::tableNames());

    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("config"))));
    DemoPostgresOptions options;
    options.conninfo = superuserConninfo(m_dbname);
    options.readerRole = m_reader;
    options.configDir = m_dir->filePath(QStringLiteral("config"));
    std::vector<int> percents;
    options.progress = [&percents](int percent, std::string_view) {
        percents.push_back(percent);
    };
    QElapsedTimer timer;
    timer.start();
    auto loaded = DemoDataset::loadPostgres(options);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : message(loaded.error()).constData());
    qInfo("PostgreSQL demo loaded in %lld ms (SQLite: %lld ms)",
          static_cast<long long>(timer.elapsed()), static_cast<long long>(m_sqlite.elapsedMs));
    m_loaded = loaded.value();
    QVERIFY(!percents.empty());
    QCOMPARE(percents.back(), 100);
    for (std::size_t i = 1; i < percents.size(); ++i)
        QVERIFY(percents[i] >= percents[i - 1]);

    m_conn = connect(m_dbname);
    QVERIFY(m_conn);
}

void TestDemoDatasetPostgres::cleanupTestCase()
{
    m_conn.reset();
    if (m_dbname.empty())
        return;
    Connection admin = connect("postgres");
    if (!admin)
        return;
    // Dropping the database drops the reader's grants in it, so the role can go next.
    const std::string drop = "DROP DATABASE IF EXISTS " + m_dbname + " WITH (FORCE)";
    PQclear(PQexec(admin.get(), drop.c_str()));
    const std::string dropRole = "DROP ROLE IF EXISTS " + m_reader;
    PQclear(PQexec(admin.get(), dropRole.c_str()));
}

void TestDemoDatasetPostgres::rowCountsMatchSqlite()
{
    QCOMPARE(m_loaded.rowCounts, m_sqlite.rowCounts);
    for (const auto &[table, count] : m_sqlite.rowCounts) {
        const std::string sql = "SELECT count(*) FROM public." + table;
        QCOMPARE(integer(sql.c_str()), count);
    }
    QVERIFY(m_loaded.rows("orders") >= 100000);
    QVERIFY(m_loaded.databasePath.isEmpty());
}

void TestDemoDatasetPostgres::contentMatchesSqlite()
{
    const auto pg = postgresHashes();
    QCOMPARE(pg.size(), m_sqliteHashes.size());
    for (const auto &[table, hash] : m_sqliteHashes)
        QVERIFY2(pg.at(table) == hash, table.c_str());
}

void TestDemoDatasetPostgres::schemaIsComplete()
{
    QCOMPARE(scalar("SELECT data_type FROM information_schema.columns WHERE table_name = "
                    "'customers' AND column_name = 'date_of_birth'"),
             std::string("date"));
    QCOMPARE(scalar("SELECT data_type FROM information_schema.columns WHERE table_name = "
                    "'orders' AND column_name = 'placed_at'"),
             std::string("timestamp with time zone"));
    QCOMPARE(integer("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = "
                     "c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f'"),
             9);
    QCOMPARE(integer("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = "
                     "c.connamespace WHERE n.nspname = 'public' AND c.contype = 'p'"),
             6);
    for (const char *index :
         { "users_tenant_id_idx", "customers_tenant_id_idx", "customers_email_idx",
           "products_tenant_id_idx", "orders_tenant_id_idx", "orders_customer_id_idx",
           "orders_user_id_idx", "orders_placed_at_idx", "order_items_tenant_id_idx",
           "order_items_order_id_idx", "order_items_product_id_idx" }) {
        const std::string sql = "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                                "AND indexname = '"
            + std::string(index) + "'";
        QVERIFY2(integer(sql.c_str()) == 1, index);
    }
    // ANALYZE ran: the planner knows the table sizes.
    QVERIFY(integer("SELECT reltuples::bigint FROM pg_class WHERE oid = 'public.orders'::regclass")
            > 100000);
    QVERIFY(integer("SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = "
                    "'orders'")
            > 0);
    // Tenant consistency holds in PostgreSQL too.
    QCOMPARE(integer("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
                     "WHERE c.tenant_id <> o.tenant_id"),
             0);
}

void TestDemoDatasetPostgres::identitiesContinueAfterLoad()
{
    PQclear(PQexec(m_conn.get(), "BEGIN"));
    const std::string id = scalar("INSERT INTO tenants (slug, name, created_at) VALUES "
                                  "('umbrella', 'Umbrella', now()) RETURNING id");
    PQclear(PQexec(m_conn.get(), "ROLLBACK"));
    QCOMPARE(id, std::string("4"));
}

void TestDemoDatasetPostgres::readerRoleMaySelectOnly()
{
    const std::string role = "'" + m_reader + "'";
    QCOMPARE(scalar(("SELECT rolsuper::text || rolbypassrls::text || rolcanlogin::text FROM "
                     "pg_roles WHERE rolname = "
                     + role)
                        .c_str()),
             std::string("falsefalsefalse"));
    for (const std::string &table : DemoDataset::tableNames()) {
        const std::string qualified = "'public." + table + "'";
        QCOMPARE(scalar(("SELECT has_table_privilege(" + role + ", " + qualified
                         + ", 'SELECT')::text || has_table_privilege(" + role + ", " + qualified
                         + ", 'INSERT,UPDATE,DELETE,TRUNCATE')::text")
                            .c_str()),
                 std::string("truefalse"));
    }
    QCOMPARE(integer(("SELECT count(*) FROM pg_tables WHERE tableowner = " + role).c_str()), 0);

    // Acting as the role: reading works, writing does not.
    const std::string setRole = "SET ROLE " + m_reader;
    PQclear(PQexec(m_conn.get(), setRole.c_str()));
    QCOMPARE(integer("SELECT count(*) FROM orders WHERE tenant_id = 1"), 60000);
    ResultPtr write(PQexec(m_conn.get(), "DELETE FROM orders WHERE id = 1"));
    QCOMPARE(PQresultStatus(write.get()), PGRES_FATAL_ERROR);
    QCOMPARE(std::string(PQresultErrorField(write.get(), PG_DIAG_SQLSTATE)), std::string("42501"));
    PQclear(PQexec(m_conn.get(), "RESET ROLE"));
}

void TestDemoDatasetPostgres::configFilesWritten()
{
    QCOMPARE(m_loaded.configPath, m_dir->filePath(QStringLiteral("config/warden.json")));
    QCOMPARE(m_loaded.policyPath, m_dir->filePath(QStringLiteral("config/policy.json")));
    QFile configFile(m_loaded.configPath);
    QVERIFY(configFile.open(QIODevice::ReadOnly));
    const QByteArray text = configFile.readAll();
    auto json = StrictJson::parse(text.toStdString());
    QVERIFY(json.ok());
    QCOMPARE(json->at("database").at("dbname").get<std::string>(), m_dbname);
    QCOMPARE(json->at("database").at("port").get<int>(), std::stoi(m_env.at("WARDEN_PG_PORT")));
    auto config = ServerConfig::load(m_loaded.configPath);
    QVERIFY2(config.ok(), config.ok() ? "" : message(config.error()).constData());
    QCOMPARE(config->database.driver, DatabaseConfig::Driver::Postgres);
    QCOMPARE(config->database.passwordRef, QStringLiteral("env:WARDEN_DB_PASSWORD"));
    QVERIFY(QFile::exists(config->policyPath));
}

void TestDemoDatasetPostgres::refusesExistingTables()
{
    auto again = load(false);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(again.error().message.find("already exist") != std::string::npos,
             message(again.error()).constData());
}

void TestDemoDatasetPostgres::failureRollsBack()
{
    // Mark the current data; a failed overwrite must leave it in place.
    PQclear(PQexec(m_conn.get(), "COMMENT ON TABLE public.orders IS 'before'"));

    // A superuser as reader role is refused after the tables were dropped and reloaded.
    auto refused = load(true, nullptr, {}, m_env.at("WARDEN_PG_SUPERUSER"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(refused.error().message.find("superuser") != std::string::npos,
             message(refused.error()).constData());
    QCOMPARE(scalar("SELECT obj_description('public.orders'::regclass, 'pg_class')"),
             std::string("before"));
    QCOMPARE(integer("SELECT count(*) FROM orders"), m_sqlite.rows("orders"));
}

void TestDemoDatasetPostgres::cancelRollsBack()
{
    std::atomic<bool> cancel { false };
    int last = 0;
    auto result = load(true, &cancel, [&](int percent, std::string_view) {
        last = percent;
        if (percent >= 40)
            cancel = true;
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    QVERIFY(last >= 40 && last < 80);
    QCOMPARE(scalar("SELECT obj_description('public.orders'::regclass, 'pg_class')"),
             std::string("before"));
    QCOMPARE(integer("SELECT count(*) FROM order_items"), m_sqlite.rows("order_items"));
}

void TestDemoDatasetPostgres::overwriteReloads()
{
    QElapsedTimer timer;
    timer.start();
    auto result = load(true, nullptr, {}, m_reader);
    QVERIFY2(result.ok(), result.ok() ? "" : message(result.error()).constData());
    qInfo("PostgreSQL demo reloaded (DROP + load) in %lld ms",
          static_cast<long long>(timer.elapsed()));
    QCOMPARE(scalar("SELECT coalesce(obj_description('public.orders'::regclass, 'pg_class'), "
                    "'none')"),
             std::string("none"));
    QCOMPARE(postgresHashes(), m_sqliteHashes);
}

void TestDemoDatasetPostgres::unprivilegedRoleIsToldWhy()
{
    // The fixture's reader may connect but not create tables in public.
    const std::string password = m_env.at("WARDEN_PG_READER_PASSWORD");
    {
        Connection admin = connect("postgres");
        QVERIFY(admin);
        const std::string grant =
            "GRANT CONNECT ON DATABASE " + m_dbname + " TO " + m_env.at("WARDEN_PG_READER");
        PQclear(PQexec(admin.get(), grant.c_str()));
    }
    // Dropping the existing tables (not its own) fails first, with insufficient privilege.
    DemoPostgresOptions options;
    options.conninfo = "host=" + m_env.at("WARDEN_PG_HOST") + " port=" + m_env.at("WARDEN_PG_PORT")
        + " dbname=" + m_dbname + " user=" + m_env.at("WARDEN_PG_READER") + " password=" + password
        + " sslmode=disable";
    options.overwrite = true;
    auto result = DemoDataset::loadPostgres(options);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unavailable);
    QVERIFY2(result.error().message.find("privilege") != std::string::npos,
             message(result.error()).constData());
    QVERIFY(result.error().toJson().dump().find(password) == std::string::npos);
    QCOMPARE(integer("SELECT count(*) FROM orders"), m_sqlite.rows("orders"));
}

void TestDemoDatasetPostgres::unreachableServerIsReported()
{
    DemoPostgresOptions options;
    options.conninfo = "host=127.0.0.1 port=1 dbname=x user=y password=sekret-value "
                       "connect_timeout=2";
    auto result = DemoDataset::loadPostgres(options);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unavailable);
    QVERIFY(result.error().toJson().dump().find("sekret") == std::string::npos);
}

QTEST_GUILESS_MAIN(TestDemoDatasetPostgres)
// The differential test: the same calls, compiled under the same policy for each dialect and
// run on the same data, must answer with the same rows (values, order, redactions, scopes).
void TestDemoDatasetPostgres::queriesAnswerAlikeOnBothEngines()
{
    DatabaseConfig lite;
    lite.path = m_sqlite.databasePath;
    DatabaseConfig pg;
    pg.driver = DatabaseConfig::Driver::Postgres;
    pg.host = QString::fromStdString(m_env.at("WARDEN_PG_SOCKET_DIR"));
    pg.port = std::stoi(m_env.at("WARDEN_PG_PORT"));
    pg.dbname = QString::fromStdString(m_dbname);
    pg.user = QString::fromStdString(m_env.at("WARDEN_PG_SUPERUSER"));
    pg.sslmode = QStringLiteral("disable");
    auto litePool = db::DatabasePool::open(lite, {}, 1);
    auto pgPool = db::DatabasePool::open(pg, {}, 1);
    QVERIFY2(litePool.ok(), litePool.ok() ? "" : litePool.error().message.c_str());
    QVERIFY2(pgPool.ok(), pgPool.ok() ? "" : pgPool.error().message.c_str());
    auto document = DemoDataset::policyDocument();
    QVERIFY(document.ok());
    const Json policyJson = *StrictJson::parse(document->toStdString());
    auto litePolicy = Policy::fromJson(policyJson, (*litePool)->schema());
    auto pgPolicy = Policy::fromJson(policyJson, (*pgPool)->schema());
    QVERIFY(litePolicy.ok() && pgPolicy.ok());
    const Redactor redactor(std::string(32, 'k'));
    Principal analyst;
    analyst.userId = "diff";
    analyst.tenantId = "1";
    analyst.roles = { "analyst" };

    // Compiles `args` with `kind` for the pool's dialect and runs it; the rows, or the error code.
    const auto answer = [&](db::DatabasePool &pool, const Policy &policy, const std::string &kind, const Json &args) {
        Json out;
        auto job = pool.submit([&](db::Connection &conn) {
            Result<CompiledQuery> compiled = Error(ErrorCode::Internal, "unknown kind");
            if (kind == "query")
                compiled = QueryCompiler(policy, pool.dialect()).compileQuery(args, analyst);
            else if (kind == "get")
                compiled = GetCompiler(policy, pool.dialect()).compile(args, analyst);
            if (kind == "aggregate") {
                auto a = AggregateCompiler(policy, pool.dialect()).compile(args, analyst);
                if (!a) {
                    out = Json{{"error", std::string(errorCodeName(a.error().code))}};
                    return;
                }
                db::QueryOptions options;
                options.timeoutMs = a->timeoutMs;
                auto rs = conn.query(a->sql, a->params, options);
                if (!rs) {
                    out = Json{{"error", std::string(errorCodeName(rs.error().code))}};
                    return;
                }
                // Groups in a stable order whatever the engine returned first.
                auto rows = rs->rows;
                std::sort(rows.begin(), rows.end(), [](const auto &x, const auto &y) { return Json(x).dump() < Json(y).dump(); });
                out = Json{{"rows", Json(rows)}};
                return;
            }
            if (!compiled) {
                out = Json{{"error", std::string(errorCodeName(compiled.error().code))}};
                return;
            }
            auto page = RowFetcher::run(conn, *compiled, redactor);
            out = page ? Json{{"rows", page->rows}, {"has_more", page->hasMore}}
                       : Json{{"error", std::string(errorCodeName(page.error().code))}};
        });
        job->wait();
        return out;
    };

    const std::vector<std::pair<std::string, Json>> calls = {
        { "query", Json::parse(R"({"table": "customers", "select": ["id", "first_name", "last_name", "email", "phone", "national_id", "city"], "take": 25})") },
        { "query", Json::parse(R"({"table": "orders", "select": ["id", "status", "total_cents"], "where": {"and": [{"field": "status", "op": "in", "value": ["paid", "shipped"]}, {"field": "total_cents", "op": "between", "value": [1000, 20000]}]}, "order_by": [{"field": "total_cents", "direction": "desc"}], "take": 40})") },
        { "query", Json::parse(R"({"table": "orders", "select": ["id", "status"], "where": {"or": [{"field": "status", "op": "eq", "value": "refunded"}, {"not": {"field": "total_cents", "op": "gte", "value": 500}}]}, "take": 30})") },
        { "query", Json::parse(R"({"table": "customers", "select": ["id", "city"], "where": [{"field": "city", "op": "startswith", "value": "S"}, {"field": "country", "op": "ne", "value": "DE"}], "order_by": [{"field": "city", "direction": "asc"}], "take": 30})") },
        { "query", Json::parse(R"({"table": "customers", "select": ["id", "first_name"], "where": {"field": "first_name", "op": "contains", "value": "an"}, "take": 30})") },
        { "query", Json::parse(R"({"table": "customers", "select": ["id"], "where": {"field": "phone", "op": "is_null", "value": true}, "take": 30})") },
        { "query", Json::parse(R"({"table": "products", "select": ["id", "name", "price_cents"], "where": {"field": "id", "op": "not_in", "value": [1, 2, 3]}, "order_by": [{"field": "price_cents", "direction": "asc"}], "take": 20})") },
        { "query", Json::parse(R"({"table": "orders", "select": ["id", "status"], "take": 5, "include": [{"relation": "customer", "select": ["id", "email"]}, {"relation": "order_items", "select": ["id", "quantity"], "take": 3}]})") },
        { "query", Json::parse(R"({"table": "customers", "select": ["id"], "where": {"field": "email", "op": "endswith", "value": "%_x"}, "take": 10})") },
        { "get", Json::parse(R"({"table": "orders", "id": 7, "select": ["id", "status", "total_cents"]})") },
        { "get", Json::parse(R"({"table": "customers", "id": 3})") },
        { "aggregate", Json::parse(R"({"table": "orders", "metrics": [{"op": "count"}, {"op": "sum", "field": "total_cents"}], "group_by": ["status"]})") },
        { "query", Json::parse(R"({"table": "users", "select": ["id", "password_hash"]})") },
    };
    int compared = 0;
    for (const auto &[kind, args] : calls) {
        const Json a = answer(**litePool, **litePolicy, kind, args);
        const Json b = answer(**pgPool, **pgPolicy, kind, args);
        QVERIFY2(a == b, qPrintable(QStringLiteral("%1 %2\nsqlite:   %3\npostgres: %4")
                                         .arg(QString::fromStdString(kind), QString::fromStdString(args.dump()),
                                              QString::fromStdString(a.dump()).left(1500),
                                              QString::fromStdString(b.dump()).left(1500))));
        if (a.contains("rows") && !a["rows"].empty())
            ++compared;
    }
    QVERIFY2(compared >= 9, qPrintable(QString::number(compared))); // not a comparison of empty answers
}

#include "TestDemoDatasetPostgres.moc"
