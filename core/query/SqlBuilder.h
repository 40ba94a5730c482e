#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "db/Connection.h"
#include "policy/Policy.h"
#include "policy/Principal.h"

#include <string>
#include <vector>

namespace warden {

// Errors and hints the compilers share, worded the same wherever a caller meets them.
namespace compile {

Error invalid(const std::string &pointer, const std::string &message,
              std::vector<std::string> hints = {});
std::vector<std::string> fieldNames(const TableView &t, bool filterableOnly);
std::string joinNames(const std::vector<std::string> &names, std::size_t max = 25);
// The same answer for "no such column" and "denied column": a denied column must not be
// distinguishable from a missing one.
Error noSuchField(const std::string &pointer, const std::string &field, const TableView &t,
                  bool filterContext);
// Refuses arguments that are not an object (`example` shows one) or that carry a key not in
// `known`, with INVALID_ARGUMENT and the hint "Arguments: " and the known keys.
Status checkArguments(const Json &args, const std::vector<std::string> &known, const std::string &example);
// args["table"] as a table this caller may read, or the error every read tool gives.
Result<const TableView *> readableTable(const Policy &policy, const Json &args,
                                        const Principal &principal);
// checkArguments, then readableTable: how every compiler starts.
Result<const TableView *> checkedTable(const Policy &policy, const Json &args, const Principal &principal,
                                       const std::vector<std::string> &known, const std::string &example);

} // namespace compile

// The parameterised pieces of one statement over one table, shared by every compiler
// (db_query, its includes, db_get, db_aggregate): filters under the table's column rules,
// values bound as parameters numbered for the dialect, the select list, and the row scopes
// that come from the principal. Identifiers come only from the schema.
class SqlBuilder
{
public:
    SqlBuilder(db::Dialect dialect, const TableView &table, const Budget &budget)
        : m_dialect(dialect)
        , m_table(table)
        , m_budget(budget)
    {
    }

    // Binds a value; returns its placeholder ("?" or "$n").
    std::string param(Json value);
    std::vector<Json> takeParams() { return std::move(m_params); }
    std::size_t paramCount() const { return m_params.size(); }

    // Coerces a JSON value to the column's type; strict (no string-to-number guessing).
    static Result<Json> coerce(const ColumnView &col, const Json &v, const std::string &ptr);

    // A where condition (DESIGN.md COND) at `ptr`, `depth` levels deep.
    Result<std::string> condition(const Json &cond, const std::string &ptr, int depth);

    // The table's row scopes for this caller (tenant, owner, soft delete) as predicates to AND
    // outside the caller's filter; each one is recorded in `decisions`.
    Result<std::vector<std::string>> rowScopes(const Principal &principal, Json &decisions);
    // The principal's tenant as a value of the table's tenant column; null when it cannot be
    // one (a non-numeric tenant for an integer column), which must match no row.
    static Json tenantValue(const TableView &table, const Principal &principal);
    // The tenant and owner columns' values for this caller, each recorded in `decisions`;
    // TENANT_SCOPE_REQUIRED when the caller has no tenant (or user id) for a scoped table.
    struct ScopeValue
    {
        std::string column;
        Json value; // null: the caller's tenant cannot be a value of the column
    };
    static Result<std::vector<ScopeValue>> scopeValues(const TableView &table, const Principal &principal,
                                                       Json &decisions);

    // The columns `select` names (null: every permitted column up to max_select_fields),
    // with the default-select and redaction decisions.
    static Result<std::vector<const ColumnView *>>
    selectList(const TableView &table, const Json &select, const std::string &ptr, Json &decisions);

    // The placeholder of the 1-based parameter `index`.
    static std::string placeholder(db::Dialect dialect, std::size_t index);

private:
    Result<std::string> group(const Json &items, const std::string &ptr, const char *joiner,
                              int depth);
    Result<std::string> comparison(const Json &cond, const std::string &ptr);

    db::Dialect m_dialect;
    const TableView &m_table;
    const Budget &m_budget;
    std::vector<Json> m_params;
    int m_nodes = 0;
};

} // namespace warden
