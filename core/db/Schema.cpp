#include "Schema.h"

namespace warden::db {

const ColumnInfo *TableInfo::column(const std::string &n) const
{
    for (const auto &c : columns)
        if (c.name == n)
            return &c;
    return nullptr;
}

bool TableInfo::hasIndexLeadingWith(const std::string &c) const
{
    if (!primaryKey.empty() && primaryKey.front() == c)
        return true;
    for (const auto &idx : indexes)
        if (!idx.empty() && idx.front() == c)
            return true;
    return false;
}

const TableInfo *Schema::table(const std::string &n) const
{
    for (const auto &t : tables)
        if (t.name == n)
            return &t;
    return nullptr;
}

} // namespace warden::db
