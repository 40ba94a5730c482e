#include "PolicyProblemModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;

class TestPolicyProblemModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsProblemsWithWhereAndWhat()
    {
        PolicyProblemModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        const QList<PolicyProblem> problems {
            { QStringLiteral("/tables/customers/columns/emial"),
              QStringLiteral("table \"customers\" has no column \"emial\"") },
            { QString(), QStringLiteral("the JSON text cannot be read") },
            { QStringLiteral("/tables/a~1b"), QStringLiteral("odd name") }
        };
        model.setProblems(problems);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.index(0, PolicyProblemModel::WhereColumn).data().toString(),
                 QStringLiteral("tables › customers › columns › emial"));
        QCOMPARE(model.index(0, PolicyProblemModel::ProblemColumn).data().toString(),
                 problems[0].message);
        QCOMPARE(model.index(0, PolicyProblemModel::ProblemColumn)
                     .data(PolicyProblemModel::PointerRole)
                     .toString(),
                 problems[0].pointer);
        QCOMPARE(model.index(1, PolicyProblemModel::WhereColumn).data().toString(),
                 QStringLiteral("(whole document)"));
        QCOMPARE(model.index(2, PolicyProblemModel::WhereColumn).data().toString(),
                 QStringLiteral("tables › a/b"));
        // The same problems again change nothing.
        model.setProblems(problems);
        QCOMPARE(reset.count(), 1);
        model.setProblems({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPolicyProblemModel)
#include "TestPolicyProblemModel.moc"
