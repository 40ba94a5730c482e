#pragma once

#include "Principal.h"
#include "Relation.h"
#include "common/Json.h"
#include "common/Result.h"
#include "db/Schema.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

enum class ColumnAction { Allow, Deny, Mask, Hash };

struct MaskSpec
{
    enum class Kind { Email, Phone, Partial, Card, Pattern, Full };
    Kind kind = Kind::Full;
    std::string pattern; // Kind::Pattern: "{first2}***{last4}"
};

// Per-call limits (docs/policy.md "Budgets"). Profiles set them, `defaults.budget`
// overrides the profile, a table's `budget` overrides the defaults key by key.
struct Budget
{
    std::int64_t maxRows = 100;
    int maxSelectFields = 40;
    int maxIncludeDepth = 1;
    int statementTimeoutMs = 2000;
    double maxCost = 1e6;
    bool broadQueryGuard = true;
    std::int64_t broadQueryMinRows = 50000; // tables this large need a selective filter
    int maxInList = 500;
    int maxFilterNodes = 64;
    int maxFilterDepth = 6;
    std::int64_t minGroupSize = 1; // db_aggregate drops groups of fewer rows (small-cell suppression)
};

// What one column is for a caller. Denied columns never get a view: they do not exist.
struct ColumnView
{
    const db::ColumnInfo *info = nullptr;
    ColumnAction action = ColumnAction::Allow;
    MaskSpec mask;
    std::vector<std::string> tags;
    bool filterable = true;   // usable in where / order_by / group_by / cursors

    const std::string &name() const { return info->name; }
};

// How a table may be written (docs/policy.md "Writes"). Off unless the table says `write: true`.
struct WriteRules
{
    enum class Approval { None, Always, Delete };

    bool enabled = false;
    std::vector<std::string> readOnly;   // columns no write may set
    bool requireReason = true;
    std::int64_t maxAffectedRows = 100;  // more rolls the write back: BUDGET_EXCEEDED
    Approval approval = Approval::None;  // Delete: db_delete needs an approval
    std::int64_t approvalAboveRows = -1; // a write that changes more rows needs one (-1: no threshold)
    int approvalTtlSeconds = 900;        // how long a pending or approved approval stays usable
};

// What one table is for a caller: its visible columns, row scopes and budget.
struct TableView
{
    const db::TableInfo *info = nullptr;
    std::vector<ColumnView> columns; // in table order, denied ones left out
    std::string tenantColumn;        // empty: not tenant-scoped
    std::string ownerColumn;
    std::string softDeleteColumn;
    Budget budget;
    bool readable = false;
    WriteRules writes;

    const std::string &name() const { return info->name; }
    const ColumnView *column(const std::string &name) const;
    // Whether the table's primary key is fully visible (cursors and get need it).
    const std::vector<std::string> &primaryKey() const { return info->primaryKey; }
};

// A validated policy document bound to the database schema it governs. Immutable: a reload
// builds a new one, and calls in flight keep the version they started with.
class Policy
{
public:
    // Built-in deny globs that no profile can switch off.
    static const std::vector<std::string> &builtinDenyGlobs();
    static const std::vector<std::string> &profiles();

    // Validates and compiles. Problems name the JSON pointer and say what to fix; unknown
    // tables and columns are reported against the live schema. ConfigInvalid carries every
    // problem as details.problems: [{pointer, message}] in document order.
    static Result<std::shared_ptr<const Policy>> fromJson(const Json &document, const db::Schema &schema);
    static Result<std::shared_ptr<const Policy>> load(const std::string &path, const db::Schema &schema);

    // nullptr when the table does not exist for this caller (absent, unreadable).
    const TableView *table(const std::string &name, const Principal &principal) const;
    std::vector<const TableView *> tables(const Principal &principal) const;

    // Relations of `table` this caller may follow (see RelationView); empty if the table is
    // not visible. relation() is one of them by name, or nullopt.
    std::vector<RelationView> relations(const std::string &table, const Principal &principal) const;
    std::optional<RelationView> relation(const std::string &table, const std::string &name,
                                         const Principal &principal) const;

    // The OAuth scope a tool needs (policy `scopes`), or nullptr when it needs none.
    const std::string *requiredScope(const std::string &tool) const;
    // Every scope the policy names, sorted (protected-resource metadata lists them).
    std::vector<std::string> scopesSupported() const;

    const Json &document() const { return m_document; }
    const db::Schema &schema() const { return m_schema; }
    // SHA-256 (hex) of the canonical document: the policy version recorded with every call.
    const std::string &versionHash() const { return m_versionHash; }
    const std::string &profile() const { return m_profile; }
    // Whether any table is writable for any role: the server opens a read-write connection
    // and offers the write tools only then.
    bool writesEnabled() const;

    static bool globMatch(const std::string &pattern, const std::string &text);

private:
    Policy() = default;

    db::Schema m_schema; // owned copy: views point into it
    Json m_document;
    std::string m_versionHash;
    std::string m_profile;
    // The base policy's view, then one per role (document order): a principal gets the first
    // role it has, else the base.
    struct Variant
    {
        std::string role;
        std::vector<TableView> tables;
        std::map<std::string, std::vector<Relation>> relations; // by source table
    };
    const Variant &variantFor(const Principal &principal) const;

    std::vector<Variant> m_variants;
    std::map<std::string, std::string> m_toolScopes;
};

} // namespace warden
