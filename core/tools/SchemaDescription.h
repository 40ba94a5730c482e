#pragma once

#include "common/Json.h"
#include "policy/Policy.h"

#include <optional>
#include <string>

namespace warden {

// The schema as one caller may see it: visible tables and columns (masked and hashed ones
// marked as such, denied ones absent), relations between visible tables, row scopes and
// budgets. Shared by db_describe_schema and the warden://schema resources.
class SchemaDescription
{
public:
    static Json describeTable(const Policy &policy, const TableView &table, const Principal &principal);
    static Json describe(const Policy &policy, const Principal &principal);
    // JSON Schema of describe()'s result (the tool's outputSchema).
    static Json outputSchema();
};

} // namespace warden
