#pragma once

#include "protocol/CallGate.h"

#include <functional>

namespace warden {

class PolicyStore;

// The server's admission rules before a request is dispatched: the scope the policy asks of
// a tool (policy `scopes`), then the rate and concurrency limits (core/limits).
class ServerGate : public CallGate
{
public:
    explicit ServerGate(const PolicyStore &policies);

    Admission admit(const Principal &principal, const std::string &method, const std::string &tool) override;

private:
    const PolicyStore &m_policies;
};

} // namespace warden
