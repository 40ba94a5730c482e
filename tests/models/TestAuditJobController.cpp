#include "../core/AuditWorld.h"
#include "AuditJobController.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace warden;
using namespace warden::test;
using Outcome = AuditJobController::Outcome;

// Verify and export as the viewer runs them: one at a time, with progress, cancellable, and
// the outcome in words.
class TestAuditJobController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verifiesIntactAndBrokenChains()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 50));
        EmbeddedAuditService service(world.config);
        AuditJobController jobs(&service);
        QSignalSpy finished(&jobs, &AuditJobController::finished);
        jobs.startVerify();
        QVERIFY(jobs.isRunning());
        QCOMPARE(jobs.job(), AuditJobController::Job::Verify);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(jobs.outcome(), Outcome::Succeeded);
        QVERIFY2(jobs.statusText().startsWith(QStringLiteral("Chain intact: 50 records (1 to 50)")),
                 qPrintable(jobs.statusText()));

        world.log->close();
        QVERIFY(world.tamper("DELETE FROM audit_records WHERE seq = 17"));
        jobs.startVerify();
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(jobs.outcome(), Outcome::Failed);
        QCOMPARE(jobs.brokenSeq(), std::int64_t(17));
        QVERIFY(jobs.statusText().startsWith(QStringLiteral("Chain broken at record 17: ")));
    }

    void exportsWithProgressAndCancels()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 1500));
        EmbeddedAuditService service(world.config);
        AuditJobController jobs(&service);
        QSignalSpy finished(&jobs, &AuditJobController::finished);
        QSignalSpy progress(&jobs, &AuditJobController::progressChanged);
        audit::AuditFilter f;
        f.tenant = "t-0";
        const QString path = world.dir() + QStringLiteral("/t0.csv");
        jobs.startExport(f, audit::AuditExport::Format::Csv, path);
        jobs.startVerify(); // one job at a time: ignored
        QCOMPARE(jobs.job(), AuditJobController::Job::Export);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(jobs.outcome(), Outcome::Succeeded);
        QCOMPARE(jobs.done(), std::int64_t(750));
        QCOMPARE(jobs.total(), std::int64_t(750));
        QVERIFY(progress.count() >= 2);
        QVERIFY(jobs.statusText().startsWith(QStringLiteral("Exported 750 records to ")));
        QVERIFY(QFile::exists(path));

        const QString cancelled = world.dir() + QStringLiteral("/cancelled.jsonl");
        jobs.startExport({}, audit::AuditExport::Format::Jsonl, cancelled);
        jobs.cancel();
        QCOMPARE(finished.count(), 2);
        QCOMPARE(jobs.outcome(), Outcome::Cancelled);
        QVERIFY(!jobs.isRunning());
        QTest::qWait(300);
        QCOMPARE(finished.count(), 2); // the service's answer never comes
        QVERIFY(!QFile::exists(cancelled));
    }

    void failuresSayWhy()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 3));
        ServerConfig keyless = world.config;
        keyless.secrets.auditKeyRef.clear();
        EmbeddedAuditService service(keyless);
        AuditJobController jobs(&service);
        QSignalSpy finished(&jobs, &AuditJobController::finished);
        jobs.startVerify();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(jobs.outcome(), Outcome::Failed);
        QVERIFY(jobs.statusText().contains(QStringLiteral("secrets.audit_key")));
    }
};

QTEST_GUILESS_MAIN(TestAuditJobController)
#include "TestAuditJobController.moc"
