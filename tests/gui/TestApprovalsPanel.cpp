// The Approvals panel over a real embedded Server: a small SQLite database whose policy
// makes every update wait for an approval, a db_update through the server's HTTP tool path,
// and the decision made from the keyboard, found in the audit trail as the console user.

#include "../McpTestClient.h"
#include "ApprovalListModel.h"
#include "ApprovalsPanel.h"
#include "FindChild.h"
#include "Screenshot.h"
#include "ApprovalServerFixture.h"
#include "TestTempRoot.h"
#include "audit/AuditQuery.h"
#include "config/ServerConfig.h"
#include "server/ApprovalService.h"
#include "server/Server.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace warden;

class TestApprovalsPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir { warden::test::tempRoot() + QStringLiteral("/approvals-panel-XXXXXX") };

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    // Presses `key` in the next modal dialog (the confirmation) once it is shown.
    static void answerConfirmation(Qt::Key key)
    {
        QTimer::singleShot(0, [key] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal) // not shown yet: look again
                return answerConfirmation(key);
            QTest::keyClick(modal, key);
        });
    }

    std::vector<Json> approvalRecords() const
    {
        std::vector<Json> out;
        auto query = audit::AuditQuery::open(path("state/audit.db"));
        if (!query)
            return out;
        audit::AuditFilter filter;
        filter.kind = "approval";
        auto page = (*query)->page(filter, std::nullopt, 100, audit::AuditQuery::Order::OldestFirst);
        if (page)
            for (const audit::AuditRecord &r : page->records)
                out.push_back(r.body);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY(!test::makeApprovalServerWorld(QDir(m_dir.path())).isEmpty());
    }

    void approveFromTheKeyboard()
    {
        auto config = ServerConfig::load(path("warden.json"));
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        Server server(*config, Server::Options {});
        ApprovalService *service = server.approvalService();
        QVERIFY(service);
        ApprovalsPanel panel(service);
        panel.resize(1100, 640);
        panel.show();
        QVERIFY(QTest::qWaitForWindowActive(&panel));

        // Stopped: the panel says why there is nothing to decide.
        auto *unavailable = test::findChild<QLabel>(panel, "unavailableLabel");
        QVERIFY(unavailable->isVisible());
        QVERIFY(unavailable->text().contains(QStringLiteral("not running")));

        QVERIFY(server.startNow().ok());
        QTRY_VERIFY(service->isAvailable());
        QVERIFY(!unavailable->isVisible());
        auto *table = test::findChild<QTableView>(panel, "approvalsTable");
        QCOMPARE(table->model()->rowCount(), 0);
        QCOMPARE(test::findChild<QLabel>(panel, "summaryLabel")->text(), QStringLiteral("No write is waiting for approval."));

        // An agent's update goes through the real tool path and waits for approval.
        test::McpClient agent(server.httpPort());
        QVERIFY(agent.open());
        const Json update = test::pendingUpdate(2, "shipped");
        const Json pending = agent.callTool("db_update", update);
        QVERIFY2(pending.contains("error"), pending.dump().c_str());
        QCOMPARE(QString::fromStdString(pending["error"]["code"].get<std::string>()), QStringLiteral("APPROVAL_REQUIRED"));
        const QString id = QString::fromStdString(pending["error"]["details"]["approval_id"].get<std::string>());

        // It shows up by itself, with its payload in full.
        QTRY_COMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, 0).data(ApprovalListModel::IdRole).toString(), id);
        QCOMPARE(table->model()->index(0, ApprovalListModel::Tool).data().toString(), QStringLiteral("db_update"));
        QCOMPARE(table->model()->index(0, ApprovalListModel::Principal).data().toString(), QStringLiteral("agent-7"));
        auto *payload = test::findChild<QPlainTextEdit>(panel, "payloadView");
        const Json shown = Json::parse(payload->toPlainText().toStdString());
        QCOMPARE(QString::fromStdString(shown["approval_id"].get<std::string>()), id);
        QCOMPARE(shown["summary"]["reason"].get<std::string>(), std::string("customer called"));
        QVERIFY(shown["summary"]["fields"] == Json::array({ "status" }));
        QCOMPARE(shown["summary"]["id"].get<int>(), 2);
        // The exact call the approval is bound to, values included.
        QVERIFY2(shown["arguments"] == update, shown.dump().c_str());
        QCOMPARE(shown["arguments"]["values"]["status"].get<std::string>(), std::string("shipped"));
        QCOMPARE(shown["payload_hash"].get<std::string>(), pending["error"]["details"]["payload_hash"].get<std::string>());
        QVERIFY(payload->toPlainText().contains(QStringLiteral("\n  \"state\": \"pending\""))); // indented
        QVERIFY(test::findChild<QLabel>(panel, "summaryLabel")->text().contains(QStringLiteral("requested by agent-7")));

        // Deny needs a reason; approve does not, but one is given, from the keyboard.
        auto *approve = test::findChild<QPushButton>(panel, "approveButton");
        auto *deny = test::findChild<QPushButton>(panel, "denyButton");
        QVERIFY(approve->isEnabled());
        QVERIFY(!deny->isEnabled());
        warden::test::saveScreenshot(&panel, QStringLiteral("approvals-pending"));
        QTest::keyClick(&panel, Qt::Key_R, Qt::AltModifier);
        auto *reason = test::findChild<QLineEdit>(panel, "reasonEdit");
        QTRY_VERIFY(reason->hasFocus());
        QTest::keyClicks(reason, QStringLiteral("checked with the customer"));
        QVERIFY(deny->isEnabled());

        // Escape in the confirmation decides nothing.
        answerConfirmation(Qt::Key_Escape);
        QTest::keyClick(&panel, Qt::Key_A, Qt::AltModifier);
        QTest::qWait(300); // the button clicks 100 ms after its mnemonic; the dialog then closes
        QCOMPARE(table->model()->rowCount(), 1);
        QVERIFY(approvalRecords().empty());
        panel.activateWindow(); // the offscreen platform does not give it back by itself
        QVERIFY(QTest::qWaitForWindowActive(&panel));

        answerConfirmation(Qt::Key_Return);
        QTest::keyClick(&panel, Qt::Key_A, Qt::AltModifier);
        auto *result = test::findChild<QLabel>(panel, "resultLabel");
        QTRY_VERIFY2(result->text().startsWith(QStringLiteral("Approved ")), qPrintable(result->text()));
        QVERIFY(result->text().contains(service->decider()));
        QTRY_COMPARE(table->model()->rowCount(), 0);
        QVERIFY(reason->text().isEmpty());

        // The audit trail has the decision, as the console user, with the reason.
        std::vector<Json> records;
        QTRY_VERIFY((records = approvalRecords()).size() == 1);
        const Json &details = records.front()["details"];
        QCOMPARE(QString::fromStdString(details["approval_id"].get<std::string>()), id);
        QCOMPARE(details["decision"].get<std::string>(), std::string("approved"));
        QCOMPARE(QString::fromStdString(details["decider"].get<std::string>()), service->decider());
        QVERIFY(service->decider().startsWith(QStringLiteral("console:")));
        QCOMPARE(details["reason"].get<std::string>(), std::string("checked with the customer"));
        QCOMPARE(details["requested_by"].get<std::string>(), std::string("agent-7"));

        // The agent's identical retry now runs, once.
        Json retry = update;
        retry["approval_id"] = id.toStdString();
        const Json done = agent.callTool("db_update", retry);
        QVERIFY2(!done.contains("error"), done.dump().c_str());
        QCOMPARE(done["row"]["status"].get<std::string>(), std::string("shipped"));
        warden::test::saveScreenshot(&panel, QStringLiteral("approvals-decided"));

        // A second write, denied with a reason; then the server stops and the panel says so.
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        const Json del = agent.callTool("db_update", Json { { "table", "orders" }, { "id", 1 },
                                                            { "values", { { "note", "x" } } }, { "reason", "r" } });
        QCOMPARE(QString::fromStdString(del["error"]["code"].get<std::string>()), QStringLiteral("APPROVAL_REQUIRED"));
        QTRY_COMPARE(table->model()->rowCount(), 1);
        QTest::keyClick(&panel, Qt::Key_R, Qt::AltModifier);
        QTRY_VERIFY(reason->hasFocus());
        QTest::keyClicks(reason, QStringLiteral("not during the freeze"));
        answerConfirmation(Qt::Key_Return);
        QTest::keyClick(&panel, Qt::Key_D, Qt::AltModifier);
        QTRY_VERIFY(result->text().startsWith(QStringLiteral("Denied ")));
        QTRY_COMPARE(table->model()->rowCount(), 0);
        QTRY_VERIFY((records = approvalRecords()).size() == 2);
        QCOMPARE(records.back()["details"]["decision"].get<std::string>(), std::string("denied"));
        QCOMPARE(records.back()["details"]["reason"].get<std::string>(), std::string("not during the freeze"));

        server.stop();
        QVERIFY(!service->isAvailable());
        QVERIFY(unavailable->isVisible());
        QVERIFY(!approve->isEnabled());
    }
};

QTEST_MAIN(TestApprovalsPanel)
#include "TestApprovalsPanel.moc"
