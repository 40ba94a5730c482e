// Server's ApprovalService over its real ApprovalStore: availability follows the server, the
// list follows approvals filed by agents (over HTTP) and decisions made by another process,
// and decisions carry the console user and the reason.

#include "../McpTestClient.h"
#include "ApprovalServerFixture.h"
#include "TestTempRoot.h"
#include "approvals/ApprovalStore.h"
#include "config/ServerConfig.h"
#include "server/ApprovalService.h"
#include "server/Server.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace warden;

class TestEmbeddedApprovalService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir { warden::test::tempRoot() + QStringLiteral("/approval-service-XXXXXX") };
    QString m_config;

    std::unique_ptr<Server> startedServer()
    {
        auto config = ServerConfig::load(m_config);
        if (!config)
            return nullptr;
        auto server = std::make_unique<Server>(*config, Server::Options {});
        return server->startNow() ? std::move(server) : nullptr;
    }

    // Files one pending approval through the server's tool path; its id.
    static QString fileApproval(Server &server, int order, const std::string &status = "shipped")
    {
        test::McpClient agent(server.httpPort());
        if (!agent.open())
            return {};
        const Json r = agent.callTool("db_update", test::pendingUpdate(order, status));
        return QString::fromStdString(r["error"]["details"].value("approval_id", std::string()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_config = test::makeApprovalServerWorld(QDir(m_dir.path()));
        QVERIFY(!m_config.isEmpty());
    }

    void availabilityFollowsTheServer()
    {
        auto config = ServerConfig::load(m_config);
        QVERIFY(config.ok());
        Server server(*config, Server::Options {});
        ApprovalService *service = server.approvalService();
        QVERIFY(service);
        QVERIFY(!service->isAvailable());
        QVERIFY(service->unavailableReason().contains(QStringLiteral("not running")));
        QSignalSpy availability(service, &ApprovalService::availabilityChanged);
        QVERIFY(server.startNow().ok());
        QCOMPARE(availability.size(), 1);
        QVERIFY(availability.at(0).at(0).toBool());
        QVERIFY(service->isAvailable());
        QVERIFY(service->unavailableReason().isEmpty());
        server.stop();
        QCOMPARE(availability.size(), 2);
        QVERIFY(!availability.at(1).at(0).toBool());
        QVERIFY(service->pending().isEmpty());
    }

    // The list follows an agent's call and a decision made from another process (as
    // `warden-server approvals deny` makes it), without being asked.
    void listFollowsAgentsAndOtherProcesses()
    {
        auto server = startedServer();
        QVERIFY(server);
        ApprovalService *service = server->approvalService();
        QSignalSpy changed(service, &ApprovalService::pendingChanged); // a listener: the list is polled
        const QString id = fileApproval(*server, 1);
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE(service->pending().size(), 1);
        const PendingApproval &shown = service->pending().constFirst();
        QCOMPARE(shown.id, id);
        QCOMPARE(shown.tool, QStringLiteral("db_update"));
        QCOMPARE(shown.table, QStringLiteral("orders"));
        QCOMPARE(shown.principal, QStringLiteral("agent-7"));
        QVERIFY(shown.expiresAt > shown.requestedAt);
        const Json payload = Json::parse(shown.payload.toStdString());
        QCOMPARE(QString::fromStdString(payload["approval_id"].get<std::string>()), id);
        QVERIFY(payload["summary"]["fields"] == Json::array({ "status" }));

        auto other = approvals::ApprovalStore::open(
            approvals::ApprovalStore::pathNextTo(Server::auditPath(server->config())));
        QVERIFY(other.ok());
        QVERIFY((*other)->decide(id.toStdString(), false, "cli:ops").ok());
        QTRY_VERIFY(service->pending().isEmpty());
    }

    void decisionsCarryTheConsoleUserAndReason()
    {
        auto server = startedServer();
        QVERIFY(server);
        ApprovalService *service = server->approvalService();
        QSignalSpy changed(service, &ApprovalService::pendingChanged);
        QVERIFY(service->decider().startsWith(QStringLiteral("console:")));
        const QString first = fileApproval(*server, 1);
        const QString second = fileApproval(*server, 2);
        QTRY_COMPARE(service->pending().size(), 2);
        QSignalSpy decided(service, &ApprovalService::decided);

        // Denying needs a reason: refused, still pending.
        service->decide(first, false, QStringLiteral("  "));
        QTRY_COMPARE(decided.size(), 1);
        QVERIFY(decided.at(0).at(2).toString().contains(QStringLiteral("reason")));
        QCOMPARE(server->approvals()->get(first.toStdString())->state, approvals::ApprovalState::Pending);

        service->decide(first, false, QStringLiteral("not now"));
        QTRY_COMPARE(decided.size(), 2);
        QVERIFY(decided.at(1).at(2).toString().isEmpty());
        auto denied = server->approvals()->get(first.toStdString());
        QCOMPARE(denied->state, approvals::ApprovalState::Denied);
        QCOMPARE(QString::fromStdString(denied->decidedBy), service->decider());
        QCOMPARE(denied->reason, std::string("not now"));

        service->decide(second, true, QString()); // approving needs no reason
        QTRY_COMPARE(decided.size(), 3);
        QVERIFY(decided.at(2).at(2).toString().isEmpty());
        QCOMPARE(server->approvals()->get(second.toStdString())->state, approvals::ApprovalState::Approved);
        QTRY_VERIFY(service->pending().isEmpty());

        // A decided approval cannot be decided again; the error says where it stands.
        service->decide(second, false, QStringLiteral("changed my mind"));
        QTRY_COMPARE(decided.size(), 4);
        QVERIFY(decided.at(3).at(2).toString().contains(QStringLiteral("approved")));
    }

    // Nobody listens (a headless server): the list is not polled; an explicit refresh reads it.
    void noListenerNoPolling()
    {
        auto server = startedServer();
        QVERIFY(server);
        ApprovalService *service = server->approvalService();
        QTest::qWait(200); // the read made at start, if any, lands
        const qsizetype before = service->pending().size();
        QVERIFY(!fileApproval(*server, 2, "returned").isEmpty()); // a payload no other test files
        QTest::qWait(2500); // two poll intervals
        QCOMPARE(service->pending().size(), before);
        service->refresh();
        QTRY_COMPARE(service->pending().size(), before + 1);
    }

    // A policy that writes nothing keeps no approvals: the service says why.
    void noWritesNoApprovals()
    {
        QTemporaryDir dir(warden::test::tempRoot() + QStringLiteral("/approval-service-nowrites-XXXXXX"));
        const QString configPath = test::makeApprovalServerWorld(QDir(dir.path()));
        QVERIFY(!configPath.isEmpty());
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral("policy.json")),
                                "{\"version\": 1, \"tables\": {\"orders\": {\"tenant_column\": null}}}"));
        auto config = ServerConfig::load(configPath);
        QVERIFY(config.ok());
        Server server(*config, Server::Options {});
        QVERIFY(server.startNow().ok());
        QVERIFY(!server.approvalService()->isAvailable());
        QVERIFY(server.approvalService()->unavailableReason().contains(QStringLiteral("no table be written")));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedApprovalService)
#include "TestEmbeddedApprovalService.moc"
