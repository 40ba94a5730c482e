#pragma once

#include "QueryCompiler.h"

namespace warden {

// Compiles db_get {table, id, select?, include?} (DESIGN.md "Tool arguments") into a db_query
// on the primary key, so row scopes, column rules and includes are the very same code: a
// row that is missing and a row the scopes hide (another tenant's, a soft-deleted one)
// compile to the same statement and answer the same. The table needs a single-column
// primary key the caller can see and filter; `id` is coerced to its type.
class GetCompiler
{
public:
    GetCompiler(const Policy &policy, db::Dialect dialect)
        : m_policy(policy)
        , m_dialect(dialect)
    {
    }

    Result<CompiledQuery> compile(const Json &arguments, const Principal &principal) const;

    // `id` as a value of `key`'s type ("42" for an integer key is 42), or INVALID_ARGUMENT.
    static Result<Json> coerceKey(const ColumnView &key, const Json &id);

private:
    const Policy &m_policy;
    db::Dialect m_dialect;
};

} // namespace warden
