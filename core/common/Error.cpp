#include "Error.h"

namespace warden {

std::string_view errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::ModelNotAllowed: return "MODEL_NOT_ALLOWED";
    case ErrorCode::FieldNotAllowed: return "FIELD_NOT_ALLOWED";
    case ErrorCode::RelationNotAllowed: return "RELATION_NOT_ALLOWED";
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::InvalidCursor: return "INVALID_CURSOR";
    case ErrorCode::TenantScopeRequired: return "TENANT_SCOPE_REQUIRED";
    case ErrorCode::BudgetExceeded: return "BUDGET_EXCEEDED";
    case ErrorCode::RateLimited: return "RATE_LIMITED";
    case ErrorCode::InsufficientScope: return "INSUFFICIENT_SCOPE";
    case ErrorCode::QueryTimeout: return "QUERY_TIMEOUT";
    case ErrorCode::QueryRejected: return "QUERY_REJECTED";
    case ErrorCode::WriteDisabled: return "WRITE_DISABLED";
    case ErrorCode::ReasonRequired: return "REASON_REQUIRED";
    case ErrorCode::ApprovalRequired: return "APPROVAL_REQUIRED";
    case ErrorCode::AuditUnavailable: return "AUDIT_UNAVAILABLE";
    case ErrorCode::NotFound: return "NOT_FOUND";
    case ErrorCode::Cancelled: return "CANCELLED";
    case ErrorCode::Unavailable: return "UNAVAILABLE";
    case ErrorCode::Internal: return "INTERNAL";
    case ErrorCode::ConfigInvalid: return "CONFIG_INVALID";
    case ErrorCode::IoError: return "IO_ERROR";
    }
    return "INTERNAL";
}

Json Error::toJson() const
{
    Json j = Json::object();
    j["code"] = std::string(errorCodeName(code));
    j["message"] = message;
    j["hints"] = hints;
    j["details"] = details.is_object() ? details : Json::object();
    return j;
}

} // namespace warden
