#include "common/StrictJson.h"
#include "config/ServerConfig.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <set>

using namespace warden;

namespace {

// Fixtures: a complete file that sets every key to a non-default value, and a PostgreSQL one.
QByteArray fixture(const char *name)
{
    QFile f(QStringLiteral(WARDEN_TEST_DATA_DIR "/config/") + QString::fromLatin1(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

Json parse(const QByteArray &text)
{
    auto r = StrictJson::parse(text.toStdString());
    if (!r.ok())
        qFatal("test document does not parse: %s", r.error().message.c_str());
    return *r;
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// The pointers of all problems in an error's details.
QStringList pointersOf(const Error &error)
{
    QStringList out;
    for (const auto &p : error.details.value("problems", Json::array()))
        out << q(p.at("pointer").get<std::string>());
    return out;
}

std::set<std::string> propertyNames(const Json &schemaObject)
{
    std::set<std::string> names;
    for (auto it = schemaObject.at("properties").begin(); it != schemaObject.at("properties").end();
         ++it)
        names.insert(it.key());
    return names;
}

std::set<std::string> keysOf(const Json &object)
{
    std::set<std::string> names;
    for (auto it = object.begin(); it != object.end(); ++it)
        names.insert(it.key());
    return names;
}

} // namespace

class TestServerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { Q_INIT_RESOURCE(warden); }

    void loadsValidFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("conf/warden.json"));
        QVERIFY(writeFile(path, fixture("full-sqlite.json")));
        auto r = ServerConfig::load(path);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const ServerConfig &c = *r;
        QCOMPARE(c.filePath, QFileInfo(path).absoluteFilePath());
        QCOMPARE(c.mode, ServerConfig::Mode::Development);
        QCOMPARE(c.logLevel, QStringLiteral("debug"));
        QCOMPARE(c.database.driver, DatabaseConfig::Driver::Sqlite);
        QCOMPARE(c.database.path,
                 QDir(dir.path()).absoluteFilePath(QStringLiteral("conf/data/shop.db")));
        QCOMPARE(c.database.poolSize, 8);
        QCOMPARE(c.policyPath,
                 QDir(dir.path()).absoluteFilePath(QStringLiteral("conf/policy.json")));
        QCOMPARE(c.stdio.maxLineBytes, std::int64_t(65536));
        QVERIFY(c.http.enabled);
        QCOMPARE(c.http.address, QStringLiteral("127.0.0.1"));
        QCOMPARE(c.http.port, 9000);
        QCOMPARE(c.http.allowedHosts,
                 (QStringList { QStringLiteral("mcp.example.com"),
                                QStringLiteral("gateway.internal:8443") }));
        QCOMPARE(c.http.allowedOrigins.size(), 2);
        QCOMPARE(c.http.maxBodyBytes, std::int64_t(2048));
        QCOMPARE(c.http.headerTimeoutMs, 5000);
        QCOMPARE(c.http.idleTimeoutMs, 30000);
        QCOMPARE(c.http.sessionIdleTimeoutMs, 600000);
        QCOMPARE(c.http.maxSessions, 50);
        QCOMPARE(c.localPrincipal.userId, QStringLiteral("alice"));
        QCOMPARE(c.localPrincipal.tenantId, QStringLiteral("acme"));
        QCOMPARE(c.localPrincipal.roles,
                 (QStringList { QStringLiteral("analyst"), QStringLiteral("auditor") }));
        QCOMPARE(c.localPrincipal.scopes, QStringList { QStringLiteral("db:read") });
    }

    void minimalFileGetsDefaults()
    {
        auto r = ServerConfig::fromJson(
            parse(
                R"({"version":1,"database":{"driver":"sqlite","path":"/tmp/x.db"},"policy":"/tmp/p.json"})"),
            QStringLiteral("/base"));
        QVERIFY(r.ok());
        ServerConfig expected = ServerConfig::defaults();
        expected.database.path = QStringLiteral("/tmp/x.db");
        expected.policyPath = QStringLiteral("/tmp/p.json");
        QCOMPARE(*r == expected, true);
        QCOMPARE(r->mode, ServerConfig::Mode::Production);
        QCOMPARE(r->logLevel, QStringLiteral("info"));
        QCOMPARE(r->http.listen(), QStringLiteral("127.0.0.1:8765"));
        QVERIFY(!r->http.enabled);
    }

    void loadsPostgres()
    {
        auto r = ServerConfig::fromJson(parse(fixture("postgres.json")), QStringLiteral("/base"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->database.driver, DatabaseConfig::Driver::Postgres);
        QCOMPARE(r->database.host, QStringLiteral("db.internal"));
        QCOMPARE(r->database.port, 6432);
        QCOMPARE(r->database.dbname, QStringLiteral("shop"));
        QCOMPARE(r->database.user, QStringLiteral("warden_reader"));
        QCOMPARE(r->database.passwordRef, QStringLiteral("env:WARDEN_DB_PASSWORD"));
        QCOMPARE(r->database.sslmode, QStringLiteral("verify-full"));
        QCOMPARE(r->database.poolSize, 16);
        QCOMPARE(r->database.connectTimeoutMs, 2500);
        QVERIFY(r->database.path.isEmpty());
        QCOMPARE(r->policyPath, QStringLiteral("/etc/warden/policy.json"));
    }

    void roundTrips_data()
    {
        QTest::addColumn<QByteArray>("doc");
        QTest::newRow("sqlite") << QByteArray(fixture("full-sqlite.json"));
        QTest::newRow("postgres") << QByteArray(fixture("postgres.json"));
    }

    void roundTrips()
    {
        QFETCH(QByteArray, doc);
        auto first = ServerConfig::fromJson(parse(doc), QStringLiteral("/srv/warden"));
        QVERIFY(first.ok());
        const Json written = first->toJson();
        // what we write must itself be a valid file, and read back to the same config
        auto second = ServerConfig::fromJson(StrictJson::parse(StrictJson::dump(written)).value(),
                                             QStringLiteral("/somewhere/else"));
        QVERIFY2(second.ok(), second.ok() ? "" : second.error().message.c_str());
        QVERIFY(*first == *second);
        QCOMPARE(q(second->toJson().dump()), q(written.dump()));
        QCOMPARE(written.at("version").get<int>(), 1);
    }

    void roundTripsThroughFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.json"));
        QVERIFY(writeFile(path, fixture("full-sqlite.json")));
        auto first = ServerConfig::load(path);
        QVERIFY(first.ok());
        const QString copy = dir.filePath(QStringLiteral("elsewhere/b.json"));
        QVERIFY(writeFile(copy, QByteArray::fromStdString(first->toJson().dump(2))));
        auto second = ServerConfig::load(copy);
        QVERIFY(second.ok());
        second->filePath = first->filePath;
        QVERIFY(*first == *second);
    }

    void rejectsBadValues_data()
    {
        QTest::addColumn<QString>("pointer"); // where to change the valid document
        QTest::addColumn<QByteArray>("value"); // new JSON value, or empty to remove the key
        QTest::addColumn<QString>("expected"); // the pointer the problem must name
        QTest::addColumn<QString>("fragment"); // and a part of its message

        auto row = [](const char *name, const char *ptr, const char *value, const char *expected,
                      const char *fragment) {
            QTest::newRow(name) << QString::fromUtf8(ptr) << QByteArray(value)
                                << QString::fromUtf8(expected) << QString::fromUtf8(fragment);
        };
        row("version missing", "/version", "", "/version", "required key is missing; add it as 1");
        row("version 0", "/version", "0", "/version", "must be 1, got 0");
        row("version string", "/version", "\"1\"", "/version", "must be 1, got \"1\"");
        row("version 2", "/version", "2", "/version",
            "reads configuration format version 1 only, got 2");
        row("mode", "/mode", "\"prod\"", "/mode",
            "must be one of \"production\" or \"development\", got \"prod\"");
        row("log_level", "/log_level", "\"warn\"", "/log_level", "did you mean \"warning\"?");
        row("log_level type", "/log_level", "3", "/log_level",
            "must be one of \"trace\", \"debug\", \"info\", \"warning\", \"error\", \"critical\" "
            "or \"off\", got 3");
        row("unknown root", "/databse", "{}", "/databse",
            "unknown key; did you mean \"database\"? allowed keys are version, mode, log_level, "
            "database, policy, transports, local_principal");
        row("database missing", "/database", "", "/database",
            "required key is missing; add it as an object");
        row("database type", "/database", "[]", "/database", "must be an object, got an array");
        row("driver", "/database/driver", "\"mysql\"", "/database/driver",
            "must be one of \"sqlite\" or \"postgres\", got \"mysql\"");
        row("driver missing", "/database/driver", "", "/database/driver",
            "required key is missing");
        row("unknown database key", "/database/paswd", "\"x\"", "/database/paswd",
            "unknown key; did you mean \"password\"? allowed keys are driver, path, host, port, "
            "dbname, user, password, sslmode, pool_size, connect_timeout_ms");
        row("sqlite path missing", "/database/path", "", "/database/path",
            "required when driver is \"sqlite\"");
        row("sqlite path empty", "/database/path", "\"\"", "/database/path",
            "must be a non-empty string");
        row("sqlite host", "/database/host", "\"h\"", "/database/host",
            "only applies when driver is \"postgres\"; remove it");
        row("sqlite password", "/database/password", "\"env:X\"", "/database/password",
            "only applies when driver is \"postgres\"");
        row("sqlite timeout", "/database/connect_timeout_ms", "1000",
            "/database/connect_timeout_ms", "only applies when driver is \"postgres\"");
        row("pool_size 0", "/database/pool_size", "0", "/database/pool_size",
            "must be an integer from 1 to 64, got 0");
        row("pool_size 65", "/database/pool_size", "65", "/database/pool_size",
            "must be an integer from 1 to 64, got 65");
        row("policy missing", "/policy", "", "/policy", "required key is missing");
        row("policy type", "/policy", "true", "/policy", "must be a non-empty string, got true");
        row("transports type", "/transports", "1", "/transports", "must be an object, got 1");
        row("unknown transport", "/transports/websocket", "{}", "/transports/websocket",
            "allowed keys are stdio, http");
        row("max_line_bytes", "/transports/stdio/max_line_bytes", "100",
            "/transports/stdio/max_line_bytes",
            "must be an integer from 1024 to 67108864 (bytes), got 100");
        row("unknown stdio", "/transports/stdio/buffer", "1", "/transports/stdio/buffer",
            "allowed keys are max_line_bytes");
        row("enabled", "/transports/http/enabled", "\"yes\"", "/transports/http/enabled",
            "must be true or false, got \"yes\"");
        row("listen type", "/transports/http/listen", "8765", "/transports/http/listen",
            "must be a string of the form [ADDR:]PORT");
        row("listen text", "/transports/http/listen", "\"abc\"", "/transports/http/listen",
            "has an invalid port");
        row("listen port", "/transports/http/listen", "\"127.0.0.1:70000\"",
            "/transports/http/listen", "has an invalid port");
        row("listen host", "/transports/http/listen", "\"example.com:80\"",
            "/transports/http/listen", "host names are not resolved");
        row("listen v6", "/transports/http/listen", "\"::1:80\"", "/transports/http/listen",
            "IPv6 address without brackets");
        row("allowed_hosts type", "/transports/http/allowed_hosts", "\"a\"",
            "/transports/http/allowed_hosts", "must be an array of strings");
        row("allowed_hosts item", "/transports/http/allowed_hosts", "[\"ok.example\", 3]",
            "/transports/http/allowed_hosts/1", "must be a string, got 3");
        row("allowed_hosts path", "/transports/http/allowed_hosts", "[\"a.example/x\"]",
            "/transports/http/allowed_hosts/0", "must be a host name");
        row("allowed_origins path", "/transports/http/allowed_origins", "[\"https://a.example/\"]",
            "/transports/http/allowed_origins/0", "must be an origin");
        row("allowed_origins scheme", "/transports/http/allowed_origins", "[\"ftp://a.example\"]",
            "/transports/http/allowed_origins/0", "must be an origin");
        row("allow_remote", "/transports/http/allow_remote", "1", "/transports/http/allow_remote",
            "must be true or false, got 1");
        row("max_body_bytes low", "/transports/http/max_body_bytes", "1023",
            "/transports/http/max_body_bytes", "from 1024 to 67108864 (bytes), got 1023");
        row("max_body_bytes high", "/transports/http/max_body_bytes", "67108865",
            "/transports/http/max_body_bytes", "got 67108865");
        row("header_timeout_ms", "/transports/http/header_timeout_ms", "99",
            "/transports/http/header_timeout_ms",
            "must be an integer from 100 to 3600000 (milliseconds), got 99");
        row("idle_timeout_ms", "/transports/http/idle_timeout_ms", "3600001",
            "/transports/http/idle_timeout_ms", "got 3600001");
        row("session_idle_timeout_ms", "/transports/http/session_idle_timeout_ms", "\"1h\"",
            "/transports/http/session_idle_timeout_ms", "got \"1h\"");
        row("max_sessions", "/transports/http/max_sessions", "100001",
            "/transports/http/max_sessions", "must be an integer from 1 to 100000, got 100001");
        row("unknown http", "/transports/http/port", "8765", "/transports/http/port",
            "allowed keys are enabled, listen,");
        row("user_id", "/local_principal/user_id", "\"\"", "/local_principal/user_id",
            "must be a non-empty string");
        row("roles", "/local_principal/roles", "[\"a\",\"a\"]", "/local_principal/roles/1",
            "duplicates /local_principal/roles/0");
        row("scopes", "/local_principal/scopes", "{}", "/local_principal/scopes",
            "must be an array of strings, got an object");
        row("unknown principal", "/local_principal/tenant", "\"x\"", "/local_principal/tenant",
            "did you mean \"tenant_id\"?");
    }

    void rejectsBadValues()
    {
        QFETCH(QString, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, expected);
        QFETCH(QString, fragment);
        Json doc = parse(fixture("full-sqlite.json"));
        const Json::json_pointer ptr(pointer.toStdString());
        if (value.isEmpty())
            doc[ptr.parent_pointer()].erase(ptr.back());
        else
            doc[ptr] = parse(value);

        auto r = ServerConfig::fromJson(doc, QStringLiteral("/base"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::ConfigInvalid);
        const QString message = q(r.error().message);
        QCOMPARE(pointersOf(r.error()), QStringList { expected });
        QVERIFY2(message.startsWith(expected + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
        QVERIFY2(!message.contains(u'\n'), qPrintable(message));
    }

    void postgresRules_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("fragment");
        auto row = [](const char *name, const char *ptr, const char *value, const char *expected,
                      const char *fragment) {
            QTest::newRow(name) << QString::fromUtf8(ptr) << QByteArray(value)
                                << QString::fromUtf8(expected) << QString::fromUtf8(fragment);
        };
        row("dbname missing", "/database/dbname", "", "/database/dbname",
            "required when driver is \"postgres\"");
        row("user missing", "/database/user", "", "/database/user",
            "required when driver is \"postgres\"");
        row("path given", "/database/path", "\"x.db\"", "/database/path",
            "only applies when driver is \"sqlite\"; remove it");
        row("port 0", "/database/port", "0", "/database/port",
            "must be an integer from 1 to 65535, got 0");
        row("port text", "/database/port", "\"5432\"", "/database/port", "got \"5432\"");
        row("host empty", "/database/host", "\"\"", "/database/host", "must be a non-empty string");
        row("sslmode", "/database/sslmode", "\"verify_full\"", "/database/sslmode",
            "did you mean \"verify-full\"?");
        row("timeout", "/database/connect_timeout_ms", "50", "/database/connect_timeout_ms",
            "from 100 to 3600000 (milliseconds), got 50");
        row("bad env ref", "/database/password", "\"env:lower\"", "/database/password",
            "is not a valid secret reference: an env: reference needs");
        row("bad keychain ref", "/database/password", "\"keychain:nokey\"", "/database/password",
            "keychain:SERVICE/KEY");
        row("password number", "/database/password", "12345", "/database/password",
            "must be a secret reference such as env:WARDEN_DB_PASSWORD or keychain:warden/db-main, "
            "got an integer");
    }

    void postgresRules()
    {
        QFETCH(QString, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, expected);
        QFETCH(QString, fragment);
        Json doc = parse(fixture("postgres.json"));
        const Json::json_pointer ptr(pointer.toStdString());
        if (value.isEmpty())
            doc[ptr.parent_pointer()].erase(ptr.back());
        else
            doc[ptr] = parse(value);
        auto r = ServerConfig::fromJson(doc, QStringLiteral("/base"));
        QVERIFY(!r.ok());
        const QString message = q(r.error().message);
        QCOMPARE(pointersOf(r.error()), QStringList { expected });
        QVERIFY2(message.startsWith(expected + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("12345")));
    }

    void literalPasswordIsRejectedWithoutEcho()
    {
        const char *literals[] = { "hunter2-S3cret!", "Env:MY_PASSWORD", "keychain-pw", "",
                                   "p@ss/word" };
        for (const char *literal : literals) {
            Json doc = parse(fixture("postgres.json"));
            doc["database"]["password"] = literal;
            auto r = ServerConfig::fromJson(doc, QStringLiteral("/base"));
            QVERIFY(!r.ok());
            const QString message = q(r.error().message);
            QVERIFY2(message.startsWith(
                         QStringLiteral("/database/password: must be a secret reference")),
                     qPrintable(message));
            QVERIFY(message.contains(QStringLiteral("not the password itself")));
            if (*literal)
                QVERIFY2(!message.contains(QString::fromUtf8(literal)), qPrintable(message));
            QVERIFY(!q(r.error().toJson().dump()).contains(QStringLiteral("hunter2")));
        }
        // also through load(): the file error carries the same message
        QTemporaryDir dir;
        Json doc = parse(fixture("postgres.json"));
        doc["database"]["password"] = "hunter2-S3cret!";
        const QString path = dir.filePath(QStringLiteral("w.json"));
        QVERIFY(writeFile(path, QByteArray::fromStdString(doc.dump())));
        auto r = ServerConfig::load(path);
        QVERIFY(!r.ok());
        QVERIFY(!q(r.error().toJson().dump()).contains(QStringLiteral("hunter2")));
    }

    void keychainReferenceAccepted()
    {
        Json doc = parse(fixture("postgres.json"));
        doc["database"]["password"] = "keychain:warden/db-main";
        auto r = ServerConfig::fromJson(doc, QStringLiteral("/base"));
        QVERIFY(r.ok());
        QCOMPARE(r->database.passwordRef, QStringLiteral("keychain:warden/db-main"));
    }

    void reportsAllProblemsInDocumentOrder()
    {
        const char *text = R"({
          "log_level": "loud",
          "version": 1,
          "transports": {"http": {"max_sessions": 0, "listen": "x"}},
          "database": {"driver": "sqlite", "pool_size": 99, "sslmode": "require"},
          "bogus": true
        })";
        auto r = ServerConfig::fromJson(parse(text), QStringLiteral("/base"));
        QVERIFY(!r.ok());
        const QStringList lines = q(r.error().message).split(u'\n');
        const QStringList expected = { QStringLiteral("/log_level"),
                                       QStringLiteral("/transports/http/max_sessions"),
                                       QStringLiteral("/transports/http/listen"),
                                       QStringLiteral("/database/pool_size"),
                                       QStringLiteral("/database/sslmode"),
                                       QStringLiteral("/database/path"),
                                       QStringLiteral("/bogus"),
                                       QStringLiteral("/policy") };
        QCOMPARE(pointersOf(r.error()), expected);
        QCOMPARE(lines.size(), expected.size());
        for (int i = 0; i < lines.size(); ++i)
            QVERIFY2(lines[i].startsWith(expected[i] + QStringLiteral(": ")), qPrintable(lines[i]));
    }

    void notAnObject()
    {
        auto r = ServerConfig::fromJson(Json::array(), QStringLiteral("/base"));
        QVERIFY(!r.ok());
        QCOMPARE(q(r.error().message), QStringLiteral("(root): must be an object, got an array"));
    }

    void newerVersionReportsOnlyThat()
    {
        auto r = ServerConfig::fromJson(parse(R"({"version":2,"listeners":[],"database":5})"),
                                        QStringLiteral("/b"));
        QVERIFY(!r.ok());
        QCOMPARE(pointersOf(r.error()), QStringList { QStringLiteral("/version") });
        QVERIFY(q(r.error().message).contains(QStringLiteral("upgrade Warden")));
    }

    void resolvesRelativePaths_data()
    {
        QTest::addColumn<QString>("written");
        QTest::addColumn<QString>("resolved"); // relative to the config's folder, or absolute
        QTest::newRow("plain") << QStringLiteral("shop.db") << QStringLiteral("shop.db");
        QTest::newRow("sub") << QStringLiteral("data/./shop.db") << QStringLiteral("data/shop.db");
        QTest::newRow("parent") << QStringLiteral("../shared/shop.db")
                                << QStringLiteral("../shared/shop.db");
        QTest::newRow("absolute") << QStringLiteral("/var/lib/warden/shop.db")
                                  << QStringLiteral("/var/lib/warden/shop.db");
        QTest::newRow("spaces and unicode")
            << QStringLiteral("mes données/ä.db") << QStringLiteral("mes données/ä.db");
    }

    void resolvesRelativePaths()
    {
        QFETCH(QString, written);
        QFETCH(QString, resolved);
        QTemporaryDir dir;
        const QString confDir = dir.filePath(QStringLiteral("etc"));
        Json doc = parse(fixture("full-sqlite.json"));
        doc["database"]["path"] = written.toStdString();
        doc["policy"] = written.toStdString() + ".policy";
        const QString path = confDir + QStringLiteral("/warden.json");
        QVERIFY(writeFile(path, QByteArray::fromStdString(doc.dump())));
        // load through a relative path to the file: resolution uses the file's folder, not the cwd
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        auto r = ServerConfig::load(QStringLiteral("etc/warden.json"));
        QVERIFY(QDir::setCurrent(cwd));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const QString expected = QDir::cleanPath(QDir(confDir).absoluteFilePath(resolved));
        QCOMPARE(r->database.path, expected);
        QCOMPARE(r->policyPath, expected + QStringLiteral(".policy"));
        QVERIFY(QDir::isAbsolutePath(r->database.path));
    }

    void listenParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("port only") << QStringLiteral("8765") << QStringLiteral("127.0.0.1") << 8765
                                   << QStringLiteral("127.0.0.1:8765") << true;
        QTest::newRow("port zero") << QStringLiteral("0") << QStringLiteral("127.0.0.1") << 0
                                   << QStringLiteral("127.0.0.1:0") << true;
        QTest::newRow("ipv4") << QStringLiteral("10.1.2.3:80") << QStringLiteral("10.1.2.3") << 80
                              << QStringLiteral("10.1.2.3:80") << false;
        QTest::newRow("any") << QStringLiteral("0.0.0.0:65535") << QStringLiteral("0.0.0.0")
                             << 65535 << QStringLiteral("0.0.0.0:65535") << false;
        QTest::newRow("localhost") << QStringLiteral("localhost:1") << QStringLiteral("127.0.0.1")
                                   << 1 << QStringLiteral("127.0.0.1:1") << true;
        QTest::newRow("LOCALHOST") << QStringLiteral("LocalHost:2") << QStringLiteral("127.0.0.1")
                                   << 2 << QStringLiteral("127.0.0.1:2") << true;
        QTest::newRow("loopback range")
            << QStringLiteral("127.0.0.2:3") << QStringLiteral("127.0.0.2") << 3
            << QStringLiteral("127.0.0.2:3") << true;
        QTest::newRow("v6 loopback") << QStringLiteral("[::1]:8765") << QStringLiteral("::1")
                                     << 8765 << QStringLiteral("[::1]:8765") << true;
        QTest::newRow("v6 any") << QStringLiteral("[::]:443") << QStringLiteral("::") << 443
                                << QStringLiteral("[::]:443") << false;
        QTest::newRow("v6 long") << QStringLiteral("[2001:db8:0:0:0:0:0:1]:8080")
                                 << QStringLiteral("2001:db8::1") << 8080
                                 << QStringLiteral("[2001:db8::1]:8080") << false;
    }

    void listenParsing()
    {
        QFETCH(QString, text);
        QFETCH(QString, address);
        QFETCH(int, port);
        QFETCH(QString, canonical);
        QFETCH(bool, loopback);
        HttpConfig h;
        const auto status = h.setListen(text);
        QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
        QCOMPARE(h.address, address);
        QCOMPARE(h.port, port);
        QCOMPARE(h.listen(), canonical);
        QCOMPARE(h.isLoopback(), loopback);
        HttpConfig again;
        QVERIFY(again.setListen(h.listen()).ok());
        QVERIFY(again == h);
    }

    void listenErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty") << QString() << QStringLiteral("is empty");
        QTest::newRow("letters") << QStringLiteral("abc") << QStringLiteral("has an invalid port");
        QTest::newRow("no port") << QStringLiteral("127.0.0.1:")
                                 << QStringLiteral("has an invalid port");
        QTest::newRow("big port") << QStringLiteral("65536")
                                  << QStringLiteral("has an invalid port");
        QTest::newRow("negative") << QStringLiteral("-1") << QStringLiteral("has an invalid port");
        QTest::newRow("plus") << QStringLiteral("+80") << QStringLiteral("has an invalid port");
        QTest::newRow("long port")
            << QStringLiteral("000080") << QStringLiteral("has an invalid port");
        QTest::newRow("space") << QStringLiteral(" 80") << QStringLiteral("has an invalid port");
        QTest::newRow("hostname") << QStringLiteral("example.com:80")
                                  << QStringLiteral("host names are not resolved");
        QTest::newRow("short ipv4")
            << QStringLiteral("127.1:80") << QStringLiteral("not an IPv4 address");
        QTest::newRow("bad ipv4") << QStringLiteral("256.0.0.1:80")
                                  << QStringLiteral("not an IPv4 address");
        QTest::newRow("v6 unbracketed")
            << QStringLiteral("::1:80") << QStringLiteral("IPv6 address without brackets");
        QTest::newRow("v6 no port")
            << QStringLiteral("[::1]") << QStringLiteral("without \"]:PORT\"");
        QTest::newRow("v6 bad") << QStringLiteral("[zz::1]:80")
                                << QStringLiteral("invalid IPv6 address");
        QTest::newRow("v4 in brackets")
            << QStringLiteral("[127.0.0.1]:80") << QStringLiteral("invalid IPv6 address");
    }

    void listenErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        HttpConfig h;
        const HttpConfig before = h;
        const auto status = h.setListen(text);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::ConfigInvalid);
        const QString message = q(status.error().message);
        QVERIFY2(message.contains(fragment), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("[ADDR:]PORT")), qPrintable(message));
        QVERIFY(h == before);
    }

    void httpOverrideAndRemoteExposure()
    {
        ServerConfig c = ServerConfig::defaults();
        QVERIFY(!c.http.enabled);
        QVERIFY(!c.applyHttpOverride(QStringLiteral("nonsense")).ok());
        QVERIFY(!c.http.enabled);
        QVERIFY(c.applyHttpOverride(QStringLiteral("9100")).ok());
        QVERIFY(c.http.enabled);
        QCOMPARE(c.http.listen(), QStringLiteral("127.0.0.1:9100"));
        // Production mode: HTTP needs an authentication method, even on loopback.
        const auto noAuth = c.checkHttpExposure();
        QVERIFY(!noAuth.ok());
        QCOMPARE(noAuth.error().code, ErrorCode::ConfigInvalid);
        QVERIFY(q(noAuth.error().message).contains(QStringLiteral("auth.api_keys")));
        // Anonymous callers need development mode, chosen explicitly.
        c.auth.anonymous = true;
        const auto anonymousInProduction = c.checkHttpExposure();
        QVERIFY(!anonymousInProduction.ok());
        QVERIFY(q(anonymousInProduction.error().message).contains(QStringLiteral("development")));
        c.mode = ServerConfig::Mode::Development;
        QVERIFY(c.checkHttpExposure().ok());
        c.auth.anonymous = false;
        const auto devWithoutChoice = c.checkHttpExposure();
        QVERIFY(!devWithoutChoice.ok());
        QVERIFY(q(devWithoutChoice.error().message).contains(QStringLiteral("--allow-anonymous")));
        c.auth.anonymous = true;

        QVERIFY(c.applyHttpOverride(QStringLiteral("0.0.0.0:9100")).ok());
        const auto refused = c.checkHttpExposure();
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::ConfigInvalid);
        QVERIFY(q(refused.error().message).contains(QStringLiteral("0.0.0.0:9100")));
        QVERIFY(q(refused.error().message).contains(QStringLiteral("allow_remote")));
        c.auth.apiKeys.enabled = true;
        QVERIFY(c.checkHttpExposure().ok());
        c.auth.apiKeys.enabled = false;
        c.http.allowRemote = true;
        QVERIFY(c.checkHttpExposure().ok());

        ServerConfig v6 = ServerConfig::defaults();
        v6.auth.apiKeys.enabled = true;
        QVERIFY(v6.applyHttpOverride(QStringLiteral("[::1]:80")).ok());
        QVERIFY(v6.checkHttpExposure().ok());
        v6.auth.apiKeys.enabled = false;
        v6.mode = ServerConfig::Mode::Development;
        v6.auth.anonymous = true;
        QVERIFY(v6.checkHttpExposure().ok());
        QVERIFY(v6.applyHttpOverride(QStringLiteral("[::]:80")).ok());
        QVERIFY(!v6.checkHttpExposure().ok());
    }

    void authSection()
    {
        QTemporaryDir dir;
        const Json doc = Json{{"version", 1},
                              {"database", Json{{"driver", "sqlite"}, {"path", "x.db"}}},
                              {"policy", "p.json"},
                              {"auth", Json{{"anonymous", true}, {"api_keys", Json{{"enabled", true}, {"path", "keys/k.db"}}}}}};
        auto c = ServerConfig::fromJson(doc, dir.path());
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
        QVERIFY(c->auth.anonymous);
        QVERIFY(c->auth.apiKeys.enabled);
        QCOMPARE(c->auth.apiKeys.path, QDir(dir.path()).filePath(QStringLiteral("keys/k.db")));
        auto again = ServerConfig::fromJson(c->toJson(), dir.path());
        QVERIFY(again.ok());
        QVERIFY(*again == *c);

        Json badDoc = doc;
        badDoc["auth"] = Json{{"api_keys", Json{{"enabeld", true}}}};
        auto bad = ServerConfig::fromJson(badDoc, dir.path());
        QVERIFY(!bad.ok());
        QVERIFY2(q(bad.error().message).contains(QStringLiteral("/auth/api_keys/enabeld")), bad.error().message.c_str());
        badDoc["auth"] = Json{{"anonymous", "yes"}};
        auto badType = ServerConfig::fromJson(badDoc, dir.path());
        QVERIFY(!badType.ok());
        QVERIFY(q(badType.error().message).contains(QStringLiteral("/auth/anonymous")));
    }

    void loadErrors()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nope.json"));
        auto r = ServerConfig::load(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::IoError);
        QVERIFY(q(r.error().message).contains(missing));

        auto d = ServerConfig::load(dir.path());
        QVERIFY(!d.ok());
        QCOMPARE(d.error().code, ErrorCode::IoError);
        QVERIFY(q(d.error().message).contains(QStringLiteral("directory")));

        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QVERIFY(writeFile(broken, "{\"version\": 1,"));
        auto b = ServerConfig::load(broken);
        QVERIFY(!b.ok());
        QCOMPARE(b.error().code, ErrorCode::ConfigInvalid);
        QVERIFY(q(b.error().message).contains(QStringLiteral("is not valid JSON")));
        QVERIFY(q(b.error().message).contains(broken));

        const QString dup = dir.filePath(QStringLiteral("dup.json"));
        QVERIFY(writeFile(dup, R"({"version":1,"policy":"a","policy":"b"})"));
        auto u = ServerConfig::load(dup);
        QVERIFY(!u.ok());
        QCOMPARE(u.error().code, ErrorCode::ConfigInvalid);
        QVERIFY2(q(u.error().message).contains(QStringLiteral("duplicate key \"policy\"")),
                 u.error().message.c_str());

        const QString invalid = dir.filePath(QStringLiteral("invalid.json"));
        QVERIFY(writeFile(
            invalid,
            R"({"version":1,"policy":"p.json","database":{"driver":"sqlite","path":"x.db","pool_size":0}})"));
        auto v = ServerConfig::load(invalid);
        QVERIFY(!v.ok());
        QCOMPARE(v.error().code, ErrorCode::ConfigInvalid);
        QCOMPARE(q(v.error().message),
                 QStringLiteral("/database/pool_size: must be an integer from 1 to 64, got 0"));
        QCOMPARE(q(v.error().details.at("file").get<std::string>()), invalid);

        const QString big = dir.filePath(QStringLiteral("big.json"));
        QVERIFY(writeFile(big, QByteArray(2 * 1024 * 1024, ' ')));
        auto g = ServerConfig::load(big);
        QVERIFY(!g.ok());
        QVERIFY(q(g.error().message).contains(QStringLiteral("larger than 1 MiB")));
    }

    // secrets.* are references like database.password; policy_history is a path.
    void secretsAndPolicyHistory()
    {
        Json doc = parse(fixture("postgres.json"));
        auto plain = ServerConfig::fromJson(doc, QStringLiteral("/base"));
        QVERIFY(plain.ok());
        QVERIFY(plain->policyHistoryPath.isEmpty());
        QVERIFY(plain->secrets.hashKeyRef.isEmpty() && plain->secrets.cursorKeyRef.isEmpty());
        QVERIFY(!plain->toJson().contains("secrets") && !plain->toJson().contains("policy_history"));

        doc["policy_history"] = "state/history.db";
        doc["secrets"] = Json { { "hash_key", "env:WARDEN_HASH_KEY" },
                                { "cursor_key", "keychain:warden/cursor-key" } };
        auto r = ServerConfig::fromJson(doc, QStringLiteral("/base"));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->policyHistoryPath, QStringLiteral("/base/state/history.db"));
        QCOMPARE(r->secrets.hashKeyRef, QStringLiteral("env:WARDEN_HASH_KEY"));
        QCOMPARE(r->secrets.cursorKeyRef, QStringLiteral("keychain:warden/cursor-key"));
        auto again = ServerConfig::fromJson(r->toJson(), QStringLiteral("/elsewhere"));
        QVERIFY(again.ok());
        QVERIFY(*again == *r);

        auto problem = [&](const Json &secrets) {
            Json d = parse(fixture("postgres.json"));
            d["secrets"] = secrets;
            auto bad = ServerConfig::fromJson(d, QStringLiteral("/base"));
            return bad.ok() ? QString() : q(bad.error().message);
        };
        const QString literal = problem(Json { { "hash_key", "0123456789abcdef-key-material" } });
        QVERIFY2(literal.startsWith(QStringLiteral("/secrets/hash_key: must be a secret reference")),
                 qPrintable(literal));
        QVERIFY(literal.contains(QStringLiteral("not the key itself")));
        QVERIFY(!literal.contains(QStringLiteral("key-material")));
        QVERIFY(problem(Json { { "cursor_key", "env:lower" } })
                    .startsWith(QStringLiteral("/secrets/cursor_key: is not a valid secret reference")));
        QVERIFY(problem(Json { { "hash_key", "env:K" }, { "cursor_key", "env:K" } })
                    .startsWith(QStringLiteral("/secrets/cursor_key: names the same secret as hash_key")));
        QVERIFY(problem(Json { { "hash", "env:K" } })
                    .contains(QStringLiteral("/secrets/hash: unknown key; did you mean \"hash_key\"?")));
        QVERIFY(problem(Json { { "hash_key", 5 } })
                    .startsWith(QStringLiteral("/secrets/hash_key: must be a secret reference")));
        QVERIFY(!problem(Json::array()).isEmpty());
        QVERIFY(problem(Json { { "audit_key", "env:K" }, { "hash_key", "env:K" } })
                    .startsWith(QStringLiteral("/secrets/audit_key: names the same secret as another key")));

        Json a = parse(fixture("postgres.json"));
        a["audit"] = Json { { "path", "trail/audit.db" }, { "write_timeout_ms", 500 } };
        auto withAudit = ServerConfig::fromJson(a, QStringLiteral("/base"));
        QVERIFY(withAudit.ok());
        QCOMPARE(withAudit->audit.path, QStringLiteral("/base/trail/audit.db"));
        QCOMPARE(withAudit->audit.writeTimeoutMs, std::int64_t(500));
        a["audit"] = Json { { "write_timeout_ms", 5 } };
        auto tooShort = ServerConfig::fromJson(a, QStringLiteral("/base"));
        QVERIFY(!tooShort.ok());
        QVERIFY2(q(tooShort.error().message).contains(QStringLiteral("/audit/write_timeout_ms")),
                 tooShort.error().message.c_str());
        a["audit"] = Json { { "paht", "x.db" } };
        QVERIFY(!ServerConfig::fromJson(a, QStringLiteral("/base")).ok());

        // The PostgreSQL store: a connection and this server's chain.
        const auto auditProblem = [&](const Json &audit) {
            Json d = parse(fixture("postgres.json"));
            d["audit"] = audit;
            auto bad = ServerConfig::fromJson(d, QStringLiteral("/base"));
            return bad.ok() ? QString() : q(bad.error().message);
        };
        const Json connection = { { "host", "db.example.com" }, { "dbname", "audit" }, { "user", "w" },
                                  { "password", "env:AUDIT_PW" }, { "connect_timeout_ms", 3000 } };
        a["audit"] = Json { { "store", "postgres" }, { "postgres", connection }, { "chain", "eu-1" } };
        auto shared = ServerConfig::fromJson(a, QStringLiteral("/base"));
        QVERIFY2(shared.ok(), shared.ok() ? "" : shared.error().message.c_str());
        QVERIFY(shared->audit.store == AuditConfig::Store::Postgres);
        QCOMPARE(shared->audit.chain, QStringLiteral("eu-1"));
        QCOMPARE(shared->audit.postgres.host, QStringLiteral("db.example.com"));
        QCOMPARE(shared->audit.postgres.dbname, QStringLiteral("audit"));
        QCOMPARE(shared->audit.postgres.passwordRef, QStringLiteral("env:AUDIT_PW"));
        QCOMPARE(shared->audit.postgres.connectTimeoutMs, 3000);
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "postgres", connection } })
                    .contains(QStringLiteral("/audit/chain: required when store is \"postgres\"")));
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "chain", "eu-1" } })
                    .contains(QStringLiteral("/audit/postgres: required when store is \"postgres\"")));
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "postgres", connection }, { "chain", "eu 1" } })
                    .contains(QStringLiteral("/audit/chain: must be 1 to 64 letters")));
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "postgres", connection }, { "chain", "c" },
                                    { "path", "a.db" } })
                    .contains(QStringLiteral("/audit/path: only applies when store is \"sqlite\"")));
        QVERIFY(auditProblem(Json { { "chain", "c" } })
                    .contains(QStringLiteral("/audit/chain: only applies when store is \"postgres\"")));
        QVERIFY(auditProblem(Json { { "store", "mysql" } }).contains(QStringLiteral("/audit/store")));
        Json typo = connection;
        typo["hots"] = "x";
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "postgres", typo }, { "chain", "c" } })
                    .contains(QStringLiteral("/audit/postgres/hots: unknown key")));
        Json pastedConnection = connection;
        pastedConnection["password"] = "hunter2-secret";
        const QString pasted =
            auditProblem(Json { { "store", "postgres" }, { "postgres", pastedConnection }, { "chain", "c" } });
        QVERIFY2(pasted.contains(QStringLiteral("/audit/postgres/password: must be a secret reference")),
                 qPrintable(pasted));
        QVERIFY(!pasted.contains(QStringLiteral("hunter2")));
        Json noUser = connection;
        noUser.erase("user");
        QVERIFY(auditProblem(Json { { "store", "postgres" }, { "postgres", noUser }, { "chain", "c" } })
                    .contains(QStringLiteral("/audit/postgres/user: required")));

        Json d = parse(fixture("postgres.json"));
        d["policy_history"] = "";
        QVERIFY(!ServerConfig::fromJson(d, QStringLiteral("/base")).ok());
    }

    void logLevels()
    {
        QCOMPARE(
            ServerConfig::logLevels(),
            (QStringList { QStringLiteral("trace"), QStringLiteral("debug"), QStringLiteral("info"),
                           QStringLiteral("warning"), QStringLiteral("error"),
                           QStringLiteral("critical"), QStringLiteral("off") }));
    }

    // The embedded JSON Schema names exactly the keys the loader accepts, and forbids others.
    void schemaMatchesLoader()
    {
        QFile file(QStringLiteral(":/warden/schema/config.schema.json"));
        QVERIFY2(file.open(QIODevice::ReadOnly), "schema/config.schema.json is not embedded");
        auto schema = StrictJson::parse(file.readAll().toStdString());
        QVERIFY(schema.ok());
        const Json &s = *schema;
        QCOMPARE(q(s.at("$schema").get<std::string>()),
                 QStringLiteral("https://json-schema.org/draft/2020-12/schema"));

        auto pg = ServerConfig::fromJson(parse(fixture("postgres.json")), QStringLiteral("/b"));
        auto lite =
            ServerConfig::fromJson(parse(fixture("full-sqlite.json")), QStringLiteral("/b"));
        QVERIFY(pg.ok() && lite.ok());
        pg->localPrincipal.tenantId = QStringLiteral("t");
        pg->policyHistoryPath = QStringLiteral("/b/history.db");
        pg->secrets.hashKeyRef = QStringLiteral("env:H");
        pg->secrets.cursorKeyRef = QStringLiteral("env:C");
        pg->secrets.auditKeyRef = QStringLiteral("env:A");
        pg->audit.store = AuditConfig::Store::Postgres;
        pg->audit.postgres.driver = DatabaseConfig::Driver::Postgres;
        pg->audit.postgres.host = QStringLiteral("audit.example.com");
        pg->audit.postgres.dbname = QStringLiteral("audit");
        pg->audit.postgres.user = QStringLiteral("warden_audit");
        pg->audit.postgres.passwordRef = QStringLiteral("env:AUDIT_PW");
        pg->audit.chain = QStringLiteral("eu-1");
        pg->auth.apiKeys.enabled = true;
        pg->auth.apiKeys.path = QStringLiteral("/b/keys.db");
        pg->limits.maxKeys = 1000;
        const Json full = pg->toJson();
        std::set<std::string> dbKeys = keysOf(full.at("database"));
        dbKeys.insert("path");

        QCOMPARE(propertyNames(s), keysOf(full));
        QCOMPARE(propertyNames(s.at("properties").at("database")), dbKeys);
        const Json &transports = s.at("properties").at("transports");
        QCOMPARE(propertyNames(transports), keysOf(full.at("transports")));
        QCOMPARE(propertyNames(transports.at("properties").at("stdio")),
                 keysOf(full.at("transports").at("stdio")));
        QCOMPARE(propertyNames(transports.at("properties").at("http")),
                 keysOf(full.at("transports").at("http")));
        QCOMPARE(propertyNames(s.at("properties").at("local_principal")),
                 keysOf(full.at("local_principal")));
        QCOMPARE(propertyNames(s.at("properties").at("secrets")), keysOf(full.at("secrets")));
        std::set<std::string> auditKeys = keysOf(full.at("audit"));
        auditKeys.insert("path"); // sqlite only
        QCOMPARE(propertyNames(s.at("properties").at("audit")), auditKeys);
        QCOMPARE(propertyNames(s.at("properties").at("audit").at("properties").at("postgres")),
                 keysOf(full.at("audit").at("postgres")));
        // The written form loads back as the same configuration.
        auto again = ServerConfig::fromJson(full, QStringLiteral("/b"));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again->audit == pg->audit);
        QCOMPARE(propertyNames(s.at("properties").at("auth")), keysOf(full.at("auth")));
        QCOMPARE(propertyNames(s.at("properties").at("limits")), keysOf(full.at("limits")));
        QCOMPARE(propertyNames(s.at("properties").at("auth").at("properties").at("api_keys")),
                 keysOf(full.at("auth").at("api_keys")));

        // additionalProperties: false on every object type (if/then conditions are not types)
        int objectTypes = 0;
        std::function<void(const Json &, const std::string &)> walk =
            [&](const Json &node, const std::string &where) {
                if (node.is_object()) {
                    // A record type forbids other keys; a map type (tool -> rate) checks its values.
                    if (node.value("type", Json()) == Json("object") && ++objectTypes)
                        QVERIFY2(node.value("additionalProperties", Json(true)) == Json(false)
                                     || node["additionalProperties"].is_object(),
                                 where.c_str());
                    for (auto it = node.begin(); it != node.end(); ++it)
                        walk(it.value(), where + "/" + it.key());
                } else if (node.is_array()) {
                    for (std::size_t i = 0; i < node.size(); ++i)
                        walk(node[i], where + "/" + std::to_string(i));
                }
            };
        walk(s, "");
        // root, database, transports, stdio, http, local_principal, secrets, audit, audit/postgres,
        // auth, auth/api_keys, limits, limits/tools, limits/budgets, limits/usage_store, and the
        // $defs rate, budget, windowBudgets
        QCOMPARE(objectTypes, 18);
    }

    // Every complete example in docs/configuration.md must load.
    void documentedExamplesAreValid()
    {
        QFile doc(QStringLiteral(WARDEN_TEST_DATA_DIR "/../../docs/configuration.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString text = QString::fromUtf8(doc.readAll());
        static const QRegularExpression block(QStringLiteral("```json\\n(\\{.*?)\\n```"),
                                              QRegularExpression::DotMatchesEverythingOption);
        int checked = 0;
        for (auto it = block.globalMatch(text); it.hasNext();) {
            const QString json = it.next().captured(1);
            if (!json.contains(QStringLiteral("\"version\"")))
                continue; // fragments of one section
            auto parsed = StrictJson::parse(json.toStdString());
            QVERIFY2(parsed.ok(), qPrintable(json));
            auto r = ServerConfig::fromJson(*parsed, QStringLiteral("/etc/warden"));
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
            ++checked;
        }
        QVERIFY(checked >= 2);
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "TestServerConfig.moc"
