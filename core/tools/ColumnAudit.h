#pragma once

#include "ToolServices.h"
#include "common/Json.h"
#include "policy/Principal.h"

#include <string>

namespace warden {

// For the database tools' Tool::auditsInClear(): a value compared with `field` of the call's
// table may stay readable in the audit trail only if the caller reads that column in clear
// (allowed, neither masked nor hashed). A column of an included relation, an unknown table or
// column, or no policy: not in clear.
bool columnReadInClear(const ToolServices &services, const Json &arguments, const Principal &principal,
                       const std::string &field);

} // namespace warden
