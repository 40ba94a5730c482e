#pragma once

#include "db/Schema.h"

#include <string>
#include <vector>

namespace warden::test {

// Schema pieces as introspection would report them, for tests that need no database.
inline db::ColumnInfo column(std::string name, std::string type, bool primaryKey = false)
{
    db::ColumnInfo c;
    c.name = std::move(name);
    c.type = type;
    c.declaredType = std::move(type);
    c.primaryKey = primaryKey;
    c.nullable = !primaryKey;
    return c;
}

inline db::TableInfo table(std::string name, std::vector<db::ColumnInfo> columns)
{
    db::TableInfo t;
    t.name = std::move(name);
    t.columns = std::move(columns);
    for (const auto &c : t.columns)
        if (c.primaryKey)
            t.primaryKey.push_back(c.name);
    return t;
}

} // namespace warden::test
