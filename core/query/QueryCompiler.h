#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <string>
#include <vector>

namespace warden {

// A db_query request compiled to one parameterised statement, plus what the policy decided.
struct CompiledQuery
{
    std::string sql;
    std::vector<Json> params;
    const TableView *table = nullptr;
    std::vector<const ColumnView *> columns; // output columns, in order
    std::int64_t take = 0;                   // rows to return (the statement fetches take + 1)
    bool takeClamped = false;                // the caller asked for more than max_rows
    int timeoutMs = 0;
    Json decisions = Json::array();          // every policy decision, for explain and audit
};

// Compiles the structured query DSL (DESIGN.md "Tool arguments") into SQL for one dialect.
// Column rules hold in every clause: a field that is denied or absent does not exist, a
// masked or hashed field can be filtered or sorted only where the policy says so. Row scopes
// (tenant, owner, soft delete) come from the principal and are ANDed outside the caller's
// filter. Values are always bound parameters; identifiers come only from the schema.
class QueryCompiler
{
public:
    QueryCompiler(const Policy &policy, db::Dialect dialect) : m_policy(policy), m_dialect(dialect) {}

    Result<CompiledQuery> compileQuery(const Json &arguments, const Principal &principal) const;

    static std::string quoteIdentifier(const std::string &name);
    static const std::vector<std::string> &operators();

private:
    const Policy &m_policy;
    db::Dialect m_dialect;
};

} // namespace warden
