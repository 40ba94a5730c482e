#pragma once

#include <memory>

namespace warden {

class CursorCodec;
class PolicyStore;
class Redactor;
namespace approvals { class ApprovalStore; }
namespace db { class DatabasePool; }
namespace limits { class UsageMeter; }

// What the database tools share: the worker pool, the policy in force and the redactor.
// Owned by the Server; tools hold a reference for their lifetime.
struct ToolServices
{
    db::DatabasePool *pool = nullptr;
    PolicyStore *policies = nullptr;
    std::shared_ptr<const Redactor> redactor;
    std::shared_ptr<const CursorCodec> cursors;
    limits::UsageMeter *usage = nullptr; // budgets: checked against a call's estimated cost
    // The write tools': a read-write pool (null: the server opened none, writes are off) and
    // the approvals they wait for.
    db::DatabasePool *writePool = nullptr;
    approvals::ApprovalStore *approvals = nullptr;
};

} // namespace warden
