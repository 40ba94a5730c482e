#include "ApprovalListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace warden;

namespace {

// The service's side of the contract, driven by the test: a list and pendingChanged().
class ListOnlyService : public ApprovalService
{
public:
    using ApprovalService::ApprovalService;
    bool isAvailable() const override { return true; }
    QString unavailableReason() const override { return {}; }
    QString decider() const override { return QStringLiteral("console:test"); }
    QList<PendingApproval> pending() const override { return list; }
    void refresh() override {}
    void decide(const QString &, bool, const QString &) override {}

    void set(QList<PendingApproval> l)
    {
        list = std::move(l);
        Q_EMIT pendingChanged();
    }

    QList<PendingApproval> list;
};

PendingApproval approval(int n)
{
    PendingApproval a;
    a.id = QStringLiteral("id%1").arg(n);
    a.tool = QStringLiteral("db_update");
    a.table = QStringLiteral("orders");
    a.principal = QStringLiteral("alice");
    a.tenant = QStringLiteral("a");
    a.requestedAt = QDateTime(QDate(2026, 11, 23), QTime(6, 0), QTimeZone::utc()).addSecs(n);
    a.expiresAt = a.requestedAt.addSecs(900);
    a.payload = QStringLiteral("{\n  \"approval_id\": \"id%1\"\n}").arg(n);
    return a;
}

QStringList ids(const ApprovalListModel &model)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.index(r, 0).data(ApprovalListModel::IdRole).toString();
    return out;
}

} // namespace

class TestApprovalListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsWhatTheServiceLists()
    {
        ListOnlyService service;
        service.list = { approval(2), approval(1) };
        ApprovalListModel model(&service);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(ApprovalListModel::ColumnCount));
        QCOMPARE(ids(model), QStringList({ QStringLiteral("id2"), QStringLiteral("id1") }));
        QCOMPARE(model.index(0, ApprovalListModel::Tool).data().toString(), QStringLiteral("db_update"));
        QCOMPARE(model.index(0, ApprovalListModel::Principal).data().toString(), QStringLiteral("alice"));
        QCOMPARE(model.index(1, ApprovalListModel::Requested).data(ApprovalListModel::SortRole).toDateTime(),
                 approval(1).requestedAt);
        QVERIFY(!model.index(0, ApprovalListModel::Requested).data().toString().isEmpty());
        QCOMPARE(model.index(0, 0).data(ApprovalListModel::PayloadRole).toString(), approval(2).payload);
        QCOMPARE(model.headerData(ApprovalListModel::Principal, Qt::Horizontal).toString(),
                 QStringLiteral("Requested by"));
        QCOMPARE(model.rowOf(QStringLiteral("id1")), 1);
        QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
    }

    // New approvals are inserted and decided ones removed, row by row: no reset, so a view
    // keeps its selection.
    void followsChangesWithoutReset()
    {
        ListOnlyService service;
        service.list = { approval(3), approval(2), approval(1) };
        ApprovalListModel model(&service);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        service.set({ approval(5), approval(4), approval(3), approval(1) });
        QCOMPARE(ids(model), QStringList({ QStringLiteral("id5"), QStringLiteral("id4"), QStringLiteral("id3"),
                                           QStringLiteral("id1") }));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1); // id2 was row 1
        QCOMPARE(inserted.size(), 2);

        PendingApproval later = approval(3);
        later.payload = QStringLiteral("{}");
        service.set({ approval(5), later });
        QCOMPARE(ids(model), QStringList({ QStringLiteral("id5"), QStringLiteral("id3") }));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, 0).data(ApprovalListModel::PayloadRole).toString(), QStringLiteral("{}"));

        service.set({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.size(), 0);
    }

    // A list whose kept rows changed order (not what a service sends) still ends up right.
    void reorderedListEndsUpRight()
    {
        ListOnlyService service;
        service.list = { approval(1), approval(2) };
        ApprovalListModel model(&service);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        service.set({ approval(3), approval(2), approval(1) });
        QCOMPARE(ids(model), QStringList({ QStringLiteral("id3"), QStringLiteral("id2"), QStringLiteral("id1") }));
    }

    void noServiceNoRows()
    {
        ApprovalListModel model(nullptr);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestApprovalListModel)
#include "TestApprovalListModel.moc"
