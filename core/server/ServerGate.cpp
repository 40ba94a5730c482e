#include "ServerGate.h"

#include "PolicyStore.h"
#include "limits/AdmissionControl.h"
#include "limits/UsageMeter.h"
#include "policy/Policy.h"

#include <algorithm>

namespace warden {

ServerGate::ServerGate(const PolicyStore &policies, limits::AdmissionControl &admission, limits::UsageMeter &usage)
    : m_policies(policies)
    , m_admission(admission)
    , m_usage(usage)
{
}

CallGate::Admission ServerGate::admit(const Principal &principal, const std::string &method, const std::string &tool)
{
    Admission admission;
    const bool toolCall = method == "tools/call";
    if (toolCall) {
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
    limits::Admission admitted = m_admission.admit(principal, method, tool);
    if (!admitted) {
        const limits::Rejection &r = admitted.rejection();
        admission.refusal = CallRefusal::fromError(r.toError(), r.retryAfter);
        return admission;
    }
    if (toolCall) {
        // The slot is given back when `admitted` goes: nothing ran.
        if (auto over = m_usage.checkBudget(principal)) {
            admission.refusal = CallRefusal::fromError(over->toError(), over->retryAfter);
            return admission;
        }
    }
    admission.ticket = std::make_shared<limits::ConcurrencyGate::Ticket>(admitted.takeTicket());
    return admission;
}

} // namespace warden
