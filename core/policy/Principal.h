#pragma once

#include <string>
#include <vector>

namespace warden {

// Who a call runs as. Comes from the transport's authentication (or the configured local
// user over stdio), never from tool arguments or _meta.
struct Principal
{
    std::string userId;
    std::string tenantId;            // empty: no tenant (tenant-scoped tables then refuse)
    std::vector<std::string> roles;
    std::vector<std::string> scopes;
    std::string authMethod;          // "local", "oauth", "api-key", "anonymous-dev", "impersonated"
    // The console user (OS user name) acting as this principal from the query tester; empty
    // for every real caller. Audit records name both (docs/audit.md, "impersonated_by").
    std::string impersonatedBy;

    bool hasRole(const std::string &role) const
    {
        for (const auto &r : roles)
            if (r == role)
                return true;
        return false;
    }
};

} // namespace warden
