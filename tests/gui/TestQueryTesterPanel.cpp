// The query tester against a real embedded Server on a small SQLite shop: the operator acts as
// a tenant's user, fills in the form generated from db_query's inputSchema with the keyboard,
// runs it, and sees only that tenant's rows, masked e-mails, the compiled SQL with the tenant
// predicate, the policy decisions and the audit record (read back from the real store) that
// names the console user acting as the principal. Denied calls show their stable code; the raw
// JSON editor stays in sync with the form.

#include "../core/ToolTesterShop.h"
#include "Screenshot.h"

#include "MainWindow.h"
#include "QueryTesterPanel.h"
#include "ResultTableModel.h"
#include "RunHistoryModel.h"
#include "audit/AuditQuery.h"
#include "audit/AuditVerifier.h"
#include "config/ServerConfig.h"
#include "server/EmbeddedToolTesterService.h"
#include "server/Server.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QMenuBar>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace warden;

namespace {

constexpr int kCallTimeoutMs = 15000;

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestQueryTesterPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<QueryTesterPanel> m_panel;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    template<typename T> T *child(const char *name) const
    {
        T *w = m_panel->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no child %s", name);
        return w;
    }

    QLineEdit *field(const char *name) const
    {
        return m_panel->findChild<QLineEdit *>(QStringLiteral("field_")
                                               + QString::fromLatin1(name));
    }

    // Replaces a line edit's text from the keyboard.
    static void typeInto(QWidget *edit, const QString &text)
    {
        edit->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(edit, Qt::Key_Delete);
        QTest::keyClicks(edit, text);
    }

    void actAs(const QString &user, const QString &tenant, const QString &scopes)
    {
        typeInto(child<QLineEdit>("userEdit"), user);
        typeInto(child<QLineEdit>("tenantEdit"), tenant);
        typeInto(child<QLineEdit>("rolesEdit"), QString());
        typeInto(child<QLineEdit>("scopesEdit"), scopes);
    }

    // Runs with Ctrl+Return from `focus` and waits for the run to reach the history.
    bool runFrom(QWidget *focus)
    {
        const int before = m_panel->history()->rowCount();
        focus->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(focus, Qt::Key_Return, Qt::ControlModifier);
        return QTest::qWaitFor([&] { return m_panel->history()->rowCount() == before + 1; },
                               kCallTimeoutMs);
    }

    const ToolRun &lastRun() const { return m_panel->history()->run(0); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        const auto config = testing::ToolTesterShop::create(QDir(m_dir.path()));
        QVERIFY(config);

        Server::Options options;
        options.http = false;
        m_server = std::make_unique<Server>(*config, options);
        const Status started = m_server->startNow();
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
        QVERIFY(m_server->toolTesterService());

        m_panel = std::make_unique<QueryTesterPanel>(m_server->toolTesterService());
        m_panel->resize(1200, 760);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
        m_panel->activateWindow(); // mnemonics and shortcuts need the active window
        QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
        // The catalogue arrives asynchronously; db_query is offered first.
        QTRY_COMPARE(child<QComboBox>("toolCombo")->currentText(), QStringLiteral("db_query"));
        QVERIFY(!child<QLabel>("unavailableLabel")->isVisible());
        QVERIFY(child<QLabel>("actingAsLabel")
                    ->text()
                    .contains(EmbeddedToolTesterService::osUserName()));
    }

    void cleanupTestCase()
    {
        m_panel.reset();
        m_server.reset();
    }

    // The whole path as a tenant's user, typed from the keyboard.
    void runsAsATenantThroughTheForm()
    {
        actAs(QStringLiteral("alice"), QStringLiteral("acme"), QStringLiteral("warden.read"));
        // Pick the tool from the keyboard: away and back.
        auto *tool = child<QComboBox>("toolCombo");
        tool->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(tool, Qt::Key_Down);
        QCOMPARE(tool->currentText(), QStringLiteral("db_get"));
        QTest::keyClick(tool, Qt::Key_Up);
        QCOMPARE(tool->currentText(), QStringLiteral("db_query"));
        QVERIFY(!m_panel->isRawMode());
        QVERIFY(field("table"));
        QVERIFY(field("select"));
        typeInto(field("table"), QStringLiteral("customers"));
        typeInto(field("select"), QStringLiteral("id, name, email"));
        QVERIFY(runFrom(field("select")));

        const ToolRun &run = lastRun();
        QVERIFY2(!run.isError, qPrintable(run.errorCode + QLatin1Char(' ') + run.errorMessage));
        QCOMPARE(run.tool, QStringLiteral("db_query"));
        QCOMPARE(child<QLabel>("outcomeLabel")->text(), QStringLiteral("OK: 3 rows"));
        QVERIFY(!child<QLabel>("timingLabel")->text().isEmpty());

        // Table: the acme customers only, e-mails masked.
        ResultTableModel *table = m_panel->resultModel();
        auto *view = child<QTableView>("resultTable");
        auto *shown = qobject_cast<QSortFilterProxyModel *>(view->model());
        QVERIFY(shown);
        QCOMPARE(shown->sourceModel(), table);
        QCOMPARE(shown->index(0, 1).data().toString(), QStringLiteral("Ada")); // the server's order
        // A click on a header sorts by the raw value.
        const QHeaderView *header = view->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(0) + header->sectionSize(0) / 2,
                                 header->height() / 2));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(0) + header->sectionSize(0) / 2,
                                 header->height() / 2));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(shown->index(0, 0).data().toString(), QStringLiteral("5"));
        QCOMPARE(
            table->columnNames(),
            QStringList({ QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("email") }));
        QCOMPARE(table->rowCount(), 3);
        QStringList ids, emails;
        for (int r = 0; r < table->rowCount(); ++r) {
            ids.append(table->index(r, 0).data().toString());
            emails.append(table->index(r, 2).data().toString());
        }
        ids.sort();
        QCOMPARE(ids,
                 QStringList({ QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("5") }));
        for (const QString &email : emails) {
            QVERIFY2(email.contains(QLatin1Char('*'))
                         && email.endsWith(QStringLiteral("@acme.example")),
                     qPrintable(email));
            QVERIFY(!email.startsWith(QStringLiteral("ada@"))
                    && !email.startsWith(QStringLiteral("cy@")));
        }
        QVERIFY(
            child<QPlainTextEdit>("jsonView")->toPlainText().contains(QStringLiteral("\"rows\"")));

        // SQL: the tenant predicate the policy added (tenant_id was not selected).
        const QString sql = child<QPlainTextEdit>("sqlView")->toPlainText();
        QVERIFY2(sql.contains(QStringLiteral("tenant_id"))
                     && sql.contains(QStringLiteral("customers")),
                 qPrintable(sql));
        QVERIFY2(sql.contains(QStringLiteral("\"acme\"")), qPrintable(sql)); // the bound tenant

        // Decisions: the tenant scope from the principal and the masked column.
        auto *decisions = child<QTreeWidget>("decisionsView");
        bool tenantScope = false, masked = false;
        for (int i = 0; i < decisions->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *item = decisions->topLevelItem(i);
            tenantScope = tenantScope
                || (item->text(0) == QLatin1String("scope")
                    && item->text(1).contains(QStringLiteral("scope=tenant")));
            masked = masked
                || (item->text(0) == QLatin1String("redact")
                    && item->text(1).contains(QStringLiteral("email")));
        }
        QVERIFY(tenantScope);
        QVERIFY(masked);

        // Audit: the panel names the console user acting as alice, and the store says so.
        const QString consoleUser = EmbeddedToolTesterService::osUserName();
        QVERIFY(run.auditSeq > 0);
        const QString summary = child<QLabel>("auditSummary")->text();
        QVERIFY2(summary.contains(consoleUser) && summary.contains(QStringLiteral("alice @ acme"))
                     && summary.contains(QString::number(run.auditSeq)),
                 qPrintable(summary));
        auto query = audit::AuditQuery::open(path("state/audit.db"));
        QVERIFY(query.ok());
        auto record = (*query)->record(run.auditSeq);
        QVERIFY(record.ok() && record->has_value());
        const Json &body = (*record)->body;
        QCOMPARE(q(body["kind"].get<std::string>()), QStringLiteral("outcome"));
        QCOMPARE(q(body["target"].get<std::string>()), QStringLiteral("db_query"));
        QCOMPARE(q(body["transport"].get<std::string>()), QStringLiteral("console"));
        QCOMPARE(q(body["principal"]["user"].get<std::string>()), QStringLiteral("alice"));
        QCOMPARE(q(body["principal"]["tenant"].get<std::string>()), QStringLiteral("acme"));
        QCOMPARE(q(body["principal"]["auth"].get<std::string>()), QStringLiteral("impersonated"));
        QCOMPARE(q(body["impersonated_by"]["user"].get<std::string>()), consoleUser);
        QCOMPARE(q(body["impersonated_by"]["auth"].get<std::string>()), QStringLiteral("console"));
        QCOMPARE(body["rows"].get<std::int64_t>(), std::int64_t(3));
        // Its request record came first, with the same marker.
        auto request = (*query)->record(body["request_seq"].get<std::int64_t>());
        QVERIFY(request.ok() && request->has_value());
        QCOMPARE(q((*request)->body["impersonated_by"]["user"].get<std::string>()), consoleUser);
        QVERIFY(child<QPlainTextEdit>("auditView")
                    ->toPlainText()
                    .contains(QStringLiteral("\"impersonated_by\"")));

        QTabWidget *tabs = m_panel->resultTabs();
        tabs->setCurrentIndex(int(QueryTesterPanel::Tab::Table));
        QVERIFY(
            !test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-result")).isEmpty());
        tabs->setCurrentIndex(int(QueryTesterPanel::Tab::Sql));
        QVERIFY(!test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-sql")).isEmpty());
        tabs->setCurrentIndex(int(QueryTesterPanel::Tab::Decisions));
        QVERIFY(!test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-decisions"))
                     .isEmpty());
        tabs->setCurrentIndex(int(QueryTesterPanel::Tab::Audit));
        test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-audit"));
    }

    // A role the policy names changes what the same call shows.
    void aRoleChangesTheResult()
    {
        actAs(QStringLiteral("sam"), QStringLiteral("globex"), QStringLiteral("warden.read"));
        typeInto(child<QLineEdit>("rolesEdit"), QStringLiteral("support"));
        typeInto(field("table"), QStringLiteral("customers"));
        typeInto(field("select"), QStringLiteral("id, email"));
        QVERIFY(runFrom(field("table")));
        QVERIFY(!lastRun().isError);
        ResultTableModel *table = m_panel->resultModel();
        QCOMPARE(table->rowCount(), 2);
        QStringList emails;
        for (int r = 0; r < table->rowCount(); ++r)
            emails.append(table->index(r, 1).data().toString());
        emails.sort();
        QCOMPARE(emails,
                 QStringList({ QStringLiteral("bob@globex.example"),
                               QStringLiteral("dee@globex.example") }));
        QCOMPARE(m_panel->history()->index(0, RunHistoryModel::PrincipalColumn).data().toString(),
                 QStringLiteral("sam @ globex (support)"));

        // The policy's roles are offered as presets that add and remove themselves.
        auto *presets = child<QToolButton>("rolePresetsButton");
        QVERIFY(presets->isEnabled());
        QCOMPARE(presets->menu()->actions().size(), 1);
        QAction *support = presets->menu()->actions().constFirst();
        QCOMPARE(support->text(), QStringLiteral("support"));
        typeInto(child<QLineEdit>("rolesEdit"), QStringLiteral("auditor"));
        support->trigger();
        QCOMPARE(child<QLineEdit>("rolesEdit")->text(), QStringLiteral("auditor, support"));
        support->trigger();
        QCOMPARE(child<QLineEdit>("rolesEdit")->text(), QStringLiteral("auditor"));
    }

    // What the policy refuses shows its stable code, and is audited too.
    void deniedCallsShowTheirCode()
    {
        actAs(QStringLiteral("alice"), QStringLiteral("acme"), QStringLiteral("warden.read"));
        typeInto(field("table"), QStringLiteral("secrets"));
        typeInto(field("select"), QString());
        QVERIFY(runFrom(field("table")));
        QCOMPARE(lastRun().errorCode, QStringLiteral("MODEL_NOT_ALLOWED"));
        QVERIFY(child<QLabel>("outcomeLabel")
                    ->text()
                    .startsWith(QStringLiteral("MODEL_NOT_ALLOWED: ")));
        QCOMPARE(m_panel->resultModel()->rowCount(), 0);
        QVERIFY(lastRun().auditSeq > 0);
        QCOMPARE(m_panel->history()->index(0, RunHistoryModel::OutcomeColumn).data().toString(),
                 QStringLiteral("MODEL_NOT_ALLOWED"));

        // Without the scope the policy asks for, the gate refuses before anything runs.
        typeInto(child<QLineEdit>("scopesEdit"), QString());
        typeInto(field("table"), QStringLiteral("customers"));
        QVERIFY(runFrom(field("table")));
        QCOMPARE(lastRun().errorCode, QStringLiteral("INSUFFICIENT_SCOPE"));
        QVERIFY(child<QLabel>("outcomeLabel")->text().contains(QStringLiteral("warden.read")));
        const Json records = lastRun().auditRecords;
        QVERIFY2(records.size() == 1 && records[0]["kind"] == "denial", records.dump().c_str());
        QCOMPARE(q(records[0]["impersonated_by"]["auth"].get<std::string>()),
                 QStringLiteral("console"));
        test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-denied"));

        // The "all policy scopes" preset fills in what the policy names.
        QTest::keyClick(m_panel.get(), Qt::Key_P, Qt::AltModifier);
        QTRY_COMPARE(child<QLineEdit>("scopesEdit")->text(),
                     QStringLiteral("warden.read")); // animated click
    }

    void rawJsonStaysInSyncWithTheForm()
    {
        typeInto(field("table"), QStringLiteral("customers"));
        typeInto(field("select"), QStringLiteral("id, name"));
        auto *toggle = child<QPushButton>("rawToggle");
        auto *raw = child<QPlainTextEdit>("rawEdit");
        QTest::keyClick(m_panel.get(), Qt::Key_W, Qt::AltModifier); // Ra&w JSON
        QTRY_VERIFY(m_panel->isRawMode()); // a mnemonic clicks animated
        QVERIFY(toggle->isChecked());
        QVERIFY(raw->isVisible());
        auto parsed = Json::parse(raw->toPlainText().toStdString());
        QVERIFY2(
            parsed
                == (Json { { "table", "customers" }, { "select", Json::array({ "id", "name" }) } }),
            parsed.dump().c_str());

        // Edited as JSON, shown back in the form.
        typeInto(raw,
                 QStringLiteral("{\"table\": \"customers\", \"take\": 2, \"order_by\": "
                                "[{\"field\": \"id\", \"direction\": \"desc\"}]}"));
        QVERIFY(runFrom(raw));
        QVERIFY(!lastRun().isError);
        QCOMPARE(m_panel->resultModel()->rowCount(), 2);
        QCOMPARE(m_panel->resultModel()->index(0, 0).data().toString(), QStringLiteral("5"));
        QTest::mouseClick(toggle, Qt::LeftButton);
        QVERIFY(!m_panel->isRawMode());
        QCOMPARE(field("take")->text(), QStringLiteral("2"));
        QVERIFY(field("select")->text().isEmpty());
        QVERIFY(field("order_by")->text().contains(QStringLiteral("desc")));

        // JSON the form cannot show keeps the raw editor, and says why.
        QTest::mouseClick(toggle, Qt::LeftButton);
        typeInto(raw, QStringLiteral("{\"table\": \"customers\", \"nonsense\": 1}"));
        QTest::mouseClick(toggle, Qt::LeftButton);
        QVERIFY(m_panel->isRawMode());
        QVERIFY(toggle->isChecked());
        auto *error = child<QLabel>("inputError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("nonsense")), qPrintable(error->text()));
        typeInto(raw, QStringLiteral("{\"table\": \"customers\"}"));
        QTest::mouseClick(toggle, Qt::LeftButton);
        QVERIFY(!m_panel->isRawMode());
        QVERIFY(!error->isVisible());
        QCOMPARE(field("table")->text(), QStringLiteral("customers"));
        QVERIFY(field("take")->text().isEmpty());
    }

    // A form error is said next to the form, and nothing runs.
    void formErrorsAreShown()
    {
        const int runs = m_panel->history()->rowCount();
        typeInto(field("take"), QStringLiteral("many"));
        field("take")->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(field("take"), Qt::Key_Return, Qt::ControlModifier);
        auto *error = child<QLabel>("inputError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().startsWith(QStringLiteral("take: ")), qPrintable(error->text()));
        QCOMPARE(m_panel->history()->rowCount(), runs);
        typeInto(field("take"), QString());
    }

    // Esc stops a running call; Run comes back.
    void escapeCancelsARun()
    {
        actAs(QStringLiteral("alice"), QStringLiteral("acme"), QStringLiteral("warden.read"));
        typeInto(field("table"), QStringLiteral("customers"));
        const int before = m_panel->history()->rowCount();
        auto *runButton = child<QPushButton>("runButton");
        auto *cancelButton = child<QPushButton>("cancelButton");
        QVERIFY(!cancelButton->isEnabled());
        QWidget *table = field("table");
        table->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(table, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(m_panel->isRunning());
        QVERIFY(!runButton->isEnabled());
        QVERIFY(cancelButton->isEnabled());
        QTest::keyClick(table, Qt::Key_Escape);
        QTRY_COMPARE(m_panel->history()->rowCount(), before + 1);
        QCOMPARE(lastRun().errorCode, QStringLiteral("CANCELLED"));
        QVERIFY(child<QLabel>("outcomeLabel")->text().startsWith(QStringLiteral("CANCELLED: ")));
        QVERIFY(runButton->isEnabled());
        QVERIFY(!cancelButton->isEnabled());
    }

    // Double-clicking a run in the history brings back its principal, tool, arguments and result.
    void historyRestoresARun()
    {
        RunHistoryModel *history = m_panel->history();
        int row = -1;
        for (int r = 0; r < history->rowCount(); ++r)
            if (history->run(r).principal.user == QLatin1String("sam"))
                row = r;
        QVERIFY(row >= 0);
        auto *view = child<QTableView>("historyView");
        const QRect rect = view->visualRect(history->index(row, RunHistoryModel::ToolColumn));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(child<QLineEdit>("userEdit")->text(), QStringLiteral("sam"));
        QCOMPARE(child<QLineEdit>("tenantEdit")->text(), QStringLiteral("globex"));
        QCOMPARE(child<QLineEdit>("rolesEdit")->text(), QStringLiteral("support"));
        QCOMPARE(field("select")->text(), QStringLiteral("id, email"));
        QCOMPARE(m_panel->resultModel()->rowCount(), 2);
    }

    // The console's main window offers the panel for a server with the service.
    void mainWindowShowsThePanel()
    {
        MainWindow window(m_server.get());
        window.setCurrentPanel(MainWindow::Panel::QueryTester);
        auto *stack = window.findChild<QStackedWidget *>(QStringLiteral("panelStack"));
        QVERIFY(stack);
        auto *panel = qobject_cast<QueryTesterPanel *>(stack->currentWidget());
        QVERIFY(panel);
        QCOMPARE(panel->objectName(), QStringLiteral("queryTesterPanel"));
        QTRY_COMPARE(panel->findChild<QComboBox *>(QStringLiteral("toolCombo"))->currentText(),
                     QStringLiteral("db_query"));

        // Alt+letter reaches exactly one thing: a menu of the window or a control of the panel.
        QMap<QKeySequence, QString> claimed;
        const auto claim = [&claimed](const QString &text) {
            const QKeySequence key = QKeySequence::mnemonic(text);
            if (key.isEmpty())
                return;
            QVERIFY2(!claimed.contains(key), qPrintable(text + QStringLiteral(" collides with ") + claimed.value(key)));
            claimed.insert(key, text);
        };
        for (QAction *menu : window.menuBar()->actions())
            claim(menu->text());
        for (QAbstractButton *button : panel->findChildren<QAbstractButton *>())
            claim(button->text());
        for (QLabel *label : panel->findChildren<QLabel *>())
            if (label->buddy())
                claim(label->text());
        for (int i = 0; i < panel->resultTabs()->count(); ++i)
            claim(panel->resultTabs()->tabText(i));
        QVERIFY(claimed.size() >= 4 + 13);
    }

    // Server stop: the panel says so and Run is off; the trail the calls wrote verifies.
    void stoppingTheServerDisablesRuns()
    {
        typeInto(field("table"), QStringLiteral("customers"));
        QLineEdit *table = field("table");
        m_server->stop();
        QTRY_VERIFY(child<QLabel>("unavailableLabel")->isVisible());
        QVERIFY(child<QLabel>("unavailableLabel")->text().contains(QStringLiteral("not running")));
        QVERIFY(!child<QPushButton>("runButton")->isEnabled());
        test::saveScreenshot(m_panel.get(), QStringLiteral("query-tester-stopped"));

        auto keys = Server::auditKeys(m_server->config());
        QVERIFY(keys.ok());
        auto report = audit::AuditVerifier::verify(path("state/audit.db"), *keys);
        QVERIFY(report.ok());
        QVERIFY2(report->intact, report->problem.c_str());

        m_server->start();
        QTRY_VERIFY(!child<QLabel>("unavailableLabel")->isVisible());
        QTRY_VERIFY(child<QPushButton>("runButton")->isEnabled());
        // The same tools again: what was typed stays. The start asked for the catalogue, whose
        // answer is queued: let it arrive.
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(field("table"), table);
        QCOMPARE(table->text(), QStringLiteral("customers"));
    }
};

QTEST_MAIN(TestQueryTesterPanel)
#include "TestQueryTesterPanel.moc"
