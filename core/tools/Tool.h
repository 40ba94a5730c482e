#pragma once

#include "common/Error.h"
#include "common/Json.h"
#include "policy/Principal.h"

#include <memory>
#include <string>

namespace warden {

class RequestContext;

// One agent-facing tool. `definition()` is its MCP Tool object (name, title, description,
// inputSchema, outputSchema, annotations). `call()` runs on the session thread, must not
// block, and must end the request with exactly one RequestContext::respond*() — possibly
// later, from a worker thread.
class Tool
{
public:
    virtual ~Tool() = default;
    virtual std::string name() const = 0;
    virtual Json definition() const = 0;
    virtual void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) = 0;
    // Whether values this call compares with `field` may stay readable in the audit trail:
    // only for a column the caller reads in clear. Everything else is stored as a keyed HMAC.
    virtual bool auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const
    {
        (void)arguments;
        (void)principal;
        (void)field;
        return false;
    }
};

namespace toolschema {

// The `{error: {code, message, hints, details}}` shape every tool may return with isError.
Json errorEnvelope();
// Wraps a success schema so structuredContent validates for results and errors alike
// (clients validate structuredContent against outputSchema even when isError is set).
Json outputSchema(Json successSchema);
// The annotations every read-only tool declares (readOnly, idempotent, closed world).
Json readOnlyAnnotations();
// The CallToolResult for a success and for an Error.
Json successResult(const Json &structured, std::string text = {});
Json errorResult(const Error &error);

} // namespace toolschema
} // namespace warden
