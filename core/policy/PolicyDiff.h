#pragma once

#include "common/Json.h"

#include <string>
#include <vector>

namespace warden {

// One difference between two policy documents, at the JSON pointer where it happens.
struct PolicyChange
{
    enum class Kind { Added, Removed, Changed };

    Kind kind = Kind::Changed;
    std::string pointer; // RFC 6901; into the new document, or the old one for a removal
    Json before;         // null when added
    Json after;          // null when removed
    std::string text;    // what changed, e.g. "mask(email) [pii] → allow" or "table added"

    // {kind: added|removed|changed, pointer, before?, after?, text}
    Json toJson() const;
    // "~ /tables/customers/columns/email: mask(email) → allow" (+ added, - removed, ~ changed)
    std::string toString() const;
};

// Compares two policy documents by meaning, not by text, so a reviewer sees what a new
// version changes for agents: key order and formatting do not count, a table or a column
// rule is one change however many of its keys differ, budget keys and row scopes are
// compared one by one, and `column_rules` are matched by their glob (first match wins, so a
// reordering is reported too). Works on documents alone: two versions can be compared
// without the database they govern, and keys it has no special rule for are compared
// generically.
class PolicyDiff
{
public:
    // Changes in document order; empty when the documents mean the same.
    static std::vector<PolicyChange> compare(const Json &before, const Json &after);
    // One line per change, or "no changes".
    static std::string render(const std::vector<PolicyChange> &changes);
    static Json toJson(const std::vector<PolicyChange> &changes);
};

} // namespace warden
