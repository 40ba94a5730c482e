#pragma once

#include "IncludeCompiler.h"
#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <string>
#include <vector>

namespace warden {

class CursorCodec;

// A db_query request compiled to one parameterised statement, plus what the policy decided.
struct CompiledQuery
{
    // A sort key: its column in the result row (hidden keys follow the visible columns).
    struct OrderKey
    {
        const ColumnView *column = nullptr;
        bool descending = false;
        std::size_t resultIndex = 0;
    };

    std::string sql;
    std::vector<Json> params;
    const TableView *table = nullptr;
    std::vector<const ColumnView *> columns; // result columns: the visible ones, then hidden sort keys
                                             // and the link columns includes need
    std::size_t visibleColumns = 0;          // how many of `columns` the caller asked for
    std::vector<OrderKey> orderKeys;
    bool cursorable = false;                 // the sort ends with the full primary key
    // What a cursor for this query is bound to; binding() hashes it on first use.
    Json bindingShape;
    std::string bindingPrincipal;
    std::string bindingTenant;
    std::string bindingPolicyVersion;
    mutable std::string cursorBinding;
    std::string binding() const;
    std::int64_t take = 0;                   // rows to return (the statement fetches take + 1)
    bool takeClamped = false;                // the caller asked for more than max_rows
    int timeoutMs = 0;
    Json decisions = Json::array();          // every policy decision, for explain and audit
    std::vector<IncludePlan> includes;       // fetched for the returned rows, level by level
};

// Compiles the structured query DSL (DESIGN.md "Tool arguments") into SQL for one dialect.
// Column rules hold in every clause: a field that is denied or absent does not exist, a
// masked or hashed field can be filtered or sorted only where the policy says so. Row scopes
// (tenant, owner, soft delete) come from the principal and are ANDed outside the caller's
// filter. Values are always bound parameters; identifiers come only from the schema.
class QueryCompiler
{
public:
    // `cursors` decodes incoming cursors; without it a "cursor" argument is refused.
    QueryCompiler(const Policy &policy, db::Dialect dialect, const CursorCodec *cursors = nullptr)
        : m_policy(policy), m_dialect(dialect), m_cursors(cursors)
    {
    }

    Result<CompiledQuery> compileQuery(const Json &arguments, const Principal &principal) const;

    static std::string quoteIdentifier(const std::string &name);
    static const std::vector<std::string> &operators();

private:
    const Policy &m_policy;
    db::Dialect m_dialect;
    const CursorCodec *m_cursors;
};

} // namespace warden
