#include "DemoContentHash.h"

#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "demo/DemoDataset.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <memory>

using namespace warden;

namespace {

QString testTempRoot()
{
    const QString root = qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A read-only connection to a demo database for assertions.
class Db
{
public:
    explicit Db(const QString &path)
    {
        sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, SQLITE_OPEN_READONLY, nullptr);
    }
    ~Db() { sqlite3_close(m_db); }
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    // First column of the first row as integer; -1 on error.
    qint64 integer(const char *sql) const
    {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
            qWarning("SQL failed: %s: %s", sql, sqlite3_errmsg(m_db));
            return -1;
        }
        qint64 value = -1;
        if (sqlite3_step(stmt) == SQLITE_ROW)
            value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
    }

    QString text(const char *sql) const
    {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK)
            return QStringLiteral("<error>");
        QString value;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            value = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        }
        sqlite3_finalize(stmt);
        return value;
    }

private:
    sqlite3 *m_db = nullptr;
};

} // namespace

class TestDemoDataset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameRowsOnEveryRun();
    void rowCounts();
    void tenantsStayApart();
    void totalsMatchItems();
    void valuesLookReal();
    void schemaIsComplete();
    void configFilesParse();
    void progressIsMonotonic();
    void refusesToOverwrite();
    void refusesExistingConfigFiles();
    void overwriteReplaces();
    void cancelLeavesNothing();
    void cancelKeepsOldDatabase();
    void writeFailureLeavesNothing();
    void readOnlyFolderLeavesNothing();
    void missingFolderIsReported();

private:
    Result<DemoSummary> createIn(const QString &dir, bool overwrite = false,
                                 const std::atomic<bool> *cancel = nullptr,
                                 DemoProgress progress = {});

    std::unique_ptr<QTemporaryDir> m_root;
    QString m_first; // folder of the first demo
    QString m_second; // folder of the second, identical demo
    DemoSummary m_summary;
    std::vector<std::pair<int, std::string>> m_progress;
};

Result<DemoSummary> TestDemoDataset::createIn(const QString &dir, bool overwrite,
                                              const std::atomic<bool> *cancel,
                                              DemoProgress progress)
{
    DemoOptions options;
    options.databasePath = dir + QStringLiteral("/shop.db");
    options.overwrite = overwrite;
    options.cancel = cancel;
    options.progress = std::move(progress);
    return DemoDataset::create(options);
}

void TestDemoDataset::initTestCase()
{
    m_root = std::make_unique<QTemporaryDir>(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    QVERIFY(m_root->isValid());
    m_first = m_root->filePath(QStringLiteral("first"));
    m_second = m_root->filePath(QStringLiteral("second"));
    QVERIFY(QDir().mkpath(m_first));
    QVERIFY(QDir().mkpath(m_second));

    QElapsedTimer timer;
    timer.start();
    auto first = createIn(m_first, false, nullptr, [this](int percent, std::string_view stage) {
        m_progress.emplace_back(percent, std::string(stage));
    });
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    qInfo("SQLite demo created in %lld ms (library: %lld ms)",
          static_cast<long long>(timer.elapsed()), static_cast<long long>(first->elapsedMs));
    m_summary = first.value();
    // One self-contained file: no journal, WAL or temporary file beside it. (Checked before
    // any test reads it: a read-only reader of a WAL database leaves -wal/-shm behind.)
    QCOMPARE(filesIn(m_first),
             QStringList({ QStringLiteral("policy.json"), QStringLiteral("shop.db"),
                           QStringLiteral("warden.json") }));

    auto second = createIn(m_second);
    QVERIFY2(second.ok(), second.ok() ? "" : second.error().message.c_str());
}

void TestDemoDataset::sameRowsOnEveryRun()
{
    const auto tables = DemoDataset::tableNames();
    const auto a = test::sqliteDemoHashes(m_first.toStdString() + "/shop.db", tables);
    const auto b = test::sqliteDemoHashes(m_second.toStdString() + "/shop.db", tables);
    QCOMPARE(a.size(), tables.size());
    for (const std::string &table : tables) {
        QVERIFY2(a.at(table) == b.at(table), table.c_str());
        qInfo("%s %s", table.c_str(), a.at(table).c_str());
    }
    // Pinned: a different standard library, compiler or platform must give the same rows
    // (checked with GCC/libstdc++, Clang/libstdc++ and Clang/libc++). If the generator is
    // changed on purpose, update these from the output above.
    const std::map<std::string, std::string> pinned {
        { "tenants", "185d9c463ec23cdf6a3bd6413dc40ef205cfb1e9167fb5cbc85826c9e3a2574e" },
        { "users", "1c60b68b5e9921b814b45f5a34abaf33454a49f7c57aeca8bfcf93f7a47050f1" },
        { "customers", "444f7fa0243e9641c8fba66fdbb72a2ef8a9b55eb4dfb67c34d21bc74ce09b3f" },
        { "products", "e7ca62cbed4ba9640ba4254b3c31605f243a9e3731cfd6fc492e885b6ec569b3" },
        { "orders", "67032a3a1072f194ab16ec58ed51c885b644143e80660ba315c7e99a4b794aec" },
        { "order_items", "f7e620f11b51b87e989fe4618b8407df18aa0f0940417b49c9704f763898cddf" },
    };
    for (const auto &[table, hash] : pinned)
        QVERIFY2(a.at(table) == hash, table.c_str());
}

void TestDemoDataset::rowCounts()
{
    Db db(m_first + QStringLiteral("/shop.db"));
    QVERIFY(db.integer("SELECT count(*) FROM tenants") >= 3);
    QCOMPARE(db.text("SELECT group_concat(slug, ',') FROM (SELECT slug FROM tenants ORDER BY id)"),
             QStringLiteral("acme,globex,initech"));
    QVERIFY(db.integer("SELECT count(*) FROM orders") >= 100000);
    for (const auto &[table, count] : m_summary.rowCounts) {
        const std::string sql = "SELECT count(*) FROM " + table;
        QCOMPARE(db.integer(sql.c_str()), count);
    }
    QCOMPARE(m_summary.rows("orders"), 120000);
    QCOMPARE(m_summary.rows("tenants"), 3);

    // Per tenant: about 10 users, 1000-2000 customers, 100 products; orders split 50/30/20.
    QCOMPARE(db.integer("SELECT count(*) FROM (SELECT tenant_id, count(*) n FROM users "
                        "GROUP BY tenant_id) WHERE n < 8 OR n > 12"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM (SELECT tenant_id, count(*) n FROM customers "
                        "GROUP BY tenant_id) WHERE n < 1000 OR n > 2000"),
             0);
    QCOMPARE(db.integer("SELECT min(n) FROM (SELECT count(*) n FROM products GROUP BY tenant_id)"),
             100);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE tenant_id = 1"), 60000);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE tenant_id = 2"), 36000);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE tenant_id = 3"), 24000);

    // About 2% of customers are soft-deleted.
    const qint64 deleted =
        db.integer("SELECT count(*) FROM customers WHERE deleted_at IS NOT NULL");
    const qint64 customers = db.integer("SELECT count(*) FROM customers");
    QVERIFY2(deleted * 100 >= customers * 1 && deleted * 100 <= customers * 3,
             qPrintable(QString::number(deleted)));
    QVERIFY(db.integer("SELECT count(*) FROM orders WHERE deleted_at IS NOT NULL") > 0);
}

void TestDemoDataset::tenantsStayApart()
{
    Db db(m_first + QStringLiteral("/shop.db"));
    QCOMPARE(db.integer("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
                        "WHERE c.tenant_id <> o.tenant_id"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id "
                        "WHERE u.tenant_id <> o.tenant_id OR u.role <> 'sales'"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id "
                        "WHERE o.tenant_id <> i.tenant_id"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id "
                        "WHERE p.tenant_id <> i.tenant_id"),
             0);
    // Tenants interleave in id order (ids follow placement time), as in a real shop.
    QVERIFY(db.integer("SELECT count(DISTINCT tenant_id) FROM orders WHERE id <= 100") == 3);
    QCOMPARE(db.integer("SELECT count(*) FROM orders a JOIN orders b ON b.id = a.id + 1 "
                        "WHERE b.placed_at < a.placed_at"),
             0);
}

void TestDemoDataset::totalsMatchItems()
{
    Db db(m_first + QStringLiteral("/shop.db"));
    QCOMPARE(db.integer("SELECT count(*) FROM orders o WHERE total_cents <> "
                        "(SELECT sum(quantity * unit_price_cents) FROM order_items i "
                        "WHERE i.order_id = o.id)"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM orders o WHERE NOT EXISTS "
                        "(SELECT 1 FROM order_items i WHERE i.order_id = o.id)"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM (SELECT count(*) n FROM order_items "
                        "GROUP BY order_id) WHERE n < 1 OR n > 5"),
             0);
    const qint64 items = db.integer("SELECT count(*) FROM order_items");
    QVERIFY(items > 120000 * 2 && items < 120000 * 4);
}

void TestDemoDataset::valuesLookReal()
{
    Db db(m_first + QStringLiteral("/shop.db"));
    QCOMPARE(db.integer("SELECT count(*) FROM users WHERE NOT ("
                        "(password_hash GLOB '$2b$12$*' AND length(password_hash) = 60) OR "
                        "password_hash GLOB '$argon2id$v=19$m=65536,t=3,p=4$*$*')"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM users WHERE length(api_token) <> 36 OR "
                        "NOT api_token GLOB 'wdn_[0-9a-f]*' OR "
                        "substr(api_token, 5) GLOB '*[^0-9a-f]*'"),
             0);
    QCOMPARE(db.integer("SELECT count(DISTINCT role) FROM users"), 3);
    QCOMPARE(db.integer("SELECT count(*) FROM customers WHERE NOT phone GLOB "
                        "'+1-555-01[0-9][0-9]-[0-9][0-9][0-9][0-9]'"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM customers WHERE NOT national_id GLOB "
                        "'[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]'"),
             0);
    QCOMPARE(
        db.integer("SELECT count(*) FROM customers WHERE date_of_birth < '1940-01-01' "
                   "OR date_of_birth > '2005-12-31' OR date(date_of_birth) IS NOT date_of_birth"),
        0);
    QCOMPARE(db.integer("SELECT count(*) FROM customers WHERE NOT email GLOB '*?@example.*'"), 0);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE strftime('%Y-%m-%dT%H:%M:%SZ', "
                        "placed_at) IS NOT placed_at"),
             0);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE placed_at >= '2025-01-01'"), 0);
    QCOMPARE(db.integer("SELECT count(*) FROM orders WHERE status NOT IN "
                        "('pending', 'paid', 'shipped', 'cancelled', 'refunded')"),
             0);
    QCOMPARE(db.integer("SELECT count(DISTINCT status) FROM orders"), 5);
    QVERIFY(db.integer("SELECT count(DISTINCT last_name) FROM customers") > 40);
    QVERIFY(db.integer("SELECT count(DISTINCT city) FROM customers") > 30);
    // Stored with their declared kinds: integers as integers, dates as ISO text.
    QCOMPARE(db.text("SELECT typeof(price_cents) || typeof(created_at) FROM products LIMIT 1"),
             QStringLiteral("integertext"));
}

void TestDemoDataset::schemaIsComplete()
{
    const QString path = m_first + QStringLiteral("/shop.db");
    Db db(path);
    QCOMPARE(db.text("PRAGMA integrity_check"), QStringLiteral("ok"));
    // WAL is stored in the file: readers take no file locks per query (the benchmark's
    // point lookups) and never block a writer.
    QCOMPARE(db.text("PRAGMA journal_mode"), QStringLiteral("wal"));
    QCOMPARE(db.integer("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    QVERIFY(db.integer("SELECT count(*) FROM sqlite_stat1") > 0);
    QCOMPARE(db.integer("SELECT count(*) FROM pragma_foreign_key_list('orders')"), 3);
    QCOMPARE(db.integer("SELECT count(*) FROM pragma_foreign_key_list('order_items')"), 3);
    for (const char *index :
         { "users_tenant_id_idx", "customers_tenant_id_idx", "customers_email_idx",
           "products_tenant_id_idx", "orders_tenant_id_idx", "orders_customer_id_idx",
           "orders_user_id_idx", "orders_placed_at_idx", "order_items_tenant_id_idx",
           "order_items_order_id_idx", "order_items_product_id_idx" }) {
        const std::string sql =
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '"
            + std::string(index) + "'";
        QVERIFY2(db.integer(sql.c_str()) == 1, index);
    }
    QCOMPARE(
        db.text("SELECT type FROM pragma_table_info('customers') WHERE name = 'date_of_birth'"),
        QStringLiteral("DATE"));
    QCOMPARE(db.text("SELECT type FROM pragma_table_info('orders') WHERE name = 'placed_at'"),
             QStringLiteral("DATETIME"));
    // Created like any new file of this user (0666 less the umask), as warden.json is.
    QCOMPARE(QFileInfo(path).permissions(),
             QFileInfo(m_first + QStringLiteral("/warden.json")).permissions());
}

void TestDemoDataset::configFilesParse()
{
    QCOMPARE(m_summary.policyPath, m_first + QStringLiteral("/policy.json"));
    QCOMPARE(m_summary.configPath, m_first + QStringLiteral("/warden.json"));
    QCOMPARE(m_summary.databasePath, m_first + QStringLiteral("/shop.db"));

    const QByteArray policyText = readAll(m_summary.policyPath);
    auto embedded = DemoDataset::policyDocument();
    QVERIFY(embedded.ok());
    QCOMPARE(policyText, embedded.value());
    auto policy = StrictJson::parse(policyText.toStdString());
    QVERIFY2(policy.ok(), policy.ok() ? "" : policy.error().message.c_str());
    QCOMPARE(policy->at("version").get<int>(), 1);
    QCOMPARE(policy->at("extends").get<std::string>(), std::string("prod"));
    QCOMPARE(policy->at("defaults").at("tenant_column").get<std::string>(),
             std::string("tenant_id"));
    const Json &tables = policy->at("tables");
    for (const std::string &table : DemoDataset::tableNames())
        QVERIFY2(tables.contains(table), table.c_str());
    QCOMPARE(tables.at("customers").at("columns").at("national_id").at("action").get<std::string>(),
             std::string("hash"));
    // Secrets are left to the built-in *password* / *token* rules.
    QVERIFY(!policyText.contains("password_hash"));
    QVERIFY(!policyText.contains("api_token"));

    auto config = StrictJson::parse(readAll(m_summary.configPath).toStdString());
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QCOMPARE(config->at("version").get<int>(), 1);
    QCOMPARE(config->at("database").at("driver").get<std::string>(), std::string("sqlite"));
    QCOMPARE(config->at("database").at("path").get<std::string>(), std::string("shop.db"));
    QCOMPARE(config->at("policy").get<std::string>(), std::string("policy.json"));
    QCOMPARE(config->at("transports").at("http").at("listen").get<std::string>(),
             std::string("127.0.0.1:8765"));
    QCOMPARE(config->at("local_principal").at("tenant_id").get<std::string>(), std::string("1"));

    // The server's own loader accepts it, with paths resolved beside the file.
    auto loaded = ServerConfig::load(m_summary.configPath);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
    QCOMPARE(loaded->database.path, m_summary.databasePath);
    QCOMPARE(loaded->policyPath, m_summary.policyPath);
    QCOMPARE(loaded->localPrincipal.tenantId, QStringLiteral("1"));

    DemoPostgresTarget target;
    target.host = "db.internal";
    target.port = 6432;
    target.dbname = "shop";
    target.user = "warden";
    const Json pg = DemoDataset::postgresServerConfig(target);
    QCOMPARE(pg.at("database").at("driver").get<std::string>(), std::string("postgres"));
    QCOMPARE(pg.at("database").at("port").get<int>(), 6432);
    QCOMPARE(pg.at("database").at("password").get<std::string>(),
             std::string("env:WARDEN_DB_PASSWORD"));
    auto pgLoaded = ServerConfig::fromJson(pg, m_first);
    QVERIFY2(pgLoaded.ok(), pgLoaded.ok() ? "" : pgLoaded.error().message.c_str());
    QCOMPARE(pgLoaded->database.driver, DatabaseConfig::Driver::Postgres);
    QCOMPARE(pgLoaded->database.dbname, QStringLiteral("shop"));
    QCOMPARE(pgLoaded->database.passwordRef, QStringLiteral("env:WARDEN_DB_PASSWORD"));

    auto parsed = DemoDataset::parseConninfo("host=10.0.0.5 port=6543 dbname=shop user=ann "
                                             "password=hunter2");
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->host, std::string("10.0.0.5"));
    QCOMPARE(parsed->port, 6543);
    QCOMPARE(parsed->dbname, std::string("shop"));
    QCOMPARE(parsed->user, std::string("ann"));
    auto uri = DemoDataset::parseConninfo("postgresql://bob:secret@localhost:5433/demo");
    QVERIFY(uri.ok());
    QCOMPARE(uri->port, 5433);
    QCOMPARE(uri->user, std::string("bob"));
    auto bad = DemoDataset::parseConninfo("host=x password='unterminated");
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().message.find("unterminated") == std::string::npos);
    QVERIFY(!DemoDataset::parseConninfo("port=99999").ok());
}

void TestDemoDataset::progressIsMonotonic()
{
    QVERIFY(!m_progress.empty());
    QCOMPARE(m_progress.front().first, 0);
    QCOMPARE(m_progress.back().first, 100);
    for (std::size_t i = 1; i < m_progress.size(); ++i)
        QVERIFY(m_progress[i].first >= m_progress[i - 1].first);
    QVERIFY2(m_progress.size() < 300, "progress is reported about once per percent");
    bool sawOrders = false;
    for (const auto &[percent, stage] : m_progress)
        sawOrders = sawOrders || stage == "orders";
    QVERIFY(sawOrders);
}

void TestDemoDataset::refusesToOverwrite()
{
    const QString path = m_first + QStringLiteral("/shop.db");
    const QByteArray before = readAll(path);
    auto again = createIn(m_first);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(again.error().message.find("already exists") != std::string::npos,
             again.error().message.c_str());
    QCOMPARE(readAll(path), before);
    // Nothing new beside it (earlier tests' read-only readers left SQLite's -wal/-shm).
    QStringList files = filesIn(m_first);
    files.removeIf([](const QString &f) { return f.endsWith(QLatin1String("-wal")) || f.endsWith(QLatin1String("-shm")); });
    QCOMPARE(files.size(), 3);
}

void TestDemoDataset::refusesExistingConfigFiles()
{
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    QFile policy(dir.filePath(QStringLiteral("policy.json")));
    QVERIFY(policy.open(QIODevice::WriteOnly));
    policy.write("{\"mine\": true}");
    policy.close();
    auto result = createIn(dir.path());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(filesIn(dir.path()), QStringList(QStringLiteral("policy.json")));
    QCOMPARE(readAll(policy.fileName()), QByteArray("{\"mine\": true}"));

    // Without config files, the existing policy.json is no obstacle.
    DemoOptions options;
    options.databasePath = dir.filePath(QStringLiteral("shop.db"));
    options.writeConfigFiles = false;
    auto bare = DemoDataset::create(options);
    QVERIFY(bare.ok());
    QVERIFY(bare->policyPath.isEmpty());
    QCOMPARE(filesIn(dir.path()),
             QStringList({ QStringLiteral("policy.json"), QStringLiteral("shop.db") }));
}

void TestDemoDataset::overwriteReplaces()
{
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    // Side files of the old database, which must not be replayed onto the new one.
    for (const char *name : { "shop.db", "policy.json", "warden.json", "shop.db-wal", "shop.db-journal" }) {
        QFile file(dir.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("old");
    }
    auto result = createIn(dir.path(), true);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("shop.db-wal"))));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("shop.db-journal"))));
    const auto tables = DemoDataset::tableNames();
    QCOMPARE(test::sqliteDemoHashes(dir.filePath(QStringLiteral("shop.db")).toStdString(), tables),
             test::sqliteDemoHashes(m_first.toStdString() + "/shop.db", tables));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("warden.json"))),
             readAll(m_first + QStringLiteral("/warden.json")));
}

void TestDemoDataset::cancelLeavesNothing()
{
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    std::atomic<bool> cancel { false };
    int lastPercent = 0;
    auto result = createIn(dir.path(), false, &cancel, [&](int percent, std::string_view) {
        lastPercent = percent;
        if (percent >= 50)
            cancel = true;
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    QVERIFY(lastPercent >= 50 && lastPercent < 85); // it stopped while writing rows
    QCOMPARE(filesIn(dir.path()), QStringList());
}

void TestDemoDataset::cancelKeepsOldDatabase()
{
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    QFile old(dir.filePath(QStringLiteral("shop.db")));
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("previous contents");
    old.close();
    std::atomic<bool> cancel { false };
    auto result = createIn(dir.path(), true, &cancel, [&](int percent, std::string_view) {
        if (percent >= 88) // while indexing, after all rows are in
            cancel = true;
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    QCOMPARE(readAll(old.fileName()), QByteArray("previous contents"));
    QCOMPARE(filesIn(dir.path()), QStringList(QStringLiteral("shop.db")));
}

void TestDemoDataset::writeFailureLeavesNothing()
{
    // A file size limit makes SQLite's writes fail midway, even for root (to whom a read-only
    // folder is no obstacle). SIGXFSZ would kill the process: ignore it for the duration.
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    rlimit saved {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto *previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = 2 * 1024 * 1024;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
    auto result = createIn(dir.path());
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);

    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QCOMPARE(result.error().message, std::string("Could not write the demo database."));
    QCOMPARE(filesIn(dir.path()), QStringList());
}

void TestDemoDataset::readOnlyFolderLeavesNothing()
{
    QTemporaryDir dir(testTempRoot() + QStringLiteral("/demo-XXXXXX"));
    const QString folder = dir.filePath(QStringLiteral("ro"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    if (::geteuid() == 0) {
        QFile::setPermissions(
            folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QSKIP("root ignores folder permissions; writeFailureLeavesNothing covers the failure path");
    }
    auto result = createIn(folder);
    QFile::setPermissions(folder,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QCOMPARE(filesIn(folder), QStringList());
}

void TestDemoDataset::missingFolderIsReported()
{
    auto result = createIn(m_root->filePath(QStringLiteral("no/such/folder")));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::IoError);
    QVERIFY2(result.error().message.find("does not exist") != std::string::npos,
             result.error().message.c_str());

    DemoOptions options;
    auto empty = DemoDataset::create(options);
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestDemoDataset)
#include "TestDemoDataset.moc"
