#pragma once

// Shared by the write tool tests (TestWriteTools on SQLite, TestWriteToolsPostgres): a read-only
// pool and a read-write pool over the same database, a policy, an approval store with a clock
// the test moves, a real audit trail, the four write tools in a real McpServer, and clients
// of two tenants.

#include "DemoToolWorld.h"

#include "approvals/ApprovalStore.h"
#include "audit/AuditKeys.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "audit/AuditRecord.h"
#include "tools/WriteTool.h"

#include <atomic>

namespace warden::test {

// The tables both engines get (SQL that SQLite and PostgreSQL both accept) and the policy.
inline const char *writeWorldSchema()
{
    return R"(
CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, status TEXT NOT NULL, total REAL,
                     note TEXT, card_number TEXT, internal_code TEXT, deleted_at TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, body TEXT);
CREATE TABLE ledger (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, amount INTEGER);
CREATE TABLE tasks (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, title TEXT);
CREATE TABLE pairs (a INTEGER, b INTEGER, tenant_id TEXT NOT NULL, PRIMARY KEY (a, b));
INSERT INTO orders VALUES (1, 'a', 'open', 10.5, 'n1', '4111111111111111', 'x1', NULL),
                          (2, 'a', 'open', 20, NULL, '4000000000000002', 'x2', NULL),
                          (3, 'a', 'shipped', 30, NULL, NULL, 'x3', NULL),
                          (4, 'a', 'open', 40, NULL, NULL, 'x4', NULL),
                          (5, 'a', 'shipped', 50, NULL, NULL, 'x5', NULL),
                          (6, 'b', 'open', 60, 'other tenant', NULL, 'x6', NULL),
                          (7, 'b', 'open', 70, NULL, NULL, 'x7', NULL);
INSERT INTO notes VALUES (1, 'a', 'first'), (2, 'a', 'second'), (3, 'a', 'third'), (4, 'b', 'theirs');
INSERT INTO ledger VALUES (1, 'a', 100);
)";
}

inline const char *writeWorldPolicy()
{
    return R"({
  "version": 1,
  "extends": "dev",
  "defaults": {"tenant_column": "tenant_id"},
  "tables": {
    "orders": {
      "write": true,
      "soft_delete_column": "deleted_at",
      "columns": {"card_number": {"action": "mask", "mask": "card"}, "internal_code": {"action": "deny"}},
      "writes": {"read_only": ["total"], "max_affected_rows": 3, "approval": "delete"}
    },
    "notes": {"write": true, "writes": {"require_reason": false, "approval_above_rows": 2}},
    "ledger": {},
    "tasks": {"write": true, "writes": {"approval": "always", "approval_ttl_seconds": 60}}
  }
})";
}

class WriteToolWorld
{
public:
    std::unique_ptr<db::DatabasePool> pool;
    std::unique_ptr<db::DatabasePool> writePool;
    std::unique_ptr<PolicyStore> policies;
    std::unique_ptr<approvals::ApprovalStore> approvals;
    std::shared_ptr<audit::AuditLog> auditLog;
    ToolServices services;
    std::unique_ptr<McpServer> server;
    std::unique_ptr<McpClient> a; // tenant a, user alice
    std::unique_ptr<McpClient> a2; // tenant a, user carol
    std::unique_ptr<McpClient> b; // tenant b
    std::atomic<std::int64_t> nowMs { 1'800'000'000'000 };

    // Opens both pools on `config`, the audit trail and approvals in `stateDir`.
    bool open(const DatabaseConfig &config, const std::string &password, const QString &stateDir,
              std::string &error)
    {
        auto readPool = db::DatabasePool::open(config, password, 2);
        auto rwPool = db::DatabasePool::open(config, password, 1, db::AccessMode::ReadWrite);
        if (!readPool || !rwPool) {
            error = "pool: " + (readPool ? rwPool.error() : readPool.error()).message;
            return false;
        }
        pool = std::move(readPool).value();
        writePool = std::move(rwPool).value();
        auto policy = Policy::fromJson(Json::parse(writeWorldPolicy()), pool->schema());
        if (!policy) {
            error = "policy: " + policy.error().message;
            return false;
        }
        policies = std::make_unique<PolicyStore>(std::move(policy).value());

        audit::AuditLog::Options options;
        options.path = auditPath(stateDir);
        options.instance = "write-test";
        auto log = audit::AuditLog::open(options, audit::AuditKeys("write-test audit key"));
        if (!log) {
            error = "audit: " + log.error().message;
            return false;
        }
        auditLog = std::move(log).value();
        auto store =
            approvals::ApprovalStore::open(approvals::ApprovalStore::pathNextTo(options.path));
        if (!store) {
            error = "approvals: " + store.error().message;
            return false;
        }
        approvals = std::move(store).value();
        approvals->setClock([this] { return nowMs.load(); });
        approvals->setRecorder([this](Json record) {
            if (!auditLog->appendAndWait(std::move(record)))
                qWarning("an approval decision was not recorded");
        });

        services.pool = pool.get();
        services.writePool = writePool.get();
        services.policies = policies.get();
        services.approvals = approvals.get();
        services.redactor = std::make_shared<Redactor>("write-test hash key");
        auto tools = std::make_unique<ToolRegistry>();
        for (const WriteKind kind :
             { WriteKind::Create, WriteKind::Update, WriteKind::Delete, WriteKind::BulkUpdate })
            tools->add(std::make_shared<WriteTool>(services, kind));
        server = std::make_unique<McpServer>(McpServer::Options {}, std::move(tools),
                                             std::make_unique<ResourceCatalog>(),
                                             std::make_unique<PromptCatalog>());
        server->setAudit(auditLog, [this] { return policies->current()->versionHash(); });
        a = std::make_unique<McpClient>(*server, tenantPrincipal("a", "alice"));
        a2 = std::make_unique<McpClient>(*server, tenantPrincipal("a", "carol"));
        b = std::make_unique<McpClient>(*server, tenantPrincipal("b", "bob"));
        return true;
    }

    void close()
    {
        a.reset();
        a2.reset();
        b.reset();
        server.reset();
        if (writePool)
            writePool->shutdown();
        if (pool)
            pool->shutdown();
    }

    static QString auditPath(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/audit.db");
    }

    // structuredContent of a tools/call.
    static Json call(McpClient &client, const std::string &tool, const Json &arguments)
    {
        return client.callTool(tool, arguments).value("structuredContent", Json());
    }
    static std::string code(const Json &structured)
    {
        return structured.value("error", Json::object()).value("code", std::string());
    }
    static std::string approvalIdOf(const Json &refused)
    {
        return refused.value("error", Json::object())
            .value("details", Json::object())
            .value("approval_id", std::string());
    }
};

} // namespace warden::test
