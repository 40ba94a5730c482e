#include "AdmissionControl.h"

#include "UsageMeter.h"
#include "policy/Principal.h"

#include <array>
#include <cstdio>

namespace warden::limits {

namespace {

// Limiter key prefixes; tool names cannot contain the separator, so no two kinds collide.
constexpr char kSeparator = '\x1f';

std::string waitText(std::chrono::milliseconds wait)
{
    if (wait.count() < 1000)
        return std::to_string(std::max<std::int64_t>(1, wait.count())) + " ms";
    char text[32];
    // Rounded up to the tenth: retrying at the time we say must work.
    std::snprintf(text, sizeof text, "%.1f seconds", double((wait.count() + 99) / 100) / 10.0);
    return text;
}

std::string rateText(const Rate &rate)
{
    return "the limit is " + std::to_string(rate.perMinute) + " per minute with bursts of "
        + std::to_string(std::max<std::int64_t>(1, rate.burst));
}

} // namespace

std::int64_t Rejection::retryAfterSeconds() const
{
    return std::max<std::int64_t>(1, (retryAfter.count() + 999) / 1000);
}

Error Rejection::toError() const
{
    return Error(ErrorCode::RateLimited, message,
                 { "wait retry_after_ms milliseconds before calling again" },
                 Json { { "limit", which }, { "retry_after_ms", retryAfter.count() } });
}

AdmissionControl::AdmissionControl(const LimitsConfig &config, Clock clock, UsageMeter *meter)
    : m_config(config)
    , m_clock(clock ? std::move(clock) : Clock([] { return Gcra::Clock::now(); }))
    , m_meter(meter)
    , m_limiter(static_cast<std::size_t>(config.maxKeys))
    , m_gate(ConcurrencyGate::Limits { config.maxInFlightPerPrincipal, config.maxInFlight })
{
}

Rejection AdmissionControl::reject(const Principal &principal, Rejection rejection,
                                   std::atomic<std::uint64_t> &counter)
{
    counter.fetch_add(1, std::memory_order_relaxed);
    if (m_meter)
        m_meter->recordRejection(principal, RejectionKind::RateLimited);
    return rejection;
}

Admission AdmissionControl::admit(const Principal &principal, std::string_view method,
                                  std::string_view tool)
{
    (void)method; // every method counts alike; the caller decides which go through here
    const std::string subject = principalSubject(principal);

    ConcurrencyGate::Admission slot = m_gate.acquire(subject);
    if (slot.refusal == ConcurrencyGate::Refusal::Global)
        return reject(principal,
                      { "RATE_LIMITED", "global_concurrency", concurrencyRetryAfter,
                        "The server is handling the most calls it allows at once ("
                            + std::to_string(m_config.maxInFlight)
                            + "); retry in about 1 second." },
                      m_globalRejections);
    if (slot.refusal == ConcurrencyGate::Refusal::Principal)
        return reject(
            principal,
            { "RATE_LIMITED", "concurrency", concurrencyRetryAfter,
              "This principal already has " + std::to_string(m_config.maxInFlightPerPrincipal)
                  + " calls in flight, the most allowed; retry when one of them has finished "
                    "(in about 1 second)." },
            m_concurrencyRejections);

    const auto now = m_clock();
    // Up to three rate checks; the texts of a refusal are only built when one refuses.
    enum class Kind { Principal, Tenant, Tool };
    struct Check
    {
        std::string key;
        const Rate *rate;
        Kind kind;
    };
    std::array<Check, 3> checks;
    std::size_t count = 0;
    if (!m_config.principal.unlimited())
        checks[count++] = { std::string("p") + kSeparator + subject, &m_config.principal,
                            Kind::Principal };
    if (!principal.tenantId.empty() && !m_config.tenant.unlimited())
        checks[count++] = { std::string("t") + kSeparator + principal.tenantId, &m_config.tenant,
                            Kind::Tenant };
    if (!tool.empty()) {
        const auto it = m_config.tools.find(tool);
        if (it != m_config.tools.end() && !it->second.unlimited()) {
            std::string key = std::string("u") + kSeparator;
            key.append(tool).append(1, kSeparator).append(subject);
            checks[count++] = { std::move(key), &it->second, Kind::Tool };
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        const Check &c = checks[i];
        const Decision d = m_limiter.admit(c.key, *c.rate, now);
        if (d.allowed)
            continue;
        for (std::size_t j = 0; j < i; ++j) // this call does not run: it uses none of the rates
            m_limiter.refund(checks[j].key, *checks[j].rate);
        const std::string tail =
            ": " + rateText(*c.rate) + "; retry in " + waitText(d.retryAfter) + ".";
        switch (c.kind) {
        case Kind::Principal:
            return reject(principal,
                          { "RATE_LIMITED", "principal", d.retryAfter,
                            "Too many requests from this principal" + tail },
                          m_principalRejections);
        case Kind::Tenant:
            return reject(
                principal,
                { "RATE_LIMITED", "tenant", d.retryAfter,
                  "Too many requests from this principal's tenant (all its principals together)"
                      + tail },
                m_tenantRejections);
        case Kind::Tool:
            return reject(principal,
                          { "RATE_LIMITED", "tool:" + std::string(tool), d.retryAfter,
                            "Too many " + std::string(tool) + " calls from this principal" + tail },
                          m_toolRejections);
        }
    }
    m_admitted.fetch_add(1, std::memory_order_relaxed);
    return Admission(std::move(slot.ticket));
}

AdmissionControl::Counters AdmissionControl::counters() const
{
    Counters c;
    c.admitted = m_admitted.load(std::memory_order_relaxed);
    c.principal = m_principalRejections.load(std::memory_order_relaxed);
    c.tenant = m_tenantRejections.load(std::memory_order_relaxed);
    c.tool = m_toolRejections.load(std::memory_order_relaxed);
    c.concurrency = m_concurrencyRejections.load(std::memory_order_relaxed);
    c.globalConcurrency = m_globalRejections.load(std::memory_order_relaxed);
    return c;
}

} // namespace warden::limits
