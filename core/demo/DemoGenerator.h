#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace warden {

// One value of a generated row, independent of the engine it will be written to. Dates and
// datetimes are already ISO-8601 text ("YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ").
struct DemoCell
{
    enum class Kind : std::uint8_t { Null, Integer, Text };
    Kind kind = Kind::Null;
    std::int64_t integer = 0;
    std::string_view text;
};

struct DemoTableSpec
{
    std::string_view name;
    std::vector<std::string_view> columns;
};

// Generates the rows of the demo shop (tenants, users, customers, products, orders,
// order_items) from a fixed seed and a fixed base date, so every run on every machine yields
// the same rows. All rows are built in memory first (about 30 MB): order totals must be known
// before the orders table is written, and both writers (SQLite, PostgreSQL COPY) then just
// stream them in id order.
class DemoGenerator
{
public:
    static constexpr std::uint64_t defaultSeed = 0x57415244454E3031ULL; // "WARDEN01"
    static constexpr std::size_t defaultOrderCount = 120000;

    explicit DemoGenerator(std::uint64_t seed = defaultSeed,
                           std::size_t orderCount = defaultOrderCount);
    ~DemoGenerator();
    DemoGenerator(const DemoGenerator &) = delete;
    DemoGenerator &operator=(const DemoGenerator &) = delete;

    // The tables in an order that satisfies their foreign keys.
    static const std::vector<DemoTableSpec> &tables();

    // Builds every row. Returns false if `cancel` became true meanwhile.
    bool generate(const std::atomic<bool> *cancel = nullptr);

    std::size_t rowCount(std::size_t table) const;
    std::size_t totalRowCount() const;

    // Hands each row of one table to `sink` in ascending id order. The cells' text is valid
    // only during the call. Stops and returns false as soon as `sink` returns false.
    using RowSink = std::function<bool(std::span<const DemoCell>)>;
    bool forEachRow(std::size_t table, const RowSink &sink) const;

private:
    struct Data;
    std::uint64_t m_seed;
    std::size_t m_orderCount;
    std::unique_ptr<Data> m_data;
};

} // namespace warden
