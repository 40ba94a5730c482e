#pragma once

#include "Relation.h"
#include "common/Json.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace warden {

class JsonChecker;
struct TableView;

// Computes every table's relations when a policy loads. First from single-column foreign
// keys, in both directions, between tables the policy lists: many_to_one named after the
// key column without "_id" (orders.customer_id → "customer"; a column without "_id" gives the
// target table's name), one_to_many named after the child table (customers → "orders"). A
// name two relations want, or that a visible column has, falls back to a longer one:
// "<name>_<target>" for many_to_one, "<child>_by_<column without _id>" for one_to_many. Then the
// policy's `tables.<t>.relations` switch derived relations off ({"allow": false}) or declare new
// ones, checked against the schema with a JSON pointer per problem. Which relations a caller may
// follow is decided per call (Policy::relations): both tables visible, both link columns visible
// and filterable.
class RelationBuilder
{
public:
    // `tablesDocument` is the policy's /tables object, `tables` the tables compiled from it.
    static std::map<std::string, std::vector<Relation>>
    build(JsonChecker &checker, const Json &tablesDocument, const std::vector<TableView> &tables);

    // A letter or underscore, then letters, digits or underscores; at most 63 bytes.
    static bool isSafeName(const std::string &name);

    // A relation derived from a foreign key, with the name it would like and the one it takes
    // when that is contested. The editor names them as a load does, so it uses these too.
    struct Candidate
    {
        Relation relation;
        std::string preferred;
        std::string fallback;
    };
    // The two relations of the single-column foreign key table.column → parent.parentColumn.
    static Candidate manyToOne(const std::string &table, const std::string &column,
                               const std::string &parent, const std::string &parentColumn);
    static Candidate oneToMany(const std::string &table, const std::string &column,
                               const std::string &parent, const std::string &parentColumn);
    // Names the derived relations of one table; `isColumn` says whether a name is a visible
    // column of it.
    static std::vector<Relation>
    nameDerived(std::vector<Candidate> candidates,
                const std::function<bool(const std::string &)> &isColumn);
};

} // namespace warden
