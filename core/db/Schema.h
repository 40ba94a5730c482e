#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace warden::db {

// What introspection found in the target database. Policy decides what of it a caller sees.
struct ColumnInfo
{
    std::string name;
    std::string type;          // normalised: integer, real, numeric, text, boolean, date, datetime, blob, json
    std::string declaredType;  // as the database spells it
    bool nullable = true;
    bool primaryKey = false;
};

struct ForeignKey
{
    std::string column;
    std::string refTable;
    std::string refColumn;
    std::string constraint;    // groups the columns of a composite key (one entry per column)
};

struct TableInfo
{
    std::string name;
    std::vector<ColumnInfo> columns;
    std::vector<std::string> primaryKey;
    std::vector<ForeignKey> foreignKeys;
    std::vector<std::vector<std::string>> indexes; // leading columns of each index
    std::int64_t estimatedRows = 0;  // 0 when unknown (views, never analysed tables)
    bool view = false;               // a view (or materialised view): never written to

    const ColumnInfo *column(const std::string &name) const;
    bool hasIndexLeadingWith(const std::string &column) const;
};

struct Schema
{
    std::vector<TableInfo> tables;
    // SQLite: the numbers of sqlite_stat1 per index ("rows, avg rows per value of the first
    // column, of the first two, ..."), as introspection found them; empty without ANALYZE and
    // on PostgreSQL. The cost estimator reads them, so that a call does not.
    std::map<std::string, std::vector<std::int64_t>, std::less<>> indexStats;
    const TableInfo *table(const std::string &name) const;
};

} // namespace warden::db
