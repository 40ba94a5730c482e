#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace warden::limits {

// A request rate: `perMinute` requests per minute on average, up to `burst` back to back from
// a rested key. perMinute 0 means unlimited; a burst below 1 counts as 1.
struct Rate
{
    std::int64_t perMinute = 0;
    std::int64_t burst = 1;

    bool unlimited() const { return perMinute <= 0; }
    bool operator==(const Rate &) const = default;
};

// The answer for one request: allowed, or refused with the exact wait after which the same
// request would be allowed (rounded up to the millisecond, so retrying then always works).
struct Decision
{
    bool allowed = true;
    std::chrono::milliseconds retryAfter { 0 };
};

// The generic cell rate algorithm (reference/security.md 1.9), keyed by string: one
// theoretical arrival time (TAT) per key, no refill timer. With T = 1 min / perMinute and a
// burst of B, a request at `now` is allowed when max(TAT, now) + T - now <= B * T, and then
// TAT becomes max(TAT, now) + T; a refused request changes nothing, so a client hammering a
// closed limit does not push its own reopening further away. The wait is TAT - (B - 1) * T
// - now.
//
// Time is a monotonic clock the caller passes in (tests inject it); wall-clock changes cannot
// refill a key. Should `now` ever go backwards by more than a second, the stored TAT is clamped
// to now + B * T: the key is at worst "fully used" and waits at most one interval, instead of
// the length of the jump. (Smaller steps back are a thread's slightly stale reading of the
// clock: judged as they are, they never lower the TAT, so they grant nothing.)
//
// Memory is bounded: at most maxKeys keys (default 100,000, about 150 bytes each with the
// key text), least recently used first out. Evicting a key forgets its debt, so the victim is
// the key idle the longest (typically one whose TAT has already passed, i.e. no debt at all).
// An attacker inventing keys can only push out idle keys, never gain capacity for its own.
//
// Thread-safe: keys are spread over shards, each with its own mutex and LRU.
class Gcra
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t defaultMaxKeys = 100000;

    explicit Gcra(std::size_t maxKeys = defaultMaxKeys);
    ~Gcra();
    Gcra(const Gcra &) = delete;
    Gcra &operator=(const Gcra &) = delete;

    // Admits one request for `key` at `now`, or refuses it with the wait.
    Decision admit(std::string_view key, Rate rate, Clock::time_point now);
    // What admit() would answer, without changing anything.
    Decision peek(std::string_view key, Rate rate, Clock::time_point now) const;
    // Takes back one request admit() allowed (when a later check refused the call): the key
    // is as if that request never came, unless it has been evicted meanwhile.
    void refund(std::string_view key, Rate rate);

    std::size_t size() const; // keys held now
    std::size_t maxKeys() const { return m_maxKeys; }
    std::uint64_t evictions() const; // keys pushed out by the bound since construction

private:
    struct Shard;
    Shard &shardFor(std::string_view key) const;
    // admit() when `commit`, else peek().
    Decision evaluate(std::string_view key, Rate rate, Clock::time_point now, bool commit) const;

    std::size_t m_maxKeys;
    std::size_t m_shardCount;
    std::unique_ptr<Shard[]> m_shards;
};

} // namespace warden::limits
