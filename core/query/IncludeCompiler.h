#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <cstdint>
#include <string>
#include <vector>

namespace warden {

// One included relation, compiled: a statement that fetches the related rows of many parent
// rows at once, the parents' link values bound as an IN list when the parents are known.
// The related table's row scopes, the include's own filter (under that table's column
// rules) and its row cap are all inside the statement.
struct IncludePlan
{
    std::string name; // the relation: the key the rows appear under
    std::string path; // "customer.orders": where it sits in the result
    Relation::Kind kind = Relation::Kind::ManyToOne;
    const TableView *table = nullptr; // the related table
    std::size_t parentKey = 0; // the parent's link column (index in its result columns)
    std::vector<const ColumnView *> columns; // visible ones first, then hidden link columns
    std::size_t visibleColumns = 0;
    std::size_t linkColumn = 0; // this table's link column (index in `columns`)
    std::int64_t take = 1; // rows per parent (one_to_many)
    bool takeClamped = false;
    bool explicitTake = false;
    int timeoutMs = 0;
    db::Dialect dialect = db::Dialect::Sqlite;
    std::string sqlHead; // everything before the IN list's placeholders
    std::string sqlTail; // everything after them
    std::vector<Json> params; // bound before the parents' keys
    std::vector<IncludePlan> includes; // nested, fetched for this level's rows

    // The statement for `keys` parent keys; its parameters are `params` then the keys.
    std::string sql(std::size_t keys) const;
    // The statement as db_explain shows it, the IN list written as <parent keys>.
    std::string displaySql() const;
};

// Compiles the `include` argument of db_query and db_get (DESIGN.md "Tool arguments"):
// [{relation, select?, where?, take?, include?}]. Only relations Policy::relations() offers
// this caller can be followed; anything else is RELATION_NOT_ALLOWED with hints naming only
// the allowed ones. Nesting is capped by the top table's max_include_depth (BUDGET_EXCEEDED).
class IncludeCompiler
{
public:
    // Parent keys bound per statement; more parents take more statements of this size.
    static constexpr std::size_t maxKeysPerStatement = 500;

    IncludeCompiler(const Policy &policy, db::Dialect dialect, const Principal &principal,
                    int maxDepth)
        : m_policy(policy)
        , m_dialect(dialect)
        , m_principal(principal)
        , m_maxDepth(maxDepth)
    {
    }

    // Compiles `include` (found at `pointer`) for rows of `parent`. The parent's link columns
    // are looked up in `parentColumns`, or appended to it (the caller returns them hidden).
    Result<std::vector<IncludePlan>> compile(const Json &include, const std::string &pointer,
                                             const TableView &parent,
                                             std::vector<const ColumnView *> &parentColumns,
                                             Json &decisions) const;

private:
    Result<std::vector<IncludePlan>> compileLevel(const Json &include, const std::string &pointer,
                                                  const TableView &parent,
                                                  const std::string &parentPath,
                                                  std::vector<const ColumnView *> &parentColumns,
                                                  int depth, Json &decisions) const;

    const Policy &m_policy;
    db::Dialect m_dialect;
    const Principal &m_principal;
    int m_maxDepth;
};

} // namespace warden
