#include "../core/AuditWorld.h"
#include "AuditTableModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;
using namespace warden::test;
using Order = audit::AuditQuery::Order;

// The audit table over a real store of 10,000 records written by AuditLog: rows map to the
// right records wherever the view looks, filters and order are the store's, memory stays
// bounded, and the live tail adds what the writer commits.
class TestAuditTableModel : public QObject
{
    Q_OBJECT

    static constexpr int kCount = 10000;
    std::unique_ptr<AuditWorld> m_world;
    std::vector<audit::AuditRecord> m_all;

    // Asks for `row` as a view would and waits until it is loaded; its seq.
    static std::int64_t loadedSeq(AuditTableModel &model, int row)
    {
        model.index(row, AuditTableModel::SeqColumn).data();
        if (!QTest::qWaitFor([&] { return model.seqAt(row) != 0; }, 10000))
            return -1;
        return model.index(row, AuditTableModel::SeqColumn).data().toLongLong();
    }

    static bool counted(AuditTableModel &model)
    {
        return QTest::qWaitFor([&] { return model.totalCount().has_value(); }, 20000);
    }

    std::vector<std::int64_t> expected(const audit::AuditFilter &f, Order order) const
    {
        return expectedSeqs(m_all, f, order);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_world = std::make_unique<AuditWorld>();
        QVERIFY(m_world->open());
        QVERIFY(m_world->write(0, kCount));
        m_all = m_world->all();
        QCOMPARE(int(m_all.size()), kCount);
    }

    void rowsMapToRecordsNewestFirst()
    {
        EmbeddedAuditService service(m_world->config);
        AuditTableModel model(&service);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(counted(model));
        QCOMPARE(model.totalCount().value(), std::int64_t(kCount));
        QCOMPARE(model.rowCount(), kCount);
        QVERIFY(model.errorText().isEmpty());

        const auto want = expected({}, Order::NewestFirst);
        // The top, a jump deep inside, rows next to a loaded page (keyset), and the very end.
        for (const int row : { 0, 1, 255, 256, 5000, 4999, 5300, 7777, kCount - 1, kCount - 300 })
            QCOMPARE(loadedSeq(model, row), want[std::size_t(row)]);

        const QModelIndex top = model.index(0, AuditTableModel::ToolColumn);
        const auto &newest = m_all.back();
        QCOMPARE(top.data().toString(),
                 QString::fromStdString(newest.body["target"].get<std::string>()));
        QCOMPARE(model.index(0, AuditTableModel::PrincipalColumn).data().toString(),
                 QString::fromStdString(newest.body["principal"]["user"].get<std::string>()));
        QVERIFY(!(model.flags(top) & Qt::ItemIsEditable));
    }

    void memoryStaysBounded()
    {
        EmbeddedAuditService service(m_world->config);
        AuditTableModel model(&service);
        QVERIFY(counted(model));
        const auto want = expected({}, Order::NewestFirst);
        // Touch every page of the trail: the cache keeps at most MaxCachedPages of them.
        for (int row = 0; row < kCount; row += AuditTableModel::PageSize)
            QCOMPARE(loadedSeq(model, row), want[std::size_t(row)]);
        QVERIFY(model.cachedRowCount()
                <= AuditTableModel::MaxCachedPages * AuditTableModel::PageSize);
        QVERIFY(model.cachedRowCount() < kCount);
        // An evicted page comes back when asked for again.
        QCOMPARE(loadedSeq(model, 3), want[3]);
    }

    void filtersAndOrderAreTheStores_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("principal") << 0;
        QTest::newRow("principal+outcome, oldest first") << 1;
        QTest::newRow("error code") << 2;
        QTest::newRow("free text") << 3;
        QTest::newRow("tool+tenant, oldest first") << 4;
        QTest::newRow("time range") << 5;
        QTest::newRow("session") << 6;
        QTest::newRow("kind, oldest first") << 7;
        QTest::newRow("session+kind+outcome") << 8;
    }

    void filtersAndOrderAreTheStores()
    {
        QFETCH(int, which);
        audit::AuditFilter f;
        Order order = Order::NewestFirst;
        switch (which) {
        case 0:
            f.principal = "alice";
            break;
        case 1:
            f.principal = "bob";
            f.outcome = "error";
            order = Order::OldestFirst;
            break;
        case 2:
            f.errorCode = "QUERY_TIMEOUT";
            break;
        case 3:
            f.text = "row 12"; // row 12, 120..129, 1200..1299
            break;
        case 4:
            f.tool = "db_get";
            f.tenant = "t-1";
            order = Order::OldestFirst;
            break;
        case 5:
            f.fromMs = m_all[2000].timeMs();
            f.toMs = m_all[6000].timeMs();
            break;
        case 6:
            f.session = "s-512"; // fixture records 5120..5129
            break;
        case 7:
            f.kind = "outcome";
            order = Order::OldestFirst;
            break;
        case 8:
            f.session = "s-77";
            f.kind = "outcome";
            f.outcome = "ok";
            break;
        }
        EmbeddedAuditService service(m_world->config);
        AuditTableModel model(&service);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.sort(AuditTableModel::SeqColumn,
                   order == Order::NewestFirst ? Qt::DescendingOrder : Qt::AscendingOrder);
        model.setFilter(f);
        QVERIFY(counted(model));
        const auto want = expected(f, order);
        QVERIFY(!want.empty());
        QCOMPARE(model.totalCount().value(), std::int64_t(want.size()));
        const int n = int(want.size());
        for (const int row : { 0, n / 3, n / 2, n - 1, 1 })
            QCOMPARE(loadedSeq(model, row), want[std::size_t(row)]);
    }

    void sortingByAnotherColumnChangesNothing()
    {
        EmbeddedAuditService service(m_world->config);
        AuditTableModel model(&service);
        QVERIFY(counted(model));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.sort(AuditTableModel::ToolColumn, Qt::AscendingOrder);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.order(), Order::NewestFirst);
    }

    void liveTailAddsCommittedRecords()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 30));
        EmbeddedAuditService service(world.config);
        service.setAuditLog(world.log);
        AuditTableModel model(&service);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(counted(model));
        QCOMPARE(model.rowCount(), 30);

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(world.write(30, 500));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 530, 10000);
        QVERIFY(inserted.count() < 100); // batched, not one update per record
        QCOMPARE(loadedSeq(model, 0), world.log->lastSeq());
        QCOMPARE(loadedSeq(model, 529), std::int64_t(1));

        // Filtered: only matching records join.
        audit::AuditFilter f;
        f.principal = "carol";
        model.setFilter(f);
        QVERIFY(counted(model));
        const std::int64_t before = model.totalCount().value();
        QVERIFY(world.write(530, 30)); // 10 of them are carol's
        QTRY_COMPARE_WITH_TIMEOUT(model.totalCount().value_or(0), before + 10, 10000);
        const auto want = expectedSeqs(world.all(), f, Order::NewestFirst);
        QCOMPARE(loadedSeq(model, 0), want[0]);

        // Tail off: the rows stay as they are.
        model.setLiveTail(false);
        QVERIFY(world.write(560, 30));
        QTest::qWait(3 * EmbeddedAuditService::CoalesceMs);
        QCOMPARE(model.totalCount().value(), before + 10);
    }

    void tailFromAnotherWriter()
    {
        // A server in another process writes the store: the service notices by polling.
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 5));
        EmbeddedAuditService service(world.config); // no setAuditLog
        AuditTableModel model(&service);
        QVERIFY(counted(model));
        QVERIFY(world.write(5, 7));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 12,
                                  3 * EmbeddedAuditService::PollIntervalMs + 2000);
    }

    void missingStoreSaysWhatToDo()
    {
        const auto [config, advice] = m_world->missingTrail();
        EmbeddedAuditService service(config);
        AuditTableModel model(&service);
        QTRY_VERIFY(!model.errorText().isEmpty());
        QVERIFY2(model.errorText().contains(advice), qPrintable(model.errorText()));
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAuditTableModel)
#include "TestAuditTableModel.moc"
