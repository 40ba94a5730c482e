// ApprovalStore's decision reason: kept with the approval and in its audit record, and added
// to files made before decisions had one. (Requests, use and expiry are covered through the
// write tools in TestWriteTools.)

#include "TestTempRoot.h"
#include "approvals/ApprovalStore.h"
#include "db/SqliteConnection.h"

#include <QTemporaryDir>
#include <QTest>

using namespace warden;
using namespace warden::approvals;

namespace {

ApprovalRequest request(const std::string &hash)
{
    ApprovalRequest r;
    r.payloadHash = hash;
    r.tool = "db_update";
    r.table = "orders";
    r.principal = "agent-7";
    r.summary = Json { { "fields", Json::array({ "status" }) } };
    return r;
}

} // namespace

class TestApprovalStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir { warden::test::tempRoot() + QStringLiteral("/approval-store-XXXXXX") };

private Q_SLOTS:
    void reasonIsKeptAndAudited()
    {
        auto store = ApprovalStore::open(m_dir.filePath(QStringLiteral("reason/approvals.db")));
        QVERIFY(store.ok());
        std::vector<Json> records;
        (*store)->setRecorder([&records](Json record) { records.push_back(std::move(record)); });
        auto filed = (*store)->request(request("h1"));
        QVERIFY(filed.ok());
        auto decided = (*store)->decide(filed->id, false, "console:ada", "not during the freeze");
        QVERIFY(decided.ok());
        QCOMPARE(decided->reason, std::string("not during the freeze"));
        QCOMPARE((*store)->get(filed->id)->reason, std::string("not during the freeze"));
        QCOMPARE(decided->toJson()["decision_reason"].get<std::string>(), std::string("not during the freeze"));
        QCOMPARE(records.size(), std::size_t(1));
        QCOMPARE(records[0]["details"]["reason"].get<std::string>(), std::string("not during the freeze"));
        QCOMPARE(records[0]["details"]["decider"].get<std::string>(), std::string("console:ada"));

        // Without a reason, none is recorded.
        auto other = (*store)->request(request("h2"));
        QVERIFY(other.ok());
        QVERIFY((*store)->decide(other->id, true, "cli:ops").ok());
        QCOMPARE(records.size(), std::size_t(2));
        QVERIFY(!records[1]["details"].contains("reason"));
        QVERIFY(!(*store)->get(other->id)->toJson().contains("decision_reason"));
    }

    // A file from before decisions carried a reason gets the column; its approvals stay.
    void olderFileGetsTheColumn()
    {
        const QString path = m_dir.filePath(QStringLiteral("old/approvals.db"));
        {
            auto old = db::SqliteConnection::openStateFile(path.toStdString(), "the approval store", "");
            QVERIFY(old.ok());
            const db::QueryOptions options { 5000, -1 };
            QVERIFY((*old)->execute("CREATE TABLE approvals (id TEXT PRIMARY KEY, payload_hash TEXT NOT NULL, "
                                    "tool TEXT NOT NULL, table_name TEXT NOT NULL, principal TEXT NOT NULL, "
                                    "tenant TEXT NOT NULL, summary TEXT NOT NULL, created_at_ms INTEGER NOT NULL, "
                                    "expires_at_ms INTEGER NOT NULL, state TEXT NOT NULL, decided_by TEXT, "
                                    "decided_at_ms INTEGER, recorded INTEGER NOT NULL DEFAULT 0)",
                                    {}, options)
                        .ok());
            QVERIFY((*old)->execute("INSERT INTO approvals (id, payload_hash, tool, table_name, principal, tenant, "
                                    "summary, created_at_ms, expires_at_ms, state) VALUES ('a1', 'h', 'db_update', "
                                    "'orders', 'agent-7', '', '{}', 1, 99999999999999, 'pending')",
                                    {}, options)
                        .ok());
        }
        auto store = ApprovalStore::open(path);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        auto kept = (*store)->get("a1");
        QVERIFY(kept.ok());
        QVERIFY(kept->reason.empty());
        QVERIFY((*store)->decide("a1", true, "console:ada", "ok").ok());
        QCOMPARE((*store)->get("a1")->reason, std::string("ok"));
        // Opening it again finds the column there.
        store = ApprovalStore::open(path);
        QVERIFY(store.ok());
        QCOMPARE((*store)->get("a1")->reason, std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestApprovalStore)
#include "TestApprovalStore.moc"
