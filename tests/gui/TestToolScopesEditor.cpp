// The OAuth panel's scopes-to-tools editor against a real embedded Server over the demo shop's
// schema: the server's tools listed with the scope each needs, edited from the keyboard,
// checked by the server with the problem on its row, applied with confirmation, and then in
// force in the server's PolicyStore.

#include "../core/EmbeddedServerConfig.h"
#include "Screenshot.h"
#include "ToolScopeModel.h"
#include "ToolScopesEditor.h"
#include "demo/DemoDataset.h"
#include "demo/DemoSchema.h"
#include "server/PolicyStore.h"
#include "server/Server.h"

#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace warden;

class TestToolScopesEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<ServerConfig> m_config;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    template<typename T> static T *child(QWidget *w, const char *name)
    {
        return w->findChild<T *>(QString::fromLatin1(name));
    }

    // Types `text` into the scope cell of `tool` and commits it with Return.
    static bool typeScope(QTableView *table, ToolScopeModel *model, const QString &tool,
                          const QString &text)
    {
        table->setFocus();
        table->setCurrentIndex(model->index(model->rowOf(tool), ToolScopeModel::Scope));
        QTest::keyClick(table, Qt::Key_F2);
        QLineEdit *editor = nullptr; // the open one: a closed editor lingers until deleted
        for (QLineEdit *e : table->viewport()->findChildren<QLineEdit *>())
            if (e->isVisible())
                editor = e;
        if (!editor)
            return false;
        QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
        if (text.isEmpty())
            QTest::keyClick(editor, Qt::Key_Delete);
        else
            QTest::keyClicks(editor, text);
        QTest::keyClick(editor, Qt::Key_Return);
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

    void editCheckAndApply()
    {
        Server server(*m_config, Server::Options {});
        ToolScopesEditor editor(server.policyService(), server.toolTesterService());
        editor.resize(640, 520);
        editor.show();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        auto *table = child<QTableView>(&editor, "toolScopesTable");
        auto *status = child<QLabel>(&editor, "toolScopesStatus");
        auto *apply = child<QPushButton>(&editor, "toolScopesApply");
        auto *discard = child<QPushButton>(&editor, "toolScopesDiscard");
        ToolScopeModel *model = editor.model();

        // Stopped: nothing to edit, and the label says what to do.
        QVERIFY(!table->isEnabled());
        QVERIFY2(status->text().contains(QStringLiteral("start the server")), qPrintable(status->text()));

        QVERIFY(server.startNow().ok());
        QTRY_VERIFY(table->isEnabled());
        QTRY_VERIFY(model->rowOf(QStringLiteral("db_query")) >= 0);
        QVERIFY(model->rowOf(QStringLiteral("db_describe_schema")) >= 0);
        QVERIFY(!apply->isEnabled());
        QVERIFY(!discard->isEnabled());
        const Json before = server.policyStore()->current()->document().value("scopes", Json::object());
        // (ordered JSON compares key order too; the map's order is not part of its meaning)
        QVERIFY2(nlohmann::json::parse(model->scopes().dump()) == nlohmann::json::parse(before.dump()),
                 (model->scopes().dump() + " vs " + before.dump()).c_str());

        // A scope with a space: the server's check puts the problem on its row; no apply.
        QVERIFY(typeScope(table, model, QStringLiteral("db_query"), QStringLiteral("warden read")));
        const QModelIndex query = model->index(model->rowOf(QStringLiteral("db_query")), ToolScopeModel::Scope);
        QTRY_VERIFY(!query.data(ToolScopeModel::ProblemRole).toString().isEmpty());
        QVERIFY2(query.data(ToolScopeModel::ProblemRole).toString().contains(QStringLiteral("OAuth scope")),
                 qPrintable(query.data(ToolScopeModel::ProblemRole).toString()));
        QVERIFY(!apply->isEnabled());
        QVERIFY(discard->isEnabled());
        QVERIFY2(status->text().contains(QStringLiteral("the row says what to fix")), qPrintable(status->text()));
        QVERIFY2(status->text().contains(QStringLiteral("db_query: ")), qPrintable(status->text()));
        test::saveScreenshot(&editor, QStringLiteral("oauth-scopes-problem"));

        // Fixed, and another tool given a scope: applied through the confirmation.
        QVERIFY(typeScope(table, model, QStringLiteral("db_query"), QStringLiteral("warden.read")));
        QVERIFY(typeScope(table, model, QStringLiteral("db_explain"), QStringLiteral("warden.admin")));
        QTRY_VERIFY2(apply->isEnabled(), qPrintable(status->text()));
        QVERIFY(query.data(ToolScopeModel::ProblemRole).toString().isEmpty());
        QVERIFY(status->text().contains(QStringLiteral("not applied yet")));
        test::saveScreenshot(&editor, QStringLiteral("oauth-scopes-edited"));
        const QString hashBefore = server.policyStore()->currentHash();
        QTest::keyClick(&editor, Qt::Key_M, Qt::AltModifier);
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = child<QDialog>(&editor, "toolScopesConfirmDialog")) && dialog->isVisible());
        QTest::keyClick(dialog, Qt::Key_Return);
        editor.activateWindow(); // as the window manager would once the dialog is gone
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        QTRY_VERIFY(server.policyStore()->currentHash() != hashBefore);
        auto policy = server.policyStore()->current();
        QVERIFY(policy->requiredScope("db_explain"));
        QCOMPARE(*policy->requiredScope("db_explain"), std::string("warden.admin"));
        QVERIFY(policy->requiredScope("db_query"));
        QCOMPARE(*policy->requiredScope("db_query"), std::string("warden.read"));
        QTRY_VERIFY(!apply->isEnabled());
        QTRY_VERIFY2(status->text().contains(QStringLiteral("is in force")), qPrintable(status->text()));

        // Discard drops edits, back to what is in force.
        QVERIFY(typeScope(table, model, QStringLiteral("db_explain"), QString()));
        QTRY_VERIFY(discard->isEnabled());
        QTest::keyClick(&editor, Qt::Key_G, Qt::AltModifier);
        QTRY_VERIFY(!model->isModified());
        QCOMPARE(model->index(model->rowOf(QStringLiteral("db_explain")), ToolScopeModel::Scope).data().toString(),
                 QStringLiteral("warden.admin"));

        // A policy changed elsewhere shows up here.
        Json document = policy->document();
        document["scopes"]["db_get"] = "warden.get";
        QVERIFY(server.policyStore()->apply(document).ok());
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("db_get")), ToolScopeModel::Scope).data().toString(),
                     QStringLiteral("warden.get"));

        server.stop();
        QTRY_VERIFY(!table->isEnabled());
    }
};

QTEST_MAIN(TestToolScopesEditor)
#include "TestToolScopesEditor.moc"
