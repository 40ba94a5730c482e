#include "ServerGate.h"

#include "PolicyStore.h"
#include "policy/Policy.h"

#include <algorithm>

namespace warden {

ServerGate::ServerGate(const PolicyStore &policies) : m_policies(policies) {}

CallGate::Admission ServerGate::admit(const Principal &principal, const std::string &method, const std::string &tool)
{
    Admission admission;
    if (method == "tools/call") {
        const auto policy = m_policies.current();
        const std::string *scope = policy ? policy->requiredScope(tool) : nullptr;
        if (scope && std::find(principal.scopes.begin(), principal.scopes.end(), *scope) == principal.scopes.end()) {
            CallRefusal refusal;
            refusal.code = ErrorCode::InsufficientScope;
            refusal.scope = *scope;
            refusal.message = "calling " + tool + " needs the scope \"" + *scope
                + "\"; use a token or API key that carries it";
            refusal.details = Json{{"scope", *scope}, {"tool", tool}};
            admission.refusal = std::move(refusal);
            return admission;
        }
    }
    return admission;
}

} // namespace warden
