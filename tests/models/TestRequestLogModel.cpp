#include "RequestLogModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using warden::RequestEvent;
using warden::RequestLogModel;

class TestRequestLogModel : public QObject
{
    Q_OBJECT

private:
    static RequestEvent event(int n, const QString &outcome = QStringLiteral("ok"))
    {
        RequestEvent e;
        e.time = QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5), Qt::UTC).addMSecs(n);
        e.transport = QStringLiteral("http");
        e.method = QStringLiteral("tools/call");
        e.target = QStringLiteral("db_query_%1").arg(n);
        e.outcome = outcome;
        e.durationUs = 1000 + n;
        return e;
    }

private Q_SLOTS:
    void appendsInBatchesOnTheTimer()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

        for (int i = 0; i < 50; ++i)
            model.append(event(i));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.pendingCount(), 50);

        QTRY_COMPARE(model.rowCount(), 50);
        QCOMPARE(model.pendingCount(), 0);
        QCOMPARE(inserted.count(), 1); // one batch, not fifty updates
        // Newest first.
        QCOMPARE(model.index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_49"));
        QCOMPARE(model.index(49, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_0"));

        model.append(event(50));
        model.append(event(51));
        QTRY_COMPARE(model.rowCount(), 52);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(model.index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_51"));
    }

    void idleModelDoesNotUpdate()
    {
        RequestLogModel model;
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.flush();
        QTest::qWait(3 * RequestLogModel::DefaultBatchIntervalMs);
        QCOMPARE(inserted.count(), 0);
    }

    void capDropsTheOldest()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(10);

        for (int i = 0; i < 8; ++i)
            model.append(event(i));
        model.flush();
        QCOMPARE(model.rowCount(), 8);

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        for (int i = 8; i < 13; ++i)
            model.append(event(i));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_12"));
        QCOMPARE(model.index(9, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_3"));

        // A burst bigger than the cap keeps only its newest events.
        for (int i = 100; i < 125; ++i)
            model.append(event(i));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_124"));
        QCOMPARE(model.index(9, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_115"));

        // Lowering the cap trims at once.
        model.setMaxRows(4);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(3, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query_121"));
    }

    void defaultCapHoldsTenThousand()
    {
        RequestLogModel model;
        for (int i = 0; i < RequestLogModel::DefaultMaxRows + 500; ++i)
            model.append(event(i));
        model.flush();
        QCOMPARE(model.rowCount(), RequestLogModel::DefaultMaxRows);
        QCOMPARE(model.event(0).target,
                 QStringLiteral("db_query_%1").arg(RequestLogModel::DefaultMaxRows + 499));
    }

    void semanticRoles()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(event(1));
        RequestEvent slow = event(2, QStringLiteral("FIELD_NOT_ALLOWED"));
        slow.durationUs = 2'500'000;
        model.append(slow);
        model.flush();
        QCOMPARE(model.rowCount(), 2);

        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex denied = model.index(0, column);
            QCOMPARE(denied.data(RequestLogModel::OutcomeRole).toString(),
                     QStringLiteral("FIELD_NOT_ALLOWED"));
            QCOMPARE(denied.data(RequestLogModel::IsErrorRole).toBool(), true);
            const QModelIndex ok = model.index(1, column);
            QCOMPARE(ok.data(RequestLogModel::OutcomeRole).toString(), QStringLiteral("ok"));
            QCOMPARE(ok.data(RequestLogModel::IsErrorRole).toBool(), false);
        }

        // The sort role carries raw values, the display role text.
        const QModelIndex duration = model.index(0, RequestLogModel::DurationColumn);
        QCOMPARE(duration.data(RequestLogModel::SortRole).toLongLong(), 2'500'000);
        QCOMPARE(duration.data(RequestLogModel::SortRole).typeId(), QMetaType::LongLong);
        QVERIFY(duration.data().toString().endsWith(QStringLiteral(" s")));
        const QModelIndex time = model.index(0, RequestLogModel::TimeColumn);
        QCOMPARE(time.data(RequestLogModel::SortRole).toDateTime(), slow.time);
        QCOMPARE(time.data().toString(),
                 slow.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")));
        QCOMPARE(model.index(0, RequestLogModel::MethodColumn).data().toString(),
                 QStringLiteral("tools/call"));
        QCOMPARE(model.index(0, RequestLogModel::TransportColumn).data().toString(),
                 QStringLiteral("http"));

        QVERIFY(model.roleNames().contains(RequestLogModel::OutcomeRole));
        QCOMPARE(model.headerData(RequestLogModel::OutcomeColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Outcome"));
    }

    void formatsDurations()
    {
        QCOMPARE(RequestLogModel::formatDuration(850), QStringLiteral("850 µs"));
        QCOMPARE(RequestLogModel::formatDuration(12'345),
                 QLocale().toString(12.3, 'f', 1) + QStringLiteral(" ms"));
        QCOMPARE(RequestLogModel::formatDuration(1'240'000),
                 QLocale().toString(1.24, 'f', 2) + QStringLiteral(" s"));
    }

    void clearEmptiesRowsAndQueue()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(event(1));
        model.flush();
        model.append(event(2));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.pendingCount(), 0);
        QTest::qWait(2 * RequestLogModel::DefaultBatchIntervalMs);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRequestLogModel)
#include "TestRequestLogModel.moc"
