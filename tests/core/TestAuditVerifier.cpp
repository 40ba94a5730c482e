#include "TestTempRoot.h"
#include "audit/AuditLog.h"
#include "audit/AuditStore.h"
#include "audit/AuditVerifier.h"
#include "audit/CheckpointFile.h"
#include "crypto/Crypto.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &keys()
{
    static const AuditKeys k("audit-verifier-test-secret-012345");
    return k;
}

void exec(const QString &path, const std::string &sql)
{
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    char *error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, message.c_str());
}

} // namespace

// Every way of tampering with a stored trail is caught, and the report names the first
// sequence number where the chain breaks.
class TestAuditVerifier : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_pristine;
    int m_copies = 0;

    QString freshCopy()
    {
        const QString path = m_tmp->filePath(QStringLiteral("copy-%1.db").arg(++m_copies));
        if (!QFile::copy(m_pristine, path))
            return {};
        return path;
    }

    AuditVerifier::Report verified(const QString &path)
    {
        auto r = AuditVerifier::verify(path, keys());
        if (!r.ok())
            qFatal("verify failed to run: %s", r.error().message.c_str());
        return *r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tmp = std::make_unique<QTemporaryDir>(test::tempRoot() + QStringLiteral("/audit-verify-XXXXXX"));
        QVERIFY(m_tmp->isValid());
        m_pristine = m_tmp->filePath(QStringLiteral("pristine.db"));
        AuditLog::Options o;
        o.path = m_pristine;
        o.instance = "test";
        o.checkpointEveryRecords = 5;
        auto log = AuditLog::open(o, keys());
        QVERIFY(log.ok());
        for (int i = 1; i <= 20; ++i) {
            Json body = Json::object();
            body["kind"] = "request";
            body["principal"] = Json{{"user", "alice"}, {"tenant", "1"}, {"roles", Json::array()}};
            body["target"] = "db_query";
            body["arguments"] = Json{{"table", "customers"}, {"note", "line\nbreak \"quoted\" \x01"}};
            QVERIFY((*log)->appendAndWait(std::move(body)).ok());
        }
        (*log)->close();
        // The copies must be single files: fold the WAL into the database first.
        exec(m_pristine, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
    }

    void pristineIsIntact()
    {
        const auto r = verified(freshCopy());
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.records, std::int64_t(20));
        QCOMPARE(r.firstBadSeq, std::int64_t(0));
        // Checkpoints every 5 records from the first: 1, 6, 11, 16.
        QCOMPARE(r.checkpoints, std::int64_t(4));
    }

    void detectsTampering_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<qint64>("firstBad");
        QTest::newRow("edited body") << QStringLiteral(
            "UPDATE audit_records SET body = replace(body, 'alice', 'mallory') WHERE seq = 7") << qint64(7);
        QTest::newRow("edited search column")
            << QStringLiteral("UPDATE audit_records SET principal = 'mallory' WHERE seq = 9") << qint64(9);
        QTest::newRow("deleted record") << QStringLiteral("DELETE FROM audit_records WHERE seq = 12") << qint64(12);
        QTest::newRow("inserted record") << QStringLiteral(
            "UPDATE audit_records SET seq = seq + 1000 WHERE seq >= 15; "
            "UPDATE audit_records SET seq = seq - 999 WHERE seq >= 1015; "
            "INSERT INTO audit_records SELECT 15, time_ms, kind, instance, session, principal, tenant, tool, "
            "outcome, error_code, body, prev_hash, hash, mac FROM audit_records WHERE seq = 14") << qint64(15);
        QTest::newRow("swapped records") << QStringLiteral(
            "UPDATE audit_records SET seq = -1 WHERE seq = 4; UPDATE audit_records SET seq = 4 WHERE seq = 5; "
            "UPDATE audit_records SET seq = 5 WHERE seq = -1") << qint64(4);
        QTest::newRow("truncated tail")
            << QStringLiteral("DELETE FROM audit_records WHERE seq = 20") << qint64(20);
        QTest::newRow("truncated tail and its checkpoints") << QStringLiteral(
            "DELETE FROM audit_records WHERE seq >= 19; DELETE FROM audit_checkpoints WHERE seq >= 19")
                                                          << qint64(19);
        QTest::newRow("head removed") << QStringLiteral("DELETE FROM audit_head") << qint64(20);
        QTest::newRow("forged checkpoint")
            << QStringLiteral("UPDATE audit_checkpoints SET time_ms = time_ms + 1 WHERE seq = 11") << qint64(11);
    }

    void detectsTampering()
    {
        QFETCH(QString, sql);
        QFETCH(qint64, firstBad);
        const QString path = freshCopy();
        exec(path, sql.toStdString());
        const auto r = verified(path);
        QVERIFY2(!r.intact, "tampering went unnoticed");
        QCOMPARE(qint64(r.firstBadSeq), firstBad);
        QVERIFY(!r.problem.empty());
        qInfo("%s", r.problem.c_str());
    }

    // Someone with write access but without the key recomputes every hash after an edit: the
    // hashes agree again, the MACs and signatures cannot.
    void detectsRewrittenChain()
    {
        const QString path = freshCopy();
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        const AuditKeys forger("not-the-audit-key-but-long-enough");
        std::string prev = zeroHash();
        sqlite3_stmt *read = nullptr;
        sqlite3_prepare_v2(db, "SELECT seq, body FROM audit_records ORDER BY seq", -1, &read, nullptr);
        std::vector<std::pair<std::int64_t, Json>> rows;
        while (sqlite3_step(read) == SQLITE_ROW) {
            Json body = Json::parse(reinterpret_cast<const char *>(sqlite3_column_text(read, 1)));
            if (sqlite3_column_int64(read, 0) == 3)
                body["principal"]["user"] = "mallory";
            rows.emplace_back(sqlite3_column_int64(read, 0), std::move(body));
        }
        sqlite3_finalize(read);
        for (auto &[seq, body] : rows) {
            const std::string input = chainInput(prev, body);
            const std::string hash = crypto::sha256(input);
            const std::string mac = forger.recordMac(input);
            const std::string text = canonicalForm(body);
            sqlite3_stmt *w = nullptr;
            sqlite3_prepare_v2(db, "UPDATE audit_records SET body = ?, prev_hash = ?, hash = ?, mac = ?, principal = ? WHERE seq = ?",
                               -1, &w, nullptr);
            sqlite3_bind_text(w, 1, text.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_blob(w, 2, prev.data(), int(prev.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(w, 3, hash.data(), int(hash.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(w, 4, mac.data(), int(mac.size()), SQLITE_TRANSIENT);
            const std::string user = body["principal"]["user"].get<std::string>();
            sqlite3_bind_text(w, 5, user.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(w, 6, seq);
            QCOMPARE(sqlite3_step(w), SQLITE_DONE);
            sqlite3_finalize(w);
            prev = hash;
        }
        sqlite3_exec(db, "DELETE FROM audit_checkpoints", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        const auto r = verified(path);
        QVERIFY2(!r.intact, "a rewritten chain went unnoticed");
        QCOMPARE(r.firstBadSeq, std::int64_t(1));
    }

    // Checkpoints exported to a second place catch what the store alone cannot: a trail
    // wiped together with every checkpoint and head inside it.
    void exportedCheckpointsCatchAWipedTrail()
    {
        const QString path = freshCopy();
        std::vector<Checkpoint> exported;
        {
            auto store = AuditStore::open(path, AuditStore::Mode::Reader);
            QVERIFY(store.ok());
            auto cps = (*store)->checkpoints();
            QVERIFY(cps.ok());
            exported = *cps;
        }
        QCOMPARE(exported.size(), std::size_t(5)); // 1, 6, 11, 16 and the head at 20
        QBuffer file;
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(CheckpointFile::write(exported, file).ok());
        file.seek(0);
        auto read = CheckpointFile::read(file);
        QVERIFY(read.ok());
        QCOMPARE(read->size(), exported.size());

        auto intact = AuditVerifier::verify(path, keys(), {}, *read);
        QVERIFY(intact.ok() && intact->intact);

        exec(path, "DELETE FROM audit_records WHERE seq >= 14; DELETE FROM audit_checkpoints WHERE seq >= 14; "
                   "DELETE FROM audit_head;");
        // Without the head the store alone still notices; wipe that signal too by emptying it.
        exec(path, "DELETE FROM audit_records; DELETE FROM audit_checkpoints;");
        auto alone = AuditVerifier::verify(path, keys());
        QVERIFY(alone.ok());
        QVERIFY2(alone->intact, "an empty store is all the store itself can show");
        auto anchored = AuditVerifier::verify(path, keys(), {}, *read);
        QVERIFY(anchored.ok());
        QVERIFY(!anchored->intact);
        QCOMPARE(anchored->firstBadSeq, std::int64_t(1));

        // A checkpoint file signed with another key is not evidence.
        std::vector<Checkpoint> forged = *read;
        forged[0].signature = AuditKeys("forger-key-0123456789abcdef-0123").signCheckpoint(
            forged[0].seq, forged[0].hash, forged[0].timeMs, forged[0].reason);
        auto rejected = AuditVerifier::verify(freshCopy(), keys(), {}, forged);
        QVERIFY(rejected.ok() && !rejected->intact);
    }

    void malformedCheckpointFileIsRefused()
    {
        QBuffer file;
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.write("{\"seq\": 1, \"time_ms\": 2, \"hash\": \"zz\", \"reason\": \"head\", \"signature\": \"00\"}\n");
        file.seek(0);
        auto r = CheckpointFile::read(file);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("line 1") != std::string::npos, r.error().message.c_str());
    }

    // Retention removes whole segments and leaves a signed purge checkpoint: the rest still
    // verifies, checkpoints exported before the purge still match, and the purge is recorded.
    void purgeKeepsTheChainVerifiable()
    {
        const QString path = freshCopy();
        std::vector<Checkpoint> exportedBefore;
        AuditStore::PurgeResult purged;
        {
            auto store = AuditStore::open(path, AuditStore::Mode::Writer);
            QVERIFY(store.ok());
            exportedBefore = *(*store)->checkpoints();
            Json record = Json::object();
            record["kind"] = std::string(kind::Retention);
            record["details"] = Json{{"keep_records", 8}};
            stamp(record, "test", keys().keyId());
            auto r = (*store)->purge(12, keys(), std::move(record)); // 12 falls inside the segment 11..15
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
            purged = *r;
        }
        QCOMPARE(purged.throughSeq, std::int64_t(11)); // whole segments only
        QCOMPARE(purged.removed, std::int64_t(11));
        QCOMPARE(purged.recordSeq, std::int64_t(21));
        auto after = AuditVerifier::verify(path, keys(), {}, exportedBefore);
        QVERIFY(after.ok());
        QVERIFY2(after->intact, after->problem.c_str());
        QCOMPARE(after->firstSeq, std::int64_t(12));
        QCOMPARE(after->lastSeq, std::int64_t(21));

        // Nothing older than the boundary is due any more.
        {
            auto store = AuditStore::open(path, AuditStore::Mode::Writer);
            Json record = Json::object();
            record["kind"] = std::string(kind::Retention);
            stamp(record, "test", keys().keyId());
            auto again = (*store)->purge(11, keys(), std::move(record));
            QVERIFY(again.ok());
            QCOMPARE(again->throughSeq, std::int64_t(0));
        }

        // Removing the purge checkpoint leaves a chain that starts from nowhere.
        exec(path, "DELETE FROM audit_checkpoints WHERE reason = 'purge'");
        auto broken = AuditVerifier::verify(path, keys());
        QVERIFY(broken.ok());
        QVERIFY(!broken->intact);
    }

    void wrongKeyIsNamed()
    {
        auto r = AuditVerifier::verify(freshCopy(), AuditKeys("some-other-key-0123456789abcdef"));
        QVERIFY(r.ok());
        QVERIFY(!r->intact);
        QVERIFY2(r->problem.find("key") != std::string::npos, r->problem.c_str());
    }

    void notAnAuditStore()
    {
        const QString path = m_tmp->filePath(QStringLiteral("other.db"));
        exec(path, "CREATE TABLE t(x)");
        auto r = AuditVerifier::verify(path, keys());
        QVERIFY(r.ok());
        QVERIFY(!r->intact);
    }
};

QTEST_GUILESS_MAIN(TestAuditVerifier)
#include "TestAuditVerifier.moc"
