#include "Policy.h"

#include "RelationBuilder.h"
#include "common/JsonChecker.h"
#include "common/JsonPointer.h"
#include "common/StrictJson.h"
#include "crypto/Crypto.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include <fstream>
#include <sstream>

namespace warden {
namespace {

using P = JsonChecker::Presence;

Budget profileBudget(const std::string &profile)
{
    Budget b;
    if (profile == "internal") {
        b.maxRows = 500;
        b.maxSelectFields = 80;
        b.maxIncludeDepth = 2;
        b.statementTimeoutMs = 5000;
        b.maxCost = 5e6;
    } else if (profile == "dev") {
        b.maxRows = 1000;
        b.maxSelectFields = 100;
        b.maxIncludeDepth = 3;
        b.statementTimeoutMs = 10000;
        b.maxCost = 1e7;
        b.broadQueryGuard = false;
    }
    return b;
}

// Reads the budget keys present in `obj` over `b` (keys absent keep their value).
void readBudget(JsonChecker &c, const Json &parent, const std::string &ptr, Budget &b)
{
    const Json *obj = c.objectMember(parent, ptr, "budget",
                                     {"max_rows", "max_select_fields", "max_include_depth", "statement_timeout_ms",
                                      "max_cost", "broad_query_guard", "broad_query_min_rows", "max_in_list",
                                      "max_filter_nodes", "max_filter_depth", "min_group_size"});
    if (!obj)
        return;
    const std::string p = jsonPointerJoin(ptr, "budget");
    if (auto v = c.integer(*obj, p, "max_rows", 1, 100000))
        b.maxRows = *v;
    if (auto v = c.integer(*obj, p, "max_select_fields", 1, 500))
        b.maxSelectFields = int(*v);
    if (auto v = c.integer(*obj, p, "max_include_depth", 0, 5))
        b.maxIncludeDepth = int(*v);
    if (auto v = c.integer(*obj, p, "statement_timeout_ms", 50, 600000, P::Optional, "milliseconds"))
        b.statementTimeoutMs = int(*v);
    if (auto v = c.integer(*obj, p, "max_cost", 1, std::int64_t(1) << 50))
        b.maxCost = double(*v);
    if (auto v = c.boolean(*obj, p, "broad_query_guard"))
        b.broadQueryGuard = *v;
    if (auto v = c.integer(*obj, p, "broad_query_min_rows", 0, std::int64_t(1) << 50))
        b.broadQueryMinRows = *v;
    if (auto v = c.integer(*obj, p, "max_in_list", 1, 10000))
        b.maxInList = int(*v);
    if (auto v = c.integer(*obj, p, "max_filter_nodes", 1, 1000))
        b.maxFilterNodes = int(*v);
    if (auto v = c.integer(*obj, p, "max_filter_depth", 1, 32))
        b.maxFilterDepth = int(*v);
    if (auto v = c.integer(*obj, p, "min_group_size", 1, 1000000))
        b.minGroupSize = *v;
}

// The table's `writes` object over the defaults (see WriteRules); `write` switches it on.
void readWriteRules(JsonChecker &c, const Json &table, const std::string &ptr, const db::TableInfo &info,
                    WriteRules &w)
{
    w.enabled = c.boolean(table, ptr, "write").value_or(false);
    if (w.enabled && info.primaryKey.size() != 1)
        c.addProblem(jsonPointerJoin(ptr, "write"),
                     "table \"" + info.name + "\" has no single-column primary key, which the write tools need "
                                               "to find a row; remove \"write\"");
    const Json *obj = c.objectMember(table, ptr, "writes",
                                     {"read_only", "require_reason", "max_affected_rows", "approval",
                                      "approval_above_rows", "approval_ttl_seconds"});
    if (!obj)
        return;
    const std::string p = jsonPointerJoin(ptr, "writes");
    if (auto cols = c.stringArray(*obj, p, "read_only")) {
        for (std::size_t i = 0; i < cols->size(); ++i) {
            if (info.column((*cols)[i]))
                w.readOnly.push_back((*cols)[i]);
            else
                c.addProblem(jsonPointerJoin(jsonPointerJoin(p, "read_only"), i),
                             "table \"" + info.name + "\" has no column \"" + (*cols)[i] + "\"");
        }
    }
    if (auto v = c.boolean(*obj, p, "require_reason"))
        w.requireReason = *v;
    if (auto v = c.integer(*obj, p, "max_affected_rows", 1, 100000))
        w.maxAffectedRows = *v;
    if (auto v = c.enumString(*obj, p, "approval", {"none", "always", "delete"}))
        w.approval = *v == "always" ? WriteRules::Approval::Always
                   : *v == "delete" ? WriteRules::Approval::Delete
                                    : WriteRules::Approval::None;
    if (auto v = c.integer(*obj, p, "approval_above_rows", 0, 100000))
        w.approvalAboveRows = *v;
    if (auto v = c.integer(*obj, p, "approval_ttl_seconds", 10, 7 * 24 * 3600, P::Optional, "seconds"))
        w.approvalTtlSeconds = int(*v);
}

struct ColumnSpec
{
    ColumnAction action = ColumnAction::Allow;
    MaskSpec mask;
    std::vector<std::string> tags;
    std::optional<bool> filterable;
};

std::optional<ColumnAction> parseAction(const std::string &s)
{
    if (s == "allow")
        return ColumnAction::Allow;
    if (s == "deny")
        return ColumnAction::Deny;
    if (s == "mask")
        return ColumnAction::Mask;
    if (s == "hash")
        return ColumnAction::Hash;
    return std::nullopt;
}

// Whether a mask pattern has a placeholder the Redactor fills ({firstN} or {lastN}, N digits):
// "{middle3}***" would print itself literally and hide that the author made a mistake.
bool hasRevealPlaceholder(const std::string &pattern)
{
    for (const char *kind : {"{first", "{last"}) {
        for (std::size_t at = pattern.find(kind); at != std::string::npos; at = pattern.find(kind, at + 1)) {
            std::size_t i = at + std::char_traits<char>::length(kind);
            const std::size_t digits = i;
            while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9')
                ++i;
            if (i > digits && i < pattern.size() && pattern[i] == '}')
                return true;
        }
    }
    return false;
}

// A column rule object: {action, mask?, pattern?, tags?, filterable?} (+ "match" for globs).
std::optional<ColumnSpec> readColumnSpec(JsonChecker &c, const Json &obj, const std::string &ptr)
{
    ColumnSpec spec;
    const auto action = c.enumString(obj, ptr, "action", {"allow", "deny", "mask", "hash"}, P::Required);
    if (!action)
        return std::nullopt;
    spec.action = *parseAction(*action);
    const auto mask = c.enumString(obj, ptr, "mask", {"email", "phone", "partial", "card", "full"});
    const auto pattern = c.string(obj, ptr, "pattern");
    if ((mask || pattern) && spec.action != ColumnAction::Mask)
        c.addProblem(ptr, "\"mask\" and \"pattern\" only apply when \"action\" is \"mask\"");
    if (mask && pattern)
        c.addProblem(jsonPointerJoin(ptr, "pattern"), "give either \"mask\" or \"pattern\", not both");
    if (pattern) {
        spec.mask.kind = MaskSpec::Kind::Pattern;
        spec.mask.pattern = *pattern;
        if (!hasRevealPlaceholder(*pattern))
            c.addProblem(jsonPointerJoin(ptr, "pattern"),
                         "a pattern needs at least one {firstN} or {lastN} placeholder, e.g. \"{first2}***{last4}\"");
    } else if (mask) {
        static const std::map<std::string, MaskSpec::Kind> kinds{{"email", MaskSpec::Kind::Email},
                                                                {"phone", MaskSpec::Kind::Phone},
                                                                {"partial", MaskSpec::Kind::Partial},
                                                                {"card", MaskSpec::Kind::Card},
                                                                {"full", MaskSpec::Kind::Full}};
        spec.mask.kind = kinds.at(*mask);
    }
    if (auto tags = c.stringArray(obj, ptr, "tags"))
        spec.tags = *tags;
    spec.filterable = c.boolean(obj, ptr, "filterable");
    if (spec.filterable && *spec.filterable && spec.action == ColumnAction::Deny)
        c.addProblem(jsonPointerJoin(ptr, "filterable"), "a denied column can never be filterable; remove \"filterable\"");
    return spec;
}

std::vector<std::string_view> columnNames(const db::TableInfo &t)
{
    std::vector<std::string_view> out;
    for (const auto &col : t.columns)
        out.push_back(col.name);
    return out;
}

std::string canonicalDump(const Json &doc)
{
    // nlohmann::json (not ordered) sorts keys: a stable form whatever the author's order.
    return nlohmann::json::parse(doc.dump()).dump();
}

} // namespace

const ColumnView *TableView::column(const std::string &name) const
{
    for (const auto &c : columns)
        if (c.info->name == name)
            return &c;
    return nullptr;
}

const std::vector<std::string> &Policy::builtinDenyGlobs()
{
    static const std::vector<std::string> globs{"*password*", "*passwd*", "*secret*", "*token*", "*api_key*",
                                                "*apikey*", "*private_key*", "*privatekey*"};
    return globs;
}

const std::vector<std::string> &Policy::profiles()
{
    static const std::vector<std::string> p{"prod", "internal", "dev"};
    return p;
}

bool Policy::globMatch(const std::string &pattern, const std::string &text)
{
    return ::fnmatch(pattern.c_str(), text.c_str(), FNM_CASEFOLD) == 0;
}

Result<std::shared_ptr<const Policy>> Policy::load(const std::string &path, const db::Schema &schema)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error(ErrorCode::IoError, "cannot read the policy file " + path + "; check the \"policy\" path in the configuration");
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = StrictJson::parse(ss.str());
    if (!doc)
        return Error(ErrorCode::ConfigInvalid, "policy " + path + " is not valid JSON: " + doc.error().message);
    auto policy = fromJson(*doc, schema);
    if (!policy)
        return Error(ErrorCode::ConfigInvalid, "policy " + path + " is invalid:\n" + policy.error().message);
    return policy;
}

namespace {

struct GlobRule
{
    std::string match;
    ColumnSpec spec;
};

// What every table of one variant (the base policy, or one role's view of it) is built from.
struct VariantInputs
{
    Budget defaults;
    std::string defaultTenant, defaultOwner, defaultSoftDelete;
    std::vector<GlobRule> globRules;
    std::map<std::string, ColumnAction> tagSwitches; // tag -> action for every column carrying it
};

// How much a switched action hides: when a column carries several switched tags, the most
// hiding one wins.
int hidingRank(ColumnAction a)
{
    switch (a) {
    case ColumnAction::Allow: return 0;
    case ColumnAction::Mask: return 1;
    case ColumnAction::Hash: return 2;
    case ColumnAction::Deny: return 3;
    }
    return 3;
}

std::map<std::string, ColumnAction> readTagSwitches(JsonChecker &c, const Json &parent, const std::string &ptr)
{
    std::map<std::string, ColumnAction> out;
    const Json *tags = c.member(parent, ptr, "tags");
    if (!tags)
        return out;
    const std::string at = jsonPointerJoin(ptr, "tags");
    if (!tags->is_object()) {
        c.addProblem(at, "must be an object mapping a tag to an action, e.g. {\"phi\": \"deny\"}");
        return out;
    }
    for (auto it = tags->begin(); it != tags->end(); ++it) {
        const auto action = c.enumString(*tags, at, it.key(), {"allow", "deny", "mask", "hash"});
        if (action)
            out[it.key()] = *parseAction(*action);
    }
    return out;
}

// Compiles the tables of one variant. Precedence per column: built-in deny, then a tag
// switch (PHI mode) for any tag the column carries, then the table's `columns`, then the
// first matching `column_rules` glob, then allow.
std::vector<TableView> compileTables(JsonChecker &c, const Json &tables, const db::Schema &schema,
                                     const VariantInputs &in)
{
    std::vector<TableView> out;
    std::vector<std::string_view> schemaTables;
    for (const auto &t : schema.tables)
        schemaTables.push_back(t.name);
    for (auto it = tables.begin(); it != tables.end(); ++it) {
        const std::string ptr = jsonPointerJoin(std::string("/tables"), it.key());
        const db::TableInfo *info = schema.table(it.key());
        if (!info) {
            std::string msg = "no table \"" + it.key() + "\" in the database";
            if (auto s = JsonChecker::suggest(it.key(), schemaTables))
                msg += "; did you mean \"" + *s + "\"?";
            c.addProblem(ptr, msg);
            continue;
        }
        const Json &t = it.value();
        if (!c.checkObject(t, ptr, {"read", "write", "writes", "tenant_column", "owner_column", "soft_delete_column", "columns", "relations", "budget"}))
            continue;
        TableView view;
        view.info = info;
        view.readable = c.boolean(t, ptr, "read").value_or(true);
        readWriteRules(c, t, ptr, *info, view.writes);
        view.budget = in.defaults;
        readBudget(c, t, ptr, view.budget);

        // Row scopes: a table-level value wins; null switches a default off explicitly.
        auto scopeColumn = [&](const char *key, const std::string &fallback, bool failClosed) -> std::string {
            const auto m = t.find(key);
            std::string col;
            std::string where = jsonPointerJoin(ptr, key);
            if (m != t.end()) {
                if (m->is_null())
                    return {};
                if (!m->is_string()) {
                    c.addProblem(where, "must be a column name or null");
                    return {};
                }
                col = m->get<std::string>();
            } else {
                col = fallback;
                where = ptr;
            }
            if (col.empty())
                return {};
            if (!info->column(col)) {
                if (m == t.end() && failClosed)
                    c.addProblem(ptr, "table \"" + info->name + "\" has no column \"" + col + "\" (defaults." + key
                                          + "); name its " + key + " or set \"" + key
                                          + "\": null if every tenant may see all of its rows");
                else if (m != t.end())
                    c.addProblem(where, "table \"" + info->name + "\" has no column \"" + col + "\"");
                return {};
            }
            return col;
        };
        view.tenantColumn = scopeColumn("tenant_column", in.defaultTenant, true);
        view.ownerColumn = scopeColumn("owner_column", in.defaultOwner, false);
        view.softDeleteColumn = scopeColumn("soft_delete_column", in.defaultSoftDelete, false);

        std::map<std::string, ColumnSpec> explicitSpecs;
        if (const Json *cols = c.member(t, ptr, "columns")) {
            if (!cols->is_object()) {
                c.addProblem(jsonPointerJoin(ptr, "columns"), "must be an object mapping column names to rules");
            } else {
                const auto names = columnNames(*info);
                for (auto ci = cols->begin(); ci != cols->end(); ++ci) {
                    const std::string cptr = jsonPointerJoin(jsonPointerJoin(ptr, "columns"), ci.key());
                    if (!info->column(ci.key())) {
                        std::string msg = "table \"" + info->name + "\" has no column \"" + ci.key() + "\"";
                        if (auto s = JsonChecker::suggest(ci.key(), names))
                            msg += "; did you mean \"" + *s + "\"?";
                        c.addProblem(cptr, msg);
                        continue;
                    }
                    if (!c.checkObject(ci.value(), cptr, {"action", "mask", "pattern", "tags", "filterable"}))
                        continue;
                    if (auto spec = readColumnSpec(c, ci.value(), cptr))
                        explicitSpecs[ci.key()] = *spec;
                }
            }
        }

        for (const auto &col : info->columns) {
            ColumnSpec spec;
            bool builtinDenied = false;
            for (const auto &g : Policy::builtinDenyGlobs())
                builtinDenied = builtinDenied || Policy::globMatch(g, col.name);
            if (builtinDenied) {
                spec.action = ColumnAction::Deny;
            } else if (auto e = explicitSpecs.find(col.name); e != explicitSpecs.end()) {
                spec = e->second;
            } else {
                for (const auto &g : in.globRules)
                    if (Policy::globMatch(g.match, col.name)) {
                        spec = g.spec;
                        break;
                    }
            }
            // A tag switch hides or reveals the whole class, whatever the column's own rule.
            if (!builtinDenied) {
                std::optional<ColumnAction> switched;
                for (const auto &tag : spec.tags)
                    if (auto sw = in.tagSwitches.find(tag); sw != in.tagSwitches.end())
                        if (!switched || hidingRank(sw->second) > hidingRank(*switched))
                            switched = sw->second;
                if (switched && *switched != spec.action) {
                    spec.action = *switched;
                    spec.mask = MaskSpec{};
                    if (spec.action == ColumnAction::Mask)
                        spec.mask.kind = MaskSpec::Kind::Full;
                    spec.filterable.reset();
                }
            }
            if (spec.action == ColumnAction::Deny)
                continue;
            ColumnView cv;
            cv.info = &col;
            cv.action = spec.action;
            cv.mask = spec.mask;
            cv.tags = spec.tags;
            cv.filterable = spec.filterable.value_or(spec.action == ColumnAction::Allow);
            view.columns.push_back(std::move(cv));
        }
        out.push_back(std::move(view));
    }
    return out;
}

// The error for a document with problems: the report as the message, and each problem as
// {pointer, message} under details.problems, so an editor can put it next to the item.
Error invalid(const JsonChecker &c)
{
    Json problems = Json::array();
    for (const JsonProblem &p : c.problems())
        problems.push_back(Json{{"pointer", p.pointer}, {"message", p.message}});
    return Error(ErrorCode::ConfigInvalid, c.report(), {}, Json{{"problems", std::move(problems)}});
}

// A role's table overrides laid over the base tables: a listed table's keys replace the
// base's, except `columns`, `relations` and `budget`, which merge entry by entry.
Json mergeRoleTables(const Json &base, const Json &overrides)
{
    Json merged = base;
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        if (!merged.contains(it.key()) || !merged[it.key()].is_object() || !it.value().is_object()) {
            merged[it.key()] = it.value();
            continue;
        }
        Json &table = merged[it.key()];
        for (auto k = it.value().begin(); k != it.value().end(); ++k) {
            const bool mergeable = k.key() == "columns" || k.key() == "relations" || k.key() == "budget";
            if (mergeable && table.contains(k.key()) && table[k.key()].is_object() && k.value().is_object()) {
                for (auto e = k.value().begin(); e != k.value().end(); ++e)
                    table[k.key()][e.key()] = e.value();
            } else {
                table[k.key()] = k.value();
            }
        }
    }
    return merged;
}

} // namespace

Result<std::shared_ptr<const Policy>> Policy::fromJson(const Json &document, const db::Schema &schema)
{
    JsonChecker c(document);
    std::shared_ptr<Policy> policy(new Policy());
    policy->m_schema = schema;
    if (!c.checkObject(document, "", {"version", "extends", "description", "defaults", "column_rules", "tags", "roles", "scopes", "tables"}))
        return invalid(c);
    if (auto v = c.integer(document, "", "version", 1, 1, P::Required); !v && c.ok())
        c.addProblem("/version", "must be 1");
    policy->m_profile = c.enumString(document, "", "extends", {"prod", "internal", "dev"}).value_or("prod");
    c.string(document, "", "description", P::Optional, JsonStringRule{true, false, 2000});

    VariantInputs base;
    base.defaults = profileBudget(policy->m_profile);
    if (const Json *d = c.objectMember(document, "", "defaults", {"tenant_column", "owner_column", "soft_delete_column", "budget"})) {
        base.defaultTenant = c.string(*d, "/defaults", "tenant_column").value_or("");
        base.defaultOwner = c.string(*d, "/defaults", "owner_column").value_or("");
        base.defaultSoftDelete = c.string(*d, "/defaults", "soft_delete_column").value_or("");
        readBudget(c, *d, "/defaults", base.defaults);
    }
    if (const Json *rules = c.member(document, "", "column_rules")) {
        if (!rules->is_array()) {
            c.addProblem("/column_rules", "must be an array of {\"match\": \"*glob*\", \"action\": ...} rules");
        } else {
            for (std::size_t i = 0; i < rules->size(); ++i) {
                const std::string ptr = jsonPointerJoin(std::string("/column_rules"), i);
                const Json &r = (*rules)[i];
                if (!c.checkObject(r, ptr, {"match", "action", "mask", "pattern", "tags", "filterable"}))
                    continue;
                auto match = c.string(r, ptr, "match", P::Required);
                auto spec = readColumnSpec(c, r, ptr);
                if (match && spec)
                    base.globRules.push_back({*match, *spec});
            }
        }
    }
    base.tagSwitches = readTagSwitches(c, document, "");
    if (const Json *scopes = c.member(document, "", "scopes")) {
        if (!scopes->is_object()) {
            c.addProblem("/scopes", "must be an object mapping a tool name to the OAuth scope it needs, "
                                    "e.g. {\"db_query\": \"warden.read\"}");
        } else {
            for (auto it = scopes->begin(); it != scopes->end(); ++it) {
                // Scope tokens are RFC 6749 NQCHAR runs: no spaces, quotes or backslashes.
                if (auto scope = c.string(*scopes, "/scopes", it.key())) {
                    const bool wellFormed = std::all_of(scope->begin(), scope->end(), [](char ch) {
                        return ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
                    });
                    if (!wellFormed)
                        c.addProblem(jsonPointerJoin(std::string("/scopes"), it.key()),
                                     "must be one OAuth scope: printable ASCII without spaces, quotes or backslashes");
                    else
                        policy->m_toolScopes[it.key()] = *scope;
                }
            }
        }
    }

    const Json *tables = c.member(document, "", "tables", P::Required, "an object of table policies");
    if (tables && !tables->is_object())
        c.addProblem("/tables", "must be an object mapping table names to table policies");
    const bool haveTables = tables && tables->is_object();

    Variant baseVariant;
    if (haveTables) {
        baseVariant.tables = compileTables(c, *tables, policy->m_schema, base);
        // Relations need every table's columns, so they come after all tables.
        baseVariant.relations = RelationBuilder::build(c, *tables, baseVariant.tables);
    }
    policy->m_variants.push_back(std::move(baseVariant));

    // Roles: each one a full view of its own, the base with the role's overrides laid over.
    if (const Json *roles = c.member(document, "", "roles")) {
        if (!roles->is_object()) {
            c.addProblem("/roles", "must be an object mapping a role name to its overrides");
        } else if (haveTables && c.ok()) {
            for (auto r = roles->begin(); r != roles->end(); ++r) {
                const std::string rptr = jsonPointerJoin(std::string("/roles"), r.key());
                if (!c.checkObject(r.value(), rptr, {"description", "tags", "tables"}))
                    continue;
                c.string(r.value(), rptr, "description", P::Optional, JsonStringRule{true, false, 2000});
                VariantInputs inputs = base;
                for (const auto &[tag, action] : readTagSwitches(c, r.value(), rptr))
                    inputs.tagSwitches[tag] = action;
                const Json *overrides = c.member(r.value(), rptr, "tables");
                if (overrides && !overrides->is_object()) {
                    c.addProblem(jsonPointerJoin(rptr, "tables"), "must be an object mapping table names to overrides");
                    continue;
                }
                const Json merged = overrides ? mergeRoleTables(*tables, *overrides) : *tables;
                // Problems are found on the merged tables; they are reported under the role.
                JsonChecker rc(merged);
                Variant variant;
                variant.role = r.key();
                variant.tables = compileTables(rc, merged, policy->m_schema, inputs);
                variant.relations = RelationBuilder::build(rc, merged, variant.tables);
                if (!rc.ok()) {
                    c.addProblem(rptr, "with this role's overrides laid over the tables: " + rc.report());
                    continue;
                }
                policy->m_variants.push_back(std::move(variant));
            }
        }
    }

    if (!c.ok())
        return invalid(c);
    policy->m_document = document;
    policy->m_versionHash = crypto::toHex(crypto::sha256(canonicalDump(document)));
    return std::shared_ptr<const Policy>(std::move(policy));
}

const std::string *Policy::requiredScope(const std::string &tool) const
{
    const auto it = m_toolScopes.find(tool);
    return it == m_toolScopes.end() ? nullptr : &it->second;
}

std::vector<std::string> Policy::scopesSupported() const
{
    std::set<std::string> unique;
    for (const auto &[tool, scope] : m_toolScopes)
        unique.insert(scope);
    return { unique.begin(), unique.end() };
}

bool Policy::writesEnabled() const
{
    for (const auto &variant : m_variants)
        for (const auto &t : variant.tables)
            if (t.readable && t.writes.enabled)
                return true;
    return false;
}

const Policy::Variant &Policy::variantFor(const Principal &principal) const
{
    // The first role the policy lists that the principal has; the base policy otherwise.
    for (std::size_t i = 1; i < m_variants.size(); ++i)
        if (principal.hasRole(m_variants[i].role))
            return m_variants[i];
    return m_variants.front();
}

const TableView *Policy::table(const std::string &name, const Principal &principal) const
{
    for (const auto &t : variantFor(principal).tables)
        if (t.name() == name && t.readable)
            return &t;
    return nullptr;
}

std::vector<const TableView *> Policy::tables(const Principal &principal) const
{
    std::vector<const TableView *> out;
    for (const auto &t : variantFor(principal).tables)
        if (t.readable)
            out.push_back(&t);
    return out;
}

std::vector<RelationView> Policy::relations(const std::string &tableName, const Principal &principal) const
{
    std::vector<RelationView> out;
    const TableView *source = table(tableName, principal);
    const auto &relations = variantFor(principal).relations;
    const auto it = relations.find(tableName);
    if (!source || it == relations.end())
        return out;
    // Checked per call against this caller's views of both tables, so a relation never
    // leads to a table, or through a column, that the caller cannot see or filter.
    for (const Relation &r : it->second) {
        const TableView *target = table(r.target, principal);
        if (!target)
            continue;
        const ColumnView *from = source->column(r.column);
        const ColumnView *to = target->column(r.targetColumn);
        if (!from || !to || !from->filterable || !to->filterable)
            continue;
        out.push_back({&r, source, target, from, to});
    }
    return out;
}

std::optional<RelationView> Policy::relation(const std::string &tableName, const std::string &name,
                                             const Principal &principal) const
{
    for (const RelationView &r : relations(tableName, principal))
        if (r.name() == name)
            return r;
    return std::nullopt;
}

} // namespace warden
