#include "PolicyHistoryModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace warden;

namespace {

PolicyVersion version(const std::string &hash, int minute, const char *source)
{
    PolicyVersion v;
    v.hash = hash;
    v.loadedAt = QDateTime(QDate(2026, 1, 2), QTime(3, minute), Qt::UTC);
    v.source = QString::fromLatin1(source);
    v.document = Json { { "version", 1 }, { "description", hash } };
    return v;
}

} // namespace

class TestPolicyHistoryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsVersionsNewestFirst()
    {
        PolicyHistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::string a(64, 'a'), b(64, 'b');
        // Reverted to a: a appears twice, and only its newest entry is the one in force.
        model.setVersions(
            { version(a, 1, "start"), version(b, 2, "apply"), version(a, 3, "apply") },
            QString::fromStdString(a));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.index(0, PolicyHistoryModel::VersionColumn).data().toString(),
                 QStringLiteral("aaaaaaaaaaaa (in force)"));
        QVERIFY(model.index(0, 0).data(PolicyHistoryModel::InForceRole).toBool());
        QCOMPARE(model.index(1, PolicyHistoryModel::VersionColumn).data().toString(),
                 QStringLiteral("bbbbbbbbbbbb"));
        QCOMPARE(model.index(1, PolicyHistoryModel::SourceColumn).data().toString(),
                 QStringLiteral("applied"));
        QCOMPARE(model.index(1, 0).data(PolicyHistoryModel::SourceRole).toString(),
                 QStringLiteral("apply"));
        QVERIFY(!model.index(2, 0).data(PolicyHistoryModel::InForceRole).toBool());
        QCOMPARE(model.index(2, PolicyHistoryModel::SourceColumn).data().toString(),
                 QStringLiteral("server start"));
        QCOMPARE(model.index(2, 0).data(PolicyHistoryModel::HashRole).toString(),
                 QString::fromStdString(a));
        QVERIFY(!model.index(2, PolicyHistoryModel::LoadedAtColumn).data().toString().isEmpty());
        QCOMPARE(model.rowOf(QString::fromStdString(b)), 1);
        QCOMPARE(model.rowOf(QStringLiteral("c")), -1);
        QVERIFY(model.version(1).document["description"] == b);
        model.setVersions({}, QString());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPolicyHistoryModel)
#include "TestPolicyHistoryModel.moc"
