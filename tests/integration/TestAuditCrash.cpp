// Crash safety of the audit trail: warden-server is killed with SIGKILL at random moments
// while clients keep calls in flight, many times over one store. After every kill the chain
// verifies, and every call a client saw answered has both its request and its outcome record.
#include "../McpHttpRequest.h"
#include "audit/AuditKeys.h"
#include "audit/AuditVerifier.h"
#include "common/StrictJson.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <set>

using namespace warden;

namespace {

const QByteArray kAuditKey = "crash-test-audit-key-0123456789abcdef";

// One client session that keeps one tools/call in flight at a time and notes every call
// whose result it received.
class Caller : public QObject
{
public:
    Caller(QUrl url, int base, std::set<std::string> *answered)
        : m_url(std::move(url))
        , m_next(base)
        , m_answered(answered)
    {
    }

    void start()
    {
        post(Json{{"jsonrpc", "2.0"}, {"id", "init"}, {"method", "initialize"},
                  {"params", Json{{"protocolVersion", "2025-11-25"}, {"capabilities", Json::object()},
                                  {"clientInfo", Json{{"name", "crash-test"}, {"version", "1"}}}}}},
             [this](QNetworkReply *r, const Json &) {
                 m_session = r->rawHeader("Mcp-Session-Id");
                 if (m_session.isEmpty())
                     return;
                 post(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
                      [this](QNetworkReply *, const Json &) { callNext(); });
             });
    }

    void stop() { m_stopped = true; }

private:
    void callNext()
    {
        if (m_stopped)
            return;
        const std::string id = "c" + std::to_string(++m_next);
        post(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
                  {"params", Json{{"name", "db_query"},
                                  {"arguments", Json{{"table", "products"}, {"select", Json::array({"id"})}, {"take", 1}}}}}},
             [this, id](QNetworkReply *, const Json &reply) {
                 const auto result = reply.find("result");
                 if (result != reply.end() && !result->value("isError", false))
                     m_answered->insert(id);
                 callNext();
             });
    }

    void post(const Json &message, std::function<void(QNetworkReply *, const Json &)> then)
    {
        const QNetworkRequest request = test::mcpPostRequest(m_url, m_session);
        QNetworkReply *reply = m_nam.post(request, QByteArray::fromStdString(message.dump()));
        QObject::connect(reply, &QNetworkReply::finished, this, [reply, then = std::move(then)] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError)
                return; // the server died: this call was not answered
            const QByteArray body = reply->readAll();
            auto json = StrictJson::parse(body.toStdString());
            then(reply, json ? *json : Json::object());
        });
    }

    QNetworkAccessManager m_nam;
    QUrl m_url;
    QByteArray m_session;
    int m_next;
    std::set<std::string> *m_answered;
    bool m_stopped = false;
};

} // namespace

class TestAuditCrash : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir { qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath()) + QStringLiteral("/audit-crash-XXXXXX") };
    QString m_config;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("WARDEN_CRASH_AUDIT_KEY"), QString::fromLatin1(kAuditKey));
        return env;
    }

    // Rows of the trail: rpc_id -> kinds recorded for it ("request", "outcome").
    std::map<std::string, std::set<std::string>> recordedCalls() const
    {
        std::map<std::string, std::set<std::string>> calls;
        std::map<std::int64_t, std::string> requestIds;
        sqlite3 *db = nullptr;
        sqlite3_open_v2(QFile::encodeName(m_dir.filePath(QStringLiteral("audit.db"))).constData(), &db,
                        SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt *stmt = nullptr;
        sqlite3_prepare_v2(db, "SELECT body FROM audit_records WHERE kind IN ('request', 'outcome') ORDER BY seq", -1,
                           &stmt, nullptr);
        while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
            const Json body = Json::parse(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
            const std::string id = body.value("rpc_id", std::string());
            calls[id].insert(body.value("kind", std::string()));
            if (body.value("kind", std::string()) == "outcome") {
                // The outcome must point at this call's own request record.
                const auto req = requestIds.find(body.value("request_seq", std::int64_t(0)));
                if (req == requestIds.end() || req->second != id)
                    calls[id].insert("outcome-without-its-request");
            } else {
                requestIds[body.value("seq", std::int64_t(0))] = id;
            }
        }
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return calls;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QProcess demo;
        demo.setProcessEnvironment(environment());
        demo.start(QStringLiteral(WARDEN_SERVER_BINARY),
                   { QStringLiteral("demo"), QStringLiteral("create"), m_dir.filePath(QStringLiteral("shop.db")) });
        QVERIFY(demo.waitForFinished(120000));
        QCOMPARE(demo.exitCode(), 0);
        QFile f(m_dir.filePath(QStringLiteral("warden.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        Json config = *StrictJson::parse(f.readAll().toStdString());
        f.close();
        config["secrets"] = Json{{"audit_key", "env:WARDEN_CRASH_AUDIT_KEY"}};
        config["audit"] = Json{{"path", "audit.db"}, {"checkpoint_every_records", 50}};
        m_config = m_dir.filePath(QStringLiteral("crash.json"));
        QFile out(m_config);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QByteArray::fromStdString(config.dump(2)));
    }

    void killedServersLoseNoAnsweredCall()
    {
        const int rounds = qEnvironmentVariableIntValue("WARDEN_CRASH_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("WARDEN_CRASH_ROUNDS")
                               : 20;
        std::set<std::string> answered;
        QRandomGenerator random(20261122);
        int killedWithCallsInFlight = 0;
        for (int round = 0; round < rounds; ++round) {
            QProcess server;
            server.setProcessEnvironment(environment());
            server.start(QStringLiteral(WARDEN_SERVER_BINARY),
                         { QStringLiteral("--config"), m_config, QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--dev"), QStringLiteral("--allow-anonymous") });
            QVERIFY(server.waitForStarted(10000));
            QByteArray err;
            QElapsedTimer started;
            started.start();
            QString url;
            while (url.isEmpty() && started.elapsed() < 30000) {
                server.waitForReadyRead(200);
                err += server.readAllStandardError();
                const qsizetype at = err.indexOf("listening on http://");
                if (at >= 0 && err.indexOf('\n', at) > at)
                    url = QString::fromUtf8(err.mid(at + 13, err.indexOf('\n', at) - at - 13)).trimmed();
            }
            QVERIFY2(!url.isEmpty(), err.constData());

            std::vector<std::unique_ptr<Caller>> callers;
            const std::size_t before = answered.size();
            for (int c = 0; c < 4; ++c) {
                callers.push_back(std::make_unique<Caller>(QUrl(url), (round * 4 + c) * 100000, &answered));
                callers.back()->start();
            }
            // Let calls flow, then kill at a random moment: mid-commit, mid-query, mid-reply.
            QTest::qWait(int(150 + random.bounded(400)));
            QVERIFY2(answered.size() > before, "no call was answered before the kill");
            ::kill(pid_t(server.processId()), SIGKILL);
            QVERIFY(server.waitForFinished(10000));
            QCOMPARE(server.exitStatus(), QProcess::CrashExit);
            for (auto &c : callers)
                c->stop();
            QTest::qWait(50); // let the failed replies settle
            ++killedWithCallsInFlight;

            // The chain verifies after every kill; the next server continues it.
            auto report = audit::AuditVerifier::verify(m_dir.filePath(QStringLiteral("audit.db")),
                                                       audit::AuditKeys(kAuditKey.toStdString()));
            QVERIFY(report.ok());
            QVERIFY2(report->intact, ("round " + std::to_string(round) + ": " + report->problem).c_str());
        }

        const auto recorded = recordedCalls();
        int checked = 0;
        for (const std::string &id : answered) {
            const auto it = recorded.find(id);
            QVERIFY2(it != recorded.end(), ("answered call " + id + " has no audit record").c_str());
            QVERIFY2(it->second.count("request") && it->second.count("outcome"),
                     ("answered call " + id + " lacks its request or outcome record").c_str());
            QVERIFY2(!it->second.count("outcome-without-its-request"),
                     ("the outcome of " + id + " does not point at its request").c_str());
            ++checked;
        }
        qInfo("%d kills; %d answered calls, each with both records; %zu calls in the trail", killedWithCallsInFlight,
              checked, recorded.size());
        QVERIFY(checked > rounds);
    }
};

QTEST_GUILESS_MAIN(TestAuditCrash)
#include "TestAuditCrash.moc"
