#pragma once

#include <string>

namespace warden {

struct ColumnView;
struct TableView;

// A link from one table to another that nested includes may follow: derived from a foreign
// key (in both directions) or declared in the policy (docs/policy.md "Relations").
struct Relation
{
    enum class Kind { ManyToOne, OneToMany };

    std::string name; // the key the related rows appear under
    Kind kind = Kind::ManyToOne;
    std::string table; // where the relation starts
    std::string column; // the link column on `table`
    std::string target;
    std::string targetColumn; // the link column on `target`
    bool declared = false; // from the policy rather than a foreign key

    static const char *kindName(Kind kind)
    {
        return kind == Kind::ManyToOne ? "many_to_one" : "one_to_many";
    }
};

// A relation as one caller may follow it: both tables visible to it, both link columns
// visible and filterable (joining through a hidden column would make it an oracle).
struct RelationView
{
    const Relation *relation = nullptr;
    const TableView *source = nullptr;
    const TableView *target = nullptr;
    const ColumnView *column = nullptr; // on source
    const ColumnView *targetColumn = nullptr; // on target

    const std::string &name() const { return relation->name; }
    Relation::Kind kind() const { return relation->kind; }
};

} // namespace warden
