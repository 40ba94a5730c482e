#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::db {
class Connection;
}

namespace warden::approvals {

// Where one approval stands. Expired is computed at read time from expiresAtMs.
enum class ApprovalState { Pending, Approved, Denied, Used, Expired };

std::string_view approvalStateName(ApprovalState state);

// One write waiting for, or given, an operator's decision. It is bound to one exact payload
// (payloadHash: principal, tool, canonical arguments and policy version) and is used once.
struct Approval
{
    std::string id; // 32 hex digits
    std::string payloadHash; // SHA-256 hex
    std::string tool;
    std::string table;
    std::string principal; // the caller's user id
    std::string tenant;
    Json summary = Json::object(); // the call without any value: fields, reason, row id
    // The call's arguments exactly as the approval binds them (without approval_id), values
    // included, so the operator sees what would be written. Kept only while the approval is
    // pending: null once it is decided or expired, and wiped from the file then.
    Json arguments;
    std::int64_t createdAtMs = 0;
    std::int64_t expiresAtMs = 0;
    ApprovalState state = ApprovalState::Pending;
    std::string decidedBy;
    std::int64_t decidedAtMs = 0;
    std::string reason; // the operator's words for the decision (may be empty)

    Json toJson() const;
};

// What a write tool asks for when its call needs an approval.
struct ApprovalRequest
{
    std::string payloadHash;
    std::string tool;
    std::string table;
    std::string principal;
    std::string tenant;
    Json summary = Json::object();
    Json arguments; // the call's arguments without approval_id
    int ttlSeconds = 900;
};

// The approvals facade: write tools file pending approvals, an operator decides them (the
// console, or `warden-server approvals` from another process), and a retry of the identical
// call uses an approved one exactly once. Kept in a small SQLite file of its own, so a
// decision made by another process is seen at once and nothing is lost at a restart.
//
// Thread-safe: every method may be called from any thread (one mutex around the file).
class ApprovalStore
{
public:
    using Clock = std::function<std::int64_t()>; // Unix milliseconds
    using Recorder = std::function<void(Json record)>; // audit records of decisions

    ~ApprovalStore();
    ApprovalStore(const ApprovalStore &) = delete;
    ApprovalStore &operator=(const ApprovalStore &) = delete;

    // Creates the file (and its folder) when missing; the file is readable by its owner only,
    // since pending approvals hold the values of the writes they wait for.
    static Result<std::unique_ptr<ApprovalStore>> open(const QString &path);
    // approvals.db next to the audit trail `auditPath`.
    static QString pathNextTo(const QString &auditPath);

    // For tests: a clock other than the system's.
    void setClock(Clock clock);
    // Receives an audit record ({kind: "approval", details}) for every operator decision made
    // through this store, and (recordDecisions) for those made elsewhere.
    void setRecorder(Recorder recorder);

    // Files a pending approval; while one for the same payload is pending, that one.
    Result<Approval> request(const ApprovalRequest &request);
    // Every approval, newest first (pendingOnly: only those still waiting for a decision).
    Result<std::vector<Approval>> list(bool pendingOnly = false) const;
    // NotFound for an unknown id.
    Result<Approval> get(const std::string &id) const;
    // Approves or denies a pending, unexpired approval; anything else is refused
    // (InvalidArgument, saying where it stands).
    // `reason` goes into the approval and its audit record.
    Result<Approval> decide(const std::string &id, bool approve, const std::string &decider,
                            const std::string &reason = {});
    // Uses an approved approval for `payloadHash`: exactly once, before it expires, and only
    // for the payload it was given for. ApprovalRequired otherwise, saying why.
    Result<Approval> consume(const std::string &id, const std::string &payloadHash);
    // Hands the recorder every decision made where no recorder was set (another process, such
    // as `warden-server approvals approve`) that no store has recorded yet. consume() does
    // this first; the server also calls it now and then. Also wipes the arguments of
    // approvals that are no longer pending (decided elsewhere, or expired).
    Status recordDecisions();

private:
    ApprovalStore(std::unique_ptr<db::Connection> connection);
    Result<Approval> load(const std::string &id) const; // with m_mutex held
    Status recordUnrecorded(); // with m_mutex held
    Status forgetClosedArguments(std::int64_t nowMs); // with m_mutex held
    std::int64_t now() const;

    mutable std::mutex m_mutex;
    std::unique_ptr<db::Connection> m_db;
    Clock m_clock;
    Recorder m_recorder;
};

} // namespace warden::approvals
