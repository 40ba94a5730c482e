#include "PgAuditTestDb.h"
#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"

#include <QTest>

#include <set>
#include <thread>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &keys()
{
    return test::pgAuditKeys();
}

std::vector<Json> bodies(int n, const std::string &instance = "test")
{
    std::vector<Json> out;
    for (int i = 0; i < n; ++i) {
        Json body = Json::object();
        body["kind"] = "request";
        body["target"] = "db_query";
        body["principal"] = Json { { "user", "u" + std::to_string(i % 3) }, { "tenant", "t1" } };
        stamp(body, instance, keys().keyId());
        out.push_back(std::move(body));
    }
    return out;
}

template<typename T> QByteArray why(const Result<T> &r)
{
    return r.ok() ? QByteArray() : QByteArray::fromStdString(r.error().message);
}

} // namespace

// PgAuditStore against the real PostgreSQL of the "postgres" fixture: the chain it writes,
// its tail, checkpoints and head, retention, one writer per chain, and what it says when
// the database is not there.
class TestPgAuditStore : public QObject
{
    Q_OBJECT

    test::PgAuditTestDb m_db;

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_db.create("warden_test_pgauditstore");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void appendsLinkedRecordsWithCheckpointsAndHead()
    {
        auto store = m_db.open("store");
        QVERIFY(store);
        auto empty = store->readTail();
        QVERIFY2(empty.ok(), why(empty).constData());
        QCOMPARE(empty->seq, std::int64_t(0));
        QCOMPARE(empty->hash, zeroHash());

        const AuditBackend::CheckpointPolicy policy { 4, 3600000 };
        auto first = store->append(bodies(3), keys(), policy);
        QVERIFY2(first.ok(), why(first).constData());
        QCOMPARE(first->size(), std::size_t(3));
        QCOMPARE(first->front().seq, std::int64_t(1));
        QCOMPARE(first->front().prevHash, zeroHash());
        QCOMPARE((*first)[1].prevHash, first->front().hash);
        auto second = store->append(bodies(2), keys(), policy);
        QVERIFY2(second.ok(), why(second).constData());
        QCOMPARE(second->front().prevHash, first->back().hash); // linked across commits
        auto stop = store->append(bodies(1), keys(), policy, "stop");
        QVERIFY(stop.ok());

        // The tail comes from the database: a second connection sees the same.
        auto other = m_db.open("store", AuditBackend::Mode::Reader);
        QVERIFY(other);
        auto tail = other->readTail();
        QVERIFY(tail.ok());
        QCOMPARE(tail->seq, std::int64_t(6));
        QCOMPARE(tail->hash, stop->back().hash);

        auto checkpoints = other->checkpoints();
        QVERIFY2(checkpoints.ok(), why(checkpoints).constData());
        std::vector<std::pair<std::int64_t, std::string>> seen;
        for (const Checkpoint &c : *checkpoints) {
            seen.emplace_back(c.seq, c.reason);
            QCOMPARE(c.signature, keys().signCheckpoint(c.seq, c.hash, c.timeMs, c.reason));
        }
        // periodic at 3 (the first commit: none before), stop at 6, and the head.
        const std::vector<std::pair<std::int64_t, std::string>> expected = { { 3, "periodic" }, { 6, "stop" }, { 6, "head" } };
        QCOMPARE(seen, expected);

        const auto report = m_db.verify("store");
        QVERIFY2(report.intact, report.problem.c_str());
        QCOMPARE(report.records, std::int64_t(6));
        QCOMPARE(report.checkpoints, std::int64_t(2));
    }

    void storesTheSearchColumns()
    {
        auto store = m_db.open("columns");
        QVERIFY(store);
        QVERIFY(store->append(bodies(3), keys(), {}).ok());
        QCOMPARE(m_db.scalar("SELECT count(*) FROM audit_records WHERE chain = 'columns' AND principal = 'u1' "
                             "AND tenant = 't1' AND tool = 'db_query' AND kind = 'request' AND instance = 'test'"),
                 1LL);
        QCOMPARE(m_db.scalar("SELECT count(*) FROM audit_records WHERE chain = 'columns' AND outcome IS NULL"), 3LL);
    }

    void chainsInOneDatabaseStayIndependent()
    {
        auto a = m_db.open("east");
        auto b = m_db.open("west");
        QVERIFY(a && b);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(a->append(bodies(2, "east-1"), keys(), {}).ok());
            QVERIFY(b->append(bodies(1, "west-1"), keys(), {}).ok());
        }
        QCOMPARE(a->readTail()->seq, std::int64_t(6));
        QCOMPARE(b->readTail()->seq, std::int64_t(3));
        QVERIFY(m_db.verify("east").intact);
        QVERIFY(m_db.verify("west").intact);
        // Damage to one chain leaves the other intact.
        QVERIFY(m_db.superuser("DELETE FROM audit_records WHERE chain = 'west' AND seq = 2").isEmpty());
        QVERIFY(!m_db.verify("west").intact);
        QVERIFY(m_db.verify("east").intact);
    }

    // Two writers on one chain (two servers configured alike) are serialised by the chain's
    // advisory lock: every commit links to the other's tail, so the chain never forks.
    void twoWritersOnOneChainNeverFork()
    {
        auto a = m_db.open("shared");
        auto b = m_db.open("shared");
        QVERIFY(a && b);
        constexpr int kCommits = 40;
        std::vector<std::int64_t> seqs[2];
        bool failed[2] = { false, false };
        auto writer = [&](int which, PgAuditStore &store) {
            for (int i = 0; i < kCommits; ++i) {
                auto written = store.append(bodies(1 + i % 3, which ? "b" : "a"), keys(), { 10, 3600000 });
                if (!written) {
                    failed[which] = true;
                    return;
                }
                for (const AuditRecord &r : *written)
                    seqs[which].push_back(r.seq);
            }
        };
        std::thread ta(writer, 0, std::ref(*a));
        std::thread tb(writer, 1, std::ref(*b));
        ta.join();
        tb.join();
        QVERIFY(!failed[0] && !failed[1]);
        std::set<std::int64_t> all(seqs[0].begin(), seqs[0].end());
        all.insert(seqs[1].begin(), seqs[1].end());
        QCOMPARE(all.size(), seqs[0].size() + seqs[1].size()); // no seq twice
        QCOMPARE(*all.rbegin(), std::int64_t(all.size())); // and none missing
        const auto report = m_db.verify("shared");
        QVERIFY2(report.intact, report.problem.c_str());
        QCOMPARE(report.records, std::int64_t(all.size()));
    }

    void purgeRemovesWholeSegmentsAndStaysVerifiable()
    {
        auto store = m_db.open("purged");
        QVERIFY(store);
        for (int i = 0; i < 6; ++i)
            QVERIFY(store->append(bodies(5), keys(), { 10, 3600000 }).ok()); // checkpoints at 5, 15, 25
        Json retention = Json::object();
        retention["kind"] = "retention";
        retention["details"] = Json { { "keep_records", 5 } };
        stamp(retention, "warden-cli", keys().keyId());
        auto purged = store->purge(22, keys(), retention);
        QVERIFY2(purged.ok(), why(purged).constData());
        QCOMPARE(purged->throughSeq, std::int64_t(15));
        QCOMPARE(purged->removed, std::int64_t(15));
        QCOMPARE(purged->recordSeq, std::int64_t(31));
        QCOMPARE(m_db.scalar("SELECT min(seq) FROM audit_records WHERE chain = 'purged'"), 16LL);
        QCOMPARE(m_db.scalar("SELECT count(*) FROM audit_checkpoints WHERE chain = 'purged' AND seq = 15 "
                             "AND reason = 'purge'"),
                 1LL);
        const auto report = m_db.verify("purged");
        QVERIFY2(report.intact, report.problem.c_str());
        QCOMPARE(report.firstSeq, std::int64_t(16));
        QCOMPARE(report.lastSeq, std::int64_t(31));

        auto nothing = store->purge(10, keys(), retention); // nothing stored is that old any more
        QVERIFY(nothing.ok());
        QCOMPARE(nothing->throughSeq, std::int64_t(0));
        QCOMPARE(store->readTail()->seq, std::int64_t(31));
        auto before = store->lastSeqBefore(std::numeric_limits<std::int64_t>::max());
        QVERIFY(before.ok());
        QCOMPARE(*before, std::int64_t(31));
        QCOMPARE(*store->lastSeqBefore(0), std::int64_t(0));
    }

    void probeWritesWithoutTouchingTheChain()
    {
        auto store = m_db.open("probe");
        QVERIFY(store);
        QVERIFY(store->append(bodies(1), keys(), {}).ok());
        const auto s = store->probe();
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(store->readTail()->seq, std::int64_t(1));
        QCOMPARE(m_db.scalar("SELECT count(*) FROM audit_meta WHERE key = 'probe:probe'"), 1LL);
    }

    void readerCannotWrite()
    {
        auto reader = m_db.open("store", AuditBackend::Mode::Reader);
        QVERIFY(reader);
        auto refused = reader->append(bodies(1), keys(), {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::AuditUnavailable);
        QCOMPARE(reader->readTail()->seq, std::int64_t(6));
    }

    // A role given only the rights on the tables (a DBA made them) writes its chain.
    void writesWithTableRightsOnly()
    {
        const std::string role = m_db.name() + "_dml";
        for (const std::string &sql :
             { "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 'dml-" + m_db.password() + "'",
               "GRANT CONNECT ON DATABASE " + m_db.name() + " TO " + role })
            QVERIFY(m_db.superuser(sql, "postgres").isEmpty());
        QVERIFY(m_db.superuser("REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO " + role
                               + "; GRANT SELECT, INSERT, UPDATE, DELETE ON audit_meta, audit_records, "
                                 "audit_checkpoints, audit_head TO "
                               + role)
                    .isEmpty());
        DatabaseConfig config = m_db.config();
        config.user = QString::fromStdString(role);
        auto store = PgAuditStore::open(config, "dml-" + m_db.password(), "dml", AuditBackend::Mode::Writer);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QVERIFY((*store)->append(bodies(2), keys(), {}).ok());
        QVERIFY((*store)->probe().ok());
        QVERIFY(m_db.verify("dml").intact);
    }

    void refusesANewerFormat()
    {
        QVERIFY(m_db.superuser("UPDATE audit_meta SET value = '2' WHERE key = 'format'").isEmpty());
        auto refused = PgAuditStore::open(m_db.config(), m_db.password(), "store", AuditBackend::Mode::Writer);
        QVERIFY(m_db.superuser("UPDATE audit_meta SET value = '1' WHERE key = 'format'").isEmpty());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("format 2") != std::string::npos, refused.error().message.c_str());
    }

    void unreachableOrRefusedSaysWhatToCheckWithoutSecrets()
    {
        DatabaseConfig closed = m_db.config();
        closed.port = 1; // nothing listens there
        auto unreachable = PgAuditStore::open(closed, m_db.password(), "c", AuditBackend::Mode::Writer);
        QVERIFY(!unreachable.ok());
        QCOMPARE(unreachable.error().code, ErrorCode::AuditUnavailable);
        QVERIFY2(unreachable.error().message.find("audit.postgres") != std::string::npos,
                 unreachable.error().message.c_str());

        const std::string wrong = "wrong-password-" + m_db.password();
        auto refused = PgAuditStore::open(m_db.config(), wrong, "c", AuditBackend::Mode::Writer);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find(wrong) == std::string::npos);
        QVERIFY(refused.error().message.find(m_db.password()) == std::string::npos);

        auto badChain = PgAuditStore::open(m_db.config(), m_db.password(), "no spaces", AuditBackend::Mode::Writer);
        QVERIFY(!badChain.ok());
        QVERIFY(badChain.error().message.find("audit.chain") != std::string::npos);
    }

    void verifyingAChainThatIsNotThereSaysSo()
    {
        auto reader = m_db.open("nobody", AuditBackend::Mode::Reader);
        QVERIFY(reader);
        auto report = AuditVerifier::verify(*reader, keys());
        QVERIFY(report.ok());
        QVERIFY(!report->intact);
        QVERIFY2(report->problem.find("no chain named nobody") != std::string::npos, report->problem.c_str());
        QVERIFY2(report->problem.find("east") != std::string::npos, report->problem.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPgAuditStore)
#include "TestPgAuditStore.moc"
