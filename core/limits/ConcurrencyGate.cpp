#include "ConcurrencyGate.h"

#include <mutex>
#include <unordered_map>

namespace warden::limits {

struct ConcurrencyGate::Ticket::State
{
    explicit State(Limits l)
        : limits(l)
    {
    }

    const Limits limits;
    mutable std::mutex mutex;
    int total = 0; // guarded by mutex
    std::unordered_map<std::string, int> perPrincipal; // guarded by mutex; no zero entries

    void release(const std::string &key)
    {
        std::lock_guard lock(mutex);
        --total;
        const auto it = perPrincipal.find(key);
        if (it != perPrincipal.end() && --it->second <= 0)
            perPrincipal.erase(it);
    }
};

ConcurrencyGate::Ticket::Ticket(std::shared_ptr<State> state, std::string key)
    : m_state(std::move(state))
    , m_key(std::move(key))
{
}

ConcurrencyGate::Ticket::Ticket(Ticket &&other) noexcept
    : m_state(std::move(other.m_state))
    , m_key(std::move(other.m_key))
{
    other.m_state.reset();
}

ConcurrencyGate::Ticket &ConcurrencyGate::Ticket::operator=(Ticket &&other) noexcept
{
    if (this != &other) {
        release();
        m_state = std::move(other.m_state);
        m_key = std::move(other.m_key);
        other.m_state.reset();
    }
    return *this;
}

void ConcurrencyGate::Ticket::release()
{
    if (!m_state)
        return;
    m_state->release(m_key);
    m_state.reset();
}

ConcurrencyGate::ConcurrencyGate(Limits limits)
    : m_state(std::make_shared<Ticket::State>(limits))
{
}

ConcurrencyGate::~ConcurrencyGate() = default;

ConcurrencyGate::Admission ConcurrencyGate::acquire(std::string_view principalKey)
{
    Ticket::State &s = *m_state;
    std::string key(principalKey);
    {
        std::lock_guard lock(s.mutex);
        if (s.limits.global > 0 && s.total >= s.limits.global)
            return { {}, Refusal::Global };
        const auto it = s.perPrincipal.find(key);
        const int mine = it == s.perPrincipal.end() ? 0 : it->second;
        if (s.limits.perPrincipal > 0 && mine >= s.limits.perPrincipal)
            return { {}, Refusal::Principal };
        ++s.total;
        if (it == s.perPrincipal.end())
            s.perPrincipal.emplace(key, 1);
        else
            ++it->second;
    }
    return { Ticket(m_state, std::move(key)), Refusal::None };
}

ConcurrencyGate::Limits ConcurrencyGate::limits() const
{
    return m_state->limits;
}

int ConcurrencyGate::inFlight() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->total;
}

int ConcurrencyGate::inFlight(std::string_view principalKey) const
{
    std::lock_guard lock(m_state->mutex);
    const auto it = m_state->perPrincipal.find(std::string(principalKey));
    return it == m_state->perPrincipal.end() ? 0 : it->second;
}

std::size_t ConcurrencyGate::trackedPrincipals() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->perPrincipal.size();
}

} // namespace warden::limits
