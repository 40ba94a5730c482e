#pragma once

#include <cstdint>

namespace warden {

// xoshiro256** seeded through splitmix64, plus the few draws the demo generator needs.
// Implemented here, with integer arithmetic only, because the demo database must be byte for
// byte the same on every machine: std::uniform_int_distribution and friends differ between
// standard libraries.
class DemoRandom
{
public:
    explicit DemoRandom(std::uint64_t seed)
    {
        std::uint64_t x = seed;
        for (auto &word : m_state)
            word = splitmix64(x);
    }

    // Derives an independent stream for one part of the data (a table of a tenant), so that
    // a change in how one table is generated does not shift every table after it.
    static DemoRandom stream(std::uint64_t seed, std::uint64_t part, std::uint64_t subPart = 0)
    {
        std::uint64_t x = seed ^ (part * 0x9E3779B97F4A7C15ULL);
        std::uint64_t mixed = splitmix64(x);
        x = mixed ^ (subPart * 0xC2B2AE3D27D4EB4FULL);
        return DemoRandom(splitmix64(x));
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    // Uniform in [0, bound), without modulo bias. bound must be positive.
    std::uint64_t below(std::uint64_t bound)
    {
        const std::uint64_t threshold = (0 - bound) % bound;
        for (;;) {
            const std::uint64_t r = next();
            if (r >= threshold)
                return r % bound;
        }
    }

    // Uniform in [low, high], both inclusive.
    std::int64_t between(std::int64_t low, std::int64_t high)
    {
        return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low) + 1));
    }

    // True with probability perMille / 1000.
    bool chance(unsigned perMille) { return below(1000) < perMille; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    static std::uint64_t splitmix64(std::uint64_t &x)
    {
        x += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t m_state[4] = {};
};

} // namespace warden
