#include "RelationBuilder.h"

#include "Policy.h"
#include "common/JsonChecker.h"
#include "common/JsonPointer.h"

#include <algorithm>
#include <set>

namespace warden {
namespace {

using P = JsonChecker::Presence;

const TableView *findTable(const std::vector<TableView> &tables, const std::string &name)
{
    for (const auto &t : tables)
        if (t.name() == name)
            return &t;
    return nullptr;
}

bool endsWithId(const std::string &column)
{
    return column.size() > 3 && column.compare(column.size() - 3, 3, "_id") == 0;
}

std::string stripId(const std::string &column)
{
    return endsWithId(column) ? column.substr(0, column.size() - 3) : column;
}

std::string singleKey(const TableView &t)
{
    return t.primaryKey().size() == 1 ? t.primaryKey().front() : std::string();
}

// Whether `column` of `table` can carry a relation; records a problem at `pointer` if not.
bool checkLinkColumn(JsonChecker &c, const std::string &pointer, const TableView &table,
                     const std::string &column)
{
    if (!table.info->column(column)) {
        std::vector<std::string_view> names;
        for (const auto &col : table.info->columns)
            names.push_back(col.name);
        std::string msg = "table \"" + table.name() + "\" has no column \"" + column + "\"";
        if (auto s = JsonChecker::suggest(column, names))
            msg += "; did you mean \"" + *s + "\"?";
        c.addProblem(pointer, msg);
        return false;
    }
    const ColumnView *view = table.column(column);
    if (!view) {
        c.addProblem(pointer,
                     "column \"" + column + "\" of \"" + table.name()
                         + "\" is denied; a relation links only through columns callers can see");
        return false;
    }
    if (!view->filterable) {
        c.addProblem(
            pointer,
            "column \"" + column + "\" of \"" + table.name()
                + "\" is masked or hashed and not filterable; a relation links only through "
                  "filterable columns (joining on it would reveal which rows share a value)");
        return false;
    }
    return true;
}

} // namespace

RelationBuilder::Candidate RelationBuilder::manyToOne(const std::string &table,
                                                      const std::string &column,
                                                      const std::string &parent,
                                                      const std::string &parentColumn)
{
    Candidate up;
    up.relation = { std::string(), Relation::Kind::ManyToOne, table, column, parent, parentColumn,
                    false };
    up.preferred = endsWithId(column) ? stripId(column) : parent;
    up.fallback = up.preferred + "_" + parent;
    return up;
}

RelationBuilder::Candidate RelationBuilder::oneToMany(const std::string &table,
                                                      const std::string &column,
                                                      const std::string &parent,
                                                      const std::string &parentColumn)
{
    Candidate down;
    down.relation = { std::string(), Relation::Kind::OneToMany, parent, parentColumn, table, column,
                      false };
    down.preferred = table;
    down.fallback = table + "_by_" + stripId(column);
    return down;
}

std::vector<Relation>
RelationBuilder::nameDerived(std::vector<Candidate> candidates,
                             const std::function<bool(const std::string &)> &isColumn)
{
    std::map<std::string, int> wanted;
    for (const auto &cand : candidates)
        ++wanted[cand.preferred];
    std::set<std::string> used;
    std::vector<Relation> out;
    for (auto &cand : candidates) {
        std::string name = cand.preferred;
        if (wanted[name] > 1 || isColumn(name) || !isSafeName(name))
            name = cand.fallback;
        const std::string base = name;
        for (int n = 2; used.count(name) || isColumn(name); ++n)
            name = base + "_" + std::to_string(n);
        used.insert(name);
        cand.relation.name = name;
        out.push_back(std::move(cand.relation));
    }
    return out;
}

bool RelationBuilder::isSafeName(const std::string &name)
{
    if (name.empty() || name.size() > 63)
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char ch = name[i];
        const bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        if (!letter && (i == 0 || ch < '0' || ch > '9'))
            return false;
    }
    return true;
}

std::map<std::string, std::vector<Relation>>
RelationBuilder::build(JsonChecker &c, const Json &tablesDocument,
                       const std::vector<TableView> &tables)
{
    // Derived: every single-column foreign key between two listed tables, both ways.
    std::map<std::string, std::vector<Candidate>> candidates;
    for (const TableView &t : tables) {
        std::map<std::string, int> perConstraint;
        for (const auto &fk : t.info->foreignKeys)
            ++perConstraint[fk.constraint];
        for (const auto &fk : t.info->foreignKeys) {
            if (!fk.constraint.empty() && perConstraint[fk.constraint] > 1)
                continue; // one column of a composite key links nothing on its own
            const TableView *parent = findTable(tables, fk.refTable);
            if (!parent || fk.refColumn.empty() || !parent->info->column(fk.refColumn))
                continue;
            candidates[t.name()].push_back(
                manyToOne(t.name(), fk.column, parent->name(), fk.refColumn));
            candidates[parent->name()].push_back(
                oneToMany(t.name(), fk.column, parent->name(), fk.refColumn));
        }
    }
    std::map<std::string, std::vector<Relation>> result;
    for (const TableView &t : tables)
        result[t.name()] =
            nameDerived(std::move(candidates[t.name()]),
                        [&t](const std::string &name) { return t.column(name) != nullptr; });

    // Declared: switches and declarations under tables.<t>.relations.
    if (!tablesDocument.is_object())
        return result;
    for (auto it = tablesDocument.begin(); it != tablesDocument.end(); ++it) {
        const TableView *table = findTable(tables, it.key());
        if (!table || !it.value().is_object())
            continue; // reported where the table is read
        const std::string tptr = jsonPointerJoin(std::string("/tables"), it.key());
        const Json *rels = c.member(it.value(), tptr, "relations");
        if (!rels)
            continue;
        const std::string rsptr = jsonPointerJoin(tptr, "relations");
        if (!rels->is_object()) {
            c.addProblem(rsptr,
                         "must be an object mapping relation names to {\"allow\": false} or to "
                         "{\"target\", \"kind\", \"via\", \"target_column\"}");
            continue;
        }
        std::vector<Relation> &list = result[table->name()];
        for (auto ri = rels->begin(); ri != rels->end(); ++ri) {
            const std::string &name = ri.key();
            const std::string rptr = jsonPointerJoin(rsptr, name);
            const Json &spec = ri.value();
            if (!c.checkObject(spec, rptr, { "allow", "target", "kind", "via", "target_column" }))
                continue;
            const std::optional<bool> allow = c.boolean(spec, rptr, "allow");
            auto existing = std::find_if(list.begin(), list.end(),
                                         [&](const Relation &r) { return r.name == name; });
            const bool declares = spec.contains("target") || spec.contains("kind")
                || spec.contains("via") || spec.contains("target_column");
            if (!declares) {
                if (existing == list.end() || existing->declared) {
                    std::vector<std::string_view> derived;
                    for (const auto &r : list)
                        if (!r.declared)
                            derived.push_back(r.name);
                    std::string msg = "no relation \"" + name + "\" comes from a foreign key of \""
                        + table->name() + "\"";
                    if (auto s = JsonChecker::suggest(name, derived))
                        msg += "; did you mean \"" + *s + "\"?";
                    else if (!derived.empty())
                        msg += " (those that do: " + JsonChecker::joinList(derived, " and ", true)
                            + ")";
                    msg += "; to declare one, give \"target\", \"kind\" and its columns";
                    c.addProblem(rptr, msg);
                } else if (allow && !*allow) {
                    list.erase(existing);
                }
                continue;
            }
            bool ok = true;
            if (!isSafeName(name)) {
                c.addProblem(
                    rptr,
                    "a relation name is a letter or underscore followed by letters, digits or "
                    "underscores (at most 63), e.g. \"billing_customer\"");
                ok = false;
            } else if (table->column(name)) {
                c.addProblem(
                    rptr,
                    "\"" + name + "\" is also a column of \"" + table->name()
                        + "\"; related rows appear under the relation's name, so pick another");
                ok = false;
            }
            const auto kindName =
                c.enumString(spec, rptr, "kind", { "many_to_one", "one_to_many" });
            const auto target = c.string(spec, rptr, "target", P::Required);
            auto via = c.string(spec, rptr, "via");
            auto targetColumn = c.string(spec, rptr, "target_column");
            if (spec.contains("kind") && !kindName)
                continue;
            const Relation::Kind kind = kindName.value_or("many_to_one") == "one_to_many"
                ? Relation::Kind::OneToMany
                : Relation::Kind::ManyToOne;
            if (!target)
                continue;
            const TableView *targetTable = findTable(tables, *target);
            if (!targetTable) {
                std::vector<std::string_view> listed;
                for (const auto &t : tables)
                    listed.push_back(t.name());
                std::string msg = "\"" + *target
                    + "\" is not a table of this policy; a relation leads only to a listed table";
                if (auto s = JsonChecker::suggest(*target, listed))
                    msg += "; did you mean \"" + *s + "\"?";
                c.addProblem(jsonPointerJoin(rptr, "target"), msg);
                continue;
            }
            // The side that holds the foreign value must be named; the other defaults to the
            // primary key of its table.
            if (kind == Relation::Kind::ManyToOne) {
                if (!via) {
                    c.addProblem(rptr,
                                 "\"via\" is required for a many_to_one relation: the column of \""
                                     + table->name() + "\" that holds the key of \""
                                     + targetTable->name() + "\"");
                    continue;
                }
                if (!targetColumn) {
                    targetColumn = singleKey(*targetTable);
                    if (targetColumn->empty()) {
                        c.addProblem(rptr,
                                     "give \"target_column\": \"" + targetTable->name()
                                         + "\" has no single-column primary key to default to");
                        continue;
                    }
                }
            } else {
                if (!targetColumn) {
                    c.addProblem(
                        rptr,
                        "\"target_column\" is required for a one_to_many relation: the column of \""
                            + targetTable->name() + "\" that holds the key of \"" + table->name()
                            + "\"");
                    continue;
                }
                if (!via) {
                    via = singleKey(*table);
                    if (via->empty()) {
                        c.addProblem(rptr,
                                     "give \"via\": \"" + table->name()
                                         + "\" has no single-column primary key to default to");
                        continue;
                    }
                }
            }
            const std::string viaPtr = spec.contains("via") ? jsonPointerJoin(rptr, "via") : rptr;
            const std::string targetPtr =
                spec.contains("target_column") ? jsonPointerJoin(rptr, "target_column") : rptr;
            ok = checkLinkColumn(c, viaPtr, *table, *via) && ok;
            ok = checkLinkColumn(c, targetPtr, *targetTable, *targetColumn) && ok;
            if (!ok)
                continue;
            Relation r {
                name, kind, table->name(), *via, targetTable->name(), *targetColumn, true
            };
            if (allow && !*allow) {
                if (existing != list.end())
                    list.erase(existing);
            } else if (existing != list.end()) {
                *existing =
                    std::move(r); // a declaration replaces the derived relation of that name
            } else {
                list.push_back(std::move(r));
            }
        }
    }
    return result;
}

} // namespace warden
