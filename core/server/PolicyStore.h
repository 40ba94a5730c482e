#pragma once

#include "policy/Policy.h"

#include <memory>
#include <mutex>

namespace warden {

// The policy in force. Calls take a snapshot (shared_ptr) when they start and keep it to the
// end, so a reload never changes the rules under a running call. Thread-safe.
class PolicyStore
{
public:
    explicit PolicyStore(std::shared_ptr<const Policy> policy) : m_policy(std::move(policy)) {}

    std::shared_ptr<const Policy> current() const
    {
        std::lock_guard lock(m_mutex);
        return m_policy;
    }

    void replace(std::shared_ptr<const Policy> policy)
    {
        std::lock_guard lock(m_mutex);
        m_policy = std::move(policy);
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const Policy> m_policy;
};

} // namespace warden
