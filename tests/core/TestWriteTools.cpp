// The write tools on a real SQLite file through a real McpServer: every write rule, the
// adversarial writes (moving a row to another tenant, changing a key, writing a denied
// column), max_affected_rows rolling back, the approval gate end to end, and the audit trail.

#include "JsonCompare.h"
#include "WriteToolWorld.h"

using namespace warden;
using namespace warden::test;

class TestWriteTools : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_dbPath;
    WriteToolWorld m_w;

    static Json call(McpClient &client, const std::string &tool, const Json &arguments)
    {
        return WriteToolWorld::call(client, tool, arguments);
    }
    static std::string code(const Json &structured) { return WriteToolWorld::code(structured); }
    std::string orders(const std::string &sql =
                           "SELECT id, tenant_id, status, note, deleted_at FROM orders ORDER BY id")
    {
        std::string out;
        for (const auto &row : DirectDb(m_dbPath).rows(sql))
            out += Json(row).dump() + "\n";
        return out;
    }
    std::int64_t count(const std::string &sql) { return DirectDb(m_dbPath).integer(sql); }
    static std::string approvalIdOf(const Json &refused)
    {
        return WriteToolWorld::approvalIdOf(refused);
    }
    std::string auditText()
    {
        auto query = audit::AuditQuery::open(WriteToolWorld::auditPath(m_dir.path()));
        if (!query)
            return {};
        auto page = (*query)->page({}, std::nullopt, audit::AuditQuery::kMaxPageSize,
                                   audit::AuditQuery::Order::OldestFirst);
        std::string out;
        if (page)
            for (const auto &r : page->records)
                out += r.body.dump() + "\n";
        return out;
    }
    std::vector<Json> auditOfKind(const std::string &kind)
    {
        std::vector<Json> out;
        auto query = audit::AuditQuery::open(WriteToolWorld::auditPath(m_dir.path()));
        if (!query)
            return out;
        auto page = (*query)->page({}, std::nullopt, audit::AuditQuery::kMaxPageSize,
                                   audit::AuditQuery::Order::OldestFirst);
        if (page)
            for (const auto &r : page->records)
                if (r.kind() == kind)
                    out.push_back(r.body);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dbPath = m_dir.filePath(QStringLiteral("shop.sqlite"));
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(m_dbPath).constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, writeWorldSchema(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        DatabaseConfig config;
        config.driver = DatabaseConfig::Driver::Sqlite;
        config.path = m_dbPath;
        std::string error;
        QVERIFY2(m_w.open(config, std::string(), m_dir.path(), error), error.c_str());
    }

    void cleanupTestCase() { m_w.close(); }

    void toolsHaveStrictSchemas()
    {
        const Json list = m_w.a->request("tools/list").value("result", Json::object());
        std::set<std::string> names;
        for (const Json &tool : list.value("tools", Json::array())) {
            names.insert(tool["name"].get<std::string>());
            JCOMPARE(tool["inputSchema"]["additionalProperties"], Json(false));
            JCOMPARE(tool["annotations"]["readOnlyHint"], Json(false));
            QVERIFY(tool.contains("outputSchema"));
        }
        QCOMPARE(
            names,
            (std::set<std::string> { "db_create", "db_update", "db_delete", "db_bulk_update" }));
        // Unknown arguments are refused, not ignored.
        QCOMPARE(code(call(*m_w.a, "db_update",
                           { { "table", "orders" },
                             { "id", 1 },
                             { "values", { { "status", "x" } } },
                             { "reason", "r" },
                             { "force", true } })),
                 std::string("INVALID_ARGUMENT"));
    }

    void writesAreOffByDefault()
    {
        const Json r =
            call(*m_w.a, "db_create",
                 { { "table", "ledger" }, { "values", { { "amount", 5 } } }, { "reason", "r" } });
        QCOMPARE(code(r), std::string("WRITE_DISABLED"));
        QCOMPARE(count("SELECT COUNT(*) FROM ledger"), std::int64_t(1));
        // Even the dev profile leaves every table read-only unless it says "write": true.
        QVERIFY(!m_w.policies->current()->table("ledger", tenantPrincipal("a"))->writes.enabled);
        auto readOnly = Policy::fromJson(Json::parse(R"({"version": 1, "extends": "dev",
            "defaults": {"tenant_column": "tenant_id"}, "tables": {"orders": {}, "notes": {}}})"),
                                         m_w.pool->schema());
        QVERIFY(readOnly.ok());
        QVERIFY(!(*readOnly)->writesEnabled());
        QVERIFY(m_w.policies->current()->writesEnabled());
    }

    void policyValidatesWrites()
    {
        auto bad = Policy::fromJson(
            Json::parse(R"({"version": 1, "defaults": {"tenant_column": "tenant_id"},
            "tables": {"orders": {"write": true, "writes": {"read_only": ["totl"], "approval": "sometimes",
            "max_affected_rows": 0, "colour": 1}}}})"),
            m_w.pool->schema());
        QVERIFY(!bad.ok());
        const std::string &m = bad.error().message;
        QVERIFY2(m.find("/tables/orders/writes/read_only/0") != std::string::npos, m.c_str());
        QVERIFY2(m.find("/tables/orders/writes/approval") != std::string::npos, m.c_str());
        QVERIFY2(m.find("/tables/orders/writes/max_affected_rows") != std::string::npos, m.c_str());
        QVERIFY2(m.find("/tables/orders/writes/colour") != std::string::npos, m.c_str());
        // A write finds its row by a single-column key.
        auto pairs = Policy::fromJson(
            Json::parse(R"({"version": 1, "defaults": {"tenant_column": "tenant_id"},
            "tables": {"pairs": {"write": true}}})"),
            m_w.pool->schema());
        QVERIFY(!pairs.ok());
        QVERIFY2(pairs.error().message.find("/tables/pairs/write") != std::string::npos,
                 pairs.error().message.c_str());
    }

    void createSetsTenantFromThePrincipal()
    {
        const Json r = call(*m_w.a, "db_create",
                            { { "table", "notes" }, { "values", { { "body", "new note" } } } });
        QVERIFY2(!r.contains("error"), r.dump().c_str());
        JCOMPARE(r["affected"], Json(1));
        JCOMPARE(r["row"]["tenant_id"], Json("a"));
        JCOMPARE(r["row"]["body"], Json("new note"));
        const std::int64_t id = r["row"]["id"].get<std::int64_t>();
        JCOMPARE(DirectDb(m_dbPath)
                     .rows("SELECT tenant_id, body FROM notes WHERE id = " + std::to_string(id))
                     .at(0)
                     .at(0),
                 Json("a"));
        const Json d = call(*m_w.a, "db_delete", { { "table", "notes" }, { "id", id } });
        QVERIFY2(!d.contains("error"), d.dump().c_str());
        JCOMPARE(d["soft_delete"], Json(false));
        QCOMPARE(count("SELECT COUNT(*) FROM notes WHERE id = " + std::to_string(id)),
                 std::int64_t(0));
    }

    void createCannotPickAnotherTenant()
    {
        const std::int64_t before = count("SELECT COUNT(*) FROM notes");
        const Json r =
            call(*m_w.a, "db_create",
                 { { "table", "notes" }, { "values", { { "body", "x" }, { "tenant_id", "b" } } } });
        QCOMPARE(code(r), std::string("FIELD_NOT_ALLOWED"));
        JCOMPARE(r["error"]["details"]["field"], Json("tenant_id"));
        // Not even its own tenant: the column is Warden's to set, never "corrected".
        const Json own =
            call(*m_w.a, "db_create",
                 { { "table", "notes" }, { "values", { { "body", "x" }, { "tenant_id", "a" } } } });
        QCOMPARE(code(own), std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(count("SELECT COUNT(*) FROM notes"), before);
        // A caller without a tenant cannot create a row in a tenant-scoped table at all.
        McpClient nobody(*m_w.server, tenantPrincipal("", "nobody"));
        QCOMPARE(code(call(nobody, "db_create",
                           { { "table", "notes" }, { "values", { { "body", "x" } } } })),
                 std::string("TENANT_SCOPE_REQUIRED"));
        QCOMPARE(count("SELECT COUNT(*) FROM notes"), before);
    }

    void updateNeedsAReason()
    {
        const std::string before = orders();
        const Json args { { "table", "orders" },
                          { "id", 1 },
                          { "values", { { "status", "held" } } } };
        QCOMPARE(code(call(*m_w.a, "db_update", args)), std::string("REASON_REQUIRED"));
        Json blank = args;
        blank["reason"] = "   ";
        QCOMPARE(code(call(*m_w.a, "db_update", blank)), std::string("REASON_REQUIRED"));
        QCOMPARE(orders(), before);
    }

    void updateChangesOneRowAndRedactsIt()
    {
        const Json r = call(*m_w.a, "db_update",
                            { { "table", "orders" },
                              { "id", 1 },
                              { "values", { { "status", "held" } } },
                              { "reason", "customer asked to hold it" } });
        QVERIFY2(!r.contains("error"), r.dump().c_str());
        JCOMPARE(r["affected"], Json(1));
        JCOMPARE(r["row"]["status"], Json("held"));
        QVERIFY(r["row"]["card_number"] != Json("4111111111111111")); // masked as reads are
        QVERIFY(!r["row"].contains("internal_code"));
        JCOMPARE(DirectDb(m_dbPath).rows("SELECT status FROM orders WHERE id = 1").at(0).at(0),
                 Json("held"));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE status = 'held'"), std::int64_t(1));
    }

    void updateCannotMoveARowToAnotherTenant()
    {
        const std::string before = orders();
        const Json r = call(*m_w.a, "db_update",
                            { { "table", "orders" },
                              { "id", 2 },
                              { "values", { { "tenant_id", "b" } } },
                              { "reason", "move it" } });
        QCOMPARE(code(r), std::string("FIELD_NOT_ALLOWED"));
        const Json bulk = call(*m_w.a, "db_bulk_update",
                               { { "table", "orders" },
                                 { "where", { { "field", "id" }, { "op", "eq" }, { "value", 2 } } },
                                 { "values", { { "tenant_id", "b" } } },
                                 { "reason", "move it" } });
        QCOMPARE(code(bulk), std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(orders(), before);
    }

    void anotherTenantsRowIsNotFound()
    {
        const std::string before = orders();
        const Json r = call(*m_w.a, "db_update",
                            { { "table", "orders" },
                              { "id", 6 },
                              { "values", { { "status", "x" } } },
                              { "reason", "r" } });
        QCOMPARE(code(r), std::string("NOT_FOUND"));
        const Json missing = call(*m_w.a, "db_update",
                                  { { "table", "orders" },
                                    { "id", 999 },
                                    { "values", { { "status", "x" } } },
                                    { "reason", "r" } });
        JCOMPARE(missing["error"]["message"], r["error"]["message"]); // not an oracle
        // A bulk update aimed at the other tenant's rows finds none of them.
        const Json bulk =
            call(*m_w.a, "db_bulk_update",
                 { { "table", "orders" },
                   { "where", { { "field", "tenant_id" }, { "op", "eq" }, { "value", "b" } } },
                   { "values", { { "status", "x" } } },
                   { "reason", "r" } });
        QVERIFY2(!bulk.contains("error"), bulk.dump().c_str());
        JCOMPARE(bulk["affected"], Json(0));
        const Json del = call(*m_w.b, "db_delete", { { "table", "notes" }, { "id", 1 } });
        QCOMPARE(code(del), std::string("NOT_FOUND"));
        QCOMPARE(orders(), before);
        QCOMPARE(count("SELECT COUNT(*) FROM notes WHERE id = 1"), std::int64_t(1));
    }

    void theKeyCannotChange()
    {
        const std::string before = orders();
        const Json r = call(*m_w.a, "db_update",
                            { { "table", "orders" },
                              { "id", 2 },
                              { "values", { { "id", 99 } } },
                              { "reason", "r" } });
        QCOMPARE(code(r), std::string("FIELD_NOT_ALLOWED"));
        JCOMPARE(r["error"]["details"]["field"], Json("id"));
        const Json soft = call(*m_w.a, "db_update",
                               { { "table", "orders" },
                                 { "id", 2 },
                                 { "values", { { "deleted_at", nullptr } } },
                                 { "reason", "r" } });
        QCOMPARE(code(soft), std::string("FIELD_NOT_ALLOWED"));
        QCOMPARE(orders(), before);
    }

    void aDeniedColumnAnswersLikeAnUnknownOne()
    {
        auto refusal = [&](const std::string &field) {
            const Json r = call(*m_w.a, "db_update",
                                { { "table", "orders" },
                                  { "id", 2 },
                                  { "values", { { field, "v" } } },
                                  { "reason", "r" } });
            Json e = r["error"];
            std::string message = e["message"].get<std::string>();
            message.replace(message.find(field), field.size(), "F");
            message.replace(message.find(field), field.size(), "F");
            return Json { { "code", e["code"] }, { "message", message }, { "hints", e["hints"] } };
        };
        const Json denied = refusal("internal_code");
        JCOMPARE(denied["code"], Json("FIELD_NOT_ALLOWED"));
        JCOMPARE(denied, refusal("no_such_col"));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE internal_code = 'v'"), std::int64_t(0));
    }

    void maskedAndReadOnlyColumnsAreNotWritable()
    {
        const std::string before = orders("SELECT id, card_number, total FROM orders ORDER BY id");
        for (const char *field : { "card_number", "total" }) {
            const Json r = call(*m_w.a, "db_update",
                                { { "table", "orders" },
                                  { "id", 2 },
                                  { "values", { { field, "1" } } },
                                  { "reason", "r" } });
            QCOMPARE(code(r), std::string("FIELD_NOT_ALLOWED"));
        }
        QCOMPARE(orders("SELECT id, card_number, total FROM orders ORDER BY id"), before);
    }

    void bulkUpdateStaysInItsScope()
    {
        const Json r =
            call(*m_w.a, "db_bulk_update",
                 { { "table", "orders" },
                   { "where", { { "field", "status" }, { "op", "eq" }, { "value", "shipped" } } },
                   { "values", { { "note", "audited" } } },
                   { "reason", "quarterly audit" } });
        QVERIFY2(!r.contains("error"), r.dump().c_str());
        JCOMPARE(r["affected"], Json(2));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE note = 'audited'"), std::int64_t(2));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE note = 'audited' AND tenant_id = 'b'"),
                 std::int64_t(0));
    }

    void tooManyRowsRollBack()
    {
        const std::string before = orders();
        // Tenant a has 5 live orders; max_affected_rows is 3.
        const Json r = call(*m_w.a, "db_bulk_update",
                            { { "table", "orders" },
                              { "where", { { "field", "id" }, { "op", "gt" }, { "value", 0 } } },
                              { "values", { { "status", "closed" } } },
                              { "reason", "close all" } });
        QCOMPARE(code(r), std::string("BUDGET_EXCEEDED"));
        JCOMPARE(r["error"]["details"]["limit"], Json(3));
        QCOMPARE(orders(), before);
    }

    void deleteWaitsForApprovalThenSoftDeletesOnce()
    {
        const Json args { { "table", "orders" }, { "id", 4 }, { "reason", "duplicate order" } };
        const Json first = call(*m_w.a, "db_delete", args);
        QCOMPARE(code(first), std::string("APPROVAL_REQUIRED"));
        const std::string id = approvalIdOf(first);
        QVERIFY(!id.empty());
        QVERIFY(first["error"]["details"]["expires_at"].is_string());
        QCOMPARE(first["error"]["details"]["payload_hash"].get<std::string>().size(),
                 std::size_t(64));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE id = 4 AND deleted_at IS NULL"),
                 std::int64_t(1));

        Json retry = args;
        retry["approval_id"] = id;
        // Not decided yet.
        QCOMPARE(code(call(*m_w.a, "db_delete", retry)), std::string("APPROVAL_REQUIRED"));
        auto pending = m_w.approvals->list(true);
        QVERIFY(pending.ok());
        QVERIFY(std::any_of(pending->begin(), pending->end(),
                            [&](const auto &a) { return a.id == id; }));
        auto decided = m_w.approvals->decide(id, true, "operator-olga");
        QVERIFY2(decided.ok(), decided.ok() ? "" : decided.error().message.c_str());
        // Deciding twice is refused.
        QVERIFY(!m_w.approvals->decide(id, false, "operator-olga").ok());

        const Json done = call(*m_w.a, "db_delete", retry);
        QVERIFY2(!done.contains("error"), done.dump().c_str());
        JCOMPARE(done["soft_delete"], Json(true));
        JCOMPARE(done["affected"], Json(1));
        QCOMPARE(count("SELECT COUNT(*) FROM orders WHERE id = 4 AND deleted_at IS NOT NULL"),
                 std::int64_t(1));
        // Single use.
        const Json again = call(*m_w.a, "db_delete", retry);
        QCOMPARE(code(again), std::string("APPROVAL_REQUIRED"));
        JCOMPARE(again["error"]["details"]["state"], Json("used"));
        // The soft-deleted row is gone for the tools too.
        const Json update = call(*m_w.a, "db_update",
                                 { { "table", "orders" },
                                   { "id", 4 },
                                   { "values", { { "status", "x" } } },
                                   { "reason", "r" } });
        QCOMPARE(code(update), std::string("NOT_FOUND"));
    }

    void anApprovalIsBoundToTheExactPayload()
    {
        const Json args { { "table", "tasks" },
                          { "values", { { "title", "rotate keys" } } },
                          { "reason", "ops" } };
        const std::string id = approvalIdOf(call(*m_w.a, "db_create", args));
        QVERIFY(!id.empty());
        // Asking again while it waits gives the same approval, not a second one.
        QCOMPARE(approvalIdOf(call(*m_w.a, "db_create", args)), id);
        QVERIFY(m_w.approvals->decide(id, true, "operator-olga").ok());

        Json edited = args;
        edited["values"]["title"] = "drop everything";
        edited["approval_id"] = id;
        const Json r = call(*m_w.a, "db_create", edited);
        QCOMPARE(code(r), std::string("APPROVAL_REQUIRED"));
        // Another caller of the same tenant cannot use it either.
        Json same = args;
        same["approval_id"] = id;
        QCOMPARE(code(call(*m_w.a2, "db_create", same)), std::string("APPROVAL_REQUIRED"));
        QCOMPARE(count("SELECT COUNT(*) FROM tasks"), std::int64_t(0));
        // The identical call by the same caller still works (refusals did not use it up).
        const Json ok = call(*m_w.a, "db_create", same);
        QVERIFY2(!ok.contains("error"), ok.dump().c_str());
        JCOMPARE(ok["row"]["title"], Json("rotate keys"));
        QCOMPARE(count("SELECT COUNT(*) FROM tasks"), std::int64_t(1));
        // The key order of the arguments does not matter; the payload does.
        JCOMPARE(WriteTool::payloadHash("db_create", Json::parse(R"({"a": 1, "b": 2})"),
                                        tenantPrincipal("a"), "v"),
                 WriteTool::payloadHash("db_create", Json::parse(R"({"b": 2, "a": 1})"),
                                        tenantPrincipal("a"), "v"));
        QVERIFY(WriteTool::payloadHash("db_create", Json::parse(R"({"a": 1})"),
                                       tenantPrincipal("a"), "v")
                != WriteTool::payloadHash("db_create", Json::parse(R"({"a": 1})"),
                                          tenantPrincipal("a"), "w"));
    }

    void deniedAndExpiredApprovalsAreRefused()
    {
        const Json args { { "table", "tasks" },
                          { "values", { { "title", "denied one" } } },
                          { "reason", "ops" } };
        const std::string denied = approvalIdOf(call(*m_w.a, "db_create", args));
        QVERIFY(m_w.approvals->decide(denied, false, "operator-olga").ok());
        Json retry = args;
        retry["approval_id"] = denied;
        const Json r = call(*m_w.a, "db_create", retry);
        QCOMPARE(code(r), std::string("APPROVAL_REQUIRED"));
        JCOMPARE(r["error"]["details"]["state"], Json("denied"));

        const Json later { { "table", "tasks" },
                           { "values", { { "title", "too late" } } },
                           { "reason", "ops" } };
        const std::string expiring = approvalIdOf(call(*m_w.a, "db_create", later));
        QVERIFY(m_w.approvals->decide(expiring, true, "operator-olga").ok());
        m_w.nowMs += 61'000; // the tasks table's approvals live 60 s
        Json late = later;
        late["approval_id"] = expiring;
        const Json e = call(*m_w.a, "db_create", late);
        QCOMPARE(code(e), std::string("APPROVAL_REQUIRED"));
        JCOMPARE(e["error"]["details"]["state"], Json("expired"));
        // An expired approval cannot be decided either.
        const std::string stale = approvalIdOf(call(*m_w.a, "db_create", later));
        m_w.nowMs += 61'000;
        QVERIFY(!m_w.approvals->decide(stale, true, "operator-olga").ok());
        // An unknown id.
        Json unknown = later;
        unknown["approval_id"] = "00000000000000000000000000000000";
        QCOMPARE(code(call(*m_w.a, "db_create", unknown)), std::string("APPROVAL_REQUIRED"));
        QCOMPARE(count("SELECT COUNT(*) FROM tasks WHERE title IN ('denied one', 'too late')"),
                 std::int64_t(0));
    }

    void manyRowsWaitForApproval()
    {
        // notes: approval above 2 rows; tenant a has 3 notes.
        const Json args { { "table", "notes" },
                          { "where", { { "field", "id" }, { "op", "gt" }, { "value", 0 } } },
                          { "values", { { "body", "redacted" } } } };
        const Json first = call(*m_w.a, "db_bulk_update", args);
        QCOMPARE(code(first), std::string("APPROVAL_REQUIRED"));
        QCOMPARE(count("SELECT COUNT(*) FROM notes WHERE body = 'redacted'"), std::int64_t(0));
        const std::string id = approvalIdOf(first);
        QVERIFY(m_w.approvals->decide(id, true, "operator-olga").ok());
        Json retry = args;
        retry["approval_id"] = id;
        const Json r = call(*m_w.a, "db_bulk_update", retry);
        QVERIFY2(!r.contains("error"), r.dump().c_str());
        JCOMPARE(r["affected"], Json(3));
        QCOMPARE(count("SELECT COUNT(*) FROM notes WHERE body = 'redacted'"), std::int64_t(3));
        QCOMPARE(count("SELECT COUNT(*) FROM notes WHERE body = 'theirs'"), std::int64_t(1));
    }

    // The command line decides in its own process, with no audit trail to write: the server's
    // store records the decision before the approval is used, once.
    void aDecisionMadeElsewhereIsRecordedBeforeUse()
    {
        const Json args { { "table", "tasks" },
                          { "values", { { "title", "from the command line" } } },
                          { "reason", "ops" } };
        const std::string id = approvalIdOf(call(*m_w.a, "db_create", args));
        QVERIFY(!id.empty());
        const std::size_t before = auditOfKind("approval").size();
        {
            auto cli = approvals::ApprovalStore::open(
                approvals::ApprovalStore::pathNextTo(WriteToolWorld::auditPath(m_dir.path())));
            QVERIFY(cli.ok());
            (*cli)->setClock([this] { return m_w.nowMs.load(); });
            QVERIFY((*cli)->decide(id, true, "operator-olga").ok());
        }
        QCOMPARE(auditOfKind("approval").size(), before);
        Json retry = args;
        retry["approval_id"] = id;
        const Json done = call(*m_w.a, "db_create", retry);
        QVERIFY2(!done.contains("error"), done.dump().c_str());
        const auto after = auditOfKind("approval");
        QCOMPARE(after.size(), before + 1);
        JCOMPARE(after.back()["details"]["approval_id"], Json(id));
        JCOMPARE(after.back()["details"]["decision"], Json("approved"));
        QVERIFY(m_w.approvals->recordDecisions().ok());
        QCOMPARE(auditOfKind("approval").size(), before + 1);
    }

    void theAuditTrailRecordsWritesAndDecisions()
    {
        // A refused write of a masked column: its value never reaches the trail in clear.
        call(*m_w.a, "db_update",
             { { "table", "orders" },
               { "id", 2 },
               { "values", { { "card_number", "5500000000000004" } } },
               { "reason", "r" } });
        const std::string text = auditText();
        QVERIFY(!text.empty());
        QVERIFY(text.find("5500000000000004") == std::string::npos);
        QVERIFY(text.find("customer asked to hold it") != std::string::npos); // a reason is kept

        const auto decisions = auditOfKind("approval");
        QVERIFY(decisions.size() >= 5);
        bool approved = false, deniedSeen = false;
        for (const Json &d : decisions) {
            const Json &details = d["details"];
            JCOMPARE(details["decider"], Json("operator-olga"));
            QCOMPARE(details["payload_hash"].get<std::string>().size(), std::size_t(64));
            QVERIFY(details["approval_id"].is_string());
            approved = approved || details["decision"] == Json("approved");
            deniedSeen = deniedSeen || details["decision"] == Json("denied");
        }
        QVERIFY(approved && deniedSeen);
        // The calls' outcome records say which approval was requested and which one was used.
        bool requested = false, used = false, wrote = false;
        for (const Json &o : auditOfKind("outcome")) {
            const std::string s = o.dump();
            requested = requested || s.find("\"decision\":\"requested\"") != std::string::npos;
            used = used || s.find("\"decision\":\"used\"") != std::string::npos;
            wrote = wrote || s.find("\"write\":") != std::string::npos;
        }
        QVERIFY(requested && used && wrote);
    }
};

QTEST_GUILESS_MAIN(TestWriteTools)
#include "TestWriteTools.moc"
