#pragma once

#include "Json.h"

#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Stable error codes a caller can act on (DESIGN.md, "Errors"). Their spelling is a public
// contract: grow the list, never rename an entry.
enum class ErrorCode {
    ModelNotAllowed,
    FieldNotAllowed,
    RelationNotAllowed,
    InvalidArgument,
    InvalidCursor,
    TenantScopeRequired,
    BudgetExceeded,
    RateLimited,
    InsufficientScope,
    QueryTimeout,
    QueryRejected,
    WriteDisabled,
    ReasonRequired,
    ApprovalRequired,
    AuditUnavailable,
    NotFound,
    Cancelled,
    Unavailable,
    Internal,
    // Configuration and command-line problems (never sent to an agent).
    ConfigInvalid,
    IoError,
};

std::string_view errorCodeName(ErrorCode code);

// A failure with a stable code, a sentence that says what to fix, optional hints and
// structured details. Never carries database error text or secrets.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    std::vector<std::string> hints;
    Json details = Json::object();

    Error() = default;
    Error(ErrorCode c, std::string msg, std::vector<std::string> h = {}, Json d = Json::object())
        : code(c), message(std::move(msg)), hints(std::move(h)), details(std::move(d))
    {
    }

    // {code, message, hints, details}: the shape agents receive in structuredContent.error.
    Json toJson() const;
};

} // namespace warden
