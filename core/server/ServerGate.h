#pragma once

#include "protocol/CallGate.h"

#include <functional>

namespace warden {

class PolicyStore;
namespace limits {
class AdmissionControl;
class UsageMeter;
}

// The server's admission rules before a request is dispatched, in this order: the scope the
// policy asks of a tool (policy `scopes`), the rate and concurrency limits, then, for tool
// calls, the usage budgets that need no estimate (calls, rows; cost is checked again with
// the call's estimate once it is compiled, in the tool).
class ServerGate : public CallGate
{
public:
    ServerGate(const PolicyStore &policies, limits::AdmissionControl &admission, limits::UsageMeter &usage);

    Admission admit(const Principal &principal, const std::string &method, const std::string &tool) override;

private:
    const PolicyStore &m_policies;
    limits::AdmissionControl &m_admission;
    limits::UsageMeter &m_usage;
};

} // namespace warden
