#include "WriteTool.h"

#include "QueryTool.h"
#include "RowFetcher.h"
#include "ToolAudit.h"
#include "approvals/ApprovalStore.h"
#include "crypto/Crypto.h"
#include "db/DatabasePool.h"
#include "policy/Redactor.h"
#include "protocol/RequestContext.h"
#include "query/GetCompiler.h"
#include "server/PolicyStore.h"

namespace warden {
namespace {

// Everything one write needs on its worker thread; the policy snapshot keeps `write.table` alive.
struct WriteJob
{
    std::shared_ptr<const Policy> policy;
    std::shared_ptr<const Redactor> redactor;
    approvals::ApprovalStore *approvals = nullptr;
    CompiledWrite write;
    std::string tool;
    std::string payloadHash;
    Json arguments; // as the payload hash binds them, for the operator deciding an approval
    db::Dialect dialect = db::Dialect::Sqlite;
};

// What the transaction did, before it is committed or rolled back.
struct Written
{
    std::int64_t affected = 0;
    Json key;
    bool needsApproval = false; // more rows than approval_above_rows, without an approval
};

Json approvalNote(const std::string &id, const std::string &decision,
                  const std::string &payloadHash)
{
    return Json { { "approval_id", id },
                  { "decision", decision },
                  { "payload_hash", payloadHash } };
}

// Files a pending approval for this exact call and answers APPROVAL_REQUIRED with its id.
Error fileApproval(const WriteJob &job, RequestContext &ctx, const std::string &why)
{
    if (!job.approvals)
        return Error(ErrorCode::Unavailable,
                     "this write needs an approval and the server keeps no approval store",
                     { "Ask an operator to check the server's approval store" });
    const TableView &table = *job.write.table;
    approvals::ApprovalRequest request;
    request.payloadHash = job.payloadHash;
    request.tool = job.tool;
    request.table = table.name();
    request.principal = ctx.principal().userId;
    request.tenant = ctx.principal().tenantId;
    request.ttlSeconds = table.writes.approvalTtlSeconds;
    // Which fields change and why, without a value; the values are in `arguments`, kept only
    // while the approval is pending.
    request.arguments = job.arguments;
    request.summary = Json { { "fields", job.write.fields }, { "reason", job.write.reason } };
    const ColumnView *key =
        table.primaryKey().size() == 1 ? table.column(table.primaryKey().front()) : nullptr;
    if (!job.write.key.is_null() && key && key->action == ColumnAction::Allow)
        request.summary["id"] = job.write.key;
    auto filed = job.approvals->request(request);
    if (!filed)
        return Error(ErrorCode::Unavailable,
                     "the approval for this write could not be filed; try again later");
    ctx.noteForAudit("approval", approvalNote(filed->id, "requested", job.payloadHash));
    return Error(ErrorCode::ApprovalRequired,
                 why + "; approval " + filed->id + " is waiting for an operator",
                 { "Once an operator approves it, repeat exactly this call with \"approval_id\": \""
                   + filed->id + "\"; any other change to the call needs a new approval" },
                 Json { { "approval_id", filed->id },
                        { "expires_at", filed->toJson()["expires_at"] },
                        { "payload_hash", filed->payloadHash } });
}

// The statement and its checks, inside the open transaction.
Result<Written> runStatement(db::Connection &conn, const WriteJob &job, bool approved)
{
    const CompiledWrite &w = job.write;
    const WriteRules &rules = w.table->writes;
    const db::QueryOptions options { w.timeoutMs, -1 };
    Written out;
    if (w.kind == WriteKind::Create) {
        auto rows = conn.query(w.sql, w.params, options);
        if (!rows)
            return rows.takeError();
        if (rows->rows.size() != 1 || rows->rows.front().empty())
            return Error(ErrorCode::Internal, "the new row's key did not come back");
        out.affected = 1;
        out.key = rows->rows.front().front();
        return out;
    }
    auto affected = conn.execute(w.sql, w.params, options);
    if (!affected)
        return affected.takeError();
    out.affected = *affected;
    out.key = w.key;
    const std::string table = w.table->name();
    if (out.affected == 0 && w.kind != WriteKind::BulkUpdate)
        return Error(ErrorCode::NotFound,
                     "/id: \"" + table + "\" has no row with this key that you may change",
                     { "Check the id with db_get" },
                     Json { { "pointer", "/id" }, { "table", table } });
    if (out.affected > rules.maxAffectedRows)
        return Error(ErrorCode::BudgetExceeded,
                     "this write would change " + std::to_string(out.affected) + " rows of \""
                         + table + "\", more than max_affected_rows ("
                         + std::to_string(rules.maxAffectedRows) + "); nothing was changed",
                     { "Narrow \"where\" so that fewer rows match" },
                     Json { { "budget", "max_affected_rows" },
                            { "limit", rules.maxAffectedRows },
                            { "affected", out.affected } });
    out.needsApproval =
        !approved && rules.approvalAboveRows >= 0 && out.affected > rules.approvalAboveRows;
    return out;
}

// The row as db_get returns it (redacted, scoped), read inside the write's transaction.
Result<Json> readBack(db::Connection &conn, const WriteJob &job, const Json &key,
                      const Principal &principal)
{
    const Json args { { "table", job.write.table->name() }, { "id", key } };
    auto q = GetCompiler(*job.policy, job.dialect).compile(args, principal);
    if (!q)
        return q.takeError();
    auto page = RowFetcher::run(conn, *q, *job.redactor);
    if (!page)
        return page.takeError();
    return page->rows.empty() ? Json(nullptr) : page->rows[0];
}

Result<Json> runWrite(db::Connection &conn, const WriteJob &job, RequestContext &ctx)
{
    const CompiledWrite &w = job.write;
    bool approved = false;
    if (!w.approvalId.empty()) {
        if (!job.approvals)
            return Error(ErrorCode::ApprovalRequired,
                         "this server keeps no approvals; call again without approval_id");
        auto used = job.approvals->consume(w.approvalId, job.payloadHash);
        if (!used)
            return used.takeError();
        ctx.noteForAudit("approval", approvalNote(used->id, "used", job.payloadHash));
        approved = true;
    } else if (w.approvalRequired) {
        return fileApproval(job, ctx,
                            "writes to \"" + w.table->name() + "\" need an operator's approval");
    }

    if (auto s = conn.begin(false); !s)
        return s.error();
    auto written = runStatement(conn, job, approved);
    if (!written) {
        conn.rollback();
        return written.takeError();
    }
    Json result = Json::object();
    if (written->needsApproval) {
        conn.rollback();
        return fileApproval(
            job, ctx,
            "this write changes " + std::to_string(written->affected) + " rows, more than "
                + std::to_string(w.table->writes.approvalAboveRows) + " without an approval");
    }
    if (w.kind == WriteKind::Create || w.kind == WriteKind::Update) {
        auto row = readBack(conn, job, written->key, ctx.principal());
        if (!row) {
            conn.rollback();
            return row.takeError();
        }
        result["row"] = std::move(row).value();
    }
    if (auto s = conn.commit(); !s)
        return s.error();
    ctx.noteForAudit("rows", written->affected);
    ctx.noteForAudit(
        "write",
        Json { { "tool", job.tool }, { "fields", w.fields }, { "affected", written->affected } });
    result["table"] = w.table->name();
    result["affected"] = written->affected;
    if (w.kind == WriteKind::Delete)
        result["soft_delete"] = w.softDelete;
    return result;
}

const char *describe(WriteKind kind)
{
    switch (kind) {
    case WriteKind::Create:
        return "Adds one row to a table the policy lets you write. The tenant (and owner) fields "
               "are set from "
               "your identity: do not give them. Returns the new row as db_get would.";
    case WriteKind::Update:
        return "Changes fields of one row, by primary key, in a table the policy lets you write. "
               "The key, tenant, "
               "owner and soft-delete fields never change; read-only, masked and hashed fields "
               "cannot be written. "
               "Returns the row as db_get would.";
    case WriteKind::Delete:
        return "Deletes one row by primary key; where the table has a soft-delete field the row is "
               "marked "
               "deleted instead of removed.";
    case WriteKind::BulkUpdate:
        return "Changes the same fields of every row that matches where (the db_query where "
               "language), within "
               "your row scopes. More rows than the table's max_affected_rows roll the whole "
               "change back.";
    }
    return "";
}

} // namespace

std::string WriteTool::payloadHash(const std::string &tool, const Json &arguments,
                                   const Principal &principal, const std::string &policyVersion)
{
    Json args = arguments;
    if (args.is_object())
        args.erase("approval_id");
    const Json payload { { "tool", tool },
                         { "arguments", args },
                         { "user", principal.userId },
                         { "tenant", principal.tenantId },
                         { "policy_version", policyVersion } };
    // nlohmann::json (not ordered) sorts object keys: the same call hashes the same whatever
    // the order its arguments came in.
    return crypto::toHex(crypto::sha256(nlohmann::json::parse(payload.dump()).dump()));
}

Json WriteTool::definition() const
{
    static const std::map<std::string, Json> properties {
        { "table",
          { { "type", "string" }, { "description", "Table name from db_describe_schema" } } },
        { "id",
          { { "type", { "integer", "number", "string" } },
            { "description", "The primary key value of the row" } } },
        { "values",
          { { "type", "object" },
            { "minProperties", 1 },
            { "description", "Field name to new value (null clears a field)" } } },
        { "where", QueryTool::conditionSchema() },
        { "reason",
          { { "type", "string" },
            { "maxLength", 1000 },
            { "description",
              "Why this change is made; required unless the policy says otherwise" } } },
        { "approval_id",
          { { "type", "string" },
            { "description",
              "The approval_id of an APPROVAL_REQUIRED answer, once an operator has approved it; "
              "the call must "
              "otherwise be identical" } } },
    };
    Json d = Json::object();
    d["name"] = name();
    static const std::map<WriteKind, const char *> titles { { WriteKind::Create, "Create a row" },
                                                            { WriteKind::Update, "Update a row" },
                                                            { WriteKind::Delete, "Delete a row" },
                                                            { WriteKind::BulkUpdate,
                                                              "Update matching rows" } };
    d["title"] = titles.at(m_kind);
    d["description"] = describe(m_kind);
    Json input = Json::object();
    input["type"] = "object";
    Json required = Json::array({ "table" });
    input["properties"] = Json::object();
    for (const auto &arg : WriteCompiler::argumentNames(m_kind)) {
        input["properties"][arg] = properties.at(arg);
        if (arg == "id" || arg == "values" || arg == "where")
            required.push_back(arg);
    }
    input["required"] = std::move(required);
    input["additionalProperties"] = false;
    d["inputSchema"] = std::move(input);
    d["outputSchema"] = toolschema::outputSchema(Json::parse(R"({
      "type": "object",
      "required": ["table", "affected"],
      "properties": {
        "table": {"type": "string"},
        "affected": {"type": "integer", "description": "Rows changed"},
        "row": {"type": ["object", "null"], "description": "db_create and db_update: the row as db_get returns it"},
        "soft_delete": {"type": "boolean", "description": "db_delete: the row was marked deleted, not removed"}
      }
    })"));
    d["annotations"] = { { "readOnlyHint", false },
                         { "destructiveHint", m_kind != WriteKind::Create },
                         { "idempotentHint", false },
                         { "openWorldHint", false } };
    return d;
}

void WriteTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    auto policy = m_services.policies->current();
    auto compiled = WriteCompiler(*policy, m_services.pool->dialect())
                        .compile(m_kind, arguments, ctx->principal());
    if (!compiled) {
        ctx->respondToolError(compiled.error());
        return;
    }
    if (!m_services.writePool) {
        ctx->respondToolError(
            Error(ErrorCode::WriteDisabled,
                  "this server opened no read-write connection, so nothing can be written",
                  { "An operator must restart the server with a policy that enables writes" }));
        return;
    }
    WriteJob job;
    job.policy = policy;
    job.redactor = m_services.redactor;
    job.approvals = m_services.approvals;
    job.write = std::move(compiled).value();
    job.tool = name();
    job.payloadHash = payloadHash(job.tool, arguments, ctx->principal(), policy->versionHash());
    job.arguments = arguments;
    if (job.arguments.is_object())
        job.arguments.erase("approval_id");
    job.dialect = m_services.writePool->dialect();
    auto pending = m_services.writePool->submit(
        [ctx, job = std::move(job)](db::Connection &conn) {
            if (ctx->isCancelled())
                return;
            noteCompiledForAudit(*ctx, job.write.table->name(), job.write.sql, job.write.decisions);
            auto result = runWrite(conn, job, *ctx);
            if (!result) {
                ctx->respondToolError(result.error());
                return;
            }
            ctx->respondToolResult(std::move(result).value());
        },
        [ctx] {
            ctx->respondToolError(
                Error(ErrorCode::Cancelled, "the write was cancelled before it started"));
        });
    ctx->setCancelHandler([pending] { pending->cancel(); });
}

bool WriteTool::auditsInClear(const Json &arguments, const Principal &principal,
                              const std::string &field) const
{
    return field == "id" ? keyReadInClear(m_services, arguments, principal)
                         : columnReadInClear(m_services, arguments, principal, field);
}

} // namespace warden
