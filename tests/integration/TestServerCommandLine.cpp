// The built warden-server spawned with QProcess: usage and configuration errors and their
// exit codes (DESIGN.md: 0 ok, 2 usage/config, 1 anything else), and a real stdio session
// (only JSON-RPC on stdout, oversized and malformed lines, exit on stdin EOF).
#include "../core/PgAuditTestDb.h"
#include "common/StrictJson.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QRegularExpression>

#include <algorithm>
#include <functional>
#include <QTest>

#include <optional>
#include <set>

using namespace warden;

namespace {

struct Run
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
};

std::optional<Json> parseLine(const QByteArray &line)
{
    auto r = StrictJson::parse(std::string_view(line.constData(), std::size_t(line.size())));
    if (!r)
        return std::nullopt;
    return *r;
}

// Kills the process it guards unless it already ended: no test leaves a server behind.
struct ProcessGuard
{
    QProcess &p;
    ~ProcessGuard()
    {
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(5000);
        }
    }
};

} // namespace

class TestServerCommandLine : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir { QDir::tempPath() + QStringLiteral("/warden-cli-XXXXXX") };
    QString m_config; // the demo configuration
    QString m_smallConfig; // the demo with a small stdio line cap
    static constexpr int kMaxLine = 4096;

    QProcessEnvironment environment() const
    {
        // Never touch the user's real data folders (the default demo lives there).
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.path() + QStringLiteral("/home"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path() + QStringLiteral("/home/data"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"),
                   m_dir.path() + QStringLiteral("/home/config"));
        return env;
    }

    void startServer(QProcess &p, const QStringList &args) const
    {
        p.setProgram(QStringLiteral(WARDEN_SERVER_BINARY));
        p.setArguments(args);
        p.setProcessEnvironment(environment());
        p.start();
    }

    Run run(const QStringList &args, int timeoutMs = 30000) const
    {
        QProcess p;
        ProcessGuard guard { p };
        startServer(p, args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.closeWriteChannel();
        r.finished = p.waitForFinished(timeoutMs);
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QString writeConfig(const QString &name, const QByteArray &text) const
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        f.write(text);
        return path;
    }

    // The demo configuration with `change` applied, written as `name`; its path.
    QString demoConfigWith(const QString &name, const std::function<void(Json &)> &change) const
    {
        QFile f(m_config);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(m_config));
        Json config = *StrictJson::parse(f.readAll().toStdString());
        change(config);
        return writeConfig(name, QByteArray::fromStdString(config.dump(2)));
    }

    // Reads one stdout line (without the newline), or nullopt after `ms`.
    static std::optional<QByteArray> readLine(QProcess &p, QByteArray &buffer, int ms = 10000)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            const qsizetype nl = buffer.indexOf('\n');
            if (nl >= 0) {
                QByteArray line = buffer.left(nl);
                buffer.remove(0, nl + 1);
                return line;
            }
            if (t.elapsed() > ms || p.state() == QProcess::NotRunning) {
                buffer += p.readAllStandardOutput();
                if (buffer.indexOf('\n') >= 0)
                    continue;
                return std::nullopt;
            }
            p.waitForReadyRead(50);
            buffer += p.readAllStandardOutput();
        }
    }

    static Json readMessage(QProcess &p, QByteArray &buffer)
    {
        const auto line = readLine(p, buffer);
        if (!line) {
            qWarning("no line on stdout; stderr: %s", p.readAllStandardError().constData());
            return Json(nullptr);
        }
        const auto j = parseLine(*line);
        if (!j || !j->is_object() || j->value("jsonrpc", std::string()) != "2.0")
            qWarning("stdout carried a non JSON-RPC line: %s", line->left(300).constData());
        return j ? *j : Json(nullptr);
    }

    // The MCP handshake over a server's stdio: initialize, then notifications/initialized.
    static bool initialize(QProcess &p, QByteArray &buffer)
    {
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 0 }, { "method", "initialize" },
                            { "params", Json { { "protocolVersion", "2025-11-25" }, { "capabilities", Json::object() },
                                               { "clientInfo", Json { { "name", "cli-test" }, { "version", "1" } } } } } });
        const Json reply = readMessage(p, buffer);
        if (!reply.is_object() || reply.value("id", Json()) != Json(0))
            return false;
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "method", "notifications/initialized" } });
        return true;
    }

    static void writeLine(QProcess &p, const Json &message)
    {
        p.write(QByteArray::fromStdString(StrictJson::dump(message)) + '\n');
    }

    // Starts a stdio server with `config` and completes the MCP handshake.
    void startSession(QProcess &p, QByteArray &buffer, const QString &config) const
    {
        startServer(p, { QStringLiteral("--config"), config, QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        QVERIFY(initialize(p, buffer));
    }

    // One stdio session with `config`: initialize, then a db_query whose where compares the
    // email column with `email` (a value the audit trail keeps as an HMAC), then EOF.
    void auditedSession(const QString &config, const std::string &email) const
    {
        QProcess p;
        ProcessGuard guard { p };
        QByteArray buffer;
        startSession(p, buffer, config);
        if (QTest::currentTestFailed())
            return;
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 1 }, { "method", "tools/call" },
                            { "params", Json { { "name", "db_query" },
                                               { "arguments", Json { { "table", "customers" },
                                                                     { "where", Json { { "field", "email" }, { "op", "eq" }, { "value", email } } } } } } } });
        const Json answer = readMessage(p, buffer);
        QCOMPARE(answer["id"].get<int>(), 1);
        QVERIFY2(answer.contains("result"), answer.dump().c_str());
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFileInfo::exists(QStringLiteral(WARDEN_SERVER_BINARY)));
        const Run demo = run({ QStringLiteral("demo"), QStringLiteral("create"),
                               m_dir.filePath(QStringLiteral("shop.db")) },
                             120000);
        QVERIFY2(demo.finished && demo.exitCode == 0, demo.err.constData());
        m_config = m_dir.filePath(QStringLiteral("warden.json"));
        QVERIFY2(QFileInfo::exists(m_config), demo.out.constData());

        // The same configuration with a small stdio line cap.
        m_smallConfig = demoConfigWith(QStringLiteral("small.json"), [](Json &config) {
            config["transports"]["stdio"] = Json { { "max_line_bytes", kMaxLine } };
        });
    }

    void versionAndHelp()
    {
        Run r = run({ QStringLiteral("--version") });
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("warden-server " WARDEN_VERSION), r.out.constData());
        r = run({ QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--stdio"));
        QVERIFY(r.out.contains("--http"));
        QVERIFY(r.err.isEmpty());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("mentions");
        QTest::newRow("unknown option")
            << QStringList { QStringLiteral("--frobnicate") } << QByteArray("--frobnicate");
        QTest::newRow("unknown option after transport")
            << QStringList { QStringLiteral("--stdio"), QStringLiteral("--turbo") }
            << QByteArray("--turbo");
        QTest::newRow("no transport") << QStringList {} << QByteArray("--stdio");
        QTest::newRow("config without file")
            << QStringList { QStringLiteral("--config") } << QByteArray("--config");
        QTest::newRow("http without port")
            << QStringList { QStringLiteral("--http") } << QByteArray("--http");
        QTest::newRow("unknown command")
            << QStringList { QStringLiteral("frob") } << QByteArray("frob");
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, mentions);
        const Run r = run(args);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(mentions), r.err.constData());
        QVERIFY2(r.out.isEmpty(), r.out.constData());
    }

    void missingConfigFile()
    {
        const QString missing = m_dir.filePath(QStringLiteral("nope/absent.json"));
        const Run r = run({ QStringLiteral("--config"), missing, QStringLiteral("--stdio") });
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("absent.json"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void invalidConfig()
    {
        const QString path = demoConfigWith(QStringLiteral("invalid.json"), [](Json &config) {
            config["transports"]["http"]["max_body_bytes"] = "big";
        });
        const Run r = run({ QStringLiteral("--config"), path, QStringLiteral("--stdio") });
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("/transports/http/max_body_bytes"), r.err.constData());
        QVERIFY(r.out.isEmpty());

        const QString broken = writeConfig(QStringLiteral("broken.json"), "{\"version\": 1,");
        const Run b = run(
            { QStringLiteral("--config"), broken, QStringLiteral("--http"), QStringLiteral("0") });
        QCOMPARE(b.exitCode, 2);
        QVERIFY(!b.err.isEmpty());

        const Run badListen = run({ QStringLiteral("--config"), m_config, QStringLiteral("--http"),
                                    QStringLiteral("nope:x") });
        QCOMPARE(badListen.exitCode, 2);
        QVERIFY2(badListen.err.contains("nope:x"), badListen.err.constData());
    }

    void httpPortInUse()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        const QString port = QString::number(blocker.serverPort());
        const Run r = run({ QStringLiteral("--config"), m_config, QStringLiteral("--http"),
                            QStringLiteral("127.0.0.1:") + port },
                          20000);
        QVERIFY2(r.finished, "the server must exit, not wait");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(port.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("--http"), r.err.constData());
    }

    void httpRemoteWithoutAuthRefused()
    {
        // Anonymous development callers may only reach a loopback address.
        const Run r = run({ QStringLiteral("--config"), m_config, QStringLiteral("--http"), QStringLiteral("0.0.0.0:0"),
                            QStringLiteral("--dev"), QStringLiteral("--allow-anonymous") },
                          20000);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("allow_remote"), r.err.constData());
    }

    // Production mode never serves HTTP without an authentication method; anonymous callers
    // need development mode, chosen explicitly.
    void httpNeedsAuthentication()
    {
        const QString noAuth = demoConfigWith(QStringLiteral("no-auth.json"), [](Json &config) {
            config.erase("auth");
        });
        const QStringList http { QStringLiteral("--config"), noAuth, QStringLiteral("--http"), QStringLiteral("127.0.0.1:0") };
        Run r = run(http, 20000);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("auth.api_keys") && r.err.contains("production"), r.err.constData());
        r = run(http + QStringList { QStringLiteral("--allow-anonymous") }, 20000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("development"), r.err.constData());
        r = run(http + QStringList { QStringLiteral("--dev") }, 20000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--allow-anonymous"), r.err.constData());
    }

    // keys create prints the key once (stdout alone), list shows it without any secret,
    // revoke marks it; the store holds only a slow hash.
    void keysCommands()
    {
        const QStringList cfg { QStringLiteral("--config"), m_config };
        Run created = run(QStringList { QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--user"),
                                        QStringLiteral("svc-report"), QStringLiteral("--tenant"), QStringLiteral("2"),
                                        QStringLiteral("--scope"), QStringLiteral("warden.read"), QStringLiteral("--name"),
                                        QStringLiteral("nightly report") }
                          + cfg);
        QCOMPARE(created.exitCode, 0);
        const QByteArray key = created.out.trimmed();
        QVERIFY2(QRegularExpression(QStringLiteral("^wk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")).match(QString::fromLatin1(key)).hasMatch(),
                 created.out.constData());
        const QByteArray id = key.mid(3, 16);
        const QByteArray secret = key.mid(20);

        Run listed = run(QStringList { QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--json") } + cfg);
        QCOMPARE(listed.exitCode, 0);
        const auto all = StrictJson::parse(listed.out.toStdString());
        QVERIFY2(all && all->is_array(), listed.out.constData());
        const auto entry = std::find_if(all->begin(), all->end(), [&](const Json &k) { return k["id"] == id.toStdString(); });
        QVERIFY(entry != all->end());
        QCOMPARE((*entry)["user_id"].get<std::string>(), std::string("svc-report"));
        QCOMPARE((*entry)["tenant_id"].get<std::string>(), std::string("2"));
        QCOMPARE((*entry)["state"].get<std::string>(), std::string("active"));
        QVERIFY(!listed.out.contains(secret));

        // Neither the key nor its secret is in the store file, only the scrypt hash.
        QFile store(m_dir.filePath(QStringLiteral("api-keys.db")));
        QVERIFY(store.open(QIODevice::ReadOnly));
        const QByteArray bytes = store.readAll();
        QVERIFY(!bytes.contains(secret));
        QCOMPARE(int(store.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)), 0);

        QCOMPARE(run(QStringList { QStringLiteral("keys"), QStringLiteral("revoke"), QString::fromLatin1(id) } + cfg).exitCode, 0);
        listed = run(QStringList { QStringLiteral("keys"), QStringLiteral("list") } + cfg);
        QVERIFY2(listed.out.contains(QByteArray(id + "  nightly report  user=svc-report tenant=2  revoked")), listed.out.constData());
        const Run unknown = run(QStringList { QStringLiteral("keys"), QStringLiteral("revoke"), QStringLiteral("ffffffffffffffff") } + cfg);
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("keys list"), unknown.err.constData());
        const Run noUser = run(QStringList { QStringLiteral("keys"), QStringLiteral("create") } + cfg);
        QCOMPARE(noUser.exitCode, 2);
        QVERIFY2(noUser.err.contains("--user"), noUser.err.constData());
    }

    // A stdio session leaves an audit trail that `audit verify` finds intact, whose sensitive
    // argument values `audit hash` can find, and that `audit export` writes out.
    void auditCommands()
    {
        qputenv("WARDEN_CLI_AUDIT_KEY", "cli-audit-key-0123456789abcdef-0123");
        const QString audited = demoConfigWith(QStringLiteral("audited.json"), [](Json &config) {
            config["secrets"] = Json { { "audit_key", "env:WARDEN_CLI_AUDIT_KEY" } };
            config["audit"] = Json { { "path", "cli-audit.db" } };
        });
        const std::string email = "someone@example.org";
        auditedSession(audited, email);
        if (QTest::currentTestFailed())
            return;
        const Run verify = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--config"), audited });
        QVERIFY2(verify.exitCode == 0, verify.err.constData());
        QVERIFY2(verify.out.startsWith("intact: 4 records"), verify.out.constData()); // start, request, outcome, stop

        const Run hash = run({ QStringLiteral("audit"), QStringLiteral("hash"), QString::fromStdString(email),
                               QStringLiteral("--config"), audited });
        QCOMPARE(hash.exitCode, 0);
        const QByteArray hmac = hash.out.trimmed();
        QVERIFY2(hmac.startsWith("hmac-sha256:"), hash.out.constData());

        const QString jsonl = m_dir.filePath(QStringLiteral("trail.jsonl"));
        const Run exported = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--output"), jsonl,
                                   QStringLiteral("--tool"), QStringLiteral("db_query"), QStringLiteral("--config"), audited });
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QFile out(jsonl);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QByteArray text = out.readAll();
        QCOMPARE(text.count('\n'), 2); // the request and its outcome
        QVERIFY(text.contains(hmac));
        QVERIFY(!text.contains(QByteArray::fromStdString(email)));

        // By kind and by session: the reviewer's view of one session's calls.
        const Run starts = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--kind"),
                                 QStringLiteral("server_start"), QStringLiteral("--config"), audited });
        QVERIFY2(starts.exitCode == 0, starts.err.constData());
        QCOMPARE(starts.out.count('\n'), 1);
        QVERIFY(starts.out.contains("\"kind\":\"server_start\""));
        const Run badKind = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--kind"),
                                  QStringLiteral("calls"), QStringLiteral("--config"), audited });
        QCOMPARE(badKind.exitCode, 2);
        QVERIFY2(badKind.err.contains("--kind is one of request, outcome"), badKind.err.constData());
        const Json request = Json::parse(text.left(text.indexOf('\n')).toStdString())["record"];
        QVERIFY2(request.contains("session") && request["session"].is_string(), request.dump().c_str());
        const Run session = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--session"),
                                  QString::fromStdString(request["session"].get<std::string>()), QStringLiteral("--kind"),
                                  QStringLiteral("outcome"), QStringLiteral("--config"), audited });
        QVERIFY2(session.exitCode == 0, session.err.constData());
        QCOMPARE(session.out.count('\n'), 1);
        QVERIFY(session.out.contains("\"kind\":\"outcome\""));
        const Run otherSession = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--session"),
                                       QStringLiteral("0000000000000000"), QStringLiteral("--config"), audited });
        QCOMPARE(otherSession.exitCode, 0);
        QVERIFY(otherSession.out.isEmpty());

        const Run csv = run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--format"),
                              QStringLiteral("csv"), QStringLiteral("--config"), audited });
        QCOMPARE(csv.exitCode, 0);
        QVERIFY(csv.out.startsWith("seq,time,kind"));

        // Checkpoints exported to a second place, checked back; then retention.
        const QString cps = m_dir.filePath(QStringLiteral("checkpoints.jsonl"));
        const Run exportedCps = run({ QStringLiteral("audit"), QStringLiteral("checkpoints"), QStringLiteral("--output"),
                                      cps, QStringLiteral("--config"), audited });
        QVERIFY2(exportedCps.exitCode == 0, exportedCps.err.constData());
        const Run anchored = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--checkpoints"),
                                   cps, QStringLiteral("--config"), audited });
        QVERIFY2(anchored.exitCode == 0 && anchored.out.contains("exported checkpoints matched"), anchored.out.constData());
        const Run purge = run({ QStringLiteral("audit"), QStringLiteral("purge"), QStringLiteral("--keep-records"),
                                QStringLiteral("1"), QStringLiteral("--config"), audited });
        QVERIFY2(purge.exitCode == 0 && purge.out.startsWith("purged 1 records (through 1)"), purge.out.constData());
        const Run afterPurge = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--checkpoints"),
                                     cps, QStringLiteral("--config"), audited });
        QVERIFY2(afterPurge.exitCode == 0 && afterPurge.out.startsWith("intact: 4 records (2 to 5)"),
                 afterPurge.out.constData());
        const Run chainOnSqlite = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--chain"),
                                        QStringLiteral("x"), QStringLiteral("--config"), audited });
        QCOMPARE(chainOnSqlite.exitCode, 2);
        const Run badPurge = run({ QStringLiteral("audit"), QStringLiteral("purge"), QStringLiteral("--keep-days"),
                                   QStringLiteral("soon"), QStringLiteral("--config"), audited });
        QCOMPARE(badPurge.exitCode, 2);

        // Without the key nothing can be authenticated: a configuration error, said plainly.
        const Run noKey = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--config"), m_config });
        QCOMPARE(noKey.exitCode, 2);
        QVERIFY2(noKey.err.contains("secrets.audit_key"), noKey.err.constData());
    }

    // The same trail in the PostgreSQL store: a server writes its chain there, the commands
    // read and check it, a tamper through SQL is found, and another chain is read with --chain.
    void auditCommandsOnPostgres()
    {
        test::PgAuditTestDb db;
        const QString problem = db.create("warden_test_cli_audit");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        qputenv("WARDEN_CLI_AUDIT_KEY", "cli-audit-key-0123456789abcdef-0123");
        qputenv("WARDEN_CLI_AUDIT_PG_PASSWORD", QByteArray::fromStdString(db.password()));
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::ReadOnly));
        Json config = *StrictJson::parse(f.readAll().toStdString());
        config["secrets"] = Json { { "audit_key", "env:WARDEN_CLI_AUDIT_KEY" } };
        const DatabaseConfig pg = db.config();
        config["audit"] = Json { { "store", "postgres" },
                                 { "chain", "cli-1" },
                                 { "postgres", Json { { "host", pg.host.toStdString() },
                                                      { "port", pg.port },
                                                      { "dbname", pg.dbname.toStdString() },
                                                      { "user", pg.user.toStdString() },
                                                      { "password", "env:WARDEN_CLI_AUDIT_PG_PASSWORD" },
                                                      { "sslmode", "disable" } } } };
        const QString audited = writeConfig(QStringLiteral("audited-pg.json"), QByteArray::fromStdString(config.dump(2)));
        config["audit"]["chain"] = "cli-2";
        const QString second = writeConfig(QStringLiteral("audited-pg-2.json"), QByteArray::fromStdString(config.dump(2)));
        const std::string email = "someone@example.org";
        auditedSession(audited, email);
        auditedSession(second, email);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(db.scalar("SELECT count(*) FROM audit_records WHERE chain = 'cli-1'"), 4LL);

        const QStringList cfg { QStringLiteral("--config"), audited };
        const Run verify = run(QStringList { QStringLiteral("audit"), QStringLiteral("verify") } + cfg);
        QVERIFY2(verify.exitCode == 0 && verify.out.startsWith("intact: 4 records"), QByteArray(verify.out + verify.err).constData());

        const Run exported = run(QStringList { QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--tool"),
                                               QStringLiteral("db_query") } + cfg);
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QCOMPARE(exported.out.count('\n'), 2); // the request and its outcome
        QVERIFY(!exported.out.contains(QByteArray::fromStdString(email)));

        const Run cps = run(QStringList { QStringLiteral("audit"), QStringLiteral("checkpoints") } + cfg);
        QVERIFY2(cps.exitCode == 0 && cps.out.contains("\"reason\":\"head\""), QByteArray(cps.out + cps.err).constData());
        const Run purge = run(QStringList { QStringLiteral("audit"), QStringLiteral("purge"),
                                            QStringLiteral("--keep-records"), QStringLiteral("1") } + cfg);
        QVERIFY2(purge.exitCode == 0 && purge.out.startsWith("purged 1 records (through 1)"), QByteArray(purge.out + purge.err).constData());
        const Run afterPurge = run(QStringList { QStringLiteral("audit"), QStringLiteral("verify") } + cfg);
        QVERIFY2(afterPurge.exitCode == 0 && afterPurge.out.startsWith("intact: 4 records (2 to 5)"),
                 QByteArray(afterPurge.out + afterPurge.err).constData());

        // Tampering with the second chain breaks it, and only it; --chain reads it from the
        // first server's configuration.
        QVERIFY(db.superuser("UPDATE audit_records SET body = replace(body, 'db_query', 'db_get') "
                             "WHERE chain = 'cli-2' AND seq = 2")
                    .isEmpty());
        const Run broken = run(QStringList { QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--chain"),
                                             QStringLiteral("cli-2") } + cfg);
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.out.startsWith("broken at record 2"), QByteArray(broken.out + broken.err).constData());
        QCOMPARE(run(QStringList { QStringLiteral("audit"), QStringLiteral("verify") } + cfg).exitCode, 0);

        // An unreachable store is a failure that names what to check, never the password.
        config["audit"]["postgres"]["port"] = 1;
        const QString closed = writeConfig(QStringLiteral("audited-pg-closed.json"), QByteArray::fromStdString(config.dump(2)));
        const Run unreachable = run({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--config"), closed });
        QCOMPARE(unreachable.exitCode, 1);
        QVERIFY2(unreachable.err.contains("audit.postgres"), unreachable.err.constData());
        QVERIFY(!unreachable.err.contains(QByteArray::fromStdString(db.password())));
    }

    void stdioSession()
    {
        QProcess p;
        ProcessGuard guard { p };
        startServer(p, { QStringLiteral("--config"), m_smallConfig, QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        QByteArray buffer;

        writeLine(p,
                  Json { { "jsonrpc", "2.0" },
                         { "id", 0 },
                         { "method", "initialize" },
                         { "params",
                           Json { { "protocolVersion", "2025-11-25" },
                                  { "capabilities", Json::object() },
                                  { "clientInfo",
                                    Json { { "name", "cli-test" }, { "version", "1" } } } } } });
        Json m = readMessage(p, buffer);
        QCOMPARE(m["id"].get<int>(), 0);
        QCOMPARE(m["result"]["protocolVersion"].get<std::string>(), std::string("2025-11-25"));
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "method", "notifications/initialized" } });

        // An oversized line is refused with -32600 and the session goes on; a line far
        // larger than any read buffer is skipped whole.
        for (const qsizetype size : { qsizetype(kMaxLine + 100), qsizetype(300 * 1024) }) {
            const QByteArray big =
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                + QByteArray(size, 'x') + "\"}}\n";
            p.write(big);
            m = readMessage(p, buffer);
            QCOMPARE(m["error"]["code"].get<int>(), -32600);
            QVERIFY(m["id"].is_null());
            writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 2 }, { "method", "ping" } });
            m = readMessage(p, buffer);
            QCOMPARE(m["id"].get<int>(), 2);
            QCOMPARE(m["result"].dump(), std::string("{}"));
        }

        // A parse error: -32700 with id null, and the session goes on.
        p.write("{\"jsonrpc\":\"2.0\",\"id\":3,\n");
        m = readMessage(p, buffer);
        QCOMPARE(m["error"]["code"].get<int>(), -32700);
        QVERIFY(m.contains("id"));
        QVERIFY(m["id"].is_null());

        // A batch: -32600.
        p.write("[{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}]\n");
        m = readMessage(p, buffer);
        QCOMPARE(m["error"]["code"].get<int>(), -32600);

        // A message split across writes is read once whole; blank lines are ignored.
        p.write("\n");
        p.write("{\"jsonrpc\":\"2.0\",\"id\":5,");
        p.waitForBytesWritten(1000);
        QTest::qWait(100);
        p.write("\"method\":\"tools/list\"}\r\n");
        m = readMessage(p, buffer);
        QCOMPARE(m["id"].get<int>(), 5);
        QVERIFY(m["result"]["tools"].is_array());
        QVERIFY(!m["result"]["tools"].empty());

        // Closing stdin ends the process promptly and cleanly.
        p.waitForBytesWritten(1000);
        QElapsedTimer t;
        t.start();
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));
        const qint64 elapsed = t.elapsed();
        QVERIFY2(elapsed < 1000,
                 qPrintable(QStringLiteral("exited %1 ms after stdin closed").arg(elapsed)));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);

        // Nothing on stdout but JSON-RPC messages, one per line.
        buffer += p.readAllStandardOutput();
        for (const QByteArray &line : buffer.split('\n')) {
            if (line.isEmpty())
                continue;
            const auto j = parseLine(line);
            QVERIFY2(j && j->is_object() && j->value("jsonrpc", std::string()) == "2.0",
                     line.left(200).constData());
        }
    }

    // Over stdio the caller is local_principal, whatever a client claims: identity and tenant
    // in _meta are ignored, arguments cannot name them, a filter cannot widen the tenant, and
    // the policy's scopes apply to the local principal too.
    void stdioIdentityComesFromTheConfiguration()
    {
        QProcess p;
        ProcessGuard guard { p };
        QByteArray buffer;
        startSession(p, buffer, m_config);
        if (QTest::currentTestFailed())
            return;

        const Json claimed = Json { { "user_id", "admin" }, { "tenant_id", "2" }, { "roles", Json::array({ "admin" }) },
                                    { "principal", Json { { "tenant", "2" } } } };
        const auto call = [&](int id, Json arguments, Json meta = nullptr) {
            Json params = Json { { "name", "db_query" }, { "arguments", std::move(arguments) } };
            if (!meta.is_null())
                params["_meta"] = std::move(meta);
            writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", id }, { "method", "tools/call" }, { "params", params } });
            return readMessage(p, buffer);
        };
        Json m = call(1, Json { { "table", "customers" }, { "select", Json::array({ "id", "tenant_id" }) }, { "take", 50 } },
                      claimed);
        QVERIFY2(!m["result"].value("isError", false), m.dump().c_str());
        const Json rows = m["result"]["structuredContent"]["rows"];
        QVERIFY(!rows.empty());
        for (const Json &row : rows)
            QCOMPARE(row["tenant_id"].dump(), std::string("1"));

        // Asking for tenant 2's rows finds none: the tenant scope is ANDed outside the filter.
        m = call(2, Json { { "table", "customers" }, { "select", Json::array({ "id" }) },
                           { "where", Json { { "field", "tenant_id" }, { "op", "eq" }, { "value", 2 } } } },
                 claimed);
        QVERIFY2(m["result"]["structuredContent"]["rows"].empty(), m.dump().c_str());

        // Arguments cannot carry an identity at all.
        m = call(3, Json { { "table", "customers" }, { "tenant_id", "2" } });
        QVERIFY(m["result"].value("isError", false));
        QCOMPARE(m["result"]["structuredContent"]["error"]["code"].get<std::string>(), std::string("INVALID_ARGUMENT"));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));

        // Without the scope the policy asks of db_query, the local principal is refused too.
        const QString noScope = demoConfigWith(QStringLiteral("no-scope.json"), [](Json &config) {
            config["local_principal"]["scopes"] = Json::array();
        });
        QProcess q;
        ProcessGuard qGuard { q };
        startServer(q, { QStringLiteral("--config"), noScope, QStringLiteral("--stdio") });
        QVERIFY(q.waitForStarted(10000));
        buffer.clear();
        writeLine(q, Json { { "jsonrpc", "2.0" }, { "id", 0 }, { "method", "initialize" },
                            { "params", Json { { "protocolVersion", "2025-11-25" }, { "capabilities", Json::object() } } } });
        QCOMPARE(readMessage(q, buffer)["id"].get<int>(), 0);
        writeLine(q, Json { { "jsonrpc", "2.0" }, { "id", 1 }, { "method", "tools/call" },
                            { "params", Json { { "name", "db_query" }, { "arguments", Json { { "table", "customers" } } } } } });
        m = readMessage(q, buffer);
        QVERIFY(m["result"].value("isError", false));
        QCOMPARE(m["result"]["structuredContent"]["error"]["code"].get<std::string>(), std::string("INSUFFICIENT_SCOPE"));
        QCOMPARE(m["result"]["structuredContent"]["error"]["details"]["scope"].get<std::string>(), std::string("warden.read"));
        q.closeWriteChannel();
        QVERIFY(q.waitForFinished(5000));
    }

    // A write that waits for an approval: the agent is refused with an approval id, an operator
    // approves it with `approvals approve` from another process, the identical call runs once.
    void approvalsFromTheCommandLine()
    {
        QFile demoPolicy(m_dir.filePath(QStringLiteral("policy.json")));
        QVERIFY(demoPolicy.open(QIODevice::ReadOnly));
        Json policy = *StrictJson::parse(demoPolicy.readAll().toStdString());
        policy["tables"]["orders"]["write"] = true;
        policy["tables"]["orders"]["writes"] = Json { { "approval", "always" } };
        writeConfig(QStringLiteral("writes-policy.json"), QByteArray::fromStdString(policy.dump(2)));
        const QString config = demoConfigWith(QStringLiteral("writes.json"), [](Json &c) { c["policy"] = "writes-policy.json"; });
        const QStringList cfg { QStringLiteral("--config"), config };

        QProcess p;
        ProcessGuard guard { p };
        startServer(p, cfg + QStringList { QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        QByteArray buffer;
        QVERIFY(initialize(p, buffer));
        const auto call = [&](int id, const std::string &tool, Json arguments) {
            writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", id }, { "method", "tools/call" },
                                { "params", Json { { "name", tool }, { "arguments", std::move(arguments) } } } });
            return readMessage(p, buffer)["result"]["structuredContent"];
        };
        const Json first = call(1, "db_query", Json { { "table", "orders" }, { "select", Json::array({ "id" }) }, { "take", 1 },
                                                         { "where", Json { { "field", "id" }, { "op", "lt" }, { "value", 1000 } } } });
        QVERIFY2(first.contains("rows") && !first["rows"].empty(), first.dump().c_str());
        const Json update { { "table", "orders" }, { "id", first["rows"][0]["id"] }, { "values", Json { { "status", "cancelled" } } },
                            { "reason", "the customer asked" } };
        const Json pending = call(2, "db_update", update);
        QCOMPARE(pending["error"]["code"].get<std::string>(), std::string("APPROVAL_REQUIRED"));
        const std::string id = pending["error"]["details"]["approval_id"].get<std::string>();

        const Run listed = run(QStringList { QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--json") } + cfg);
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(listed.out.contains(QByteArray::fromStdString(id)) && listed.out.contains("\"pending\""), listed.out.constData());
        // The operator sees the exact call, values included, while it is pending.
        QVERIFY2(listed.out.contains("\"cancelled\""), listed.out.constData());
        const Run listedText = run(QStringList { QStringLiteral("approvals"), QStringLiteral("list") } + cfg);
        QCOMPARE(listedText.exitCode, 0);
        QVERIFY2(listedText.out.contains("\"status\":\"cancelled\""), listedText.out.constData());
        const Run approved = run(QStringList { QStringLiteral("approvals"), QStringLiteral("approve"), QString::fromStdString(id),
                                               QStringLiteral("--as"), QStringLiteral("olga"), QStringLiteral("--reason"),
                                               QStringLiteral("checked with the customer") }
                                 + cfg);
        QCOMPARE(approved.exitCode, 0);
        const Run decidedList = run(QStringList { QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--all"),
                                                  QStringLiteral("--json") }
                                    + cfg);
        QVERIFY2(decidedList.out.contains("\"decision_reason\": \"checked with the customer\""), decidedList.out.constData());
        QVERIFY2(!decidedList.out.contains("cancelled"), decidedList.out.constData()); // gone once decided
        QCOMPARE(run(QStringList { QStringLiteral("approvals"), QStringLiteral("deny"), QString::fromStdString(id),
                                   QStringLiteral("--reason") }
                     + cfg)
                     .exitCode,
                 2);
        QCOMPARE(run(QStringList { QStringLiteral("approvals"), QStringLiteral("deny"), QString::fromStdString(id) } + cfg).exitCode, 1);

        Json retry = update;
        retry["approval_id"] = id;
        const Json done = call(3, "db_update", retry);
        QVERIFY2(!done.contains("error"), done.dump().c_str());
        QCOMPARE(done["row"]["status"].get<std::string>(), std::string("cancelled"));
        QCOMPARE(call(4, "db_update", retry)["error"]["code"].get<std::string>(), std::string("APPROVAL_REQUIRED"));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));
        const Run all = run(QStringList { QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--all") } + cfg);
        QVERIFY2(all.out.contains(QByteArray::fromStdString(id + "  used  db_update orders")), all.out.constData());
    }

    // Over stdio a rate-limited call is a RATE_LIMITED tool error that says how long to wait.
    void stdioRateLimitIsAToolErrorWithTheWait()
    {
        const QString limited = demoConfigWith(QStringLiteral("limited.json"), [](Json &config) {
            config["limits"] = Json { { "principal", Json { { "per_minute", 2 }, { "burst", 1 } } } };
        });
        QProcess p;
        ProcessGuard guard { p };
        startServer(p, { QStringLiteral("--config"), limited, QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        QByteArray buffer;
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 0 }, { "method", "initialize" },
                            { "params", Json { { "protocolVersion", "2025-11-25" }, { "capabilities", Json::object() } } } });
        QCOMPARE(readMessage(p, buffer)["id"].get<int>(), 0);
        const Json call = Json { { "name", "db_describe_schema" }, { "arguments", Json::object() } };
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 1 }, { "method", "tools/call" }, { "params", call } });
        Json m = readMessage(p, buffer);
        QVERIFY2(!m["result"].value("isError", false), m.dump().c_str());
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 2 }, { "method", "tools/call" }, { "params", call } });
        m = readMessage(p, buffer);
        QVERIFY2(m["result"].value("isError", false), m.dump().c_str());
        const Json error = m["result"]["structuredContent"]["error"];
        QCOMPARE(error["code"].get<std::string>(), std::string("RATE_LIMITED"));
        // Two per minute: the next call is due in about 30 s.
        const auto wait = error["details"]["retry_after_ms"].get<std::int64_t>();
        QVERIFY2(wait > 20000 && wait <= 30000, m.dump().c_str());
        // A list request is rate limited too, as a JSON-RPC error with the same code.
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 3 }, { "method", "tools/list" } });
        m = readMessage(p, buffer);
        QCOMPARE(m["error"]["data"]["code"].get<std::string>(), std::string("RATE_LIMITED"));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));
    }

    void stdioExitsOnImmediateEof()
    {
        // A client that starts the server and closes stdin at once.
        QProcess p;
        ProcessGuard guard { p };
        startServer(p, { QStringLiteral("--config"), m_config, QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        QTest::qWait(300); // let it finish starting
        QElapsedTimer t;
        t.start();
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));
        QVERIFY2(t.elapsed() < 1000, QByteArray::number(t.elapsed()).constData());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(p.readAllStandardOutput().isEmpty(), "no banner or log on stdout");
    }

    void stdioStdoutCarriesOnlyJsonRpc()
    {
        // Even with debug logging on, logs go to stderr.
        const QString path = demoConfigWith(QStringLiteral("debug.json"), [](Json &config) {
            config["log_level"] = "debug";
        });
        QProcess p;
        ProcessGuard guard { p };
        startServer(p, { QStringLiteral("--config"), path, QStringLiteral("--stdio") });
        QVERIFY(p.waitForStarted(10000));
        writeLine(
            p,
            Json { { "jsonrpc", "2.0" },
                   { "id", 1 },
                   { "method", "initialize" },
                   { "params",
                     Json { { "protocolVersion", "2025-06-18" },
                            { "capabilities", Json::object() },
                            { "clientInfo", Json { { "name", "c" }, { "version", "1" } } } } } });
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "method", "notifications/initialized" } });
        writeLine(p,
                  Json { { "jsonrpc", "2.0" },
                         { "id", 2 },
                         { "method", "tools/call" },
                         { "params",
                           Json { { "name", "db_describe_schema" },
                                  { "arguments", Json::object() } } } });
        writeLine(p, Json { { "jsonrpc", "2.0" }, { "id", 3 }, { "method", "nope" } });
        QByteArray buffer;
        std::set<int> ids;
        for (int i = 0; i < 3; ++i) {
            const Json m = readMessage(p, buffer);
            QVERIFY(m.is_object());
            if (m.contains("id") && m["id"].is_number_integer())
                ids.insert(m["id"].get<int>());
        }
        QCOMPARE(ids, (std::set<int> { 1, 2, 3 }));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(5000));
        buffer += p.readAllStandardOutput();
        for (const QByteArray &line : buffer.split('\n'))
            if (!line.isEmpty())
                QVERIFY2(parseLine(line).has_value(), line.left(200).constData());
    }
};

QTEST_GUILESS_MAIN(TestServerCommandLine)
#include "TestServerCommandLine.moc"
