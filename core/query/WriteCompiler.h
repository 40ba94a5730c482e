#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <string>
#include <vector>

namespace warden {

enum class WriteKind { Create, Update, Delete, BulkUpdate };

// A write call compiled to one parameterised statement, plus what the policy decided.
struct CompiledWrite
{
    WriteKind kind = WriteKind::Create;
    const TableView *table = nullptr;
    std::string sql; // Create: INSERT ... RETURNING the key; otherwise UPDATE or DELETE
    std::vector<Json> params;
    Json key; // Update / Delete: the row's key, coerced to its type
    bool softDelete = false; // Delete: sets the soft-delete column instead of removing the row
    std::string reason;
    std::vector<std::string> fields; // columns the call sets (never their values)
    std::string approvalId; // given by the caller to use an approved approval
    bool approvalRequired = false; // the policy wants an approval whatever the row count
    int timeoutMs = 0;
    Json decisions = Json::array();
};

// Compiles db_create {table, values, reason?}, db_update {table, id, values, reason?},
// db_delete {table, id, reason?} and db_bulk_update {table, where, values, reason?}
// (docs/policy.md "Writes"). The rules:
// - the table must be readable and have `write: true` (WRITE_DISABLED otherwise);
// - a reason unless the table's writes say require_reason: false (REASON_REQUIRED);
// - values name columns the caller can see (a denied column answers as an unknown one) that
//   are not the key (in updates), the tenant, owner or soft-delete column, read-only, masked
//   or hashed (FIELD_NOT_ALLOWED); a create sets the tenant and owner from the principal;
// - updates and deletes carry the same row scopes as reads, so another tenant's row, or a
//   soft-deleted one, is not found; bulk `where` is the db_query COND language.
class WriteCompiler
{
public:
    WriteCompiler(const Policy &policy, db::Dialect dialect)
        : m_policy(policy)
        , m_dialect(dialect)
    {
    }

    Result<CompiledWrite> compile(WriteKind kind, const Json &arguments,
                                  const Principal &principal) const;

    static const char *toolName(WriteKind kind);
    // The arguments each tool takes, in its schema's order.
    static std::vector<std::string> argumentNames(WriteKind kind);

private:
    const Policy &m_policy;
    db::Dialect m_dialect;
};

} // namespace warden
