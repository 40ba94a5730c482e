#include "UsageSeriesModel.h"
#include "UsageTestWorld.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;
using namespace warden::limits;
using test::alice;
using test::bob;
using test::carol;
using test::subjectOf;
using test::UsageTestWorld;

namespace {

WindowBudgets budgets(BudgetLimits hour, BudgetLimits day)
{
    WindowBudgets b;
    b.hour = hour;
    b.day = day;
    return b;
}

double valueAt(const UsageSeriesModel &model, int row)
{
    return model.index(row, UsageSeriesModel::ValueColumn)
        .data(UsageSeriesModel::ValueRole)
        .toDouble();
}

double inWindowAt(const UsageSeriesModel &model, int row)
{
    return model.index(row, UsageSeriesModel::InWindowColumn)
        .data(UsageSeriesModel::InWindowRole)
        .toDouble();
}

double sumOfValues(const UsageSeriesModel &model)
{
    double sum = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        sum += valueAt(model, row);
    return sum;
}

// Asks again and waits for the answer.
bool refreshed(UsageSeriesModel &model)
{
    QSignalSpy updated(&model, &UsageSeriesModel::updated);
    model.refresh();
    return updated.wait(5000) && model.errorText().isEmpty();
}

} // namespace

class TestUsageSeriesModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The hour is the current minute and the 59 before it, one row each; the running total
    // ends at what the hourly budget counts, and the budget comes with the series.
    void hourSeriesHasOneRowPerMinuteAndTheBudget()
    {
        UsageTestWorld world(budgets({ 10, 0, 0 }, { 0, 500, 0 }));
        world.record(alice, 0, 3, 5);
        world.record(alice, 2, 2, 5);
        world.record(alice, 59, 1, 5);
        world.record(alice, 60, 4, 5); // left the hour
        world.record(bob, 0, 7, 1); // another principal
        QVERIFY(world.flush());

        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Calls, Window::Hour);
        QVERIFY(!model.isCurrent());
        QVERIFY(refreshed(model));
        QVERIFY(model.isCurrent());

        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(model.stepMs(), UsageTestWorld::Minute);
        const qint64 minuteStart = UsageTestWorld::Start - 10'000;
        QCOMPARE(model.toMs(), minuteStart + UsageTestWorld::Minute);
        QCOMPARE(model.fromMs(), minuteStart - 59 * UsageTestWorld::Minute);
        QCOMPARE(model.index(59, 0).data(UsageSeriesModel::TimeMsRole).toLongLong(), minuteStart);
        QCOMPARE(valueAt(model, 59), 3.0);
        QCOMPARE(valueAt(model, 57), 2.0);
        QCOMPARE(valueAt(model, 0), 1.0);
        QCOMPARE(valueAt(model, 30), 0.0);
        QCOMPARE(inWindowAt(model, 0), 1.0);
        QCOMPARE(inWindowAt(model, 57), 3.0);
        QCOMPARE(inWindowAt(model, 59), 6.0);
        QCOMPARE(model.total(), 6.0);
        QCOMPARE(
            model.total(),
            double(world.meter->usage(SubjectKind::Principal, principalSubject(alice)).hour.calls));
        QVERIFY(model.limit().has_value());
        QCOMPARE(*model.limit(), 10.0);
        QCOMPARE(model.maxValue(), 6.0);

        const QString text = model.describeRow(59);
        QVERIFY2(text.contains(QStringLiteral("3 calls")), qPrintable(text));
        QVERIFY2(
            text.contains(QStringLiteral("6 calls in the window up to here (budget 10 calls)")),
            qPrintable(text));
        // Points sit in the middle of their step.
        QCOMPARE(model.rowAt(minuteStart + 30'000), 59);
        QCOMPARE(model.rowAt(model.fromMs()), 0);
        QCOMPARE(model.rowAt(minuteStart - 2 * UsageTestWorld::Minute + 29'000), 57);
    }

    // The day is 96 quarter hours, the week 168 hours; a budget shows where one applies to
    // the window and metric (budgets are hourly and daily only).
    void dayAndWeekWindows()
    {
        UsageTestWorld world(budgets({ 10, 0, 0 }, { 0, 500, 0 }));
        world.record(alice, 0, 2, 5);
        world.record(alice, 20 * 60, 3, 7); // 20 hours ago
        world.record(alice, 3 * 24 * 60, 4, 1); // three days ago
        QVERIFY(world.flush());

        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);

        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Rows, Window::Day);
        QVERIFY(refreshed(model));
        QCOMPARE(model.rowCount(), 96);
        QCOMPARE(model.stepMs(), 15 * UsageTestWorld::Minute);
        QCOMPARE(model.total(), 2.0 * 5 + 3.0 * 7);
        QCOMPARE(sumOfValues(model), model.total());
        QVERIFY(model.limit().has_value());
        QCOMPARE(*model.limit(), 500.0);

        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Calls, Window::Day);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 5.0);
        QVERIFY(!model.limit().has_value()); // no daily call budget

        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Calls, Window::Week);
        QVERIFY(refreshed(model));
        QCOMPARE(model.rowCount(), 168);
        QCOMPARE(model.stepMs(), 60 * UsageTestWorld::Minute);
        QCOMPARE(model.total(), 9.0);
        QVERIFY(!model.limit().has_value());
        QVERIFY(model.describeRow(167).contains(QStringLiteral("2 calls")));
    }

    // A tenant's series sums its principals; an empty subject sums every subject of the kind
    // and has no budget line (budgets are per subject).
    void tenantsAndAllSubjects()
    {
        UsageTestWorld world({}, budgets({ 0, 0, 50.5 }, {}));
        world.record(alice, 1, 2, 0, 1.25);
        world.record(bob, 1, 1, 0, 2.5);
        world.record(carol, 1, 4, 0, 10);
        QVERIFY(world.flush());

        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Tenant, QStringLiteral("acme"), Metric::Cost, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 5.0);
        QCOMPARE(*model.limit(), 50.5);
        QVERIFY(model.describeRow(58).contains(QStringLiteral("5 cost units")));

        model.setQuery(SubjectKind::Tenant, QString(), Metric::Cost, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 45.0);
        QVERIFY(!model.limit().has_value());

        model.setQuery(SubjectKind::Principal, QString(), Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 7.0);
    }

    // Rejections are series too.
    void rejections()
    {
        UsageTestWorld world(budgets({ 1, 0, 0 }, {}));
        world.meter->recordRejection(alice, RejectionKind::RateLimited);
        world.meter->recordRejection(alice, RejectionKind::RateLimited);
        world.meter->record(alice, 0, 0);
        QVERIFY(world.meter->checkBudget(alice)); // over its budget: counted as a rejection
        QVERIFY(world.flush());

        UsageSeriesModel model;
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::RateLimited, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 2.0);
        QVERIFY(!model.limit().has_value());
        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::BudgetRejected,
                       Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 1.0);
        QVERIFY(model.describeRow(59).contains(QStringLiteral("1 budget rejection")));
    }

    // Live updates: the same query answered again changes values in place (no reset); time
    // moving on shifts the window.
    void liveRefreshUpdatesInPlace()
    {
        UsageTestWorld world;
        world.record(alice, 0, 1);
        QVERIFY(world.flush());

        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 1.0);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy usageChanged(&world.service, &UsageService::usageChanged);
        world.record(alice, 0, 2);
        QVERIFY(world.flush());
        QVERIFY(usageChanged.wait(5000)); // queued from the meter to the GUI thread
        QVERIFY(refreshed(model));
        QCOMPARE(model.total(), 3.0);
        QCOMPARE(valueAt(model, 59), 3.0);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changed.count(), 1);

        world.now += 5 * UsageTestWorld::Minute;
        QVERIFY(refreshed(model));
        QCOMPARE(valueAt(model, 54), 3.0);
        QCOMPARE(valueAt(model, 59), 0.0);
        QCOMPARE(model.total(), 3.0);
    }

    // Without a running server the model says what to do; an older answer never overwrites
    // a newer query's.
    void stoppedServerAndStaleAnswers()
    {
        UsageTestWorld world;
        world.record(alice, 0, 4);
        world.record(bob, 0, 1);
        QVERIFY(world.flush());

        UsageSeriesModel model;
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, subjectOf(alice), Metric::Calls, Window::Hour);
        model.refresh();
        model.setQuery(SubjectKind::Principal, subjectOf(bob), Metric::Calls, Window::Hour);
        QSignalSpy updated(&model, &UsageSeriesModel::updated);
        model.refresh();
        QVERIFY(updated.wait(5000));
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(updated.count(), 1);
        QCOMPARE(model.total(), 1.0);
        QCOMPARE(model.subject(), subjectOf(bob));

        world.service.setMeter(nullptr);
        QVERIFY(!refreshed(model));
        QVERIFY2(model.errorText().contains(QStringLiteral("start it")),
                 qPrintable(model.errorText()));
    }

    void formatsValuesInWords()
    {
        QCOMPARE(UsageSeriesModel::formatValue(Metric::Calls, 1), QStringLiteral("1 call"));
        QCOMPARE(UsageSeriesModel::formatValue(Metric::Rows, 12), QStringLiteral("12 rows"));
        QCOMPARE(UsageSeriesModel::formatValue(Metric::Cost, 12.5),
                 QStringLiteral("12.5 cost units"));
        QCOMPARE(UsageSeriesModel::formatValue(Metric::RateLimited, 2),
                 QStringLiteral("2 rate-limited calls"));
    }
};

QTEST_GUILESS_MAIN(TestUsageSeriesModel)
#include "TestUsageSeriesModel.moc"
