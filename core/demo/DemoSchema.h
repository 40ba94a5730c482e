#pragma once

#include <string_view>
#include <vector>

namespace warden {

// The demo shop's DDL for both engines. The tables, columns, keys and index names are the
// same in SQLite and PostgreSQL; only the type names differ (DATE/DATETIME in SQLite, date and
// timestamptz in PostgreSQL). Foreign keys are single-column so schema introspection reports
// them as plain relations; tenant consistency across them is the generator's job.
class DemoSchema
{
public:
    // CREATE TABLE statements with primary keys, foreign keys and constraints.
    static const std::vector<std::string_view> &sqliteTables();

    // CREATE TABLE statements without foreign keys: PostgreSQL checks those faster in bulk
    // after COPY (postgresForeignKeys), one join per key instead of one trigger per row.
    static const std::vector<std::string_view> &postgresTables();
    static const std::vector<std::string_view> &postgresForeignKeys();

    // CREATE INDEX statements, valid in both engines; run after loading.
    static const std::vector<std::string_view> &indexes();
};

} // namespace warden
