#pragma once

#include "ConcurrencyGate.h"
#include "Gcra.h"
#include "LimitsConfig.h"
#include "common/Error.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace warden {
struct Principal;
}

namespace warden::limits {

class UsageMeter;

// Why a call was not admitted. `which` names the limit: "principal", "tenant",
// "tool:<name>", "concurrency" (this principal's calls in flight) or "global_concurrency".
// The message is an English sentence for the caller; it never names another principal.
struct Rejection
{
    std::string code = "RATE_LIMITED";
    std::string which;
    std::chrono::milliseconds retryAfter { 0 };
    std::string message;

    // Whole seconds for an HTTP Retry-After header (rounded up, at least 1).
    std::int64_t retryAfterSeconds() const;
    // RATE_LIMITED with details {limit: which, retry_after_ms}: the stdio tool error.
    Error toError() const;
};

// One call's admission: either a ticket that holds its concurrency slots until the call ends
// (destroy it then, on any thread), or a rejection.
class Admission
{
public:
    Admission(ConcurrencyGate::Ticket ticket)
        : m_ticket(std::move(ticket))
    {
    }
    Admission(Rejection rejection)
        : m_rejection(std::move(rejection))
    {
    }

    bool ok() const { return !m_rejection.has_value(); }
    explicit operator bool() const { return ok(); }
    ConcurrencyGate::Ticket &ticket() { return m_ticket; }
    ConcurrencyGate::Ticket takeTicket() { return std::move(m_ticket); }
    const Rejection &rejection() const { return *m_rejection; }

private:
    ConcurrencyGate::Ticket m_ticket;
    std::optional<Rejection> m_rejection;
};

// The abuse limits in front of every call (docs/limits.md), checked in this order:
//   1. the global in-flight cap, 2. the principal's in-flight cap,
//   3. the principal's rate, 4. its tenant's rate (skipped without a tenant),
//   5. the tool's rate for this principal (tools listed in the configuration only).
// The caps come first because a slot that is not used is simply given back (the ticket is
// dropped). A rate refusal takes back the rate admissions of the earlier rate checks of the
// same call (Gcra::refund), so a call refused by its tenant or tool limit costs the principal
// nothing. Keys: principalSubject() (auth method, user and tenant), the tenant id, and the
// tool name with the principal key; one principal's flood only fills its own keys (and its
// tenant's, by design).
//
// Rate limits answer with the exact GCRA wait. The caps cannot know when a slot frees: they
// answer with a fixed 1 s hint.
//
// No timers and no threads; time comes from the injected monotonic clock. Thread-safe.
// Rejections are counted per `which` and, when a UsageMeter is attached, recorded as
// rate_limited usage for the charts.
class AdmissionControl
{
public:
    using Clock = std::function<Gcra::Clock::time_point()>;
    static constexpr std::chrono::milliseconds concurrencyRetryAfter { 1000 };

    // `clock` defaults to std::chrono::steady_clock; `meter`, when given, must outlive this.
    explicit AdmissionControl(const LimitsConfig &config, Clock clock = {},
                              UsageMeter *meter = nullptr);

    // `method` is the JSON-RPC method ("tools/call"), `tool` the tool name or empty.
    Admission admit(const Principal &principal, std::string_view method, std::string_view tool);

    struct Counters
    {
        std::uint64_t admitted = 0;
        std::uint64_t principal = 0;
        std::uint64_t tenant = 0;
        std::uint64_t tool = 0;
        std::uint64_t concurrency = 0;
        std::uint64_t globalConcurrency = 0;
    };
    Counters counters() const;

    const Gcra &limiter() const { return m_limiter; }
    const ConcurrencyGate &gate() const { return m_gate; }

private:
    Rejection reject(const Principal &principal, Rejection rejection,
                     std::atomic<std::uint64_t> &counter);

    LimitsConfig m_config;
    Clock m_clock;
    UsageMeter *m_meter;
    Gcra m_limiter;
    ConcurrencyGate m_gate;

    std::atomic<std::uint64_t> m_admitted { 0 };
    std::atomic<std::uint64_t> m_principalRejections { 0 };
    std::atomic<std::uint64_t> m_tenantRejections { 0 };
    std::atomic<std::uint64_t> m_toolRejections { 0 };
    std::atomic<std::uint64_t> m_concurrencyRejections { 0 };
    std::atomic<std::uint64_t> m_globalRejections { 0 };
};

} // namespace warden::limits
