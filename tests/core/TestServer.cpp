// The in-process Server as its callers see it: started from a real configuration file over a
// real SQLite database, spoken to over Streamable HTTP on 127.0.0.1. Covers the keys it takes
// from the secret store (secrets.hash_key / cursor_key), hot policy reload reaching tool calls,
// and the policy history file.

#include "../McpTestClient.h"
#include "approvals/ApprovalStore.h"
#include "audit/ArgumentSanitizer.h"
#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"
#include "auth/ApiKeyStore.h"
#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "crypto/Crypto.h"
#include "server/AuditService.h"
#include "server/PolicyStore.h"
#include "server/Server.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

using namespace warden;

namespace {

const char *const kHashKeyVar = "WARDEN_TEST_HASH_KEY";
const char *const kCursorKeyVar = "WARDEN_TEST_CURSOR_KEY";
const char *const kAuditKeyVar = "WARDEN_TEST_AUDIT_KEY";
const QByteArray kAuditKey = "test-audit-key-0123456789abcdef-012345678";
const QByteArray kHashKey = "test-hash-key-0123456789abcdef-0123456789";
const QByteArray kCursorKey = "test-cursor-key-0123456789abcdef-012345678";
const std::string kNationalId = "123-45-6789";

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

Json policyDoc(const std::string &nationalIdAction)
{
    return Json{{"version", 1},
                {"tables", Json{{"people", Json{{"columns", Json{{"national_id", Json{{"action", nationalIdAction}}}}}}}}}};
}

using test::McpClient;

// Every record body of an SQLite audit store, in chain order.
std::vector<Json> auditBodies(const QString &store)
{
    std::vector<Json> bodies;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(store).constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return bodies;
    }
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT body FROM audit_records ORDER BY seq", -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        bodies.push_back(Json::parse(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return bodies;
}

} // namespace

class TestServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    // warden.json next to people.db and policy.json; `secrets` goes in as given.
    // `extra` replaces top-level keys (auth, limits, mode...).
    ServerConfig config(const Json &secrets = Json(), const Json &audit = Json(), const Json &principal = Json(),
                        const Json &extra = Json()) const
    {
        Json doc = Json{{"version", 1},
                        {"database", Json{{"driver", "sqlite"}, {"path", "people.db"}, {"pool_size", 1}}},
                        {"policy", "policy.json"},
                        {"policy_history", "state/policy-history.db"},
                        {"mode", "development"},
                        {"auth", Json{{"anonymous", true}}},
                        {"transports", Json{{"http", Json{{"enabled", true}, {"listen", "127.0.0.1:0"}}}}}};
        if (!secrets.is_null())
            doc["secrets"] = secrets;
        if (!audit.is_null())
            doc["audit"] = audit;
        if (!principal.is_null())
            doc["local_principal"] = principal;
        if (extra.is_object())
            for (auto it = extra.begin(); it != extra.end(); ++it)
                doc[it.key()] = it.value();
        if (!writeFile(path("warden.json"), QByteArray::fromStdString(doc.dump(2))))
            qFatal("cannot write the configuration");
        auto c = ServerConfig::load(path("warden.json"));
        if (!c)
            qFatal("configuration refused: %s", c.error().message.c_str());
        return *c;
    }

    // national_id of person 1 as a fresh server start shows it.
    std::string nationalIdSeenByANewServer(const ServerConfig &c)
    {
        Server server(c, Server::Options{});
        const Status s = server.startNow();
        if (!s) {
            qWarning("start failed: %s", s.error().message.c_str());
            return {};
        }
        McpClient client(server.httpPort());
        if (!client.open())
            return {};
        const Json r = client.callTool("db_query", Json{{"table", "people"}, {"select", Json::array({"national_id"})},
                                                         {"where", Json{{"field", "id"}, {"op", "eq"}, {"value", 1}}}});
        const Json rows = r.value("rows", Json::array());
        if (rows.size() != 1) {
            qWarning("unexpected result %s", r.dump().c_str());
            return {};
        }
        return rows[0].value("national_id", std::string());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path("people.db")).constData(), &db), SQLITE_OK);
        const char *sql = "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, national_id TEXT);"
                          "INSERT INTO people VALUES (1, 'Ada', '123-45-6789'), (2, 'Bob', '987-65-4321'),"
                          " (3, 'Cy', '555-55-5555');";
        QCOMPARE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }

    void init()
    {
        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(policyDoc("hash").dump(2))));
        qputenv(kHashKeyVar, kHashKey);
        qputenv(kCursorKeyVar, kCursorKey);
        qputenv(kAuditKeyVar, kAuditKey);
    }

    // Each call leaves a request record before it runs and an outcome record before its
    // result is released; a value compared with a hashed column is stored only as an HMAC.
    void callsAreAudited()
    {
        const QString store = path("state/audited.db");
        QFile::remove(store);
        const ServerConfig c = config(Json{{"audit_key", std::string("env:") + kAuditKeyVar}},
                                      Json{{"path", "state/audited.db"}});
        {
            Server server(c, Server::Options{});
            QVERIFY(server.startNow().ok());
            // This configuration lets anonymous development callers in: the server says so.
            QVERIFY2(server.securityNotice().contains(QStringLiteral("Development mode")), qPrintable(server.securityNotice()));
            McpClient client(server.httpPort());
            QVERIFY(client.open());
            const Json r = client.callTool(
                "db_query", Json{{"table", "people"},
                                 {"select", Json::array({"id"})},
                                 {"where", Json::array({Json{{"field", "name"}, {"op", "eq"}, {"value", "Ada"}},
                                                        Json{{"field", "national_id"}, {"op", "eq"}, {"value", kNationalId}}})}});
            QVERIFY2(r.contains("rows") || r.contains("error"), r.dump().c_str());
            const Json all = client.callTool("db_query", Json{{"table", "people"}, {"select", Json::array({"id", "national_id"})}});
            QVERIFY2(all.contains("rows"), all.dump().c_str());
            server.stop();
        }
        auto keys = Server::auditKeys(c);
        QVERIFY(keys.ok());
        auto report = audit::AuditVerifier::verify(store, *keys);
        QVERIFY(report.ok());
        QVERIFY2(report->intact, report->problem.c_str());
        QCOMPARE(report->records, std::int64_t(6)); // start, 2 × (request, outcome), stop

        const std::vector<Json> bodies = auditBodies(store);
        QCOMPARE(bodies.size(), std::size_t(6));
        QCOMPARE(q(bodies[0]["kind"].get<std::string>()), QStringLiteral("server_start"));
        const Json &request = bodies[1];
        const Json &outcome = bodies[2];
        QCOMPARE(q(request["kind"].get<std::string>()), QStringLiteral("request"));
        QCOMPARE(q(request["target"].get<std::string>()), QStringLiteral("db_query"));
        QCOMPARE(q(request["client"]["name"].get<std::string>()), QStringLiteral("TestServer"));
        QVERIFY(!request["policy_version"].get<std::string>().empty());
        const Json &where = request["arguments"]["where"];
        QCOMPARE(q(where[0]["value"].get<std::string>()), QStringLiteral("Ada")); // an allowed column: in clear
        QCOMPARE(q(where[1]["value"].get<std::string>()),
                 q(audit::ArgumentSanitizer::hmacOf(Json(kNationalId), *keys))); // a hashed column: HMAC only
        QCOMPARE(q(outcome["kind"].get<std::string>()), QStringLiteral("outcome"));
        QCOMPARE(outcome["request_seq"].get<std::int64_t>(), request["seq"].get<std::int64_t>());
        QVERIFY(outcome.contains("duration_us"));
        // What the second call did: tables, SQL fingerprint, rows, and the policy decisions.
        const Json &second = bodies[4];
        QCOMPARE(q(second["kind"].get<std::string>()), QStringLiteral("outcome"));
        QCOMPARE(q(second["outcome"].get<std::string>()), QStringLiteral("ok"));
        QVERIFY2(second["tables"] == Json::array({"people"}), second.dump().c_str());
        QCOMPARE(second["sql_fingerprint"].get<std::string>().size(), std::size_t(16));
        QCOMPARE(second["rows"].get<std::int64_t>(), std::int64_t(3));
        bool redacted = false;
        for (const auto &d : second["decisions"])
            redacted = redacted || (d.value("kind", "") == "redact" && d.value("field", "") == "national_id");
        QVERIFY2(redacted, second["decisions"].dump().c_str());
        QCOMPARE(q(bodies[5]["kind"].get<std::string>()), QStringLiteral("server_stop"));
        // The clear value is nowhere in the store's bytes.
        QFile raw(store);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains(QByteArray::fromStdString(kNationalId)));
    }

    // The console's audit service lives as long as the server: it reads the trail whether
    // the server runs or not, follows its commits, and hashes a value with its audit key to
    // the HMAC a real call stored for it.
    void auditServiceFollowsTheServer()
    {
        QFile::remove(path("state/viewer.db"));
        const ServerConfig c = config(Json{{"audit_key", std::string("env:") + kAuditKeyVar}},
                                      Json{{"path", "state/viewer.db"}});
        Server server(c, Server::Options{});
        AuditService *audit = server.auditService();
        QVERIFY(audit);
        std::optional<Result<std::int64_t>> count;
        audit->fetchCount({}, this, [&count](const Result<std::int64_t> &n) { count.emplace(n); });
        QTRY_VERIFY(count.has_value());
        QVERIFY(!count->ok()); // no trail before the first start
        QVERIFY2(count->error().message.find("start the server once") != std::string::npos,
                 count->error().message.c_str());

        QSignalSpy changed(audit, &AuditService::storeChanged);
        QSignalSpy appended(audit, &AuditService::recordsAppended);
        audit->setLiveUpdates(true);
        QVERIFY(server.startNow().ok());
        QCOMPARE(changed.count(), 1);
        QTRY_VERIFY(!appended.isEmpty()); // the server_start record
        const qint64 started = appended.last().at(0).toLongLong();
        McpClient client(server.httpPort());
        QVERIFY(client.open());
        client.callTool("db_query", Json{{"table", "people"},
                                         {"select", Json::array({"id"})},
                                         {"where", Json{{"field", "national_id"}, {"op", "eq"}, {"value", kNationalId}}}});
        QTRY_VERIFY(appended.last().at(0).toLongLong() >= started + 2); // request and outcome

        std::optional<Result<audit::AuditPage>> page;
        AuditService::PageRequest request;
        request.filter.kind = "request";
        audit->fetchPage(request, this, [&page](const Result<audit::AuditPage> &p) { page.emplace(p); });
        QTRY_VERIFY(page.has_value());
        QVERIFY(page->ok() && (**page).records.size() == 1);
        const Json stored = (**page).records[0].body["arguments"]["where"]["value"];
        std::optional<Result<std::string>> hmac;
        audit->hashValue(QString::fromStdString(kNationalId), this,
                         [&hmac](const Result<std::string> &h) { hmac.emplace(h); });
        QTRY_VERIFY(hmac.has_value());
        QVERIFY(hmac->ok());
        QCOMPARE(q(**hmac), q(stored.get<std::string>()));

        server.stop();
        count.reset();
        audit->fetchCount({}, this, [&count](const Result<std::int64_t> &n) { count.emplace(n); });
        QTRY_VERIFY(count.has_value());
        QVERIFY(count->ok());
        QCOMPARE(**count, std::int64_t(4)); // start, request, outcome, stop: read with the server stopped
        audit->setLiveUpdates(false);
    }

    // A trail that cannot take a record within the write timeout: the call is refused with
    // AUDIT_UNAVAILABLE and nothing runs; once the trail is writable again, calls go through.
    void callsAreRefusedWhileTheTrailIsBlocked()
    {
        const QString store = path("state/blocked.db");
        QFile::remove(store);
        const ServerConfig c = config(Json{{"audit_key", std::string("env:") + kAuditKeyVar}},
                                      Json{{"path", "state/blocked.db"}, {"write_timeout_ms", 200}});
        Server server(c, Server::Options{});
        QVERIFY(server.startNow().ok());
        McpClient client(server.httpPort());
        QVERIFY(client.open());
        const Json query{{"table", "people"}, {"select", Json::array({"id"})}};
        QVERIFY(client.callTool("db_query", query).contains("rows"));

        sqlite3 *blocker = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(store).constData(), &blocker), SQLITE_OK);
        QCOMPARE(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        const Json refused = client.callTool("db_query", query);
        QVERIFY2(refused.contains("error"), refused.dump().c_str());
        QCOMPARE(q(refused["error"]["code"].get<std::string>()), QStringLiteral("AUDIT_UNAVAILABLE"));
        QVERIFY(!server.auditLog()->isHealthy());
        // The server says so, with what to do (the console shows it in its banner).
        QTRY_VERIFY(server.healthProblem().contains(QStringLiteral("audit trail")));
        sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(blocker);

        QTRY_VERIFY_WITH_TIMEOUT(server.auditLog()->isHealthy(), 5000);
        QTRY_VERIFY(server.healthProblem().isEmpty());
        QVERIFY(client.callTool("db_query", query).contains("rows"));
        server.stop();
    }

    void hashIsStableAcrossStartsWithAConfiguredKey()
    {
        const ServerConfig c = config(Json{{"hash_key", std::string("env:") + kHashKeyVar}});
        QCOMPARE(c.secrets.hashKeyRef, QString::fromLatin1("env:") + QString::fromLatin1(kHashKeyVar));
        const std::string first = nationalIdSeenByANewServer(c);
        const std::string second = nationalIdSeenByANewServer(c);
        QVERIFY(!first.empty());
        QCOMPARE(q(second), q(first));
        // It is HMAC-SHA256 under the configured secret, reproducible by whoever holds the key.
        QCOMPARE(q(first), q("hmac-sha256:" + crypto::toHex(crypto::hmacSha256(kHashKey.toStdString(), kNationalId))));
    }

    void hashChangesPerRunWithoutAKey()
    {
        const ServerConfig c = config();
        const std::string first = nationalIdSeenByANewServer(c);
        const std::string second = nationalIdSeenByANewServer(c);
        QVERIFY(q(first).startsWith(QStringLiteral("hmac-sha256:")));
        QVERIFY(q(second).startsWith(QStringLiteral("hmac-sha256:")));
        QVERIFY(first != second);
    }

    void cursorsSurviveARestartWithAConfiguredKey()
    {
        for (const bool configured : {true, false}) {
            const ServerConfig c = configured ? config(Json{{"cursor_key", std::string("env:") + kCursorKeyVar}}) : config();
            const Json query = Json{{"table", "people"}, {"select", Json::array({"id"})}, {"take", 1}};
            std::string cursor;
            {
                Server server(c, Server::Options{});
                QVERIFY(server.startNow().ok());
                McpClient client(server.httpPort());
                QVERIFY(client.open());
                const Json page = client.callTool("db_query", query);
                QVERIFY2(page.value("next_cursor", Json()).is_string(), page.dump().c_str());
                cursor = page["next_cursor"].get<std::string>();
            }
            Server restarted(c, Server::Options{});
            QVERIFY(restarted.startNow().ok());
            McpClient client(restarted.httpPort());
            QVERIFY(client.open());
            Json next = query;
            next["cursor"] = cursor;
            const Json page = client.callTool("db_query", next);
            if (configured) {
                QVERIFY2(page.contains("rows"), page.dump().c_str());
                QCOMPARE(QString::fromStdString(page["rows"][0]["id"].dump()), QStringLiteral("2"));
            } else {
                QCOMPARE(q(page["error"]["code"].get<std::string>()), QStringLiteral("INVALID_CURSOR"));
            }
        }
    }

    void unresolvableReferenceStopsTheStart()
    {
        qunsetenv(kHashKeyVar);
        Server server(config(Json{{"hash_key", std::string("env:") + kHashKeyVar}}), Server::Options{});
        const Status s = server.startNow();
        QVERIFY(!s.ok());
        QVERIFY2(q(s.error().message).startsWith(QStringLiteral("secrets.hash_key: ")), s.error().message.c_str());
        QVERIFY2(q(s.error().message).contains(QString::fromLatin1(kHashKeyVar)), s.error().message.c_str());
        QCOMPARE(server.state(), ServerInterface::State::Failed);
        QVERIFY(!server.policyStore());

        // A key too short to be a key is refused, without showing it.
        qputenv(kCursorKeyVar, "short-key");
        Server weak(config(Json{{"cursor_key", std::string("env:") + kCursorKeyVar}}), Server::Options{});
        const Status w = weak.startNow();
        QVERIFY(!w.ok());
        QVERIFY2(q(w.error().message).contains(QStringLiteral("secrets.cursor_key")), w.error().message.c_str());
        QVERIFY2(q(w.error().message).contains(QStringLiteral("shorter than 16 bytes")), w.error().message.c_str());
        QVERIFY(!q(w.error().message).contains(QStringLiteral("short-key")));
    }

    // A role override reaches tool calls: the caller's roles come from the principal (here
    // the configured local principal), never from arguments.
    // Rate limits per principal: HTTP answers 429 with Retry-After and the RATE_LIMITED error;
    // another principal is not affected; the refusal is in the audit trail.
    void rateLimitsAnswer429AndSpareOthers()
    {
        auto keys = auth::ApiKeyStore::open(path("state/rate-keys.db"), auth::ApiKeyStore::Access::ReadWrite);
        QVERIFY(keys.ok());
        auth::ApiKeyRequest request;
        request.principal.userId = "flooder";
        const auto flooder = (*keys)->create(request);
        request.principal.userId = "bystander";
        const auto bystander = (*keys)->create(request);
        QVERIFY(flooder.ok() && bystander.ok());
        const QString store = path("state/rate-audit.db");
        QFile::remove(store);
        const ServerConfig c = config(Json(), Json{{"path", "state/rate-audit.db"}}, Json(),
                                      Json{{"mode", "production"},
                                           {"auth", Json{{"api_keys", Json{{"enabled", true}, {"path", "state/rate-keys.db"}}}}},
                                           {"limits", Json{{"principal", Json{{"per_minute", 6}, {"burst", 3}}},
                                                           {"usage_store", Json{{"path", "state/rate-usage.db"}}}}}});
        Server server(c, Server::Options{});
        QVERIFY(server.startNow().ok());
        McpClient a(server.httpPort(), "Bearer " + QByteArray::fromStdString(*flooder));
        QVERIFY(a.open());
        const Json list = Json{{"table", "people"}, {"select", Json::array({"id"})}};
        Json refused;
        for (int i = 0; i < 10 && refused.is_null(); ++i) {
            const Json r = a.callTool("db_query", list);
            if (a.lastStatus() == 429)
                refused = r;
            else
                QVERIFY2(r.contains("rows"), r.dump().c_str());
        }
        QVERIFY2(!refused.is_null(), "ten calls in a row were all admitted");
        QVERIFY(a.lastRetryAfter().toInt() >= 1);
        QCOMPARE(q(refused["error"]["code"].get<std::string>()), QStringLiteral("RATE_LIMITED"));
        QVERIFY(refused["error"]["details"]["retry_after_ms"].get<std::int64_t>() > 0);

        McpClient b(server.httpPort(), "Bearer " + QByteArray::fromStdString(*bystander));
        QVERIFY(b.open());
        QVERIFY(b.callTool("db_query", list).contains("rows"));
        QCOMPARE(b.lastStatus(), 200);
        server.stop();

        bool denial = false;
        for (const Json &body : auditBodies(store))
            denial = denial
                || (body.value("kind", "") == "denial" && body.value("error_code", "") == "RATE_LIMITED"
                    && body["principal"].value("user", "") == "flooder");
        QVERIFY(denial);
    }

    // Every failed authentication is answered 401; each gets its own audit record up to a rate
    // per address, and the rest are counted, so a flood of bad keys is fully accounted for
    // without one durable write each.
    void authFailureFloodIsCountedNotWrittenOneByOne()
    {
        const QString store = path("state/flood-audit.db");
        QFile::remove(store);
        const ServerConfig c = config(Json(), Json{{"path", "state/flood-audit.db"}}, Json(),
                                      Json{{"mode", "production"},
                                           {"auth", Json{{"api_keys", Json{{"enabled", true}, {"path", "state/flood-keys.db"}}}}},
                                           {"limits", Json{{"usage_store", Json{{"path", "state/flood-usage.db"}}}}}});
        constexpr int kAttempts = 150;
        {
            Server server(c, Server::Options{});
            QVERIFY(server.startNow().ok());
            for (int i = 0; i < kAttempts; ++i) {
                McpClient guess(server.httpPort(), "Bearer wk_0123456789abcdef_" + QByteArray(43, char('A' + i % 26)));
                QVERIFY(!guess.open());
                QCOMPARE(guess.lastStatus(), 401);
            }
            server.stop();
        }
        std::int64_t recorded = 0;
        std::int64_t counted = 0;
        for (const Json &body : auditBodies(store)) {
            if (body.value("kind", "") != "auth_failure")
                continue;
            if (body["details"].value("reason", "") != "throttled")
                ++recorded;
            counted += body["details"].value("unrecorded_failures", std::int64_t(0));
            QVERIFY(body.dump().find("wk_0123456789abcdef_") == std::string::npos);
        }
        QVERIFY2(recorded >= 60 && recorded < kAttempts, qPrintable(QString::number(recorded)));
        QCOMPARE(recorded + counted, std::int64_t(kAttempts));
    }

    // Usage budgets refuse a call before it runs (BUDGET_EXCEEDED, a tool error) and hold
    // across a restart: the counters are in the usage store.
    void budgetsRefuseAndSurviveARestart()
    {
        QFile::remove(path("state/budget-usage.db"));
        const ServerConfig c = config(Json(), Json(), Json(),
                                      Json{{"limits", Json{{"budgets", Json{{"principal", Json{{"hour", Json{{"calls", 2}}}}}}},
                                                           {"usage_store", Json{{"path", "state/budget-usage.db"}}}}}});
        const Json list = Json{{"table", "people"}, {"select", Json::array({"id"})}};
        {
            Server server(c, Server::Options{});
            QVERIFY(server.startNow().ok());
            McpClient client(server.httpPort());
            QVERIFY(client.open());
            QVERIFY(client.callTool("db_query", list).contains("rows"));
            QVERIFY(client.callTool("db_query", list).contains("rows"));
            const Json third = client.callTool("db_query", list);
            QCOMPARE(client.lastStatus(), 200);
            QCOMPARE(q(third["error"]["code"].get<std::string>()), QStringLiteral("BUDGET_EXCEEDED"));
            QCOMPARE(q(third["error"]["details"]["metric"].get<std::string>()), QStringLiteral("calls"));
            QCOMPARE(q(third["error"]["details"]["window"].get<std::string>()), QStringLiteral("hour"));
            server.stop();
        }
        Server restarted(c, Server::Options{});
        QVERIFY(restarted.startNow().ok());
        McpClient client(restarted.httpPort());
        QVERIFY(client.open());
        const Json again = client.callTool("db_query", list);
        QCOMPARE(q(again["error"]["code"].get<std::string>()), QStringLiteral("BUDGET_EXCEEDED"));
    }

    // A row budget nearly spent caps what a query returns (marked truncated); once it is
    // spent, calls are refused.
    void rowBudgetCapsTheTake()
    {
        QFile::remove(path("state/rows-usage.db"));
        const ServerConfig c = config(Json(), Json(), Json(),
                                      Json{{"limits", Json{{"budgets", Json{{"principal", Json{{"hour", Json{{"rows", 2}}}}}}},
                                                           {"usage_store", Json{{"path", "state/rows-usage.db"}}}}}});
        Server server(c, Server::Options{});
        QVERIFY(server.startNow().ok());
        McpClient client(server.httpPort());
        QVERIFY(client.open());
        const Json first = client.callTool("db_query", Json{{"table", "people"}, {"select", Json::array({"id"})}, {"take", 10}});
        QVERIFY2(first.contains("rows"), first.dump().c_str());
        QCOMPARE(first["rows"].size(), std::size_t(2));
        QVERIFY(first["truncated"].get<bool>());
        const Json second = client.callTool("db_query", Json{{"table", "people"}, {"select", Json::array({"id"})}});
        QCOMPARE(q(second["error"]["code"].get<std::string>()), QStringLiteral("BUDGET_EXCEEDED"));
        QCOMPARE(q(second["error"]["details"]["metric"].get<std::string>()), QStringLiteral("rows"));
    }

    // Writes need "write": true: only then does the server open a read-write connection and
    // offer the write tools. An approval decided through the server's facade lets the identical
    // call run once, and the decision is an audit record.
    void writesAndApprovalsGoThroughTheServer()
    {
        const QString store = path("state/writes-audit.db");
        QFile::remove(store);
        const ServerConfig c = config(Json{{"audit_key", std::string("env:") + kAuditKeyVar}},
                                      Json{{"path", "state/writes-audit.db"}}, Json{{"user_id", "u1"}});
        const Json update{{"table", "people"}, {"id", 3}, {"values", Json{{"name", "Cyd"}}}, {"reason", "typo"}};
        {
            Server server(c, Server::Options{});
            QVERIFY(server.startNow().ok());
            QVERIFY(!server.approvals());
            McpClient client(server.httpPort());
            QVERIFY(client.open());
            const Json r = client.callTool("db_update", update);
            QVERIFY2(r.contains("protocol_error") || r.contains("error"), r.dump().c_str());
            server.stop();
        }
        Json policy = policyDoc("hash");
        policy["tables"]["people"]["write"] = true;
        policy["tables"]["people"]["writes"] = Json{{"approval", "always"}};
        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(policy.dump(2))));
        {
            Server server(c, Server::Options{});
            QVERIFY(server.startNow().ok());
            QVERIFY(server.approvals());
            McpClient client(server.httpPort());
            QVERIFY(client.open());
            const Json pending = client.callTool("db_update", update);
            QCOMPARE(q(pending["error"]["code"].get<std::string>()), QStringLiteral("APPROVAL_REQUIRED"));
            const std::string id = pending["error"]["details"]["approval_id"].get<std::string>();
            QVERIFY(server.approvals()->decide(id, true, "operator").ok());
            Json retry = update;
            retry["approval_id"] = id;
            const Json done = client.callTool("db_update", retry);
            QVERIFY2(!done.contains("error"), done.dump().c_str());
            QCOMPARE(q(done["row"]["name"].get<std::string>()), QStringLiteral("Cyd"));
            QCOMPARE(q(client.callTool("db_update", retry)["error"]["code"].get<std::string>()),
                     QStringLiteral("APPROVAL_REQUIRED"));
            server.stop();
        }
        QVERIFY(QFile::exists(path("state/approvals.db")));
        bool decision = false;
        for (const Json &body : auditBodies(store))
            decision = decision || (body.value("kind", std::string()) == "approval"
                                    && body["details"].value("decision", std::string()) == "approved");
        QVERIFY(decision);
    }

    void roleOverridesReachToolCalls()
    {
        Json policy = policyDoc("hash");
        policy["roles"] = Json{{"support", Json{{"tables", Json{{"people", Json{{"columns", Json{{"national_id", Json{{"action", "allow"}}}}}}}}}}}};
        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(policy.dump(2))));
        const Json query = Json{{"table", "people"}, {"select", Json::array({"national_id"})},
                                {"where", Json{{"field", "id"}, {"op", "eq"}, {"value", 1}}}};
        for (const bool support : {false, true}) {
            const Json principal{{"user_id", "u1"}, {"roles", support ? Json::array({"support"}) : Json::array()}};
            Server server(config(Json(), Json(), principal), Server::Options{});
            QVERIFY(server.startNow().ok());
            McpClient client(server.httpPort());
            QVERIFY(client.open());
            Json args = query;
            args["roles"] = Json::array({"support"}); // not an argument: refused, never obeyed
            QVERIFY(client.callTool("db_query", args).contains("error"));
            const std::string seen = client.callTool("db_query", query)["rows"][0]["national_id"].get<std::string>();
            if (support)
                QCOMPARE(q(seen), q(kNationalId));
            else
                QVERIFY(q(seen).startsWith(QStringLiteral("hmac-sha256:")));
            server.stop();
        }
    }

    void policyEditReachesNewCalls()
    {
        Server server(config(Json{{"hash_key", std::string("env:") + kHashKeyVar}}), Server::Options{});
        QVERIFY(server.startNow().ok());
        PolicyStore *store = server.policyStore();
        QVERIFY(store);
        store->setReloadDelay(std::chrono::milliseconds(50));
        QSignalSpy changed(store, &PolicyStore::policyChanged);
        McpClient client(server.httpPort());
        QVERIFY(client.open());
        const Json query = Json{{"table", "people"}, {"select", Json::array({"national_id"})},
                                {"where", Json{{"field", "id"}, {"op", "eq"}, {"value", 1}}}};
        QVERIFY(q(client.callTool("db_query", query)["rows"][0]["national_id"].get<std::string>())
                    .startsWith(QStringLiteral("hmac-sha256:")));

        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(policyDoc("allow").dump(2))));
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(q(client.callTool("db_query", query)["rows"][0]["national_id"].get<std::string>()), q(kNationalId));

        // Recorded in the configured history file, not in the user's data folder.
        QVERIFY(QFile::exists(path("state/policy-history.db")));
        QVERIFY(store->versions().size() >= 2);
        QCOMPARE(store->versions().back().source, QStringLiteral("reload"));
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "TestServer.moc"
