#include "PolicyDiff.h"

#include "common/JsonPointer.h"

#include <algorithm>
#include <optional>

namespace warden {
namespace {

const char *const kArrow = " \xE2\x86\x92 "; // " → "
constexpr std::size_t kMaxValueText = 80;

// Never throws: documents handed to a diff may be anything, including invalid UTF-8.
std::string shortDump(const Json &value)
{
    std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > kMaxValueText)
        text = text.substr(0, kMaxValueText - 3) + "...";
    return text;
}

std::string stringOr(const Json &object, const char *key, const std::string &fallback)
{
    if (!object.is_object())
        return fallback;
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    return it->is_string() ? it->get<std::string>() : shortDump(*it);
}

// Equality by meaning: ordered_json compares objects in key order, a policy does not.
bool same(const Json &a, const Json &b)
{
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size())
            return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            const auto other = b.find(it.key());
            if (other == b.end() || !same(it.value(), *other))
                return false;
        }
        return true;
    }
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same(a[i], b[i]))
                return false;
        return true;
    }
    return a == b;
}

// "mask(email) [pii] filterable": what a column rule does, in the words of docs/policy.md.
std::string describeRule(const Json &rule)
{
    if (!rule.is_object())
        return shortDump(rule);
    std::string text = stringOr(rule, "action", "?");
    if (text == "mask") {
        std::string how = stringOr(rule, "mask", "");
        if (how.empty())
            how = stringOr(rule, "pattern", "full");
        text += "(" + how + ")";
    }
    if (const auto tags = rule.find("tags"); tags != rule.end() && tags->is_array() && !tags->empty()) {
        text += " [";
        for (std::size_t i = 0; i < tags->size(); ++i)
            text += (i ? ", " : "") + ((*tags)[i].is_string() ? (*tags)[i].get<std::string>() : shortDump((*tags)[i]));
        text += "]";
    }
    if (const auto f = rule.find("filterable"); f != rule.end() && f->is_boolean())
        text += f->get<bool>() ? " filterable" : " not filterable";
    return text;
}

std::string describeTable(const Json &table)
{
    if (!table.is_object())
        return shortDump(table);
    std::vector<std::string> parts;
    const auto read = table.find("read");
    parts.push_back(read != table.end() && *read == Json(false) ? "hidden (read false)" : "readable");
    if (const auto w = table.find("write"); w != table.end() && *w == Json(true)) {
        const auto writes = table.find("writes");
        const bool approval = writes != table.end() && writes->is_object() && writes->contains("approval")
                              && (*writes)["approval"] != Json("none");
        parts.emplace_back(approval ? "writable (approval " + stringOr(*writes, "approval", "") + ")" : "writable");
    }
    for (const char *scope : {"tenant_column", "owner_column", "soft_delete_column"}) {
        if (const auto s = table.find(scope); s != table.end())
            parts.push_back(std::string(scope) + " " + (s->is_string() ? s->get<std::string>() : shortDump(*s)));
    }
    if (const auto cols = table.find("columns"); cols != table.end() && cols->is_object() && !cols->empty())
        parts.push_back(std::to_string(cols->size()) + (cols->size() == 1 ? " column rule" : " column rules"));
    if (const auto b = table.find("budget"); b != table.end() && b->is_object() && !b->empty())
        parts.emplace_back("own budget");
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i)
        text += (i ? ", " : "") + parts[i];
    return text;
}

// Fills in what an absent key means, so "read": true and no "read" at all compare equal (and
// "write": false and no "write") and a budget or writes key added where no such object existed
// shows as that one key.
Json normalizeTable(Json table)
{
    if (!table.is_object())
        return table;
    if (!table.contains("read"))
        table["read"] = true;
    if (!table.contains("write"))
        table["write"] = false;
    for (const char *container : {"columns", "budget", "writes"})
        if (!table.contains(container))
            table[container] = Json::object();
    return table;
}

Json normalizeDocument(Json doc)
{
    if (!doc.is_object())
        return doc;
    if (!doc.contains("extends"))
        doc["extends"] = "prod";
    if (!doc.contains("defaults"))
        doc["defaults"] = Json::object();
    if (doc["defaults"].is_object() && !doc["defaults"].contains("budget"))
        doc["defaults"]["budget"] = Json::object();
    if (!doc.contains("column_rules"))
        doc["column_rules"] = Json::array();
    if (!doc.contains("tables"))
        doc["tables"] = Json::object();
    return doc;
}

class Differ
{
public:
    std::vector<PolicyChange> changes;

    void added(const std::string &ptr, const Json &value, std::string text)
    {
        changes.push_back({PolicyChange::Kind::Added, ptr, nullptr, value, std::move(text)});
    }
    void removed(const std::string &ptr, const Json &value, std::string text)
    {
        changes.push_back({PolicyChange::Kind::Removed, ptr, value, nullptr, std::move(text)});
    }
    void changed(const std::string &ptr, const Json &before, const Json &after, std::string text)
    {
        changes.push_back({PolicyChange::Kind::Changed, ptr, before, after, std::move(text)});
    }

    // Keys of `after` in its order, then those only `before` has.
    template<typename Fn>
    static void forEachKey(const Json &before, const Json &after, Fn fn)
    {
        for (auto it = after.begin(); it != after.end(); ++it) {
            const auto b = before.find(it.key());
            fn(it.key(), b == before.end() ? nullptr : &*b, &it.value());
        }
        for (auto it = before.begin(); it != before.end(); ++it)
            if (!after.contains(it.key()))
                fn(it.key(), &it.value(), nullptr);
    }

    void values(const std::string &ptr, const Json &before, const Json &after)
    {
        if (same(before, after))
            return;
        if (!before.is_object() || !after.is_object()) {
            changed(ptr, before, after, shortDump(before) + kArrow + shortDump(after));
            return;
        }
        forEachKey(before, after, [&](const std::string &key, const Json *b, const Json *a) {
            member(jsonPointerJoin(ptr, key), b, a);
        });
    }

    // One key of two objects, present on either side or both, compared generically.
    void member(const std::string &p, const Json *b, const Json *a)
    {
        if (!b)
            added(p, *a, "added " + shortDump(*a));
        else if (!a)
            removed(p, *b, "removed (was " + shortDump(*b) + ")");
        else
            values(p, *b, *a);
    }

    void document(const Json &before, const Json &after)
    {
        if (!before.is_object() || !after.is_object()) {
            values("", before, after);
            return;
        }
        forEachKey(before, after, [&](const std::string &key, const Json *b, const Json *a) {
            const std::string p = jsonPointerJoin(std::string(), key);
            if (b && a && key == "tables")
                tables(p, *b, *a);
            else if (b && a && key == "column_rules")
                rules(p, *b, *a);
            else if (b && a && key == "extends" && !same(*b, *a))
                changed(p, *b, *a, shortDump(*b) + kArrow + shortDump(*a) + " (profile budgets change)");
            else
                member(p, b, a);
        });
    }

    void tables(const std::string &ptr, const Json &before, const Json &after)
    {
        if (!before.is_object() || !after.is_object()) {
            values(ptr, before, after);
            return;
        }
        forEachKey(before, after, [&](const std::string &name, const Json *b, const Json *a) {
            const std::string p = jsonPointerJoin(ptr, name);
            if (!b)
                added(p, *a, "table added (" + describeTable(*a) + ")");
            else if (!a)
                removed(p, *b, "table removed (no longer visible to agents)");
            else
                table(p, normalizeTable(*b), normalizeTable(*a));
        });
    }

    void table(const std::string &ptr, const Json &before, const Json &after)
    {
        if (!before.is_object() || !after.is_object()) {
            values(ptr, before, after);
            return;
        }
        forEachKey(before, after, [&](const std::string &key, const Json *b, const Json *a) {
            const std::string p = jsonPointerJoin(ptr, key);
            if (b && a && key == "columns")
                columns(p, *b, *a);
            else
                member(p, b, a);
        });
    }

    void columns(const std::string &ptr, const Json &before, const Json &after)
    {
        if (!before.is_object() || !after.is_object()) {
            values(ptr, before, after);
            return;
        }
        forEachKey(before, after, [&](const std::string &name, const Json *b, const Json *a) {
            const std::string p = jsonPointerJoin(ptr, name);
            if (!b)
                added(p, *a, "added " + describeRule(*a));
            else if (!a)
                removed(p, *b, "removed " + describeRule(*b) + " (falls back to column_rules, else allow)");
            else
                rule(p, *b, *a, {});
        });
    }

    void rule(const std::string &ptr, const Json &before, const Json &after, const std::string &label)
    {
        if (same(before, after))
            return;
        const std::string b = describeRule(before);
        const std::string a = describeRule(after);
        if (b == a) { // a difference the one-line form does not show
            values(ptr, before, after);
            return;
        }
        changed(ptr, before, after, label + b + kArrow + a);
    }

    static std::optional<std::vector<std::string>> globs(const Json &rules)
    {
        if (!rules.is_array())
            return std::nullopt;
        std::vector<std::string> out;
        for (const auto &r : rules) {
            if (!r.is_object() || !r.contains("match") || !r["match"].is_string())
                return std::nullopt;
            std::string m = r["match"].get<std::string>();
            if (std::find(out.begin(), out.end(), m) != out.end())
                return std::nullopt; // duplicates: no identity to match by
            out.push_back(std::move(m));
        }
        return out;
    }

    // Rules are matched by their glob; the first matching rule wins, so order is meaning too.
    void rules(const std::string &ptr, const Json &before, const Json &after)
    {
        const auto gb = globs(before);
        const auto ga = globs(after);
        if (!gb || !ga) {
            if (!same(before, after))
                changed(ptr, before, after, shortDump(before) + kArrow + shortDump(after));
            return;
        }
        std::vector<std::string> commonBefore, commonAfter;
        for (std::size_t j = 0; j < ga->size(); ++j) {
            const std::string p = jsonPointerJoin(ptr, j);
            const auto i = std::find(gb->begin(), gb->end(), (*ga)[j]);
            if (i == gb->end()) {
                added(p, after[j], "added rule " + (*ga)[j] + ": " + describeRule(after[j]));
                continue;
            }
            commonAfter.push_back((*ga)[j]);
            rule(p, before[std::size_t(i - gb->begin())], after[j], (*ga)[j] + ": ");
        }
        for (std::size_t i = 0; i < gb->size(); ++i) {
            if (std::find(ga->begin(), ga->end(), (*gb)[i]) != ga->end()) {
                commonBefore.push_back((*gb)[i]);
                continue;
            }
            removed(jsonPointerJoin(ptr, i), before[i], "removed rule " + (*gb)[i] + ": " + describeRule(before[i]));
        }
        if (commonBefore != commonAfter) {
            auto join = [](const std::vector<std::string> &v) {
                std::string s;
                for (std::size_t i = 0; i < v.size(); ++i)
                    s += (i ? ", " : "") + v[i];
                return s;
            };
            changed(ptr, before, after,
                    "rule order changed (the first matching rule wins): " + join(commonBefore) + kArrow
                        + join(commonAfter));
        }
    }
};

const char *kindName(PolicyChange::Kind kind)
{
    switch (kind) {
    case PolicyChange::Kind::Added:
        return "added";
    case PolicyChange::Kind::Removed:
        return "removed";
    case PolicyChange::Kind::Changed:
        break;
    }
    return "changed";
}

} // namespace

Json PolicyChange::toJson() const
{
    Json j = Json::object();
    j["kind"] = kindName(kind);
    j["pointer"] = pointer;
    if (kind != Kind::Added)
        j["before"] = before;
    if (kind != Kind::Removed)
        j["after"] = after;
    j["text"] = text;
    return j;
}

std::string PolicyChange::toString() const
{
    const char *mark = kind == Kind::Added ? "+ " : kind == Kind::Removed ? "- " : "~ ";
    return mark + (pointer.empty() ? std::string("(document)") : pointer) + ": " + text;
}

std::vector<PolicyChange> PolicyDiff::compare(const Json &before, const Json &after)
{
    Differ d;
    d.document(normalizeDocument(before), normalizeDocument(after));
    return std::move(d.changes);
}

std::string PolicyDiff::render(const std::vector<PolicyChange> &changes)
{
    if (changes.empty())
        return "no changes\n";
    std::string out;
    for (const auto &c : changes)
        out += c.toString() + "\n";
    return out;
}

Json PolicyDiff::toJson(const std::vector<PolicyChange> &changes)
{
    Json out = Json::array();
    for (const auto &c : changes)
        out.push_back(c.toJson());
    return out;
}

} // namespace warden
