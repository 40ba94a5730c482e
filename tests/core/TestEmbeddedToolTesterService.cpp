// The query tester's engine side over a real embedded Server: the catalogue, calls as an
// impersonated principal through the real gate, policy and audit trail, the compiled SQL from
// db_explain, and what happens when the server is not there or stops mid-call.

#include "ToolTesterShop.h"

#include "audit/AuditQuery.h"
#include "limits/UsageMeter.h"
#include "server/EmbeddedToolTesterService.h"
#include "server/Server.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace warden;

namespace {

constexpr int kCallTimeoutMs = 15000;

Impersonation alice()
{
    return Impersonation {
        QStringLiteral("alice"), QStringLiteral("acme"), {}, { QStringLiteral("warden.read") }
    };
}

} // namespace

class TestEmbeddedToolTesterService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<ServerConfig> m_config;

    std::unique_ptr<Server> startServer()
    {
        Server::Options options;
        options.http = false;
        auto server = std::make_unique<Server>(*m_config, options);
        if (auto s = server->startNow(); !s) {
            qWarning("start failed: %s", s.error().message.c_str());
            return nullptr;
        }
        return server;
    }

    // Runs a call and waits for its answer.
    std::optional<ToolRun> call(ToolTesterService &service, const QString &tool,
                                const Json &arguments, const Impersonation &who = alice())
    {
        std::optional<ToolRun> result;
        service.run(tool, arguments, who, this, [&result](const ToolRun &run) { result = run; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, kCallTimeoutMs))
            qWarning("no answer within %d ms", kCallTimeoutMs);
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_config = testing::ToolTesterShop::create(QDir(m_dir.path()));
        QVERIFY(m_config);
    }

    void isThereOnlyWhileTheServerRuns()
    {
        Server server(*m_config, Server::Options { false, false, false });
        ToolTesterService *service = server.toolTesterService();
        QVERIFY(service);
        QVERIFY(!service->isAvailable());
        QCOMPARE(service->consoleUser(), EmbeddedToolTesterService::osUserName());
        QVERIFY(!service->consoleUser().isEmpty());

        // Without a server, a call says so (asynchronously, like every answer).
        const auto refused =
            call(*service, QStringLiteral("db_query"), Json { { "table", "customers" } });
        QVERIFY(refused);
        QVERIFY(refused->isError);
        QCOMPARE(refused->errorCode, QStringLiteral("SERVER_STOPPED"));
        QVERIFY(refused->errorMessage.contains(QStringLiteral("Start it")));

        QSignalSpy availability(service, &ToolTesterService::availabilityChanged);
        QVERIFY(server.startNow().ok());
        QVERIFY(service->isAvailable());
        QCOMPARE(availability.count(), 1);
        QCOMPARE(availability.takeFirst().at(0).toBool(), true);
        server.stop();
        QVERIFY(!service->isAvailable());
        QCOMPARE(availability.count(), 1);
        QCOMPARE(availability.takeFirst().at(0).toBool(), false);
    }

    void offersTheToolsWithTheirSchemas()
    {
        auto server = startServer();
        QVERIFY(server);
        std::optional<ToolCatalogue> catalogue;
        server->toolTesterService()->fetchCatalogue(this,
                                                    [&](const ToolCatalogue &c) { catalogue = c; });
        QVERIFY(!catalogue); // never inside the caller's own call
        QTRY_VERIFY(catalogue);
        QStringList names;
        for (const ToolDescription &t : catalogue->tools)
            names.append(t.name);
        QCOMPARE(names,
                 QStringList({ QStringLiteral("db_describe_schema"), QStringLiteral("db_query"),
                               QStringLiteral("db_get"), QStringLiteral("db_aggregate"),
                               QStringLiteral("db_explain") }));
        const ToolDescription &query = catalogue->tools[1];
        QVERIFY(query.inputSchema["properties"].contains("table"));
        QVERIFY(query.outputSchema.is_object());
        QVERIFY(!query.description.isEmpty());
        QCOMPARE(catalogue->policyRoles, QStringList({ QStringLiteral("support") }));
        QCOMPARE(catalogue->policyScopes, QStringList({ QStringLiteral("warden.read") }));
    }

    // The call goes the real way: tenant scope, masking, SQL, decisions, audit with the marker,
    // usage counted for the impersonated principal.
    void callsAsTheImpersonatedPrincipal()
    {
        auto server = startServer();
        QVERIFY(server);
        const auto run =
            call(*server->toolTesterService(), QStringLiteral("db_query"),
                 Json { { "table", "customers" }, { "select", Json::array({ "id", "email" }) } });
        QVERIFY(run);
        QVERIFY2(!run->isError, qPrintable(run->errorMessage));
        const Json rows = run->result["rows"];
        QCOMPARE(rows.size(), std::size_t(3));
        for (const Json &row : rows) {
            QVERIFY(row["id"] == 1 || row["id"] == 3 || row["id"] == 5);
            QVERIFY2(row["email"].get<std::string>().find("***") != std::string::npos,
                     row.dump().c_str());
        }
        QVERIFY(run->durationUs > 0);
        QVERIFY2(run->sql.contains(QStringLiteral("\"tenant_id\" = ?")), qPrintable(run->sql));
        QVERIFY(run->parameters == Json::array({ "acme" }));
        QVERIFY(run->explainError.isEmpty());
        bool scoped = false;
        for (const Json &d : run->decisions)
            scoped = scoped || (d.value("kind", "") == "scope" && d.value("scope", "") == "tenant");
        QVERIFY2(scoped, run->decisions.dump().c_str());

        // request + outcome, both marked; the explain call's records are not the call's.
        QCOMPARE(run->auditRecords.size(), std::size_t(2));
        QVERIFY(run->auditRecords[0]["kind"] == "request");
        QVERIFY(run->auditRecords[1]["kind"] == "outcome");
        QCOMPARE(run->auditRecords[1]["seq"].get<std::int64_t>(), run->auditSeq);
        for (const Json &body : run->auditRecords) {
            QVERIFY(body["impersonated_by"]["user"]
                    == EmbeddedToolTesterService::osUserName().toStdString());
            QVERIFY(body["impersonated_by"]["auth"] == "console");
            QCOMPARE(body["impersonated_by"].size(), std::size_t(2));
            QVERIFY(body["principal"]["user"] == "alice");
            QVERIFY(body["principal"]["auth"] == "impersonated");
            QVERIFY(body["transport"] == "console");
        }
        // The store holds the same outcome, and db_explain was audited in the same session.
        auto query = audit::AuditQuery::open(Server::auditPath(*m_config));
        QVERIFY(query.ok());
        audit::AuditFilter filter;
        filter.session = run->auditRecords[0]["session"].get<std::string>();
        auto page =
            (*query)->page(filter, std::nullopt, 100, audit::AuditQuery::Order::OldestFirst);
        QVERIFY(page.ok());
        QCOMPARE(page->records.size(), std::size_t(4));
        QVERIFY(page->records[1].body == run->auditRecords[1]);
        QVERIFY(page->records[2].body["target"] == "db_explain");

        // Usage counts for the tenant acted as (the call and db_explain).
        limits::UsageMeter *usage = server->usageMeter();
        QVERIFY(usage);
        const auto acme = usage->usage(limits::SubjectKind::Tenant, "acme");
        QCOMPARE(acme.hour.calls, std::int64_t(2));
        QCOMPARE(acme.hour.rows, std::int64_t(3));
    }

    // Tools that compile no query have no SQL; the policy's refusals carry their stable code.
    void reportsRefusalsAndToolsWithoutSql()
    {
        auto server = startServer();
        QVERIFY(server);
        ToolTesterService &service = *server->toolTesterService();

        const auto schema = call(service, QStringLiteral("db_describe_schema"), Json::object());
        QVERIFY(schema);
        QVERIFY2(!schema->isError, qPrintable(schema->errorMessage));
        QVERIFY(schema->sql.isEmpty());
        QVERIFY(schema->explainError.isEmpty());
        QVERIFY(schema->auditSeq > 0);

        const auto hidden =
            call(service, QStringLiteral("db_query"), Json { { "table", "secrets" } });
        QVERIFY(hidden);
        QVERIFY(hidden->isError);
        QCOMPARE(hidden->errorCode, QStringLiteral("MODEL_NOT_ALLOWED"));
        QVERIFY(hidden->result.contains("error"));
        QVERIFY(hidden->explainError.startsWith(QStringLiteral("MODEL_NOT_ALLOWED")));
        QVERIFY(hidden->auditSeq > 0);

        Impersonation noScope = alice();
        noScope.scopes.clear();
        const auto denied =
            call(service, QStringLiteral("db_query"), Json { { "table", "customers" } }, noScope);
        QVERIFY(denied);
        QCOMPARE(denied->errorCode, QStringLiteral("INSUFFICIENT_SCOPE"));
        QCOMPARE(denied->auditRecords.size(), std::size_t(1));
        QVERIFY(denied->auditRecords[0]["kind"] == "denial");
        QVERIFY(denied->auditRecords[0]["impersonated_by"]["auth"] == "console");

        // Unknown tools are a protocol error, reported with its JSON-RPC code.
        const auto unknown = call(service, QStringLiteral("db_nonsense"), Json::object());
        QVERIFY(unknown);
        QVERIFY(unknown->isError);
        QCOMPARE(unknown->errorCode, QStringLiteral("RPC_-32602"));
        QVERIFY(unknown->errorMessage.contains(QStringLiteral("db_nonsense")));
    }

    // A call in flight when the server stops is answered at once, saying so.
    void aStopEndsCallsInFlight()
    {
        auto server = startServer();
        QVERIFY(server);
        std::optional<ToolRun> result;
        server->toolTesterService()->run(QStringLiteral("db_query"),
                                         Json { { "table", "customers" } }, alice(), this,
                                         [&result](const ToolRun &run) { result = run; });
        server->stop();
        QVERIFY(result);
        QVERIFY(result->isError);
        QCOMPARE(result->errorCode, QStringLiteral("SERVER_STOPPED"));
        QTest::qWait(50); // nothing queued for the gone engine arrives later
        QCOMPARE(result->errorCode, QStringLiteral("SERVER_STOPPED"));
    }

    // Cancelling a call in flight answers CANCELLED; the server goes on serving.
    void cancelsARunInFlight()
    {
        auto server = startServer();
        QVERIFY(server);
        ToolTesterService &service = *server->toolTesterService();
        std::optional<ToolRun> result;
        const quint64 id =
            service.run(QStringLiteral("db_query"), Json { { "table", "customers" } }, alice(),
                        this, [&result](const ToolRun &run) { result = run; });
        service.cancel(id);
        QVERIFY(!result); // answered from the event loop, like every answer
        QTRY_VERIFY(result);
        QVERIFY(result->isError);
        QCOMPARE(result->errorCode, QStringLiteral("CANCELLED"));
        service.cancel(id); // a finished run: nothing happens
        const auto next =
            call(service, QStringLiteral("db_query"), Json { { "table", "customers" } });
        QVERIFY(next);
        QVERIFY(!next->isError);
    }

    // A callback whose context is gone is dropped.
    void dropsAnswersForAGoneContext()
    {
        auto server = startServer();
        QVERIFY(server);
        bool called = false;
        auto context = std::make_unique<QObject>();
        server->toolTesterService()->run(QStringLiteral("db_query"),
                                         Json { { "table", "customers" } }, alice(), context.get(),
                                         [&called](const ToolRun &) { called = true; });
        context.reset();
        // A second call on the same service still answers, after the first has finished.
        const auto later = call(*server->toolTesterService(), QStringLiteral("db_query"),
                                Json { { "table", "customers" } });
        QVERIFY(later);
        QVERIFY(!later->isError);
        QTest::qWait(100);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedToolTesterService)
#include "TestEmbeddedToolTesterService.moc"
