#include "JsonChecker.h"

#include "JsonPointer.h"

#include <algorithm>
#include <limits>
#include <set>

namespace warden {
namespace {

constexpr std::size_t kQuoteLimit = 40;

std::string quoteJson(std::string_view text)
{
    return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string typeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::null:
        return "null";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    case Json::value_t::number_float:
        return "a number";
    default:
        return "an unsupported value";
    }
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::vector<std::string> splitPointer(const std::string &pointer)
{
    std::vector<std::string> tokens;
    if (pointer.empty())
        return tokens;
    std::size_t start = 1; // skip the leading '/'
    while (true) {
        const std::size_t slash = pointer.find('/', start);
        std::string raw =
            pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::string token;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                token += raw[i + 1] == '0' ? '~' : '/';
                ++i;
            } else {
                token += raw[i];
            }
        }
        tokens.push_back(std::move(token));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return tokens;
}

std::string rangeText(std::int64_t min, std::int64_t max, std::string_view unit)
{
    std::string text = min == max
        ? std::to_string(min)
        : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (!unit.empty())
        text += " (" + std::string(unit) + ")";
    return text;
}

} // namespace

std::string JsonProblem::toString() const
{
    return (pointer.empty() ? std::string("(root)") : pointer) + ": " + message;
}

JsonChecker::JsonChecker(const Json &root)
    : m_root(root)
{
}

bool JsonChecker::checkObject(const Json &value, const std::string &pointer,
                              const std::vector<std::string_view> &allowed)
{
    if (!value.is_object()) {
        addProblem(pointer, "must be an object, got " + describe(value));
        return false;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string &key = it.key();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
            continue;
        std::string message = "unknown key; ";
        if (const auto near = suggest(key, allowed))
            message += "did you mean " + quoteJson(*near) + "? ";
        if (allowed.empty())
            message += "this object takes no keys";
        else
            message += "allowed keys are " + joinList(allowed, ", ", false);
        addProblem(jsonPointerJoin(pointer, key), std::move(message));
    }
    return true;
}

bool JsonChecker::requireKey(const Json &object, const std::string &pointer, std::string_view key,
                             std::string message)
{
    if (object.is_object() && object.contains(std::string(key)))
        return true;
    addProblem(jsonPointerJoin(pointer, key), std::move(message));
    return false;
}

const Json *JsonChecker::member(const Json &object, const std::string &pointer,
                                std::string_view key, Presence presence, std::string_view expected)
{
    if (object.is_object()) {
        const auto it = object.find(std::string(key));
        if (it != object.end())
            return &*it;
    }
    if (presence == Presence::Required) {
        std::string message = "required key is missing; add it";
        if (!expected.empty())
            message += " as " + std::string(expected);
        addProblem(jsonPointerJoin(pointer, key), std::move(message));
    }
    return nullptr;
}

const Json *JsonChecker::objectMember(const Json &object, const std::string &pointer,
                                      std::string_view key,
                                      const std::vector<std::string_view> &allowed,
                                      Presence presence)
{
    const Json *value = member(object, pointer, key, presence, "an object");
    if (!value)
        return nullptr;
    return checkObject(*value, jsonPointerJoin(pointer, key), allowed) ? value : nullptr;
}

std::optional<std::string> JsonChecker::string(const Json &object, const std::string &pointer,
                                               std::string_view key, Presence presence,
                                               StringRule rule)
{
    const Json *value =
        member(object, pointer, key, presence, rule.allowEmpty ? "a string" : "a non-empty string");
    if (!value)
        return std::nullopt;
    const std::string at = jsonPointerJoin(pointer, key);
    if (!value->is_string()) {
        addProblem(at,
                   std::string(rule.allowEmpty ? "must be a string" : "must be a non-empty string")
                       + ", got " + describe(*value, rule.sensitive));
        return std::nullopt;
    }
    const auto &text = value->get_ref<const std::string &>();
    if (text.empty() && !rule.allowEmpty) {
        addProblem(at, "must be a non-empty string; give a value or remove the key");
        return std::nullopt;
    }
    if (rule.maxLength > 0 && text.size() > rule.maxLength) {
        addProblem(at,
                   "must be at most " + std::to_string(rule.maxLength) + " bytes long, got "
                       + std::to_string(text.size()) + " bytes");
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> JsonChecker::enumString(const Json &object, const std::string &pointer,
                                                   std::string_view key,
                                                   const std::vector<std::string_view> &allowed,
                                                   Presence presence)
{
    const std::string choices = joinList(allowed, " or ", true);
    const Json *value = member(object, pointer, key, presence, "one of " + choices);
    if (!value)
        return std::nullopt;
    if (value->is_string()) {
        const auto &text = value->get_ref<const std::string &>();
        if (std::find(allowed.begin(), allowed.end(), text) != allowed.end())
            return text;
    }
    std::string message = "must be one of " + choices + ", got " + describe(*value);
    if (value->is_string()) {
        if (const auto near = suggest(value->get_ref<const std::string &>(), allowed))
            message += "; did you mean " + quoteJson(*near) + "?";
    }
    addProblem(jsonPointerJoin(pointer, key), std::move(message));
    return std::nullopt;
}

std::optional<std::int64_t> JsonChecker::integer(const Json &object, const std::string &pointer,
                                                 std::string_view key, std::int64_t min,
                                                 std::int64_t max, Presence presence,
                                                 std::string_view unit)
{
    const std::string expected = rangeText(min, max, unit);
    const Json *value = member(object, pointer, key, presence, expected);
    if (!value)
        return std::nullopt;
    bool fits = false;
    std::int64_t number = 0;
    if (value->is_number_unsigned()) {
        const auto u = value->get<std::uint64_t>();
        fits = u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        number = fits ? static_cast<std::int64_t>(u) : 0;
    } else if (value->is_number_integer()) {
        fits = true;
        number = value->get<std::int64_t>();
    }
    if (fits && number >= min && number <= max)
        return number;
    addProblem(jsonPointerJoin(pointer, key), "must be " + expected + ", got " + describe(*value));
    return std::nullopt;
}

std::optional<bool> JsonChecker::boolean(const Json &object, const std::string &pointer,
                                         std::string_view key, Presence presence)
{
    const Json *value = member(object, pointer, key, presence, "true or false");
    if (!value)
        return std::nullopt;
    if (value->is_boolean())
        return value->get<bool>();
    addProblem(jsonPointerJoin(pointer, key), "must be true or false, got " + describe(*value));
    return std::nullopt;
}

std::optional<std::vector<std::string>> JsonChecker::stringArray(const Json &object,
                                                                 const std::string &pointer,
                                                                 std::string_view key,
                                                                 Presence presence, ArrayRule rule)
{
    const Json *value = member(object, pointer, key, presence, "an array of strings");
    if (!value)
        return std::nullopt;
    const std::string at = jsonPointerJoin(pointer, key);
    if (!value->is_array()) {
        addProblem(at, "must be an array of strings, got " + describe(*value));
        return std::nullopt;
    }
    bool good = true;
    if (value->size() < rule.minItems) {
        addProblem(at,
                   "must list at least " + std::to_string(rule.minItems)
                       + (rule.minItems == 1 ? " item" : " items") + ", got "
                       + std::to_string(value->size()));
        good = false;
    }
    if (rule.maxItems > 0 && value->size() > rule.maxItems) {
        addProblem(at,
                   "must list at most " + std::to_string(rule.maxItems)
                       + (rule.maxItems == 1 ? " item" : " items") + ", got "
                       + std::to_string(value->size()));
        good = false;
    }
    std::vector<std::string> items;
    items.reserve(value->size());
    for (std::size_t i = 0; i < value->size(); ++i) {
        const Json &item = (*value)[i];
        const std::string itemAt = jsonPointerJoin(at, i);
        if (!item.is_string()) {
            addProblem(itemAt, "must be a string, got " + describe(item));
            good = false;
            continue;
        }
        const auto &text = item.get_ref<const std::string &>();
        if (text.empty() && !rule.allowEmptyItems) {
            addProblem(itemAt, "must be a non-empty string; remove the empty entry");
            good = false;
            continue;
        }
        if (rule.uniqueItems) {
            const auto dup = std::find(items.begin(), items.end(), text);
            if (dup != items.end()) {
                // Name the first occurrence so the user sees which two entries collide.
                std::size_t first = 0;
                for (; first < i; ++first) {
                    if ((*value)[first].is_string()
                        && (*value)[first].get_ref<const std::string &>() == text)
                        break;
                }
                addProblem(itemAt,
                           "duplicates " + jsonPointerJoin(at, first) + " (" + describe(item)
                               + "); remove one of them");
                good = false;
                continue;
            }
        }
        items.push_back(text);
    }
    if (!good)
        return std::nullopt;
    return items;
}

void JsonChecker::addProblem(std::string pointer, std::string message)
{
    m_problems.push_back({ std::move(pointer), std::move(message) });
}

std::vector<JsonProblem> JsonChecker::problems() const
{
    std::vector<std::pair<std::vector<std::size_t>, std::size_t>> order;
    order.reserve(m_problems.size());
    for (std::size_t i = 0; i < m_problems.size(); ++i)
        order.emplace_back(documentPosition(m_problems[i].pointer), i);
    // Stable on ties, so two problems at one place keep the order they were found in.
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<JsonProblem> sorted;
    sorted.reserve(order.size());
    for (const auto &entry : order)
        sorted.push_back(m_problems[entry.second]);
    return sorted;
}

std::string JsonChecker::report() const
{
    std::string text;
    for (const JsonProblem &problem : problems()) {
        if (!text.empty())
            text += '\n';
        text += problem.toString();
    }
    return text;
}

std::vector<std::size_t> JsonChecker::documentPosition(const std::string &pointer) const
{
    std::vector<std::size_t> position;
    const Json *current = &m_root;
    for (const std::string &token : splitPointer(pointer)) {
        if (current && current->is_object()) {
            std::size_t index = 0;
            const Json *next = nullptr;
            for (auto it = current->begin(); it != current->end(); ++it, ++index) {
                if (it.key() == token) {
                    next = &*it;
                    break;
                }
            }
            position.push_back(index); // == size() when missing: after the present siblings
            current = next;
        } else if (current && current->is_array()) {
            std::size_t index = current->size();
            if (!token.empty() && token.find_first_not_of("0123456789") == std::string::npos
                && token.size() < 19)
                index = std::min<std::size_t>(std::stoull(token), current->size());
            position.push_back(index);
            current = index < current->size() ? &(*current)[index] : nullptr;
        } else {
            position.push_back(0);
            current = nullptr;
        }
    }
    return position;
}

std::string JsonChecker::describe(const Json &value, bool sensitive)
{
    if (sensitive || value.is_object() || value.is_array())
        return typeName(value);
    if (!value.is_string())
        return value.dump(-1, ' ', false, Json::error_handler_t::replace);
    const auto &text = value.get_ref<const std::string &>();
    if (text.size() <= kQuoteLimit)
        return quoteJson(text);
    std::size_t cut = kQuoteLimit;
    // Do not split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    std::string shown = quoteJson(std::string_view(text).substr(0, cut));
    shown.insert(shown.size() - 1, "...");
    return shown;
}

std::string JsonChecker::joinList(const std::vector<std::string_view> &items,
                                  std::string_view lastSeparator, bool quote)
{
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            text += (i + 1 == items.size()) ? std::string(lastSeparator) : std::string(", ");
        text += quote ? quoteJson(items[i]) : std::string(items[i]);
    }
    return text;
}

std::size_t JsonChecker::editDistance(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({ d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost });
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2])
                && lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::optional<std::string> JsonChecker::suggest(std::string_view word,
                                                const std::vector<std::string_view> &candidates)
{
    // A third of the word's length, at least 1 and at most 3: "pasword" finds "password"
    // through the distance, "paswd" only through the abbreviation rule below.
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (std::string_view candidate : candidates) {
        const std::size_t distance = editDistance(word, candidate);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = std::string(candidate);
        }
    }
    if (best && bestDistance <= limit)
        return best;
    // Abbreviations: every character of the word appears in order in one candidate that
    // starts with the same letter and is at most twice as long ("paswd" → "password"), or
    // a plain prefix ("prod" → "production").
    if (word.size() >= 3) {
        for (std::string_view candidate : candidates) {
            if (candidate.empty() || lower(candidate[0]) != lower(word[0]))
                continue;
            std::size_t j = 0;
            for (std::size_t i = 0; i < candidate.size() && j < word.size(); ++i) {
                if (lower(candidate[i]) == lower(word[j]))
                    ++j;
            }
            const bool prefix =
                j == word.size() && editDistance(candidate.substr(0, word.size()), word) == 0;
            if (j == word.size() && (prefix || candidate.size() <= word.size() * 2))
                return std::string(candidate);
        }
    }
    return std::nullopt;
}

} // namespace warden
