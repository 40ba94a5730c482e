// The query tester's history of runs, under QAbstractItemModelTester.

#include "RunHistoryModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using warden::Impersonation;
using warden::RunHistoryModel;
using warden::ToolRun;

namespace {

ToolRun run(const QString &tool, const QString &code = {})
{
    ToolRun r;
    r.tool = tool;
    r.principal = Impersonation {
        QStringLiteral("alice"), QStringLiteral("acme"), { QStringLiteral("analyst") }, {}
    };
    r.started = QDateTime::currentDateTimeUtc();
    r.durationUs = 1500;
    r.isError = !code.isEmpty();
    r.errorCode = code;
    r.errorMessage = code.isEmpty() ? QString() : QStringLiteral("refused");
    return r;
}

} // namespace

class TestRunHistoryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestFirstWithOutcomes()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addRun(run(QStringLiteral("db_query")));
        model.addRun(run(QStringLiteral("db_get"), QStringLiteral("MODEL_NOT_ALLOWED")));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, RunHistoryModel::ToolColumn).data().toString(),
                 QStringLiteral("db_get"));
        QCOMPARE(model.index(0, RunHistoryModel::OutcomeColumn).data().toString(),
                 QStringLiteral("MODEL_NOT_ALLOWED"));
        QVERIFY(model.index(0, RunHistoryModel::ToolColumn)
                    .data(RunHistoryModel::IsErrorRole)
                    .toBool());
        QCOMPARE(model.index(0, RunHistoryModel::ToolColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("refused"));
        QCOMPARE(model.index(1, RunHistoryModel::OutcomeColumn).data().toString(),
                 QStringLiteral("ok"));
        QVERIFY(!model.index(1, RunHistoryModel::ToolColumn)
                     .data(RunHistoryModel::IsErrorRole)
                     .toBool());
        QCOMPARE(model.index(1, RunHistoryModel::PrincipalColumn).data().toString(),
                 QStringLiteral("alice @ acme (analyst)"));
        QVERIFY(!model.index(1, RunHistoryModel::DurationColumn).data().toString().isEmpty());
        QCOMPARE(model.run(1).tool, QStringLiteral("db_query"));
        QCOMPARE(model.headerData(RunHistoryModel::ToolColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Tool"));
    }

    void keepsAtMostTheCap()
    {
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRuns(3);
        for (int i = 0; i < 5; ++i)
            model.addRun(run(QStringLiteral("t%1").arg(i)));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.run(0).tool, QStringLiteral("t4"));
        QCOMPARE(model.run(2).tool, QStringLiteral("t2"));
        model.setMaxRuns(1);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void outcomeWithoutACode()
    {
        ToolRun r = run(QStringLiteral("db_query"));
        r.isError = true;
        QCOMPARE(RunHistoryModel::outcomeOf(r), QStringLiteral("ERROR"));
        Impersonation p;
        p.user = QStringLiteral("bob");
        QCOMPARE(RunHistoryModel::principalText(p), QStringLiteral("bob"));
    }
};

QTEST_GUILESS_MAIN(TestRunHistoryModel)
#include "TestRunHistoryModel.moc"
