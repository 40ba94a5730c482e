#include "WriteCompiler.h"

#include "GetCompiler.h"
#include "QueryCompiler.h"
#include "SqlBuilder.h"
#include "common/JsonPointer.h"

#include <algorithm>

namespace warden {

using compile::invalid;

namespace {

constexpr std::size_t kMaxReason = 1000;

bool isBlank(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string joinQuoted(const std::vector<std::string> &names)
{
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : ", ") + QueryCompiler::quoteIdentifier(n);
    return out;
}

Error notWritable(const std::string &pointer, const TableView &table, const std::string &field,
                  const std::string &why)
{
    return Error(ErrorCode::FieldNotAllowed, pointer + ": \"" + field + "\" " + why,
                 { "Leave \"" + field + "\" out of values" },
                 Json { { "pointer", pointer }, { "field", field }, { "table", table.name() } });
}

// Why the caller may not set `column` (empty when it may). The scope columns come from the
// principal and never from a caller: a value for them is refused, never corrected.
std::string whyNotWritable(const TableView &table, const ColumnView &column, WriteKind kind)
{
    const std::string &name = column.name();
    if (name == table.tenantColumn)
        return "is the tenant column: Warden sets it from your identity and no write may change it";
    if (name == table.ownerColumn)
        return "is the owner column: Warden sets it from your identity and no write may change it";
    if (name == table.softDeleteColumn)
        return "is the soft-delete column: use db_delete to delete a row";
    const auto &pk = table.primaryKey();
    if (kind != WriteKind::Create && std::find(pk.begin(), pk.end(), name) != pk.end())
        return "is the row's key, which cannot change";
    const auto &readOnly = table.writes.readOnly;
    if (std::find(readOnly.begin(), readOnly.end(), name) != readOnly.end())
        return "is read-only for writes";
    if (column.action != ColumnAction::Allow)
        return "is redacted for you (masked or hashed), so you cannot write it";
    return {};
}

} // namespace

const char *WriteCompiler::toolName(WriteKind kind)
{
    switch (kind) {
    case WriteKind::Create:
        return "db_create";
    case WriteKind::Update:
        return "db_update";
    case WriteKind::Delete:
        return "db_delete";
    case WriteKind::BulkUpdate:
        return "db_bulk_update";
    }
    return "db_create";
}

std::vector<std::string> WriteCompiler::argumentNames(WriteKind kind)
{
    switch (kind) {
    case WriteKind::Create:
        return { "table", "values", "reason", "approval_id" };
    case WriteKind::Update:
        return { "table", "id", "values", "reason", "approval_id" };
    case WriteKind::Delete:
        return { "table", "id", "reason", "approval_id" };
    case WriteKind::BulkUpdate:
        return { "table", "where", "values", "reason", "approval_id" };
    }
    return {};
}

Result<CompiledWrite> WriteCompiler::compile(WriteKind kind, const Json &args,
                                             const Principal &principal) const
{
    auto readable = compile::checkedTable(m_policy, args, principal, argumentNames(kind),
                                          "{\"table\": \"orders\", \"reason\": \"...\"}");
    if (!readable)
        return readable.takeError();
    const TableView &table = **readable;
    const WriteRules &rules = table.writes;
    if (!rules.enabled)
        return Error(ErrorCode::WriteDisabled, "/table: \"" + table.name() + "\" cannot be written",
                     { "Writes are off unless the policy says \"write\": true for the table; ask "
                       "an operator" },
                     Json { { "pointer", "/table" }, { "table", table.name() } });

    CompiledWrite w;
    w.kind = kind;
    w.table = &table;
    w.timeoutMs = table.budget.statementTimeoutMs;
    if (const auto r = args.find("reason"); r != args.end()) {
        if (!r->is_string() || r->get_ref<const std::string &>().size() > kMaxReason)
            return invalid("/reason", "must be a sentence of at most 1000 characters saying why");
        w.reason = r->get<std::string>();
    }
    if (rules.requireReason && isBlank(w.reason))
        return Error(ErrorCode::ReasonRequired,
                     "/reason: writes to \"" + table.name() + "\" need a reason",
                     { "Say in \"reason\" why this change is made, e.g. \"customer asked to cancel "
                       "order 42\"" },
                     Json { { "pointer", "/reason" }, { "table", table.name() } });
    if (const auto a = args.find("approval_id"); a != args.end()) {
        if (!a->is_string() || a->get_ref<const std::string &>().empty())
            return invalid("/approval_id",
                           "must be the approval_id an APPROVAL_REQUIRED answer gave");
        w.approvalId = a->get<std::string>();
    }
    w.approvalRequired = rules.approval == WriteRules::Approval::Always
        || (rules.approval == WriteRules::Approval::Delete && kind == WriteKind::Delete);

    SqlBuilder b(m_dialect, table, table.budget);
    std::vector<std::string> columns; // SET / INSERT columns, in argument order
    std::vector<std::string> values; // their placeholders
    if (kind != WriteKind::Delete) {
        const auto v = args.find("values");
        if (v == args.end() || !v->is_object() || v->empty())
            return invalid("/values",
                           "is required: an object of field names to new values, e.g. {\"status\": "
                           "\"shipped\"}");
        for (auto it = v->begin(); it != v->end(); ++it) {
            const std::string ptr = jsonPointerJoin(std::string("/values"), it.key());
            const ColumnView *column = table.column(it.key());
            if (!column)
                return compile::noSuchField(ptr, it.key(), table, false);
            if (const std::string why = whyNotWritable(table, *column, kind); !why.empty())
                return notWritable(ptr, table, it.key(), why);
            Json value = nullptr;
            if (!it.value().is_null()) {
                auto coerced = SqlBuilder::coerce(*column, it.value(), ptr);
                if (!coerced)
                    return coerced.takeError();
                value = std::move(coerced).value();
            }
            columns.push_back(column->name());
            w.fields.push_back(column->name());
            values.push_back(b.param(std::move(value)));
        }
    }

    const std::string quotedTable = QueryCompiler::quoteIdentifier(table.name());
    const auto &pk = table.primaryKey();
    const ColumnView *key = pk.size() == 1 ? table.column(pk.front()) : nullptr;
    if (!key || !key->filterable)
        return Error(
            ErrorCode::InvalidArgument,
            "/table: \"" + table.name()
                + "\" has no single-column primary key you can see, so its rows cannot be written",
            {}, Json { { "pointer", "/table" }, { "table", table.name() } });

    if (kind == WriteKind::Create) {
        // The scope columns come from the principal, never from the caller.
        auto scoped = SqlBuilder::scopeValues(table, principal, w.decisions);
        if (!scoped)
            return scoped.takeError();
        for (const auto &v : *scoped) {
            if (v.value.is_null())
                return Error(ErrorCode::TenantScopeRequired,
                             "\"" + table.name()
                                 + "\" keys tenants by number and this caller's tenant is not one",
                             {}, Json { { "table", table.name() } });
            columns.push_back(v.column);
            values.push_back(b.param(v.value));
        }
        std::string placeholders;
        for (const auto &p : values)
            placeholders += (placeholders.empty() ? "" : ", ") + p;
        w.sql = "INSERT INTO " + quotedTable + " (" + joinQuoted(columns) + ") VALUES ("
            + placeholders + ") RETURNING " + QueryCompiler::quoteIdentifier(key->name());
        w.params = b.takeParams();
        return w;
    }

    std::vector<std::string> predicates;
    if (kind == WriteKind::BulkUpdate) {
        const auto where = args.find("where");
        if (where == args.end() || !where->is_object() || where->empty())
            return invalid("/where",
                           "is required: the condition that picks the rows to change (the db_query "
                           "where language)");
        auto cond = b.condition(*where, "/where", 0);
        if (!cond)
            return cond.takeError();
        predicates.push_back("(" + *cond + ")");
    } else {
        if (!args.contains("id") || args["id"].is_null())
            return invalid(
                "/id", "is required: the primary key value (\"" + key->name() + "\") of the row");
        auto id = GetCompiler::coerceKey(*key, args["id"]);
        if (!id)
            return id.takeError();
        w.key = *id;
        predicates.push_back(QueryCompiler::quoteIdentifier(key->name()) + " = " + b.param(*id));
    }
    auto scopes = b.rowScopes(principal, w.decisions);
    if (!scopes)
        return scopes.takeError();
    predicates.insert(predicates.end(), scopes->begin(), scopes->end());
    std::string filter;
    for (const auto &p : predicates)
        filter += (filter.empty() ? "" : " AND ") + p;

    if (kind == WriteKind::Delete) {
        w.softDelete = !table.softDeleteColumn.empty();
        w.sql = w.softDelete ? "UPDATE " + quotedTable + " SET "
                + QueryCompiler::quoteIdentifier(table.softDeleteColumn)
                + " = CURRENT_TIMESTAMP WHERE " + filter
                             : "DELETE FROM " + quotedTable + " WHERE " + filter;
        w.decisions.push_back(
            { { "kind", "delete" },
              { "table", table.name() },
              { "detail",
                w.softDelete ? "soft delete: sets " + table.softDeleteColumn : "hard delete" } });
    } else {
        // The SET values were bound first, so their placeholders come before the filter's.
        std::string set;
        for (std::size_t i = 0; i < columns.size(); ++i)
            set += (set.empty() ? "" : ", ") + QueryCompiler::quoteIdentifier(columns[i]) + " = "
                + values[i];
        w.sql = "UPDATE " + quotedTable + " SET " + set + " WHERE " + filter;
    }
    w.params = b.takeParams();
    w.decisions.push_back({ { "kind", "budget" },
                            { "budget", "max_affected_rows" },
                            { "table", table.name() },
                            { "limit", rules.maxAffectedRows } });
    return w;
}

} // namespace warden
