#include "AuditQueryFixture.h"
#include "PgAuditTestDb.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"

#include <QTest>
#include <QThread>

using namespace warden;
using namespace warden::audit;
using namespace warden::test;

// AuditQuery over one chain of the PostgreSQL store: TestAuditQuery's records and its
// reference answers, every filter column alone and combined, keyset pages in both orders,
// and nothing from the other chain in the same tables.
class TestAuditQueryPostgres : public QObject
{
    Q_OBJECT

    PgAuditTestDb m_db;
    std::unique_ptr<AuditQuery> m_query;
    std::vector<AuditRecord> m_all;

    std::vector<std::int64_t> expected(const AuditFilter &f, AuditQuery::Order order) const
    {
        return expectedSeqs(m_all, f, order);
    }

    // Every page of `f`, following `next`; empty on any inconsistency.
    std::vector<std::int64_t> paged(const AuditFilter &f, int limit, AuditQuery::Order order) const
    {
        std::vector<std::int64_t> seqs;
        std::optional<std::int64_t> after;
        for (int guard = 0; guard < 1000; ++guard) {
            auto page = m_query->page(f, after, limit, order);
            if (!page || int(page->records.size()) > limit)
                return {};
            for (const AuditRecord &r : page->records)
                seqs.push_back(r.seq);
            if (!page->next)
                return seqs;
            after = page->next;
        }
        return {};
    }

    // The filters to check: each column alone, pairs, a time range cutting through the
    // records, and free text.
    std::vector<std::pair<std::string, AuditFilter>> filters() const
    {
        std::vector<std::pair<std::string, AuditFilter>> out;
        out.emplace_back("everything", AuditFilter {});
        for (const char *user : kUsers) {
            AuditFilter f;
            f.principal = user;
            out.emplace_back(std::string("principal ") + user, f);
            f.outcome = "ok";
            out.emplace_back(std::string("principal and outcome ") + user, f);
        }
        for (int k = 0; k < 4; ++k) {
            AuditFilter f;
            f.tool = kTools[k];
            f.tenant = "t-" + std::to_string(k % 2); // tool k is on records i % 4 == k
            out.emplace_back(std::string("tool and tenant ") + kTools[k], f);
        }
        AuditFilter errors;
        errors.errorCode = "QUERY_TIMEOUT";
        out.emplace_back("error code", errors);
        AuditFilter session;
        session.session = "s-2";
        session.kind = "outcome";
        out.emplace_back("session and kind", session);
        session.kind.reset();
        out.emplace_back("session", session);
        AuditFilter kind;
        kind.kind = "request";
        out.emplace_back("kind", kind);
        AuditFilter range;
        range.fromMs = m_all[15].timeMs();
        range.toMs = m_all[40].timeMs();
        out.emplace_back("time range", range);
        range.tool = "db_get";
        out.emplace_back("time range and tool", range);
        for (const char *text : { "needle", "50%_off", "row 1", "back\\\\slash" }) {
            AuditFilter f;
            f.text = text;
            out.emplace_back(std::string("text ") + text, f);
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_db.create("warden_test_auditquerypg");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Another chain in the same tables first, so this chain's seqs are not the table's.
        auto other = m_db.open("other");
        QVERIFY(other);
        for (int i = 0; i < 5; ++i) {
            Json body = fixtureBody(i);
            stamp(body, "other", pgAuditKeys().keyId());
            QVERIFY(other->append({ body }, pgAuditKeys(), {}).ok());
        }
        auto store = m_db.open("queried");
        QVERIFY(store);
        for (int i = 0; i < kRecords; ++i) {
            Json body = fixtureBody(i);
            stamp(body, "test", pgAuditKeys().keyId());
            QVERIFY(store->append({ body }, pgAuditKeys(), {}).ok());
            if (i % 3 == 2)
                QThread::msleep(2); // spread time_ms, so time ranges cut between records
        }
        auto query = AuditQuery::open(m_db.open("queried", AuditBackend::Mode::Reader));
        QVERIFY2(query.ok(), query.ok() ? "" : query.error().message.c_str());
        m_query = std::move(*query);
        auto page = m_query->page({}, std::nullopt, AuditQuery::kMaxPageSize, AuditQuery::Order::OldestFirst);
        QVERIFY(page.ok());
        m_all = page->records;
        QCOMPARE(m_all.size(), std::size_t(kRecords));
        QCOMPARE(m_all.front().seq, std::int64_t(1));
    }

    void filtersMatchTheReference()
    {
        for (const auto &[name, f] : filters()) {
            for (const auto order : { AuditQuery::Order::OldestFirst, AuditQuery::Order::NewestFirst }) {
                const auto want = expected(f, order);
                QVERIFY2(!want.empty() || name.rfind("text", 0) == 0, name.c_str());
                QVERIFY2(paged(f, 7, order) == want, name.c_str());
            }
            auto n = m_query->count(f);
            QVERIFY2(n.ok(), name.c_str());
            QCOMPARE(*n, std::int64_t(expected(f, AuditQuery::Order::OldestFirst).size()));
        }
    }

    void recordsComeBackWhole()
    {
        auto r = m_query->record(9);
        QVERIFY(r.ok() && r->has_value());
        const AuditRecord &record = **r;
        QCOMPARE(record.seq, std::int64_t(9));
        QCOMPARE(record.prevHash, m_all[7].hash);
        QCOMPARE(record.hash.size(), std::size_t(32));
        QCOMPARE(record.mac.size(), std::size_t(32));
        QCOMPARE(record.body.value("chain", std::string()), std::string("queried"));
        auto missing = m_query->record(kRecords + 1);
        QVERIFY(missing.ok() && !missing->has_value());
        auto last = m_query->lastSeq();
        QVERIFY(last.ok());
        QCOMPARE(*last, std::int64_t(kRecords));
    }

    void pagePlanComesFromPostgres()
    {
        AuditFilter f;
        f.principal = "alice";
        auto plan = m_query->pagePlan(f, std::nullopt, 10, AuditQuery::Order::NewestFirst);
        QVERIFY(plan.ok());
        QVERIFY(!plan->empty());
        QVERIFY2(plan->front().find("Limit") != std::string::npos, plan->front().c_str());
    }

    void interruptStopsTheNextStatementUntilCleared()
    {
        // The viewer cancels a count it no longer wants: the statement fails as cancelled, and
        // once cleared the connection serves again.
        AuditFilter text;
        text.text = "row";
        m_query->interrupt();
        auto cancelled = m_query->count(text);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
        m_query->interrupt();
        m_query->clearInterrupt();
        auto n = m_query->count(text);
        QVERIFY2(n.ok(), n.ok() ? "" : n.error().message.c_str());
        QCOMPARE(*n, std::int64_t(expected(text, AuditQuery::Order::OldestFirst).size()));
    }

    void seqRangesAreCountedAndIndexedFromTheirBounds()
    {
        // What the viewer asks of an unfiltered trail pinned at a seq: answered from the range's
        // two ends, also where the other chain's seqs overlap this one's.
        AuditFilter pinned;
        pinned.toSeq = 51;
        QCOMPARE(*m_query->count(pinned), std::int64_t(50));
        QCOMPARE(**m_query->seqAt(pinned, 0, AuditQuery::Order::NewestFirst), std::int64_t(50));
        QCOMPARE(**m_query->seqAt(pinned, 49, AuditQuery::Order::NewestFirst), std::int64_t(1));
        QVERIFY(!m_query->seqAt(pinned, 50, AuditQuery::Order::NewestFirst)->has_value());
        pinned.fromSeq = 10;
        QCOMPARE(*m_query->count(pinned), std::int64_t(41));
        QCOMPARE(**m_query->seqAt(pinned, 3, AuditQuery::Order::OldestFirst), std::int64_t(13));
        pinned.fromSeq = kRecords + 5;
        pinned.toSeq.reset();
        QCOMPARE(*m_query->count(pinned), std::int64_t(0));
        QVERIFY(!m_query->seqAt(pinned, 0, AuditQuery::Order::OldestFirst)->has_value());
    }

    void aMissingChainIsRefused()
    {
        auto query = AuditQuery::open(m_db.open("nobody", AuditBackend::Mode::Reader));
        QVERIFY(!query.ok());
        QVERIFY2(query.error().message.find("no chain named nobody") != std::string::npos,
                 query.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestAuditQueryPostgres)
#include "TestAuditQueryPostgres.moc"
