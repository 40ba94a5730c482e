#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace warden::limits {

// Caps calls in flight: per principal and over the whole server. A successful acquire()
// hands out a Ticket that holds one slot of each until it is destroyed (or release()d),
// on whatever thread that happens. Memory holds one entry per principal with calls in
// flight; an entry goes when its count returns to zero. A gate may die before its tickets:
// they share its state.
class ConcurrencyGate
{
public:
    struct Limits
    {
        int perPrincipal = 0; // 0: unlimited
        int global = 0; // 0: unlimited
    };

    enum class Refusal { None, Principal, Global };

    class Ticket
    {
    public:
        Ticket() = default;
        ~Ticket() { release(); }
        Ticket(Ticket &&other) noexcept;
        Ticket &operator=(Ticket &&other) noexcept;
        Ticket(const Ticket &) = delete;
        Ticket &operator=(const Ticket &) = delete;

        bool isValid() const { return m_state != nullptr; }
        explicit operator bool() const { return isValid(); }
        // Gives the slots back now; later calls do nothing.
        void release();

    private:
        friend class ConcurrencyGate;
        struct State;
        Ticket(std::shared_ptr<State> state, std::string key);

        std::shared_ptr<State> m_state;
        std::string m_key;
    };

    struct Admission
    {
        Ticket ticket; // valid when admitted
        Refusal refusal = Refusal::None;
        explicit operator bool() const { return ticket.isValid(); }
    };

    explicit ConcurrencyGate(Limits limits);
    ~ConcurrencyGate();
    ConcurrencyGate(const ConcurrencyGate &) = delete;
    ConcurrencyGate &operator=(const ConcurrencyGate &) = delete;

    // Takes a slot for `principalKey`, or says which cap refused (the global one first).
    Admission acquire(std::string_view principalKey);

    Limits limits() const;
    int inFlight() const;
    int inFlight(std::string_view principalKey) const;
    std::size_t trackedPrincipals() const;

private:
    std::shared_ptr<Ticket::State> m_state;
};

} // namespace warden::limits
