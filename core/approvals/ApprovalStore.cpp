#include "ApprovalStore.h"

#include "audit/AuditRecord.h"
#include "common/StrictJson.h"
#include "crypto/Crypto.h"
#include "db/SqliteConnection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <chrono>

namespace warden::approvals {
namespace {

const db::QueryOptions kOptions { 10000, -1 };

constexpr const char *kColumns =
    "id, payload_hash, tool, table_name, principal, tenant, summary, created_at_ms, "
    "expires_at_ms, state, decided_by, decided_at_ms, reason, arguments";

Approval fromRow(const std::vector<Json> &row, std::int64_t nowMs)
{
    Approval a;
    a.id = row[0].get<std::string>();
    a.payloadHash = row[1].get<std::string>();
    a.tool = row[2].get<std::string>();
    a.table = row[3].get<std::string>();
    a.principal = row[4].get<std::string>();
    a.tenant = row[5].get<std::string>();
    auto summary = StrictJson::parse(row[6].get<std::string>());
    a.summary = summary ? *summary : Json::object();
    a.createdAtMs = row[7].get<std::int64_t>();
    a.expiresAtMs = row[8].get<std::int64_t>();
    const std::string state = row[9].get<std::string>();
    a.state = state == "approved" ? ApprovalState::Approved
        : state == "denied"       ? ApprovalState::Denied
        : state == "used"         ? ApprovalState::Used
                                  : ApprovalState::Pending;
    const bool open = a.state == ApprovalState::Pending || a.state == ApprovalState::Approved;
    if (open && nowMs >= a.expiresAtMs)
        a.state = ApprovalState::Expired;
    a.decidedBy = row[10].is_string() ? row[10].get<std::string>() : std::string();
    a.decidedAtMs = row[11].is_number_integer() ? row[11].get<std::int64_t>() : 0;
    a.reason = row[12].is_string() ? row[12].get<std::string>() : std::string();
    // Shown only while pending, even before the file has been wiped.
    if (a.state == ApprovalState::Pending && row[13].is_string()) {
        if (auto arguments = StrictJson::parse(row[13].get<std::string>()))
            a.arguments = std::move(arguments).value();
    }
    return a;
}

// The audit record of an operator's decision.
Json decisionRecord(const Approval &a)
{
    const std::string decision = a.state == ApprovalState::Denied ? "denied" : "approved";
    Json record = Json::object();
    record["kind"] = std::string(audit::kind::Approval);
    record["principal"] = Json { { "user", a.decidedBy } };
    record["details"] = Json {
        { "approval_id", a.id },           { "decision", decision }, { "decider", a.decidedBy },
        { "payload_hash", a.payloadHash }, { "tool", a.tool },       { "table", a.table },
        { "requested_by", a.principal }
    };
    if (!a.reason.empty())
        record["details"]["reason"] = a.reason;
    return record;
}

Error notUsable(const Approval &a, const std::string &why)
{
    return Error(
        ErrorCode::ApprovalRequired, "approval " + a.id + " " + why,
        { "Call again without approval_id to request a new approval for this exact call" },
        Json { { "approval_id", a.id }, { "state", std::string(approvalStateName(a.state)) } });
}

} // namespace

std::string_view approvalStateName(ApprovalState state)
{
    switch (state) {
    case ApprovalState::Pending:
        return "pending";
    case ApprovalState::Approved:
        return "approved";
    case ApprovalState::Denied:
        return "denied";
    case ApprovalState::Used:
        return "used";
    case ApprovalState::Expired:
        return "expired";
    }
    return "pending";
}

Json Approval::toJson() const
{
    Json j = Json::object();
    j["approval_id"] = id;
    j["state"] = std::string(approvalStateName(state));
    j["tool"] = tool;
    j["table"] = table;
    j["principal"] = principal;
    j["tenant"] = tenant;
    if (!arguments.is_null())
        j["arguments"] = arguments;
    j["payload_hash"] = payloadHash;
    j["summary"] = summary;
    j["created_at"] = audit::formatTime(createdAtMs);
    j["expires_at"] = audit::formatTime(expiresAtMs);
    if (!decidedBy.empty()) {
        j["decided_by"] = decidedBy;
        j["decided_at"] = audit::formatTime(decidedAtMs);
        if (!reason.empty())
            j["decision_reason"] = reason;
    }
    return j;
}

ApprovalStore::ApprovalStore(std::unique_ptr<db::Connection> connection)
    : m_db(std::move(connection))
{
}

ApprovalStore::~ApprovalStore() = default;

QString ApprovalStore::pathNextTo(const QString &auditPath)
{
    return QFileInfo(auditPath).absoluteDir().filePath(QStringLiteral("approvals.db"));
}

Result<std::unique_ptr<ApprovalStore>> ApprovalStore::open(const QString &path)
{
    auto connection = db::SqliteConnection::openStateFile(path.toStdString(), "the approval store",
                                                          "check its permissions");
    if (!connection)
        return connection.takeError();
    auto created = (*connection)
                       ->execute("CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, "
                                 "payload_hash TEXT NOT NULL, tool TEXT NOT NULL, "
                                 "table_name TEXT NOT NULL, principal TEXT NOT NULL, tenant TEXT "
                                 "NOT NULL, summary TEXT NOT NULL, "
                                 "created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, "
                                 "state TEXT NOT NULL, decided_by TEXT, "
                                 "decided_at_ms INTEGER, recorded INTEGER NOT NULL DEFAULT 0)",
                                 {}, kOptions);
    if (!created)
        return created.takeError();
    // Files from before decisions carried a reason, or approvals their arguments, get the column.
    for (const char *column : { "reason", "arguments" }) {
        auto present = (*connection)->query(
            "SELECT name FROM pragma_table_info('approvals') WHERE name = ?", { column }, kOptions);
        if (!present)
            return present.takeError();
        if (!present->rows.empty())
            continue;
        auto added = (*connection)->execute(
            std::string("ALTER TABLE approvals ADD COLUMN ") + column + " TEXT", {}, kOptions);
        if (!added)
            return added.takeError();
    }
    // Pending approvals hold the values of their writes: the owner's alone (SQLite gives its
    // -wal and -shm files the same permissions).
    if (!QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Error(ErrorCode::Unavailable,
                     "cannot make the approval store " + path.toStdString()
                         + " readable by its owner only; check who owns it");
    return std::unique_ptr<ApprovalStore>(new ApprovalStore(std::move(connection).value()));
}

void ApprovalStore::setClock(Clock clock)
{
    std::lock_guard lock(m_mutex);
    m_clock = std::move(clock);
}

void ApprovalStore::setRecorder(Recorder recorder)
{
    std::lock_guard lock(m_mutex);
    m_recorder = std::move(recorder);
}

std::int64_t ApprovalStore::now() const
{
    if (m_clock)
        return m_clock();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<Approval> ApprovalStore::request(const ApprovalRequest &request)
{
    std::lock_guard lock(m_mutex);
    const std::int64_t created = now();
    // An identical call repeated while its approval waits gets that approval, not another one.
    auto waiting = m_db->query("SELECT id FROM approvals WHERE payload_hash = ? AND state = 'pending' "
                               "AND expires_at_ms > ? ORDER BY created_at_ms DESC LIMIT 1",
                               { request.payloadHash, created }, kOptions);
    if (!waiting)
        return waiting.takeError();
    if (!waiting->rows.empty())
        return load(waiting->rows.front().front().get<std::string>());
    if (auto s = forgetClosedArguments(created); !s)
        return s.error();
    const std::string id = crypto::toHex(crypto::randomBytes(16));
    auto r = m_db->execute(
        "INSERT INTO approvals (id, payload_hash, tool, table_name, principal, tenant, summary, "
        "arguments, created_at_ms, expires_at_ms, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
        { id, request.payloadHash, request.tool, request.table, request.principal, request.tenant,
          StrictJson::dump(request.summary),
          request.arguments.is_null() ? Json() : Json(StrictJson::dump(request.arguments)), created,
          created + std::int64_t(request.ttlSeconds) * 1000 },
        kOptions);
    if (!r)
        return r.takeError();
    return load(id);
}

Result<Approval> ApprovalStore::load(const std::string &id) const
{
    auto rows = m_db->query(std::string("SELECT ") + kColumns + " FROM approvals WHERE id = ?",
                            { id }, kOptions);
    if (!rows)
        return rows.takeError();
    if (rows->rows.empty())
        return Error(ErrorCode::NotFound, "there is no approval " + id,
                     { "List the approvals to see their ids" }, Json { { "approval_id", id } });
    return fromRow(rows->rows.front(), now());
}

Result<Approval> ApprovalStore::get(const std::string &id) const
{
    std::lock_guard lock(m_mutex);
    return load(id);
}

Result<std::vector<Approval>> ApprovalStore::list(bool pendingOnly) const
{
    std::lock_guard lock(m_mutex);
    auto rows = m_db->query(std::string("SELECT ") + kColumns
                                + " FROM approvals ORDER BY created_at_ms DESC, id",
                            {}, kOptions);
    if (!rows)
        return rows.takeError();
    std::vector<Approval> out;
    const std::int64_t nowMs = now();
    for (const auto &row : rows->rows) {
        Approval a = fromRow(row, nowMs);
        if (!pendingOnly || a.state == ApprovalState::Pending)
            out.push_back(std::move(a));
    }
    return out;
}

Result<Approval> ApprovalStore::decide(const std::string &id, bool approve,
                                       const std::string &decider, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    const std::int64_t decidedAt = now();
    // Recorded at once where this process writes the trail; otherwise by the server, later.
    auto changed = m_db->execute(
        "UPDATE approvals SET state = ?, decided_by = ?, decided_at_ms = ?, reason = ?, recorded = ?, "
        "arguments = NULL WHERE id = ? AND state = 'pending' AND expires_at_ms > ?",
        { approve ? "approved" : "denied", decider, decidedAt, reason.empty() ? Json() : Json(reason),
          m_recorder ? 1 : 0, id, decidedAt },
        kOptions);
    if (!changed)
        return changed.takeError();
    auto approval = load(id);
    if (!approval)
        return approval;
    if (*changed == 0)
        return Error(ErrorCode::InvalidArgument,
                     "approval " + id + " is " + std::string(approvalStateName(approval->state))
                         + "; only a pending approval can be decided",
                     {},
                     Json { { "approval_id", id },
                            { "state", std::string(approvalStateName(approval->state)) } });
    if (m_recorder)
        m_recorder(decisionRecord(*approval));
    return approval;
}

Status ApprovalStore::recordDecisions()
{
    std::lock_guard lock(m_mutex);
    return recordUnrecorded();
}

Status ApprovalStore::forgetClosedArguments(std::int64_t nowMs)
{
    auto wiped = m_db->execute("UPDATE approvals SET arguments = NULL WHERE arguments IS NOT NULL "
                               "AND (state <> 'pending' OR expires_at_ms <= ?)",
                               { nowMs }, kOptions);
    if (!wiped)
        return wiped.error();
    return {};
}

Status ApprovalStore::recordUnrecorded()
{
    if (auto s = forgetClosedArguments(now()); !s)
        return s;
    if (!m_recorder)
        return {};
    auto rows = m_db->query(std::string("SELECT ") + kColumns
                                + " FROM approvals WHERE recorded = 0 AND decided_by IS NOT NULL "
                                  "ORDER BY decided_at_ms, id",
                            {}, kOptions);
    if (!rows)
        return rows.error();
    const std::int64_t nowMs = now();
    for (const auto &row : rows->rows) {
        const Approval a = fromRow(row, nowMs);
        auto marked = m_db->execute(
            "UPDATE approvals SET recorded = 1 WHERE id = ? AND recorded = 0", { a.id }, kOptions);
        if (!marked)
            return marked.error();
        if (*marked == 1) // another server may have recorded it meanwhile
            m_recorder(decisionRecord(a));
    }
    return {};
}

Result<Approval> ApprovalStore::consume(const std::string &id, const std::string &payloadHash)
{
    std::lock_guard lock(m_mutex);
    // A decision made from another process (the command line) is in the trail before it is used.
    if (auto s = recordUnrecorded(); !s)
        return s.error();
    const std::int64_t usedAt = now();
    // One statement: two callers (or two processes) racing for the same approval, one wins.
    auto changed =
        m_db->execute("UPDATE approvals SET state = 'used' WHERE id = ? AND state = 'approved' "
                      "AND payload_hash = ? AND expires_at_ms > ?",
                      { id, payloadHash, usedAt }, kOptions);
    if (!changed)
        return changed.takeError();
    auto approval = load(id);
    if (!approval) // an unknown id: no approval to use
        return Error(ErrorCode::ApprovalRequired, "there is no approval " + id,
                     { "Call again without approval_id to request an approval" },
                     Json { { "approval_id", id } });
    if (*changed == 1)
        return approval;
    switch (approval->state) {
    case ApprovalState::Pending:
        return notUsable(*approval, "is still waiting for an operator's decision");
    case ApprovalState::Denied:
        return notUsable(*approval, "was denied");
    case ApprovalState::Used:
        return notUsable(*approval, "has already been used; an approval is good for one call");
    case ApprovalState::Expired:
        return notUsable(*approval, "has expired");
    case ApprovalState::Approved:
        break;
    }
    return notUsable(*approval,
                     "was given for another call: the arguments, caller or policy differ");
}

} // namespace warden::approvals
