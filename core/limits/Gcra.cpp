#include "Gcra.h"

#include <algorithm>
#include <functional>

namespace warden::limits {

namespace {

constexpr std::int64_t kNanosPerMinute = 60'000'000'000;
constexpr std::int64_t kNanosPerMilli = 1'000'000;
constexpr std::int64_t kMaxBurst = 10'000'000;
constexpr std::size_t kShardsWhenLarge = 16;
// A `now` read before another thread's call may be a little behind the stored TAT; only a
// clock that really went backwards (further than this) is clamped.
constexpr std::int64_t kBackwardsGrace = 1'000'000'000;
constexpr std::size_t kLargeFrom = 4096; // below this one LRU keeps the bound exact and simple

// The algorithm's constants for one rate, in nanoseconds.
struct Params
{
    std::int64_t interval; // T: time between two requests at the steady rate
    std::int64_t tolerance; // B * T: how far ahead of now the TAT may run

    explicit Params(Rate rate)
        : interval(
            std::max<std::int64_t>(1, kNanosPerMinute / std::max<std::int64_t>(1, rate.perMinute)))
        , tolerance(interval * std::clamp<std::int64_t>(rate.burst, 1, kMaxBurst))
    {
    }
};

std::int64_t nanos(Gcra::Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The decision for a key whose TAT is `tat` (clamped, see the class comment); `next` receives
// the TAT an admission would store.
Decision decide(std::int64_t &tat, std::int64_t now, const Params &p, std::int64_t &next)
{
    if (tat > now + p.tolerance + kBackwardsGrace)
        tat = now + p.tolerance;
    next = std::max(tat, now) + p.interval;
    if (next - now <= p.tolerance)
        return {};
    const std::int64_t wait = next - p.tolerance - now;
    return { false, std::chrono::milliseconds((wait + kNanosPerMilli - 1) / kNanosPerMilli) };
}

} // namespace

struct Gcra::Shard
{
    struct Entry
    {
        std::string key;
        std::int64_t tat = 0;
    };

    mutable std::mutex mutex;
    std::list<Entry> lru; // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index; // views into lru
    std::size_t capacity = 1;
    std::uint64_t evictions = 0;

    // Without touching the LRU order.
    Entry *peek(std::string_view key)
    {
        const auto it = index.find(key);
        return it == index.end() ? nullptr : &*it->second;
    }

    // Marks the key as just used.
    Entry *find(std::string_view key)
    {
        const auto it = index.find(key);
        if (it == index.end())
            return nullptr;
        lru.splice(lru.begin(), lru, it->second);
        return &*it->second;
    }

    void insert(std::string_view key, std::int64_t tat)
    {
        if (index.size() >= capacity) {
            // Reuse the least recently used node: no allocation once the shard is full.
            index.erase(lru.back().key);
            lru.splice(lru.begin(), lru, std::prev(lru.end()));
            ++evictions;
        } else {
            lru.emplace_front();
        }
        Entry &entry = lru.front();
        entry.key.assign(key);
        entry.tat = tat;
        index.emplace(entry.key, lru.begin());
    }
};

Gcra::Gcra(std::size_t maxKeys)
    : m_maxKeys(std::max<std::size_t>(1, maxKeys))
    , m_shardCount(m_maxKeys >= kLargeFrom ? kShardsWhenLarge : 1)
    , m_shards(new Shard[m_shardCount])
{
    for (std::size_t i = 0; i < m_shardCount; ++i)
        m_shards[i].capacity = m_maxKeys / m_shardCount;
}

Gcra::~Gcra() = default;

Gcra::Shard &Gcra::shardFor(std::string_view key) const
{
    if (m_shardCount == 1)
        return m_shards[0];
    return m_shards[std::hash<std::string_view> {}(key) % m_shardCount];
}

Decision Gcra::evaluate(std::string_view key, Rate rate, Clock::time_point now, bool commit) const
{
    if (rate.unlimited())
        return {};
    const Params p(rate);
    const std::int64_t t = nanos(now);
    Shard &shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    Shard::Entry *entry = commit ? shard.find(key) : shard.peek(key);
    std::int64_t tat = entry ? entry->tat : t;
    std::int64_t next = 0;
    const Decision d = decide(tat, t, p, next);
    if (!commit)
        return d;
    if (entry)
        entry->tat =
            d.allowed ? next : tat; // a refusal keeps only the clamp, which never adds debt
    else if (d.allowed)
        shard.insert(key, next);
    return d;
}

Decision Gcra::admit(std::string_view key, Rate rate, Clock::time_point now)
{
    return evaluate(key, rate, now, true);
}

Decision Gcra::peek(std::string_view key, Rate rate, Clock::time_point now) const
{
    return evaluate(key, rate, now, false);
}

void Gcra::refund(std::string_view key, Rate rate)
{
    if (rate.unlimited())
        return;
    const Params p(rate);
    Shard &shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    if (Shard::Entry *entry = shard.peek(key))
        entry->tat -= p.interval;
}

std::size_t Gcra::size() const
{
    std::size_t total = 0;
    for (std::size_t i = 0; i < m_shardCount; ++i) {
        std::lock_guard lock(m_shards[i].mutex);
        total += m_shards[i].index.size();
    }
    return total;
}

std::uint64_t Gcra::evictions() const
{
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < m_shardCount; ++i) {
        std::lock_guard lock(m_shards[i].mutex);
        total += m_shards[i].evictions;
    }
    return total;
}

} // namespace warden::limits
