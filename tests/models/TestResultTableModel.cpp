// A tool result's rows as a table, under QAbstractItemModelTester.

#include "ResultTableModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using warden::Json;
using warden::ResultTableModel;

class TestResultTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsQueryRows()
    {
        ResultTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(
            Json { { "rows",
                     Json::array(
                         { Json { { "id", 1 }, { "name", "Ada" }, { "email", "a***@example.com" } },
                           Json { { "id", 2 },
                                  { "name", nullptr },
                                  { "score", 2.5 },
                                  { "orders", Json::array({ Json { { "id", 9 } } }) } } }) },
                   { "next_cursor", nullptr },
                   { "has_more", false } });
        QCOMPARE(model.source(), QStringLiteral("rows"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(
            model.columnNames(),
            QStringList({ QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("email"),
                          QStringLiteral("score"), QStringLiteral("orders") }));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("email"));
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("a***@example.com"));
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(1, 0).data(ResultTableModel::SortRole).toLongLong(), 2);
        QCOMPARE(model.index(1, 3).data(ResultTableModel::SortRole).toDouble(), 2.5);
        // null and a missing key both show as NULL.
        QCOMPARE(model.index(1, 1).data().toString(), QStringLiteral("NULL"));
        QVERIFY(model.index(1, 1).data(ResultTableModel::IsNullRole).toBool());
        QVERIFY(model.index(0, 3).data(ResultTableModel::IsNullRole).toBool());
        QVERIFY(!model.index(0, 0).data(ResultTableModel::IsNullRole).toBool());
        // Nested includes as compact JSON.
        QCOMPARE(model.index(1, 4).data().toString(), QStringLiteral("[{\"id\":9}]"));
        QCOMPARE(model.index(0, 1).data(ResultTableModel::JsonRole).toString(),
                 QStringLiteral("\"Ada\""));
    }

    void showsGroupsOneRowAndTables()
    {
        ResultTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(
            Json { { "groups", Json::array({ Json { { "status", "paid" }, { "n", 3 } } }) } });
        QCOMPARE(model.source(), QStringLiteral("groups"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("3"));

        model.setResult(
            Json { { "row", Json { { "id", 4 }, { "name", "Cy" } } }, { "found", true } });
        QCOMPARE(model.source(), QStringLiteral("row"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), 2);

        model.setResult(Json { { "row", nullptr }, { "found", false } });
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 0);

        model.setResult(Json {
            { "tables",
              Json::array({ Json { { "name", "customers" }, { "columns", Json::array() } } }) } });
        QCOMPARE(model.source(), QStringLiteral("tables"));
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("customers"));
    }

    void errorsAndEmptyResultsGiveAnEmptyTable()
    {
        ResultTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResult(Json { { "rows", Json::array({ Json { { "id", 1 } } }) } });
        QCOMPARE(model.rowCount(), 1);
        model.setResult(
            Json { { "error", Json { { "code", "MODEL_NOT_ALLOWED" }, { "message", "no" } } } });
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 0);
        QVERIFY(model.source().isEmpty());
        model.setResult(Json { { "rows", Json::array() } });
        QCOMPARE(model.source(), QStringLiteral("rows"));
        QCOMPARE(model.rowCount(), 0);
        model.setResult(Json { { "rows", Json::array({ Json { { "id", 1 } } }) } });
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestResultTableModel)
#include "TestResultTableModel.moc"
