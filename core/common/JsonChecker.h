#pragma once

#include "Json.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Options for JsonChecker::string() (outside the class so they can be default arguments).
struct JsonStringRule
{
    bool allowEmpty = false;
    bool sensitive = false; // never quote the value in a message
    std::size_t maxLength = 0; // in bytes; 0: no limit
};

// Options for JsonChecker::stringArray().
struct JsonArrayRule
{
    std::size_t minItems = 0;
    std::size_t maxItems = 0; // 0: no limit
    bool uniqueItems = true;
    bool allowEmptyItems = false;
};

// One thing wrong in a checked document: where (an RFC 6901 pointer, "" for the whole
// document) and one sentence that says what is wrong and what to do about it.
struct JsonProblem
{
    std::string pointer;
    std::string message;

    // "pointer: message"; the whole document shows as "(root)".
    std::string toString() const;
    bool operator==(const JsonProblem &) const = default;
};

// Walks a JSON document a caller describes key by key (configuration file, policy
// document, ...) and collects every problem instead of stopping at the first, so a user
// fixes a file in one pass. Problems come back sorted in document order whatever order
// the checks ran in. Messages quote offending values (shortened) unless the value is
// marked sensitive, so a misplaced password never lands in a log.
//
// The member helpers share one shape: (object, pointer of that object, key, ...). They
// return the value when it is present and valid, std::nullopt when it is absent or wrong
// (and record a problem when it is wrong, or absent but required). A caller that gets
// std::nullopt keeps its default.
class JsonChecker
{
public:
    enum class Presence { Optional, Required };

    using StringRule = JsonStringRule;
    using ArrayRule = JsonArrayRule;

    explicit JsonChecker(const Json &root);
    // The checker keeps a reference to the document: a temporary would dangle.
    explicit JsonChecker(Json &&) = delete;

    const Json &root() const { return m_root; }

    // --- whole values (the value itself, at `pointer`) ---

    // `value` must be an object whose keys are all in `allowed`; every other key is a
    // problem that lists the allowed keys and suggests the nearest one. Returns false
    // (and records a problem) when `value` is not an object.
    bool checkObject(const Json &value, const std::string &pointer,
                     const std::vector<std::string_view> &allowed);

    // --- members of an object ---

    // Records "required" for a missing key with a caller-supplied reason, e.g.
    // requireKey(db, "/database", "dbname", "required when driver is \"postgres\"; ...").
    // Returns whether the key is present.
    bool requireKey(const Json &object, const std::string &pointer, std::string_view key,
                    std::string message);

    // Returns the member or nullptr; records a problem only when it is required and absent.
    const Json *member(const Json &object, const std::string &pointer, std::string_view key,
                       Presence presence = Presence::Optional, std::string_view expected = {});

    // A member that must be an object with only `allowed` keys. nullptr when absent or wrong.
    const Json *objectMember(const Json &object, const std::string &pointer, std::string_view key,
                             const std::vector<std::string_view> &allowed,
                             Presence presence = Presence::Optional);

    std::optional<std::string> string(const Json &object, const std::string &pointer,
                                      std::string_view key, Presence presence = Presence::Optional,
                                      StringRule rule = {});

    std::optional<std::string> enumString(const Json &object, const std::string &pointer,
                                          std::string_view key,
                                          const std::vector<std::string_view> &allowed,
                                          Presence presence = Presence::Optional);

    // An integer (not a float, not a numeric string) from min to max inclusive. `unit`,
    // when given, is named in the message ("milliseconds", "bytes").
    std::optional<std::int64_t> integer(const Json &object, const std::string &pointer,
                                        std::string_view key, std::int64_t min, std::int64_t max,
                                        Presence presence = Presence::Optional,
                                        std::string_view unit = {});

    std::optional<bool> boolean(const Json &object, const std::string &pointer,
                                std::string_view key, Presence presence = Presence::Optional);

    std::optional<std::vector<std::string>>
    stringArray(const Json &object, const std::string &pointer, std::string_view key,
                Presence presence = Presence::Optional, ArrayRule rule = {});

    // --- problems ---

    // Any other finding. `message` should say what is wrong and what to do.
    void addProblem(std::string pointer, std::string message);

    bool ok() const { return m_problems.empty(); }
    // Sorted in document order; a missing key sorts after its present siblings.
    std::vector<JsonProblem> problems() const;
    // problems() as text, one "pointer: message" per line, no trailing newline.
    std::string report() const;

    // --- building blocks, public because other validators want the same wording ---

    // "an object", "an array", "true", "5", "\"abc\"" (strings shortened to ~40 bytes).
    static std::string describe(const Json &value, bool sensitive = false);
    // "a", "a and b", "a, b and c" or with quotes: "\"a\", \"b\" or \"c\"".
    static std::string joinList(const std::vector<std::string_view> &items,
                                std::string_view lastSeparator, bool quote);
    // Optimal string alignment distance (Levenshtein plus adjacent transpositions),
    // ASCII case-insensitive.
    static std::size_t editDistance(std::string_view a, std::string_view b);
    // The candidate nearest to `word` when it is close enough to be a likely typo.
    static std::optional<std::string> suggest(std::string_view word,
                                              const std::vector<std::string_view> &candidates);

private:
    std::vector<std::size_t> documentPosition(const std::string &pointer) const;

    const Json &m_root;
    std::vector<JsonProblem> m_problems;
};

} // namespace warden
