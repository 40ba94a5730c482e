#pragma once

#include "Tool.h"
#include "ToolServices.h"
#include "query/WriteCompiler.h"

namespace warden {

// db_create, db_update, db_delete and db_bulk_update (docs/policy.md "Writes"): one class, the
// kind picks the arguments. The call is compiled under the policy's write rules, then runs on
// the read-write pool in one transaction: the statement, the max_affected_rows check (more
// rows roll everything back), the approval threshold, and for a create or an update the row
// read back, redacted as db_get returns it.
//
// Approvals: where the policy wants one, a call without approval_id files a pending approval
// bound to the exact payload (caller, tool, arguments, policy version) and answers
// APPROVAL_REQUIRED with {approval_id, expires_at, payload_hash}; once an operator approves it
// (ApprovalStore::decide), the identical call with that approval_id runs, exactly once.
class WriteTool : public Tool
{
public:
    WriteTool(const ToolServices &services, WriteKind kind)
        : m_services(services)
        , m_kind(kind)
    {
    }
    std::string name() const override { return WriteCompiler::toolName(m_kind); }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;
    bool auditsInClear(const Json &arguments, const Principal &principal,
                       const std::string &field) const override;

    // SHA-256 (hex) of what an approval is bound to: the caller, the tool, the arguments
    // without approval_id, and the policy version.
    static std::string payloadHash(const std::string &tool, const Json &arguments,
                                   const Principal &principal, const std::string &policyVersion);

private:
    const ToolServices &m_services;
    WriteKind m_kind;
};

} // namespace warden
