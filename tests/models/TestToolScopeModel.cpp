// ToolScopeModel: the policy's tool → scope map as an editable table of the server's tools,
// under QAbstractItemModelTester.

#include "ToolScopeModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;

class TestToolScopeModel : public QObject
{
    Q_OBJECT

    static QString scopeOf(const ToolScopeModel &model, const QString &tool)
    {
        return model.index(model.rowOf(tool), ToolScopeModel::Scope).data().toString();
    }

private Q_SLOTS:
    void rowsAreTheCatalogueAndTheMap()
    {
        ToolScopeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTools({ QStringLiteral("db_query"), QStringLiteral("db_get") });
        model.setRunning(Json { { "db_query", "warden.read" }, { "old_tool", "x.y" } });
        QCOMPARE(model.rowCount(), 3);
        // Sorted by name.
        QCOMPARE(model.index(0, ToolScopeModel::Tool).data().toString(), QStringLiteral("db_get"));
        QCOMPARE(model.index(1, ToolScopeModel::Tool).data().toString(), QStringLiteral("db_query"));
        QCOMPARE(model.index(2, ToolScopeModel::Tool).data().toString(), QStringLiteral("old_tool"));
        QCOMPARE(scopeOf(model, QStringLiteral("db_query")), QStringLiteral("warden.read"));
        QVERIFY(scopeOf(model, QStringLiteral("db_get")).isEmpty());
        QVERIFY(model.index(2, ToolScopeModel::Tool).data(Qt::ToolTipRole).toString().contains(QStringLiteral("no tool")));
        QVERIFY(!model.isModified());
        QVERIFY(model.flags(model.index(0, ToolScopeModel::Scope)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, ToolScopeModel::Tool)) & Qt::ItemIsEditable));
    }

    void editsChangeTheMapUntilDiscarded()
    {
        ToolScopeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTools({ QStringLiteral("db_query"), QStringLiteral("db_update") });
        model.setRunning(Json { { "db_query", "warden.read" } });
        QSignalSpy edited(&model, &ToolScopeModel::scopesEdited);
        const QModelIndex update = model.index(model.rowOf(QStringLiteral("db_update")), ToolScopeModel::Scope);
        QVERIFY(model.setData(update, QStringLiteral("  warden.write ")));
        QCOMPARE(edited.size(), 1);
        QVERIFY(model.isModified());
        QVERIFY(model.scopes() == (Json { { "db_query", "warden.read" }, { "db_update", "warden.write" } }));
        QVERIFY(update.data(ToolScopeModel::ModifiedRole).toBool());
        // Clearing a scope drops the tool from the map.
        QVERIFY(model.setData(model.index(model.rowOf(QStringLiteral("db_query")), ToolScopeModel::Scope), QString()));
        QVERIFY(model.scopes() == (Json { { "db_update", "warden.write" } }));
        // The tool column is not editable.
        QVERIFY(!model.setData(model.index(0, ToolScopeModel::Tool), QStringLiteral("renamed")));
        model.discard();
        QVERIFY(!model.isModified());
        QVERIFY(model.scopes() == (Json { { "db_query", "warden.read" } }));
        // Undoing an edit by hand is no change either.
        QVERIFY(model.setData(update, QStringLiteral("a")));
        QVERIFY(model.setData(update, QString()));
        QVERIFY(!model.isModified());
    }

    // The policy changed elsewhere while editing: the new map is in force, and only what was
    // edited stays on top of it (an untouched tool takes the new scope).
    void editsCanBeKeptOverANewVersion()
    {
        ToolScopeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTools({ QStringLiteral("db_query"), QStringLiteral("db_get") });
        model.setRunning(Json { { "db_query", "warden.read" } });
        QVERIFY(model.setData(model.index(model.rowOf(QStringLiteral("db_get")), ToolScopeModel::Scope),
                              QStringLiteral("warden.get")));
        model.setRunning(Json { { "db_query", "warden.query" } }, ToolScopeModel::Edits::Keep);
        QVERIFY(model.isModified());
        QVERIFY(model.scopes() == (Json { { "db_get", "warden.get" }, { "db_query", "warden.query" } }));
        model.discard();
        QVERIFY(model.scopes() == (Json { { "db_query", "warden.query" } }));
    }

    void problemsGoToTheirRow()
    {
        ToolScopeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTools({ QStringLiteral("db_query"), QStringLiteral("db_get") });
        model.setRunning(Json::object());
        QVERIFY(model.setData(model.index(model.rowOf(QStringLiteral("db_get")), ToolScopeModel::Scope),
                              QStringLiteral("has space")));
        const QList<PolicyProblem> elsewhere = model.setProblems(
            { { QStringLiteral("/scopes/db_get"), QStringLiteral("must be one OAuth scope") },
              { QStringLiteral("/tables"), QStringLiteral("something else") } });
        QCOMPARE(elsewhere.size(), 1);
        QCOMPARE(elsewhere.front().pointer, QStringLiteral("/tables"));
        const QModelIndex row = model.index(model.rowOf(QStringLiteral("db_get")), ToolScopeModel::Scope);
        QCOMPARE(row.data(ToolScopeModel::ProblemRole).toString(), QStringLiteral("must be one OAuth scope"));
        QCOMPARE(row.data(Qt::ToolTipRole).toString(), QStringLiteral("must be one OAuth scope"));
        QVERIFY(model.index(model.rowOf(QStringLiteral("db_query")), ToolScopeModel::Scope).data(ToolScopeModel::ProblemRole).toString().isEmpty());
        model.setProblems({});
        QVERIFY(row.data(ToolScopeModel::ProblemRole).toString().isEmpty());
    }

    // The edited map replaces the document's, and an empty one drops the key; the rest of the
    // document stays.
    void editsApplyToADocument()
    {
        ToolScopeModel model;
        model.setTools({ QStringLiteral("db_query") });
        model.setRunning(Json { { "db_query", "warden.read" } });
        const Json document { { "version", 1 }, { "scopes", { { "db_query", "warden.read" } } } };
        QVERIFY(model.applyTo(document) == document);
        QVERIFY(model.setData(model.index(0, ToolScopeModel::Scope), QString()));
        QVERIFY(model.applyTo(document) == (Json { { "version", 1 } }));
    }

    void anEmptyOrMissingMapIsNone()
    {
        ToolScopeModel model;
        model.setRunning(Json());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.scopes() == Json::object());
        model.setRunning(Json::array());
        QVERIFY(model.scopes() == Json::object());
    }
};

QTEST_GUILESS_MAIN(TestToolScopeModel)
#include "TestToolScopeModel.moc"
