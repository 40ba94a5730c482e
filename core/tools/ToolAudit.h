#pragma once

#include "ToolServices.h"
#include "common/Json.h"
#include "common/Result.h"
#include "policy/Principal.h"

#include <string>
#include <vector>

namespace warden {

namespace limits { class UsageMeter; }

class Policy;
class RequestContext;
struct TableView;
namespace db { class Connection; }

// For the database tools' Tool::auditsInClear(): a value compared with `field` of the call's
// table may stay readable in the audit trail only if the caller reads that column in clear
// (allowed, neither masked nor hashed). A column of an included relation, an unknown table or
// column, or no policy: not in clear.
bool columnReadInClear(const ToolServices &services, const Json &arguments, const Principal &principal,
                       const std::string &field);

// For an "id" argument (a row's primary key): in clear only if every key column is.
bool keyReadInClear(const ToolServices &services, const Json &arguments, const Principal &principal);

// Refuses a statement whose estimated cost (the model db_explain reports) exceeds the table's
// budget.max_cost, or would take the caller past a cost budget of its own or its tenant's
// (`usage`, may be null): BUDGET_EXCEEDED before it runs, saying what to change. The estimate
// is also a policy decision, noted for the audit trail (and counted as the call's cost).
Status checkCost(db::Connection &conn, const Policy &policy, const TableView &table, const std::string &sql,
                 const std::vector<Json> &params, int timeoutMs, RequestContext &ctx, limits::UsageMeter *usage);

// Notes what a compiled call does for its outcome record: the tables it touches, a
// fingerprint of its SQL (SHA-256, 16 hex digits; the text itself stays out of the trail),
// and the policy decisions taken (scopes injected, columns redacted, budgets applied).
void noteCompiledForAudit(RequestContext &ctx, const std::string &table, const std::string &sql,
                          const Json &decisions);

} // namespace warden
