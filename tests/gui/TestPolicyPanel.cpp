// The policy editor against a real embedded Server over the demo shop's schema (an SQLite file
// with the demo tables, the demo policy, a configuration beside them): driven with the
// keyboard and mouse, checked by what the panel shows and by the PolicyStore in force.

#include "../core/EmbeddedServerConfig.h"
#include "PolicyHistoryModel.h"
#include "PolicyPanel.h"
#include "PolicyProblemModel.h"
#include "PolicyTreeModel.h"
#include "Screenshot.h"
#include "ServerStatusController.h"
#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "demo/DemoDataset.h"
#include "demo/DemoSchema.h"
#include "server/PolicyStore.h"
#include "server/Server.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
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
        QVERIFY(writeFile(path("policy.json"), *DemoDataset::policyDocument()));
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        ServerStatusController status(&server);
        PolicyPanel panel(&status, server.policyService());
        panel.resize(1200, 760);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(panel.runningHash(), server.policyStore()->currentHash());
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
        bool hasBuddy = false;
        for (QLabel *label : panel.findChildren<QLabel *>())
            hasBuddy =
                hasBuddy || (label->buddy() == owner && label->text().contains(QLatin1Char('&')));
        QVERIFY(hasBuddy);
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
        QVERIFY(child<QLabel>(&panel, "policyRelationsLabel")
                    ->text()
                    .contains(QStringLiteral("customer_id → customers.id")));
        test::saveScreenshot(&panel, QStringLiteral("policy-details"));

        // A problem no tree item stands for is shown in the JSON text.
        model->setValue("/defaults/budget/max_rows", Json(0));
        QTRY_COMPARE(panel.problemModel()->rowCount(), 1);
        QVERIFY(activateOnlyProblem(&panel, QStringLiteral("/defaults/budget/max_rows")));
        auto *json = child<QPlainTextEdit>(&panel, "policyJson");
        QCOMPARE(child<QTabWidget>(&panel, "policyTabs")->currentIndex(), 1);
        QVERIFY(json->textCursor().block().text().contains(QStringLiteral("\"max_rows\": 0")));
        server.stop();
    }

    // The file changed on disk (another editor, a deployment): a clean editor follows it, one
    // with edits keeps them and says what is in force now; a refused file is reported.
    void followsChangesOnDisk()
    {
        const QByteArray demo = *DemoDataset::policyDocument();
        QVERIFY(writeFile(path("policy.json"), demo));
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        PolicyStore *store = server.policyStore();
        store->setReloadDelay(std::chrono::milliseconds(20));
        ServerStatusController status(&server);
        PolicyPanel panel(&status, server.policyService());
        panel.resize(1200, 760);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(panel.runningHash(), store->currentHash());
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
        server.stop();
    }

    void editValidateApplyAndRevert()
    {
        QVERIFY(writeFile(path("policy.json"), *DemoDataset::policyDocument()));
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        PolicyStore *store = server.policyStore();
        const QString original = store->currentHash();
        ServerStatusController status(&server);
        PolicyPanel panel(&status, server.policyService());
        panel.resize(1200, 760);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(panel.runningHash(), original);

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
        server.stop();
    }
};

QTEST_MAIN(TestPolicyPanel)
#include "TestPolicyPanel.moc"
