#include "AuditWorld.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace warden;
using namespace warden::test;
using Order = audit::AuditQuery::Order;

// The embedded audit service over a real store: every answer arrives later on this thread,
// matches what the store holds, and a cancelled or orphaned request never answers.
class TestEmbeddedAuditService : public QObject
{
    Q_OBJECT

    static constexpr int kCount = 1200;
    std::unique_ptr<AuditWorld> m_world;
    std::vector<audit::AuditRecord> m_all;

    template<typename T>
    static std::optional<Result<T>> answer(const std::function<void(AuditService::Reply<T>)> &ask)
    {
        std::optional<Result<T>> got;
        ask([&got](const Result<T> &r) { got.emplace(r); });
        if (!QTest::qWaitFor([&] { return got.has_value(); }, 20000))
            return std::nullopt;
        return got;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_world = std::make_unique<AuditWorld>();
        QVERIFY(m_world->open());
        QVERIFY(m_world->write(0, kCount));
        m_all = m_world->all();
    }

    void pagesCountsAndRecords()
    {
        EmbeddedAuditService service(m_world->config);
        QVERIFY2(service.storeDescription().contains(m_world->location()), qPrintable(service.storeDescription()));
        audit::AuditFilter f;
        f.principal = "bob";
        for (const Order order : { Order::NewestFirst, Order::OldestFirst }) {
            const auto want = expectedSeqs(m_all, f, order);
            for (const std::int64_t skip :
                 { std::int64_t(0), std::int64_t(5), std::int64_t(want.size() - 3) }) {
                AuditService::PageRequest request;
                request.filter = f;
                request.order = order;
                request.skip = skip;
                request.limit = 10;
                auto page = answer<audit::AuditPage>(
                    [&](auto reply) { service.fetchPage(request, this, std::move(reply)); });
                QVERIFY(page && page->ok());
                QVERIFY(!(**page).records.empty());
                QCOMPARE((**page).records.front().seq, want[std::size_t(skip)]);
                QCOMPARE(int((**page).records.size()),
                         int(std::min<std::int64_t>(10, std::int64_t(want.size()) - skip)));
            }
        }
        auto count = answer<std::int64_t>(
            [&](auto reply) { service.fetchCount(f, this, std::move(reply)); });
        QVERIFY(count && count->ok());
        QCOMPARE(**count, std::int64_t(expectedSeqs(m_all, f, Order::OldestFirst).size()));

        // One session's requests, as a reviewer narrows the trail.
        audit::AuditFilter session;
        session.session = "s-42";
        session.kind = "request";
        const auto inSession = expectedSeqs(m_all, session, Order::NewestFirst);
        QCOMPARE(int(inSession.size()), 5); // fixture records 420..429, every other one a request
        AuditService::PageRequest request;
        request.filter = session;
        auto page = answer<audit::AuditPage>(
            [&](auto reply) { service.fetchPage(request, this, std::move(reply)); });
        QVERIFY(page && page->ok());
        std::vector<std::int64_t> seqs;
        for (const auto &r : (**page).records)
            seqs.push_back(r.seq);
        QVERIFY(seqs == inSession);
        auto sessionCount = answer<std::int64_t>(
            [&](auto reply) { service.fetchCount(session, this, std::move(reply)); });
        QVERIFY(sessionCount && sessionCount->ok());
        QCOMPARE(**sessionCount, std::int64_t(inSession.size()));

        auto record = answer<std::optional<audit::AuditRecord>>(
            [&](auto reply) { service.fetchRecord(m_all[10].seq, this, std::move(reply)); });
        QVERIFY(record && record->ok() && (**record).has_value());
        QCOMPARE((**record)->hash, m_all[10].hash);
        auto missing = answer<std::optional<audit::AuditRecord>>(
            [&](auto reply) { service.fetchRecord(kCount + 50, this, std::move(reply)); });
        QVERIFY(missing && missing->ok() && !(**missing).has_value());
    }

    void hashesWithTheConfiguredKey()
    {
        EmbeddedAuditService service(m_world->config);
        auto hmac = answer<std::string>([&](auto reply) {
            service.hashValue(QString::fromLatin1(kRedactedValue), this, std::move(reply));
        });
        QVERIFY(hmac && hmac->ok());
        QCOMPARE(**hmac, auditTestKeys().valueHmac(kRedactedValue));

        // No key configured and no server running: say what to do.
        ServerConfig keyless = m_world->config;
        keyless.secrets.auditKeyRef.clear();
        EmbeddedAuditService without(keyless);
        auto refused = answer<std::string>(
            [&](auto reply) { without.hashValue(QStringLiteral("x"), this, std::move(reply)); });
        QVERIFY(refused && !refused->ok());
        QVERIFY2(refused->error().message.find("secrets.audit_key") != std::string::npos,
                 refused->error().message.c_str());
        // With the running server's writer, its keys serve.
        without.setAuditLog(m_world->log);
        auto running = answer<std::string>(
            [&](auto reply) { without.hashValue(QStringLiteral("x"), this, std::move(reply)); });
        QVERIFY(running && running->ok());
        QCOMPARE(**running, auditTestKeys().valueHmac("x"));
        without.setAuditLog(nullptr);
    }

    void verifiesAndExportsWithProgress()
    {
        EmbeddedAuditService service(m_world->config);
        auto report = answer<audit::AuditVerifier::Report>(
            [&](auto reply) { service.verify(this, {}, std::move(reply)); });
        QVERIFY(report && report->ok());
        QVERIFY((**report).intact);
        QCOMPARE((**report).records, std::int64_t(kCount));

        const QString path = m_world->dir() + QStringLiteral("/all.jsonl");
        std::vector<std::pair<std::int64_t, std::int64_t>> progress;
        auto written = answer<std::int64_t>([&](auto reply) {
            service.exportRecords(
                {}, audit::AuditExport::Format::Jsonl, path, this,
                [&progress](std::int64_t done, std::int64_t total) {
                    progress.emplace_back(done, total);
                },
                std::move(reply));
        });
        QVERIFY(written && written->ok());
        QCOMPARE(**written, std::int64_t(kCount));
        QVERIFY(!progress.empty());
        QCOMPARE(progress.back(), std::make_pair(std::int64_t(kCount), std::int64_t(kCount)));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().count('\n'), qsizetype(kCount));
    }

    void cancelledAndOrphanedRequestsNeverAnswer()
    {
        EmbeddedAuditService service(m_world->config);
        int answers = 0;
        const auto id = service.verify(this, {}, [&answers](const auto &) { ++answers; });
        service.cancel(id);
        const QString path = m_world->dir() + QStringLiteral("/cancelled.jsonl");
        const auto exportId = service.exportRecords({}, audit::AuditExport::Format::Csv, path, this,
                                                    {}, [&answers](const auto &) { ++answers; });
        service.cancel(exportId);
        {
            QObject context;
            service.fetchCount({}, &context, [&answers](const auto &) { ++answers; });
        } // the asker is gone before the answer
        // A later request on the same lanes answers, so the earlier ones had their turn.
        auto count = answer<std::int64_t>(
            [&](auto reply) { service.fetchCount({}, this, std::move(reply)); });
        QVERIFY(count && count->ok());
        QTest::qWait(200);
        QCOMPARE(answers, 0);
        QVERIFY(!QFile::exists(path));
    }

    void announcesAppendsAndStoreChanges()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 3));
        EmbeddedAuditService service(world.config);
        QSignalSpy appended(&service, &AuditService::recordsAppended);
        QSignalSpy changed(&service, &AuditService::storeChanged);
        service.setAuditLog(world.log);
        QCOMPARE(changed.count(), 1);
        service.setLiveUpdates(true);
        QTRY_VERIFY(!appended.isEmpty());
        QCOMPARE(appended.last().at(0).toLongLong(), std::int64_t(3));
        QVERIFY(world.write(3, 400));
        QTRY_COMPARE(appended.last().at(0).toLongLong(), std::int64_t(403));
        QVERIFY(appended.count() < 50); // coalesced, not one per commit
        service.setLiveUpdates(false);
        const auto before = appended.count();
        QVERIFY(world.write(403, 5));
        QTest::qWait(3 * EmbeddedAuditService::CoalesceMs);
        QCOMPARE(appended.count(), before);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedAuditService)
#include "TestEmbeddedAuditService.moc"
