#include "TokenCheckModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace warden;
using Step = auth::TokenCheck::Step;
using Outcome = auth::TokenCheck::Outcome;

class TestTokenCheckModel : public QObject
{
    Q_OBJECT

    static auth::TokenDiagnosis diagnosis(Step failing)
    {
        auth::TokenDiagnosis d;
        bool failed = false;
        for (const Step step : auth::TokenCheck::allSteps()) {
            const Outcome outcome = failed ? Outcome::NotChecked
                : step == failing          ? Outcome::Failed
                                           : Outcome::Passed;
            failed = failed || outcome == Outcome::Failed;
            d.checks.push_back({ step, outcome, "detail " + std::to_string(int(step)) + "." });
        }
        d.error = auth::TokenError { auth::TokenError::Reason::BadSignature,
                                     "The token's signature does not verify.",
                                     {} };
        return d;
    }

private Q_SLOTS:
    void rowsFollowTheDiagnosis()
    {
        TokenCheckModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(TokenCheckModel::ColumnCount));
        model.setDiagnosis(diagnosis(Step::Signature));
        QCOMPARE(model.rowCount(), int(auth::TokenCheck::allSteps().size()));
        const int signature = int(Step::Signature);
        QCOMPARE(model.index(signature, TokenCheckModel::CheckColumn).data().toString(),
                 QStringLiteral("Signature"));
        QCOMPARE(model.index(signature, TokenCheckModel::ResultColumn).data().toString(),
                 QStringLiteral("Failed"));
        QCOMPARE(model.index(signature, TokenCheckModel::DetailColumn).data().toString(),
                 QStringLiteral("detail 6."));
        QCOMPARE(model.index(signature, 0).data(TokenCheckModel::OutcomeRole).toString(),
                 QStringLiteral("error"));
        QVERIFY(model.index(signature, 0).data(TokenCheckModel::IsErrorRole).toBool());
        QCOMPARE(model.index(0, TokenCheckModel::ResultColumn).data().toString(),
                 QStringLiteral("Passed"));
        QCOMPARE(model.index(0, 0).data(TokenCheckModel::OutcomeRole).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(model.index(signature + 1, TokenCheckModel::ResultColumn).data().toString(),
                 QStringLiteral("Not checked"));
        QVERIFY(!model.index(signature + 1, 0).data(TokenCheckModel::IsErrorRole).isValid());
        QCOMPARE(model.index(0, 0).data(TokenCheckModel::IsErrorRole), QVariant(false));
        QCOMPARE(model.outcome(Step::Audience), Outcome::NotChecked);
        QCOMPARE(model.outcome(Step::Key), Outcome::Passed);
        QCOMPARE(model.headerData(TokenCheckModel::DetailColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Details"));

        model.setDiagnosis(diagnosis(Step::Audience));
        QCOMPARE(model.outcome(Step::Signature), Outcome::Passed);
        QCOMPARE(model.outcome(Step::Audience), Outcome::Failed);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.outcome(Step::Audience), Outcome::NotChecked);
    }

    void everyStepHasATitle()
    {
        QSet<QString> titles;
        for (const Step step : auth::TokenCheck::allSteps())
            titles.insert(TokenCheckModel::stepTitle(step));
        QCOMPARE(titles.size(), qsizetype(auth::TokenCheck::allSteps().size()));
        QVERIFY(!titles.contains(QString()));
    }
};

QTEST_GUILESS_MAIN(TestTokenCheckModel)
#include "TestTokenCheckModel.moc"
