// The policy editor against a real embedded Server over the demo shop's schema (an SQLite file
// with the demo tables, the demo policy, a configuration beside them): driven with the
// keyboard and mouse, checked by what the panel shows and by the PolicyStore in force.

#include "../core/EmbeddedServerConfig.h"
#include "PolicyHistoryModel.h"
#include "PolicyPanel.h"
#include "PolicyProblemModel.h"
#include "PolicyRelationModel.h"
#include "PolicyTreeModel.h"
#include "Screenshot.h"
#include "ServerStatusController.h"
#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "demo/DemoDataset.h"
#include "demo/DemoSchema.h"
#include "policy/Policy.h"
#include "server/PolicyStore.h"
#include "server/Server.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTreeView>

#include <sqlite3.h>

using namespace warden;
using warden::test::readFile;
using warden::test::writeFile;

class TestPolicyPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<ServerConfig> m_config;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    template<typename T> static T *child(QWidget *panel, const char *name)
    {
        return panel->findChild<T *>(QString::fromLatin1(name));
    }

    static QModelIndex columnIndex(PolicyTreeModel *model, const char *table, const char *column,
                                   int c)
    {
        const QModelIndex t = model->tableIndex(QString::fromLatin1(table));
        for (int row = 0; row < model->rowCount(t); ++row)
            if (model->index(row, 0, t).data().toString() == QString::fromLatin1(column))
                return model->index(row, c, t);
        return {};
    }

    // The confirmation dialog the panel opened; accepts it with its default button.
    static bool acceptConfirmation(QWidget *panel, const QString &screenshot = {})
    {
        QDialog *dialog = nullptr;
        for (int i = 0; i < 100 && !dialog; ++i) {
            for (QDialog *d : panel->findChildren<QDialog *>(QStringLiteral("policyConfirmDialog")))
                if (d->isVisible())
                    dialog = d;
            if (!dialog)
                QTest::qWait(20);
        }
        if (!dialog)
            return false;
        if (!screenshot.isEmpty())
            test::saveScreenshot(dialog, screenshot);
        QTest::keyClick(dialog, Qt::Key_Return); // the default button: apply / revert
        // Back to the panel, as the window manager would do once the dialog is gone.
        panel->activateWindow();
        return QTest::qWaitForWindowActive(panel);
    }

    // A started server on the demo policy and the panel showing it.
    struct Editor
    {
        explicit Editor(const ServerConfig &config)
            : server(config, Server::Options {})
        {
        }
        Server server;
        std::optional<ServerStatusController> status;
        std::optional<PolicyPanel> panel;
    };

    // Writes the demo policy, starts the server and shows the panel until it has the version
    // in force.
    bool open(Editor &e, int height) const
    {
        if (!writeFile(path("policy.json"), *DemoDataset::policyDocument())
            || !e.server.startNow().ok())
            return false;
        e.status.emplace(&e.server);
        e.panel.emplace(&*e.status, e.server.policyService());
        e.panel->resize(1200, height);
        e.panel->show();
        return QTest::qWaitForWindowActive(&*e.panel) && QTest::qWaitFor([&e] {
                   return e.panel->runningHash() == e.server.policyStore()->currentHash();
               });
    }

    static bool hasBuddyWithMnemonic(QWidget *panel, QWidget *buddy)
    {
        for (QLabel *label : panel->findChildren<QLabel *>())
            if (label->buddy() == buddy && label->text().contains(QLatin1Char('&')))
                return true;
        return false;
    }

    // Presses Enter on the one problem listed, after checking it is the one at `pointer`.
    static bool activateOnlyProblem(PolicyPanel *panel, const QString &pointer)
    {
        PolicyProblemModel *problems = panel->problemModel();
        if (problems->rowCount() != 1
            || problems->index(0, 0).data(PolicyProblemModel::PointerRole) != pointer)
            return false;
        auto *view = child<QTreeView>(panel, "policyProblems");
        view->setFocus();
        view->setCurrentIndex(problems->index(0, 0));
        QTest::keyClick(view, Qt::Key_Return);
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        auto loaded = test::writeDemoShopServerConfig(m_dir.path());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        m_config = *loaded;
    }

    // Without a running server there is no schema to check a policy against: the panel says
    // so and starts the server when asked.
    void needsTheRunningServer()
    {
        Server server(*m_config, Server::Options {});
        ServerStatusController status(&server);
        PolicyPanel panel(&status, server.policyService());
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *label = child<QLabel>(&panel, "policyUnavailableLabel");
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().contains(QStringLiteral("needs the running server")),
                 qPrintable(label->text()));
        test::saveScreenshot(&panel, QStringLiteral("policy-stopped"));
        auto *start = child<QPushButton>(&panel, "policyStartButton");
        QVERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE(server.state(), ServerInterface::State::Running);
        QTRY_VERIFY(child<QTreeView>(&panel, "policyTree")->isVisible());
        QTRY_COMPARE(panel.runningHash(), server.policyStore()->currentHash());
        QVERIFY(panel.treeModel()->tableIndex(QStringLiteral("customers")).isValid());
        server.stop();
        QTRY_VERIFY(label->isVisible());
    }

    // Row scopes, budget and writes of the selected table, edited with the keyboard.
    void detailEditorsEditTheSelectedTable()
    {
        Editor e(*m_config);
        QVERIFY(open(e, 760));
        PolicyPanel &panel = *e.panel;
        PolicyTreeModel *model = panel.treeModel();
        auto *tree = child<QTreeView>(&panel, "policyTree");
        auto *title = child<QLabel>(&panel, "policyTableTitle");

        tree->setCurrentIndex(model->tableIndex(QStringLiteral("orders")));
        QVERIFY(title->text().contains(QStringLiteral("orders")));
        auto *maxRows = child<QSpinBox>(&panel, "policyMaxRows");
        QVERIFY(maxRows->isEnabled());
        maxRows->setFocus();
        maxRows->selectAll();
        QTest::keyClicks(maxRows, QStringLiteral("50"));
        QVERIFY(model->value("/tables/orders/budget/max_rows") == Json(50));
        maxRows->selectAll();
        QTest::keyClick(maxRows, Qt::Key_Delete);
        QTest::keyClicks(maxRows, QStringLiteral("0"));
        QVERIFY(!model->value("/tables/orders/budget"));

        // The owner column: reached by its label's mnemonic, user_id picked with the arrow keys.
        auto *owner = child<QComboBox>(&panel, "policyOwnerColumn");
        QVERIFY(hasBuddyWithMnemonic(&panel, owner));
        owner->setFocus();
        const int userId = owner->findText(QStringLiteral("user_id"));
        QVERIFY(userId > 1);
        while (owner->currentIndex() < userId)
            QTest::keyClick(owner, Qt::Key_Down);
        QVERIFY(model->value("/tables/orders/owner_column") == Json("user_id"));
        QTRY_VERIFY(child<QPushButton>(&panel, "policyApplyButton")->isEnabled());
        QVERIFY(model->tableIndex(QStringLiteral("orders"))
                    .siblingAtColumn(PolicyTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("owner: user_id")));
        const int customer = panel.relationModel()->rowOf(QStringLiteral("customer"));
        QVERIFY(customer >= 0);
        QCOMPARE(panel.relationModel()
                     ->index(customer, PolicyRelationModel::ViaColumn)
                     .data()
                     .toString(),
                 QStringLiteral("customer_id"));
        test::saveScreenshot(&panel, QStringLiteral("policy-details"));

        // A problem no tree item stands for is shown in the JSON text.
        model->setValue("/defaults/budget/max_rows", Json(0));
        QTRY_COMPARE(panel.problemModel()->rowCount(), 1);
        QVERIFY(activateOnlyProblem(&panel, QStringLiteral("/defaults/budget/max_rows")));
        auto *json = child<QPlainTextEdit>(&panel, "policyJson");
        QCOMPARE(child<QTabWidget>(&panel, "policyTabs")->currentIndex(), 1);
        QVERIFY(json->textCursor().block().text().contains(QStringLiteral("\"max_rows\": 0")));
        e.server.stop();
    }

    // Roles in their own form: added, described, a tag switched, a table's budget overridden
    // for the role, renamed, one removed; an invalid override is refused next to the role;
    // the applied policy gives the role's principals its rules.
    void rolesAreEditedInTheirForm()
    {
        Editor e(*m_config);
        QVERIFY(open(e, 860));
        PolicyPanel &panel = *e.panel;
        PolicyStore *store = e.server.policyStore();
        const QString original = store->currentHash();
        PolicyTreeModel *model = panel.treeModel();
        auto *tree = child<QTreeView>(&panel, "policyTree");
        auto *json = child<QPlainTextEdit>(&panel, "policyJson");
        auto *apply = child<QPushButton>(&panel, "policyApplyButton");
        auto *pages = child<QStackedWidget>(&panel, "policyDetailPages");

        // The Roles item opens the role form; a role is typed and added with Enter.
        tree->setFocus();
        tree->setCurrentIndex(model->indexForPointer(QStringLiteral("/roles")));
        QCOMPARE(pages->currentIndex(), 1);
        auto *newRole = child<QLineEdit>(&panel, "policyNewRoleName");
        QVERIFY(hasBuddyWithMnemonic(&panel, newRole));
        QTest::keyClick(&panel, Qt::Key_N, Qt::AltModifier);
        QTRY_VERIFY(newRole->hasFocus());
        QTest::keyClicks(newRole, QStringLiteral("support"));
        QTest::keyClick(newRole, Qt::Key_Return);
        QVERIFY(model->value("/roles/support") == Json::object());
        const QModelIndex supportItem = model->indexForPointer(QStringLiteral("/roles/support"));
        QVERIFY(supportItem.isValid());
        QCOMPARE(tree->currentIndex(), supportItem);
        QVERIFY(json->toPlainText().contains(QStringLiteral("\"roles\": {")));
        QVERIFY(json->toPlainText().contains(QStringLiteral("\"support\"")));
        // The same name again is refused next to the field, and nothing changes.
        QTest::keyClicks(newRole, QStringLiteral("support"));
        QTest::keyClick(newRole, Qt::Key_Return);
        auto *message = child<QLabel>(&panel, "policyRoleMessage");
        QVERIFY(message->isVisible());
        QVERIFY2(message->text().contains(QStringLiteral("already")), qPrintable(message->text()));
        QCOMPARE(model->value("/roles")->size(), std::size_t(1));
        test::saveScreenshot(&panel, QStringLiteral("policy-role-refused"));

        auto *description = child<QLineEdit>(&panel, "policyRoleDescription");
        QVERIFY(hasBuddyWithMnemonic(&panel, description));
        description->setFocus();
        QTest::keyClicks(description, QStringLiteral("help desk"));
        QTest::keyClick(description, Qt::Key_Return);
        QVERIFY(model->value("/roles/support/description") == Json("help desk"));
        QCOMPARE(supportItem.siblingAtColumn(PolicyTreeModel::NoteColumn).data().toString(),
                 QStringLiteral("help desk"));
        // The support role sees personal data: its pii switch set to allow.
        auto *pii = child<QComboBox>(&panel, "policyRoleTag_pii");
        QVERIFY(pii);
        QVERIFY(child<QComboBox>(&panel, "policyRoleTag_phi"));
        QTest::keyClick(description, Qt::Key_Tab); // the switches follow the description
        QTRY_COMPARE(QApplication::focusWidget(), pii);
        QTest::keyClick(pii, Qt::Key_Down);
        QCOMPARE(pii->currentText(), QStringLiteral("allow"));
        QVERIFY(model->value("/roles/support/tags/pii") == Json("allow"));

        // Its own budget on customers, with the table editors (Alt+E from the role form).
        auto *roleTable = child<QComboBox>(&panel, "policyRoleTable");
        roleTable->setFocus();
        QTest::keyClicks(roleTable, QStringLiteral("cu"));
        QCOMPARE(roleTable->currentText(), QStringLiteral("customers"));
        test::saveScreenshot(&panel, QStringLiteral("policy-roles"));
        QTest::keyClick(&panel, Qt::Key_E, Qt::AltModifier);
        QTRY_COMPARE(pages->currentIndex(), 0);
        QCOMPARE(tree->currentIndex(), model->tableIndex(QStringLiteral("customers")));
        auto *rulesFor = child<QComboBox>(&panel, "policyRulesFor");
        QCOMPARE(rulesFor->currentData().toString(), QStringLiteral("support"));
        QVERIFY(child<QLabel>(&panel, "policyTableTitle")
                    ->text()
                    .contains(QStringLiteral("for role <b>support</b>")));
        auto *maxRows = child<QSpinBox>(&panel, "policyMaxRows");
        QCOMPARE(maxRows->value(), 0);
        QCOMPARE(maxRows->text(), QStringLiteral("As for everyone"));
        maxRows->setFocus();
        maxRows->selectAll();
        QTest::keyClicks(maxRows, QStringLiteral("20"));
        QVERIFY(model->value("/roles/support/tables/customers/budget/max_rows") == Json(20));
        QVERIFY(!model->value("/tables/customers/budget"));
        QTRY_VERIFY(apply->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("policy-role-table"));

        // An override that cannot work (a relation without its column) is refused, the
        // problem shown on the role.
        auto *relationView = child<QTreeView>(&panel, "policyRelations");
        relationView->setFocus();
        QTest::keyClick(relationView, Qt::Key_Insert);
        QVERIFY(model->value("/roles/support/tables/customers/relations/relation"));
        QTRY_VERIFY(supportItem.data(PolicyTreeModel::ProblemRole)
                        .toString()
                        .contains(QStringLiteral("\"via\" is required")));
        QVERIFY(!apply->isEnabled());
        tree->setCurrentIndex(supportItem);
        QCOMPARE(pages->currentIndex(), 1);
        auto *roleProblem = child<QLabel>(&panel, "policyRoleProblem");
        QVERIFY(roleProblem->isVisible());
        QVERIFY2(roleProblem->text().contains(QStringLiteral("\"via\" is required")),
                 qPrintable(roleProblem->text()));
        // Undo takes the relation away again.
        QTest::keySequence(tree, QKeySequence::Undo);
        QVERIFY(!model->value("/roles/support/tables/customers/relations"));
        QTRY_VERIFY(apply->isEnabled());
        QTRY_VERIFY(!roleProblem->isVisible());

        // A second role, removed with Alt+V.
        newRole->setFocus();
        QCOMPARE(newRole->text(), QStringLiteral("support")); // the refused name stays
        newRole->selectAll();
        QTest::keyClicks(newRole, QStringLiteral("temp"));
        QTest::keyClick(newRole, Qt::Key_Return);
        QVERIFY(model->value("/roles/temp"));
        QTest::keyClick(&panel, Qt::Key_V, Qt::AltModifier);
        QTRY_VERIFY(!model->value("/roles/temp")); // a mnemonic clicks after a moment

        // Renamed in its name field (Alt+M).
        tree->setCurrentIndex(model->indexForPointer(QStringLiteral("/roles/support")));
        QTest::keyClick(&panel, Qt::Key_M, Qt::AltModifier);
        auto *roleName = child<QLineEdit>(&panel, "policyRoleName");
        QTRY_VERIFY(roleName->hasFocus());
        roleName->selectAll();
        QTest::keyClicks(roleName, QStringLiteral("helpdesk"));
        QTest::keyClick(roleName, Qt::Key_Return);
        QVERIFY(!model->value("/roles/support"));
        QVERIFY(model->value("/roles/helpdesk/tables/customers/budget/max_rows") == Json(20));
        QVERIFY(json->toPlainText().contains(QStringLiteral("\"helpdesk\"")));
        QTRY_VERIFY(apply->isEnabled());
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(acceptConfirmation(&panel));
        QTRY_VERIFY(store->currentHash() != original);
        QTRY_COMPARE(panel.runningHash(), store->currentHash());

        // The policy in force gives a helpdesk principal the role's rules, others the base's.
        const auto policy = store->current();
        Principal helpdesk;
        helpdesk.tenantId = "1";
        helpdesk.roles = { "helpdesk" };
        const TableView *customers = policy->table("customers", helpdesk);
        QVERIFY(customers);
        QCOMPARE(customers->budget.maxRows, std::int64_t(20));
        QVERIFY(customers->column("email"));
        QCOMPARE(int(customers->column("email")->action), int(ColumnAction::Allow));
        Principal analyst;
        analyst.tenantId = "1";
        analyst.roles = { "analyst" };
        const TableView *base = policy->table("customers", analyst);
        QVERIFY(base);
        QCOMPARE(base->budget.maxRows, std::int64_t(100));
        QCOMPARE(int(base->column("email")->action), int(ColumnAction::Mask));
        QVERIFY(policy->document()["roles"]["helpdesk"]["description"] == "help desk");
        e.server.stop();
    }

    // Relations of a table in their own form: the foreign-key ones listed read-only, a
    // declared one added, refused while its link column is missing, then applied.
    void relationsAreEditedInTheirForm()
    {
        Editor e(*m_config);
        QVERIFY(open(e, 900));
        PolicyPanel &panel = *e.panel;
        PolicyStore *store = e.server.policyStore();
        const QString original = store->currentHash();
        PolicyTreeModel *model = panel.treeModel();
        PolicyRelationModel *relations = panel.relationModel();
        QAbstractItemModelTester tester(relations,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto *tree = child<QTreeView>(&panel, "policyTree");
        auto *json = child<QPlainTextEdit>(&panel, "policyJson");
        auto *apply = child<QPushButton>(&panel, "policyApplyButton");

        tree->setCurrentIndex(model->tableIndex(QStringLiteral("orders")));
        const int customer = relations->rowOf(QStringLiteral("customer"));
        QVERIFY(customer >= 0);
        QCOMPARE(relations->index(customer, PolicyRelationModel::SourceColumn).data().toString(),
                 QStringLiteral("foreign key (read-only)"));
        QVERIFY(relations->rowOf(QStringLiteral("order_items")) >= 0);
        auto *view = child<QTreeView>(&panel, "policyRelations");
        QVERIFY(hasBuddyWithMnemonic(&panel, view));
        QTest::keyClick(&panel, Qt::Key_S, Qt::AltModifier);
        QTRY_VERIFY(view->hasFocus());
        view->setCurrentIndex(relations->index(customer, 0));
        auto *name = child<QLineEdit>(&panel, "policyRelationName");
        QVERIFY(!name->isEnabled()); // derived: read-only
        QCOMPARE(name->text(), QStringLiteral("customer"));
        QVERIFY(!child<QPushButton>(&panel, "policyRemoveRelationButton")->isEnabled());

        // Insert adds a declaration and puts the cursor on its name.
        QTest::keyClick(view, Qt::Key_Insert);
        QVERIFY(model->value("/tables/orders/relations/relation"));
        QTRY_VERIFY(name->hasFocus());
        QVERIFY(name->isEnabled());
        QTest::keyClicks(name, QStringLiteral("buyer"));
        QTest::keyClick(name, Qt::Key_Return);
        QVERIFY(!model->value("/tables/orders/relations/relation"));
        QVERIFY(model->value("/tables/orders/relations/buyer"));
        QCOMPARE(view->currentIndex().data(PolicyRelationModel::NameRole).toString(),
                 QStringLiteral("buyer"));
        QVERIFY(json->toPlainText().contains(QStringLiteral("\"buyer\": {")));

        // The target from the schema, with the keyboard; without "via" it is refused.
        auto *target = child<QComboBox>(&panel, "policyRelationTarget");
        QVERIFY(hasBuddyWithMnemonic(&panel, target));
        target->setFocus();
        QTest::keyClicks(target, QStringLiteral("cu"));
        QCOMPARE(target->currentText(), QStringLiteral("customers"));
        QVERIFY(model->value("/tables/orders/relations/buyer/target") == Json("customers"));
        const auto buyer = [relations] {
            return relations->index(relations->rowOf(QStringLiteral("buyer")), 0);
        };
        QTRY_VERIFY(buyer()
                        .data(PolicyRelationModel::ProblemRole)
                        .toString()
                        .contains(QStringLiteral("\"via\" is required")));
        auto *problem = child<QLabel>(&panel, "policyRelationProblem");
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().contains(QStringLiteral("\"via\" is required")),
                 qPrintable(problem->text()));
        QVERIFY(!apply->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("policy-relation-problem"));
        QVERIFY(model->tableIndex(QStringLiteral("orders"))
                    .data(PolicyTreeModel::ProblemRole)
                    .toString()
                    .contains(QStringLiteral("via")));
        // Ctrl+S does nothing while the document is invalid.
        QTest::keyClick(target, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(panel.findChildren<QDialog *>(QStringLiteral("policyConfirmDialog")).isEmpty());

        // The link column, from the table's columns: valid, and the problem goes.
        auto *via = child<QComboBox>(&panel, "policyRelationVia");
        QVERIFY(hasBuddyWithMnemonic(&panel, via));
        via->setFocus();
        QTest::keyClicks(via, QStringLiteral("cu"));
        QCOMPARE(via->currentText(), QStringLiteral("customer_id"));
        QTRY_VERIFY(apply->isEnabled());
        QVERIFY(!problem->isVisible());
        QVERIFY(buyer().data(PolicyRelationModel::ProblemRole).toString().isEmpty());
        QVERIFY(model->value("/tables/orders/relations/buyer")
                == Json({ { "target", "customers" },
                          { "kind", "many_to_one" },
                          { "via", "customer_id" } }));
        test::saveScreenshot(&panel, QStringLiteral("policy-relations"));

        QTest::keyClick(via, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(acceptConfirmation(&panel));
        QTRY_VERIFY(store->currentHash() != original);
        QTRY_COMPARE(panel.runningHash(), store->currentHash());
        Principal analyst;
        analyst.tenantId = "1";
        analyst.roles = { "analyst" };
        const auto relation = store->current()->relation("orders", "buyer", analyst);
        QVERIFY(relation);
        QVERIFY(relation->relation->declared);
        QCOMPARE(relation->relation->target, std::string("customers"));
        QCOMPARE(relation->relation->column, std::string("customer_id"));
        QCOMPARE(relation->relation->targetColumn, std::string("id"));

        // Removed again with Delete in the list; the derived ones stay.
        view->setFocus();
        view->setCurrentIndex(buyer());
        QTest::keyClick(view, Qt::Key_Delete);
        QVERIFY(!model->value("/tables/orders/relations"));
        QCOMPARE(relations->rowOf(QStringLiteral("buyer")), -1);
        QVERIFY(relations->rowOf(QStringLiteral("customer")) >= 0);

        // A role added reshapes the tree; the selected table stays selected and shown.
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        model->setValue("/roles/extra", Json::object());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(tree->currentIndex(), model->tableIndex(QStringLiteral("orders")));
        QCOMPARE(relations->table(), QStringLiteral("orders"));
        e.server.stop();
    }

    // The file changed on disk (another editor, a deployment): a clean editor follows it, one
    // with edits keeps them and says what is in force now; a refused file is reported.
    void followsChangesOnDisk()
    {
        const QByteArray demo = *DemoDataset::policyDocument();
        Editor e(*m_config);
        QVERIFY(open(e, 760));
        PolicyPanel &panel = *e.panel;
        PolicyStore *store = e.server.policyStore();
        store->setReloadDelay(std::chrono::milliseconds(20));
        PolicyTreeModel *model = panel.treeModel();
        auto *banner = child<QLabel>(&panel, "policyBanner");

        Json doc = Json::parse(demo.toStdString());
        doc["tables"]["customers"]["columns"]["city"] = Json { { "action", "hash" } };
        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(doc.dump(2))));
        QTRY_COMPARE(columnIndex(model, "customers", "city", PolicyTreeModel::ActionColumn)
                         .data()
                         .toString(),
                     QStringLiteral("hash"));
        QCOMPARE(panel.runningHash(), store->currentHash());
        QVERIFY(!panel.hasChanges());

        // An edit of ours, then another change on disk: the edit stays, compared with the new
        // version.
        QVERIFY(model->setData(
            columnIndex(model, "customers", "country", PolicyTreeModel::ActionColumn),
            QStringLiteral("deny")));
        doc["tables"]["customers"]["columns"]["city"] = Json { { "action", "deny" } };
        const QString before = store->currentHash();
        QVERIFY(writeFile(path("policy.json"), QByteArray::fromStdString(doc.dump(2))));
        QTRY_VERIFY(store->currentHash() != before);
        QTRY_COMPARE(panel.runningHash(), store->currentHash());
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(QStringLiteral("your edits are compared with it")),
                 qPrintable(banner->text()));
        QCOMPARE(columnIndex(model, "customers", "country", PolicyTreeModel::ActionColumn)
                     .data()
                     .toString(),
                 QStringLiteral("deny"));
        QVERIFY(child<QPlainTextEdit>(&panel, "policyDiff")
                    ->toPlainText()
                    .contains(QStringLiteral("city")));

        // A broken file is refused; the panel says so and the version in force stays.
        const QString inForce = store->currentHash();
        QVERIFY(writeFile(path("policy.json"),
                          QByteArrayLiteral("{\"version\": 1, \"tables\": {\"nope\": {}}}")));
        QTRY_VERIFY(banner->text().contains(QStringLiteral("refused")));
        QVERIFY(banner->text().contains(QStringLiteral("nope")));
        QCOMPARE(store->currentHash(), inForce);
        e.server.stop();
    }

    void editValidateApplyAndRevert()
    {
        Editor e(*m_config);
        QVERIFY(open(e, 760));
        PolicyPanel &panel = *e.panel;
        PolicyStore *store = e.server.policyStore();
        const QString original = store->currentHash();

        auto *tree = child<QTreeView>(&panel, "policyTree");
        auto *json = child<QPlainTextEdit>(&panel, "policyJson");
        auto *apply = child<QPushButton>(&panel, "policyApplyButton");
        auto *tabs = child<QTabWidget>(&panel, "policyTabs");
        auto *statusLabel = child<QLabel>(&panel, "policyStatusLabel");
        PolicyTreeModel *model = panel.treeModel();
        QTRY_VERIFY(statusLabel->text().contains(QStringLiteral("nothing changed")));
        QVERIFY(!apply->isEnabled());
        // Every table of the database is there; the built-in deny rules show on users.
        QCOMPARE(columnIndex(model, "users", "password_hash", PolicyTreeModel::ActionColumn)
                     .data()
                     .toString(),
                 QStringLiteral("deny"));

        // customers.first_name: allow → mask, with the keyboard only.
        const QModelIndex firstName =
            columnIndex(model, "customers", "first_name", PolicyTreeModel::NameColumn);
        QVERIFY(firstName.isValid());
        QCOMPARE(firstName.siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
                 QStringLiteral("allow"));
        tree->setFocus();
        tree->setCurrentIndex(firstName);
        tree->scrollTo(firstName);
        QTest::keyClick(tree, Qt::Key_Right); // to the Action cell
        QCOMPARE(tree->currentIndex(), firstName.siblingAtColumn(PolicyTreeModel::ActionColumn));
        QTest::keyClick(tree, Qt::Key_F2);
        auto *editor = tree->findChild<QComboBox *>();
        QVERIFY(editor);
        QTRY_VERIFY(editor->hasFocus());
        QTest::keyClicks(editor, QStringLiteral("m"));
        QCOMPARE(editor->currentText(), QStringLiteral("mask"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(firstName.siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
                     QStringLiteral("mask"));
        QVERIFY(model->value("/tables/customers/columns/first_name")
                == Json({ { "action", "mask" } }));
        // The JSON view follows, and the change is valid.
        QVERIFY(json->toPlainText().contains(
            QStringLiteral("\"first_name\": {\n          \"action\": \"mask\"")));
        QTRY_VERIFY(apply->isEnabled());
        QVERIFY(statusLabel->text().startsWith(QStringLiteral("Valid")));
        // Undo and redo the edit from the tree.
        QTest::keySequence(tree, QKeySequence::Undo);
        QCOMPARE(firstName.siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
                 QStringLiteral("allow"));
        QVERIFY(!json->toPlainText().contains(QStringLiteral("first_name")));
        QTRY_VERIFY(!apply->isEnabled()); // nothing changed any more
        QTest::keySequence(tree, QKeySequence::Redo);
        QCOMPARE(firstName.siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
                 QStringLiteral("mask"));
        QTRY_VERIFY(apply->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("policy-tree"));

        // The diff against the version in force.
        tabs->setCurrentIndex(2);
        auto *diff = child<QPlainTextEdit>(&panel, "policyDiff");
        QVERIFY2(
            diff->toPlainText().contains(QStringLiteral("/tables/customers/columns/first_name")),
            qPrintable(diff->toPlainText()));
        test::saveScreenshot(&panel, QStringLiteral("policy-diff"));

        // Apply (Ctrl+S), confirmed: the store puts the new version in force and the file has it.
        QTest::keyClick(tree, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(acceptConfirmation(&panel, QStringLiteral("policy-apply-confirmation")));
        QTRY_VERIFY(store->currentHash() != original);
        const QString applied = store->currentHash();
        QVERIFY(
            store->current()->document()["tables"]["customers"]["columns"]["first_name"]["action"]
            == "mask");
        QVERIFY(readFile(path("policy.json")).contains("first_name"));
        QTRY_COMPARE(panel.runningHash(), applied);
        QTRY_VERIFY(!apply->isEnabled());

        // Invalid JSON: the error names the line, the tree is disabled, nothing can be applied.
        tabs->setCurrentIndex(1);
        json->setFocus();
        json->moveCursor(QTextCursor::Start);
        QTest::keyClicks(json, QStringLiteral("x"));
        auto *jsonError = child<QLabel>(&panel, "policyJsonError");
        QTRY_VERIFY(jsonError->isVisible());
        QVERIFY2(jsonError->text().contains(QStringLiteral("Line 1, column")),
                 qPrintable(jsonError->text()));
        QVERIFY(!tree->isEnabled());
        QVERIFY(!apply->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("policy-json-error"));
        QTest::keyClick(json, Qt::Key_Backspace);
        QTRY_VERIFY(tree->isEnabled());
        QVERIFY(!jsonError->isVisible());

        // An unknown column typed into the JSON: the problem is shown next to its item and
        // listed, the item is selected from the list, and Apply stays off.
        QTextCursor cursor = json->document()->find(QStringLiteral("\"email\": {"));
        QVERIFY(!cursor.isNull());
        cursor.setPosition(cursor.selectionStart());
        json->setTextCursor(cursor);
        QTest::keyClicks(json, QStringLiteral("\"emial\": {\"action\": \"allow\"}, "));
        QTRY_VERIFY(columnIndex(model, "customers", "emial", 0).isValid());
        const auto emial = [&] {
            return columnIndex(model, "customers", "emial", 0);
        };
        QTRY_VERIFY(emial()
                        .data(PolicyTreeModel::ProblemRole)
                        .toString()
                        .contains(QStringLiteral("has no column")));
        QVERIFY(emial()
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("did you mean \"email\"")));
        QVERIFY(!apply->isEnabled());
        QVERIFY2(statusLabel->text().contains(QStringLiteral("Problems to fix")),
                 qPrintable(statusLabel->text()));
        QVERIFY(activateOnlyProblem(&panel, QStringLiteral("/tables/customers/columns/emial")));
        QCOMPARE(tree->currentIndex(), emial());
        QTRY_VERIFY2(tree->hasFocus(),
                     QApplication::focusWidget()
                         ? QApplication::focusWidget()->metaObject()->className()
                         : "none");
        test::saveScreenshot(&panel, QStringLiteral("policy-problem"));
        // Nothing invalid reached the file or the store.
        QCOMPARE(store->currentHash(), applied);
        QVERIFY(!readFile(path("policy.json")).contains("emial"));

        // Discard, then revert to the first version from the history.
        QTest::mouseClick(child<QPushButton>(&panel, "policyDiscardButton"), Qt::LeftButton);
        QTRY_VERIFY(!columnIndex(model, "customers", "emial", 0).isValid());
        QTRY_VERIFY(statusLabel->text().contains(QStringLiteral("nothing changed")));
        tabs->setCurrentIndex(3);
        auto *history = child<QTreeView>(&panel, "policyHistory");
        PolicyHistoryModel *versions = panel.historyModel();
        QTRY_VERIFY(versions->rowCount() >= 2);
        QVERIFY(versions->index(0, 0).data(PolicyHistoryModel::InForceRole).toBool());
        const int originalRow = versions->rowOf(original);
        QVERIFY(originalRow > 0);
        history->setFocus();
        history->setCurrentIndex(versions->index(originalRow, 0));
        QTest::mouseClick(child<QPushButton>(&panel, "policyDiffVersionButton"), Qt::LeftButton);
        auto *versionText = child<QPlainTextEdit>(&panel, "policyHistoryText");
        QTRY_VERIFY(versionText->toPlainText().contains(QStringLiteral("first_name")));
        test::saveScreenshot(&panel, QStringLiteral("policy-history"));
        QTest::mouseClick(child<QPushButton>(&panel, "policyRevertButton"), Qt::LeftButton);
        QVERIFY(acceptConfirmation(&panel));
        QTRY_COMPARE(store->currentHash(), original);
        QTRY_COMPARE(panel.runningHash(), original);
        QTRY_COMPARE(columnIndex(model, "customers", "first_name", PolicyTreeModel::ActionColumn)
                         .data()
                         .toString(),
                     QStringLiteral("allow"));
        QTRY_VERIFY(versions->rowCount() >= 3);
        QCOMPARE(versions->index(0, 0).data(PolicyHistoryModel::SourceRole).toString(),
                 QStringLiteral("apply"));
        e.server.stop();
    }
};

QTEST_MAIN(TestPolicyPanel)
#include "TestPolicyPanel.moc"
