#pragma once

#include "common/Error.h"
#include "common/Json.h"
#include "policy/Principal.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

// Why a request was refused before it ran: a missing scope or a rate or concurrency limit.
// Transports render it their way (HTTP: 403 insufficient_scope or 429 with Retry-After;
// stdio: a tool error or a JSON-RPC error carrying the code).
struct CallRefusal
{
    ErrorCode code = ErrorCode::RateLimited; // RateLimited, InsufficientScope or BudgetExceeded
    std::string message;                     // safe for the caller; says what to do
    std::vector<std::string> hints;
    std::string scope;                       // InsufficientScope: the scope to ask for
    std::chrono::milliseconds retryAfter { 0 };
    Json details = Json::object();           // for the error's details and the audit record

    // A refusal saying what `error` says (stable code, message, hints, details).
    static CallRefusal fromError(const Error &error, std::chrono::milliseconds retryAfter = {})
    {
        CallRefusal r;
        r.code = error.code;
        r.message = error.message;
        r.hints = error.hints;
        r.details = error.details;
        r.retryAfter = retryAfter;
        return r;
    }

    // Seconds for HTTP's Retry-After: rounded up, at least 1.
    long long retryAfterSeconds() const { return std::max<long long>(1, (retryAfter.count() + 999) / 1000); }
};

// Decides, before a request is dispatched, whether this principal may make it now. Owned by
// the server; called on the main thread for every request after initialize.
class CallGate
{
public:
    struct Admission
    {
        std::optional<CallRefusal> refusal;
        // Held until the request finishes (a concurrency slot); may be null.
        std::shared_ptr<void> ticket;
    };

    virtual ~CallGate() = default;
    // `tool` is the tool's name for tools/call, empty otherwise.
    virtual Admission admit(const Principal &principal, const std::string &method, const std::string &tool) = 0;
};

} // namespace warden
