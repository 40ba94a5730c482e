// ApprovalStore's decision reason: kept with the approval and in its audit record, and added
// to files made before decisions had one. The call's arguments: shown while pending, never in
// an audit record, wiped from the file once decided or expired; the file is its owner's alone.
// (Requests, use and expiry are covered through the write tools in TestWriteTools.)

#include "TestTempRoot.h"
#include "approvals/ApprovalStore.h"
#include "db/SqliteConnection.h"

#include <QFileInfo>
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
    r.arguments = Json { { "table", "orders" },
                         { "id", 42 },
                         { "values", { { "status", "refunded" }, { "note", "card 4111" } } } };
    return r;
}

// The arguments column of one approval as the file holds it (null when wiped).
Json storedArguments(const QString &path, const std::string &id)
{
    auto conn = db::SqliteConnection::openStateFile(path.toStdString(), "the approval store", "");
    if (!conn)
        return Json("cannot open");
    auto rows = (*conn)->query("SELECT arguments FROM approvals WHERE id = ?", { id },
                               db::QueryOptions { 5000, -1 });
    if (!rows || rows->rows.size() != 1)
        return Json("no row");
    return rows->rows.front().front();
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

    // The operator sees exactly what would be written while the approval waits; the decision's
    // audit record carries no value, and the file keeps none once decided.
    void argumentsAreShownWhilePendingOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("arguments/approvals.db"));
        auto store = ApprovalStore::open(path);
        QVERIFY(store.ok());
        std::vector<Json> records;
        (*store)->setRecorder([&records](Json record) { records.push_back(std::move(record)); });
        const ApprovalRequest asked = request("h-args");
        auto filed = (*store)->request(asked);
        QVERIFY(filed.ok());
        QVERIFY(filed->arguments == asked.arguments);
        QVERIFY((*store)->get(filed->id)->toJson()["arguments"] == asked.arguments);
        auto pending = (*store)->list(true);
        QVERIFY(pending.ok());
        QCOMPARE(pending->size(), std::size_t(1));
        QVERIFY(pending->front().arguments == asked.arguments);
        QVERIFY(storedArguments(path, filed->id).is_string());

        auto decided = (*store)->decide(filed->id, true, "console:ada", "refund agreed");
        QVERIFY(decided.ok());
        QVERIFY(decided->arguments.is_null());
        QVERIFY(!decided->toJson().contains("arguments"));
        QVERIFY(storedArguments(path, filed->id).is_null());
        QCOMPARE(records.size(), std::size_t(1));
        const std::string audited = records.front().dump();
        QVERIFY(audited.find("refunded") == std::string::npos);
        QVERIFY(audited.find("4111") == std::string::npos);
    }

    // An approval left to expire shows no arguments at once, and the file forgets them at the
    // next request or the server's periodic recordDecisions().
    void expiredArgumentsAreWiped()
    {
        const QString path = m_dir.filePath(QStringLiteral("expiry/approvals.db"));
        auto store = ApprovalStore::open(path);
        QVERIFY(store.ok());
        std::int64_t nowMs = 1'000'000;
        (*store)->setClock([&nowMs] { return nowMs; });
        ApprovalRequest asked = request("h-exp");
        asked.ttlSeconds = 60;
        auto filed = (*store)->request(asked);
        QVERIFY(filed.ok());
        QVERIFY(storedArguments(path, filed->id).is_string());
        nowMs += 61'000;
        auto expired = (*store)->get(filed->id);
        QVERIFY(expired.ok());
        QCOMPARE(expired->state, ApprovalState::Expired);
        QVERIFY(expired->arguments.is_null());
        QVERIFY((*store)->recordDecisions().ok());
        QVERIFY(storedArguments(path, filed->id).is_null());

        // A request wipes them too.
        auto second = (*store)->request(request("h-exp-2"));
        QVERIFY(second.ok());
        nowMs += 901'000;
        QVERIFY((*store)->request(request("h-exp-3")).ok());
        QVERIFY(storedArguments(path, second->id).is_null());
    }

    void fileIsReadableByItsOwnerOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("perms/approvals.db"));
        auto store = ApprovalStore::open(path);
        QVERIFY(store.ok());
        const QFile::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ReadOther | QFileDevice::WriteOther;
        QCOMPARE(QFileInfo(path).permissions() & others, QFile::Permissions());
        QVERIFY(QFileInfo(path).permissions() & QFileDevice::ReadOwner);
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
        // And the arguments column: a new approval keeps them.
        auto filed = (*store)->request(request("h-new"));
        QVERIFY(filed.ok());
        QVERIFY(filed->arguments == request("h-new").arguments);
    }
};

QTEST_GUILESS_MAIN(TestApprovalStore)
#include "TestApprovalStore.moc"
