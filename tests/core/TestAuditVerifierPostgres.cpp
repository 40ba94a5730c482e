#include "PgAuditTestDb.h"
#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"
#include "crypto/Crypto.h"

#include <QTest>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &keys()
{
    return test::pgAuditKeys();
}

std::string replaceAll(std::string text, const std::string &from, const std::string &to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

} // namespace

// The verifier over the PostgreSQL store: every way of tampering with a chain through SQL is
// caught at the first broken record, whatever happens to the other chains in the database.
class TestAuditVerifierPostgres : public QObject
{
    Q_OBJECT

    test::PgAuditTestDb m_db;
    int m_chains = 0;

    // A chain like TestAuditVerifier's: 20 records committed one by one, a checkpoint every 5
    // (at 1, 6, 11, 16), bodies with quotes, newlines and a control character.
    std::string freshChain()
    {
        const std::string chain = "c" + std::to_string(++m_chains);
        auto store = m_db.open(chain, AuditBackend::Mode::Writer);
        if (!store)
            return {};
        for (int i = 0; i < 20; ++i) {
            Json body = Json::object();
            body["kind"] = "request";
            body["principal"] = Json { { "user", "alice" }, { "tenant", "1" }, { "roles", Json::array() } };
            body["target"] = "db_query";
            body["arguments"] = Json { { "table", "customers" }, { "note", "line\nbreak \"quoted\" \x01" } };
            stamp(body, "test", keys().keyId());
            std::vector<Json> one;
            one.push_back(std::move(body));
            if (!store->append(std::move(one), keys(), { 5, 3600000 }))
                return {};
        }
        return chain;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_db.create("warden_test_auditverifierpg");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void pristineIsIntact()
    {
        const std::string chain = freshChain();
        QVERIFY(!chain.empty());
        const auto r = m_db.verify(chain);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.records, std::int64_t(20));
        QCOMPARE(r.checkpoints, std::int64_t(4));
    }

    // {c} stands for the chain's name; every statement touches that chain only.
    void detectsTampering_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<qint64>("firstBad");
        QTest::newRow("edited body") << QStringLiteral(
            "UPDATE audit_records SET body = replace(body, 'alice', 'mallory') WHERE chain = '{c}' AND seq = 7")
                                     << qint64(7);
        QTest::newRow("edited search column") << QStringLiteral(
            "UPDATE audit_records SET principal = 'mallory' WHERE chain = '{c}' AND seq = 9") << qint64(9);
        QTest::newRow("deleted record")
            << QStringLiteral("DELETE FROM audit_records WHERE chain = '{c}' AND seq = 12") << qint64(12);
        QTest::newRow("inserted record") << QStringLiteral(
            "UPDATE audit_records SET seq = seq + 1000 WHERE chain = '{c}' AND seq >= 15; "
            "UPDATE audit_records SET seq = seq - 999 WHERE chain = '{c}' AND seq >= 1015; "
            "INSERT INTO audit_records SELECT chain, 15, time_ms, kind, instance, session, principal, tenant, tool, "
            "outcome, error_code, body, prev_hash, hash, mac FROM audit_records WHERE chain = '{c}' AND seq = 14")
                                         << qint64(15);
        QTest::newRow("swapped records") << QStringLiteral(
            "UPDATE audit_records SET seq = -1 WHERE chain = '{c}' AND seq = 4; "
            "UPDATE audit_records SET seq = 4 WHERE chain = '{c}' AND seq = 5; "
            "UPDATE audit_records SET seq = 5 WHERE chain = '{c}' AND seq = -1") << qint64(4);
        QTest::newRow("record copied from another chain") << QStringLiteral(
            "DELETE FROM audit_records WHERE chain = '{c}' AND seq = 3; "
            "INSERT INTO audit_records SELECT '{c}', seq, time_ms, kind, instance, session, principal, tenant, tool, "
            "outcome, error_code, body, prev_hash, hash, mac FROM audit_records WHERE chain = 'c1' AND seq = 3")
                                                         << qint64(3);
        QTest::newRow("truncated tail")
            << QStringLiteral("DELETE FROM audit_records WHERE chain = '{c}' AND seq = 20") << qint64(20);
        QTest::newRow("truncated tail and its checkpoints") << QStringLiteral(
            "DELETE FROM audit_records WHERE chain = '{c}' AND seq >= 19; "
            "DELETE FROM audit_checkpoints WHERE chain = '{c}' AND seq >= 19") << qint64(19);
        QTest::newRow("head removed") << QStringLiteral("DELETE FROM audit_head WHERE chain = '{c}'") << qint64(20);
        QTest::newRow("head of another chain") << QStringLiteral(
            "UPDATE audit_head SET seq = o.seq, time_ms = o.time_ms, hash = o.hash, signature = o.signature "
            "FROM audit_head o WHERE audit_head.chain = '{c}' AND o.chain = 'c1'") << qint64(21);
        QTest::newRow("chain replaced by a copy of another") << QStringLiteral(
            "DELETE FROM audit_records WHERE chain = '{c}'; DELETE FROM audit_checkpoints WHERE chain = '{c}'; "
            "DELETE FROM audit_head WHERE chain = '{c}'; "
            "INSERT INTO audit_records SELECT '{c}', seq, time_ms, kind, instance, session, principal, tenant, tool, "
            "outcome, error_code, body, prev_hash, hash, mac FROM audit_records WHERE chain = 'c1'; "
            "INSERT INTO audit_checkpoints SELECT '{c}', seq, time_ms, hash, reason, signature "
            "FROM audit_checkpoints WHERE chain = 'c1'; "
            "INSERT INTO audit_head SELECT '{c}', seq, time_ms, hash, signature FROM audit_head WHERE chain = 'c1'")
                                                             << qint64(1);
        QTest::newRow("forged checkpoint") << QStringLiteral(
            "UPDATE audit_checkpoints SET time_ms = time_ms + 1 WHERE chain = '{c}' AND seq = 11") << qint64(11);
    }

    void detectsTampering()
    {
        QFETCH(QString, sql);
        QFETCH(qint64, firstBad);
        const std::string chain = freshChain();
        QVERIFY(!chain.empty());
        const QString problem = m_db.superuser(replaceAll(sql.toStdString(), "{c}", chain));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const auto r = m_db.verify(chain);
        QVERIFY2(!r.intact, "tampering went unnoticed");
        QCOMPARE(qint64(r.firstBadSeq), firstBad);
        qInfo("%s", r.problem.c_str());
        // The other chains in the database are untouched.
        const auto first = m_db.verify("c1");
        QVERIFY2(first.intact, first.problem.c_str());
    }

    // Someone with write access but without the key recomputes every hash after an edit: the
    // hashes agree again, the MACs and signatures cannot.
    void detectsRewrittenChain()
    {
        const std::string chain = freshChain();
        auto reader = m_db.open(chain, AuditBackend::Mode::Reader);
        QVERIFY(reader);
        auto rows = reader->records(0, 100);
        QVERIFY(rows.ok());
        const AuditKeys forger("not-the-audit-key-but-long-enough");
        std::string prev = zeroHash();
        std::string sql;
        for (const StoredRecord &r : *rows) {
            Json body = Json::parse(r.body);
            if (r.seq == 3)
                body["principal"]["user"] = "mallory";
            const std::string input = chainInput(prev, body);
            const std::string hash = crypto::sha256(input);
            sql += "UPDATE audit_records SET body = $b$" + canonicalForm(body) + "$b$, prev_hash = '\\x"
                + crypto::toHex(prev) + "', hash = '\\x" + crypto::toHex(hash) + "', mac = '\\x"
                + crypto::toHex(forger.recordMac(input)) + "', principal = '"
                + body["principal"]["user"].get<std::string>() + "' WHERE chain = '" + chain
                + "' AND seq = " + std::to_string(r.seq) + ";";
            prev = hash;
        }
        sql += "DELETE FROM audit_checkpoints WHERE chain = '" + chain + "';";
        const QString problem = m_db.superuser(sql);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const auto r = m_db.verify(chain);
        QVERIFY2(!r.intact, "a rewritten chain went unnoticed");
        QCOMPARE(r.firstBadSeq, std::int64_t(1));
    }

    // Checkpoints exported elsewhere must match the chain they name; a file signed with another
    // key is not evidence, and a chain wiped whole is reported, not taken for an empty one.
    void exportedCheckpointsAndAWipedChain()
    {
        const std::string chain = freshChain();
        auto reader = m_db.open(chain, AuditBackend::Mode::Reader);
        QVERIFY(reader);
        auto exported = reader->checkpoints();
        QVERIFY(exported.ok());
        QCOMPARE(exported->size(), std::size_t(5)); // 1, 6, 11, 16 and the head at 20
        const auto anchored = m_db.verify(chain, *exported);
        QVERIFY2(anchored.intact, anchored.problem.c_str());

        std::vector<Checkpoint> forged = *exported;
        forged[0].signature = AuditKeys("forger-key-0123456789abcdef-0123").signCheckpoint(
            forged[0].seq, forged[0].hash, forged[0].timeMs, forged[0].reason);
        QVERIFY(!m_db.verify(chain, forged).intact);

        const QString problem = m_db.superuser(replaceAll("DELETE FROM audit_records WHERE chain = '{c}'; "
                                                          "DELETE FROM audit_checkpoints WHERE chain = '{c}'; "
                                                          "DELETE FROM audit_head WHERE chain = '{c}'",
                                                          "{c}", chain));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const auto wiped = m_db.verify(chain, *exported);
        QVERIFY(!wiped.intact);
        QCOMPARE(wiped.firstBadSeq, std::int64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestAuditVerifierPostgres)
#include "TestAuditVerifierPostgres.moc"
