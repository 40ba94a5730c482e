#include "TopConsumersModel.h"
#include "UsageTestWorld.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace warden;
using namespace warden::limits;
using test::alice;
using test::bob;
using test::carol;
using test::subjectOf;
using test::UsageTestWorld;

namespace {

bool refreshed(TopConsumersModel &model)
{
    QSignalSpy updated(&model, &TopConsumersModel::updated);
    model.refresh();
    return updated.wait(5000) && model.errorText().isEmpty();
}

QStringList subjects(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, TopConsumersModel::SubjectColumn).data().toString();
    return out;
}

} // namespace

class TestTopConsumersModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Largest first over the window ending now; usage older than the window does not count.
    void largestFirstWithinTheWindow()
    {
        UsageTestWorld world;
        world.record(alice, 0, 5, 10);
        world.record(bob, 10, 2, 100);
        world.record(carol, 30, 9, 1);
        world.record(bob, 90, 20, 1); // outside the hour, inside the day
        QVERIFY(world.flush());

        TopConsumersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(subjects(model),
                 (QStringList { subjectOf(carol), subjectOf(alice), subjectOf(bob) }));
        QCOMPARE(model.index(0, TopConsumersModel::RankColumn).data().toString(),
                 QStringLiteral("1"));
        QCOMPARE(model.index(0, TopConsumersModel::ValueColumn)
                     .data(TopConsumersModel::ValueRole)
                     .toDouble(),
                 9.0);
        QCOMPARE(model.index(2, TopConsumersModel::ValueColumn).data().toString(),
                 QStringLiteral("2"));
        QCOMPARE(model.subjectAt(1), subjectOf(alice));
        QCOMPARE(model.headerData(TopConsumersModel::ValueColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Calls"));
        QCOMPARE(model.index(0, TopConsumersModel::SubjectColumn).data(Qt::ToolTipRole).toString(),
                 subjectOf(carol) + QStringLiteral(": 9 calls"));

        model.setQuery(SubjectKind::Principal, Metric::Calls, Window::Day);
        QVERIFY(refreshed(model));
        QCOMPARE(subjects(model),
                 (QStringList { subjectOf(bob), subjectOf(carol), subjectOf(alice) }));

        model.setQuery(SubjectKind::Principal, Metric::Rows, Window::Hour, 2);
        QVERIFY(refreshed(model));
        QCOMPARE(subjects(model), (QStringList { subjectOf(bob), subjectOf(alice) }));
        QCOMPARE(model.index(0, TopConsumersModel::ValueColumn)
                     .data(TopConsumersModel::ValueRole)
                     .toDouble(),
                 200.0);
        QCOMPARE(model.headerData(TopConsumersModel::ValueColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Rows returned"));
    }

    void tenants()
    {
        UsageTestWorld world;
        world.record(alice, 0, 5);
        world.record(bob, 0, 2);
        world.record(carol, 0, 6);
        QVERIFY(world.flush());

        TopConsumersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Tenant, Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));
        QCOMPARE(subjects(model),
                 (QStringList { QStringLiteral("acme"), QStringLiteral("globex") }));
        QCOMPARE(model.index(0, TopConsumersModel::ValueColumn)
                     .data(TopConsumersModel::ValueRole)
                     .toDouble(),
                 7.0);
        QCOMPARE(model.headerData(TopConsumersModel::SubjectColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Tenant"));
    }

    // The same subjects in the same order update in place; a new one resets the rows.
    void liveUpdates()
    {
        UsageTestWorld world;
        world.record(alice, 0, 5);
        world.record(bob, 0, 2);
        QVERIFY(world.flush());

        TopConsumersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        world.record(alice, 0, 1);
        QVERIFY(world.flush());
        QVERIFY(refreshed(model));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, TopConsumersModel::ValueColumn)
                     .data(TopConsumersModel::ValueRole)
                     .toDouble(),
                 6.0);

        world.record(carol, 0, 1);
        QVERIFY(world.flush());
        QVERIFY(refreshed(model));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 3);
    }

    // Sorting by any column through a proxy uses raw values, not their text.
    void sortsByRawValues()
    {
        UsageTestWorld world;
        world.record(alice, 0, 10);
        world.record(bob, 0, 9);
        world.record(carol, 0, 100);
        QVERIFY(world.flush());

        TopConsumersModel model;
        model.setService(&world.service);
        model.setQuery(SubjectKind::Principal, Metric::Calls, Window::Hour);
        QVERIFY(refreshed(model));
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(TopConsumersModel::SortRole);
        proxy.sort(TopConsumersModel::ValueColumn, Qt::AscendingOrder);
        QCOMPARE(subjects(proxy),
                 (QStringList { subjectOf(bob), subjectOf(alice), subjectOf(carol) }));
        proxy.sort(TopConsumersModel::SubjectColumn, Qt::AscendingOrder);
        QCOMPARE(subjects(proxy),
                 (QStringList { subjectOf(alice), subjectOf(bob), subjectOf(carol) }));
    }

    void stoppedServer()
    {
        UsageTestWorld world;
        world.service.setMeter(nullptr);
        TopConsumersModel model;
        model.setService(&world.service);
        QVERIFY(!refreshed(model));
        QVERIFY2(model.errorText().contains(QStringLiteral("start it")),
                 qPrintable(model.errorText()));
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTopConsumersModel)
#include "TestTopConsumersModel.moc"
