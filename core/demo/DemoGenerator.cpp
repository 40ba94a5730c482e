#include "DemoGenerator.h"

#include "DemoRandom.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace warden {

namespace {

enum Table : std::size_t { Tenants, Users, Customers, Products, Orders, OrderItems, TableCount };

// Stream identifiers for DemoRandom::stream: one per table (and per tenant inside it).
enum Stream : std::uint64_t {
    UserStream = 1,
    CustomerStream,
    ProductStream,
    OrderStream,
};

// ---- dates, without the wall clock or the C library's time zone handling ----

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil
{
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr Civil civilFromDays(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return { y + (m <= 2 ? 1 : 0), m, d };
}

constexpr std::int64_t secondsAt(std::int64_t y, unsigned m, unsigned d, int hh = 0, int mm = 0,
                                 int ss = 0)
{
    return daysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static_assert(daysFromCivil(1970, 1, 1) == 0);
static_assert(daysFromCivil(2000, 3, 1) == 11017);
static_assert(civilFromDays(11017).year == 2000 && civilFromDays(11017).month == 3);

// "Now" for the demo shop: everything happened before it.
constexpr std::int64_t kBase = secondsAt(2025, 1, 1);
constexpr std::int64_t kNone = -1;

std::string_view formatDate(std::int64_t days, char (&buffer)[32])
{
    const Civil c = civilFromDays(days);
    const int n = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u",
                                static_cast<long long>(c.year), c.month, c.day);
    return { buffer, static_cast<std::size_t>(n) };
}

std::string_view formatDateTime(std::int64_t seconds, char (&buffer)[32])
{
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const std::int64_t rest = seconds - days * 86400;
    const Civil c = civilFromDays(days);
    const int n =
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                      static_cast<long long>(c.year), c.month, c.day, static_cast<int>(rest / 3600),
                      static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
    return { buffer, static_cast<std::size_t>(n) };
}

// ---- word lists ----

struct Name
{
    std::string_view text;
    std::string_view ascii; // for e-mail addresses
};

constexpr std::array<Name, 64> kFirstNames { {
    { "James", "james" },     { "Mary", "mary" },
    { "Robert", "robert" },   { "Patricia", "patricia" },
    { "John", "john" },       { "Jennifer", "jennifer" },
    { "Michael", "michael" }, { "Linda", "linda" },
    { "David", "david" },     { "Elizabeth", "elizabeth" },
    { "William", "william" }, { "Barbara", "barbara" },
    { "Richard", "richard" }, { "Susan", "susan" },
    { "Joseph", "joseph" },   { "Jessica", "jessica" },
    { "Thomas", "thomas" },   { "Sarah", "sarah" },
    { "Charles", "charles" }, { "Karen", "karen" },
    { "Daniel", "daniel" },   { "Nancy", "nancy" },
    { "Matthew", "matthew" }, { "Emily", "emily" },
    { "Anthony", "anthony" }, { "Margaret", "margaret" },
    { "Mark", "mark" },       { "Sandra", "sandra" },
    { "Steven", "steven" },   { "Ashley", "ashley" },
    { "Paul", "paul" },       { "Michelle", "michelle" },
    { "Andrew", "andrew" },   { "Laura", "laura" },
    { "Kevin", "kevin" },     { "Amanda", "amanda" },
    { "Brian", "brian" },     { "Rebecca", "rebecca" },
    { "Sofia", "sofia" },     { "Lucas", "lucas" },
    { "Mateo", "mateo" },     { "Valentina", "valentina" },
    { "Aiko", "aiko" },       { "Hiroshi", "hiroshi" },
    { "Priya", "priya" },     { "Arjun", "arjun" },
    { "Fatima", "fatima" },   { "Omar", "omar" },
    { "Ingrid", "ingrid" },   { "Lars", "lars" },
    { "Chloé", "chloe" },     { "José", "jose" },
    { "Zoë", "zoe" },         { "Björn", "bjorn" },
    { "Mei", "mei" },         { "Wei", "wei" },
    { "Amara", "amara" },     { "Kwame", "kwame" },
    { "Nadia", "nadia" },     { "Ivan", "ivan" },
    { "Elena", "elena" },     { "Noah", "noah" },
    { "Olivia", "olivia" },   { "Liam", "liam" },
} };

constexpr std::array<Name, 64> kLastNames { {
    { "Smith", "smith" },       { "Johnson", "johnson" },     { "Williams", "williams" },
    { "Brown", "brown" },       { "Jones", "jones" },         { "Garcia", "garcia" },
    { "Miller", "miller" },     { "Davis", "davis" },         { "Rodriguez", "rodriguez" },
    { "Martinez", "martinez" }, { "Hernandez", "hernandez" }, { "Lopez", "lopez" },
    { "Gonzalez", "gonzalez" }, { "Wilson", "wilson" },       { "Anderson", "anderson" },
    { "Thomas", "thomas" },     { "Taylor", "taylor" },       { "Moore", "moore" },
    { "Jackson", "jackson" },   { "Martin", "martin" },       { "Lee", "lee" },
    { "Perez", "perez" },       { "Thompson", "thompson" },   { "White", "white" },
    { "Harris", "harris" },     { "Sanchez", "sanchez" },     { "Clark", "clark" },
    { "Ramirez", "ramirez" },   { "Lewis", "lewis" },         { "Robinson", "robinson" },
    { "Walker", "walker" },     { "Young", "young" },         { "Allen", "allen" },
    { "King", "king" },         { "Wright", "wright" },       { "Scott", "scott" },
    { "Torres", "torres" },     { "Nguyen", "nguyen" },       { "Hill", "hill" },
    { "Flores", "flores" },     { "Green", "green" },         { "Adams", "adams" },
    { "Nelson", "nelson" },     { "Baker", "baker" },         { "Hall", "hall" },
    { "Rivera", "rivera" },     { "Campbell", "campbell" },   { "Mitchell", "mitchell" },
    { "Müller", "mueller" },    { "Schmidt", "schmidt" },     { "Kowalski", "kowalski" },
    { "Novák", "novak" },       { "Rossi", "rossi" },         { "Dubois", "dubois" },
    { "Tanaka", "tanaka" },     { "Suzuki", "suzuki" },       { "Kim", "kim" },
    { "Park", "park" },         { "Chen", "chen" },           { "Wang", "wang" },
    { "Singh", "singh" },       { "Patel", "patel" },         { "O'Brien", "obrien" },
    { "Okafor", "okafor" },
} };

struct City
{
    std::string_view city;
    std::string_view country;
};

// The first kUsCities entries are drawn more often: most customers are local.
constexpr std::size_t kUsCities = 10;
constexpr std::array<City, 46> kCities { {
    { "New York", "United States" },
    { "Chicago", "United States" },
    { "Austin", "United States" },
    { "Seattle", "United States" },
    { "Denver", "United States" },
    { "Boston", "United States" },
    { "Atlanta", "United States" },
    { "Portland", "United States" },
    { "Phoenix", "United States" },
    { "Miami", "United States" },
    { "Toronto", "Canada" },
    { "Vancouver", "Canada" },
    { "Montréal", "Canada" },
    { "Mexico City", "Mexico" },
    { "London", "United Kingdom" },
    { "Manchester", "United Kingdom" },
    { "Dublin", "Ireland" },
    { "Paris", "France" },
    { "Lyon", "France" },
    { "Berlin", "Germany" },
    { "Munich", "Germany" },
    { "Hamburg", "Germany" },
    { "Amsterdam", "Netherlands" },
    { "Madrid", "Spain" },
    { "Barcelona", "Spain" },
    { "Lisbon", "Portugal" },
    { "Rome", "Italy" },
    { "Milan", "Italy" },
    { "Zürich", "Switzerland" },
    { "Vienna", "Austria" },
    { "Stockholm", "Sweden" },
    { "Oslo", "Norway" },
    { "Copenhagen", "Denmark" },
    { "Warsaw", "Poland" },
    { "Prague", "Czechia" },
    { "Tokyo", "Japan" },
    { "Osaka", "Japan" },
    { "Seoul", "South Korea" },
    { "Singapore", "Singapore" },
    { "Sydney", "Australia" },
    { "Melbourne", "Australia" },
    { "Auckland", "New Zealand" },
    { "São Paulo", "Brazil" },
    { "Buenos Aires", "Argentina" },
    { "Bengaluru", "India" },
    { "Cape Town", "South Africa" },
} };

constexpr std::array<std::string_view, 3> kMailDomains { "example.com", "example.net",
                                                         "example.org" };

struct Category
{
    std::string_view name;
    std::array<std::string_view, 8> nouns;
};

constexpr std::array<Category, 6> kCategories { {
    { "Hardware",
      { "Hammer", "Wrench Set", "Screwdriver Kit", "Cordless Drill", "Tape Measure", "Spirit Level",
        "Hand Saw", "Toolbox" } },
    { "Electronics",
      { "Headphones", "Charger", "USB Hub", "Speaker", "Webcam", "Keyboard", "Mouse",
        "Monitor Stand" } },
    { "Office",
      { "Notebook", "Stapler", "Desk Lamp", "Pen Set", "Filing Cabinet", "Whiteboard",
        "Paper Shredder", "Label Maker" } },
    { "Kitchen",
      { "Kettle", "Chef's Knife", "Blender", "Cutting Board", "Coffee Grinder", "Skillet",
        "Mixing Bowls", "Toaster" } },
    { "Garden",
      { "Garden Hose", "Pruning Shears", "Planter", "Watering Can", "Rake", "Wheelbarrow",
        "Seed Kit", "Sprinkler" } },
    { "Outdoor",
      { "Tent", "Sleeping Bag", "Backpack", "Lantern", "Camp Stove", "Water Bottle", "Hammock",
        "Trekking Poles" } },
} };

constexpr std::array<std::string_view, 12> kAdjectives { "Classic",    "Pro",   "Compact",
                                                         "Deluxe",     "Eco",   "Ultra",
                                                         "Heavy-Duty", "Smart", "Portable",
                                                         "Premium",    "Basic", "Advanced" };

constexpr std::array<std::string_view, 5> kStatuses { "pending", "paid", "shipped", "cancelled",
                                                      "refunded" };

struct TenantSpec
{
    std::string_view slug;
    std::string_view name;
    std::string_view skuPrefix;
    std::int64_t createdAt;
    std::size_t users;
    std::size_t customers;
    std::size_t products;
    unsigned orderShare; // percent of all orders
};

constexpr std::array<TenantSpec, 3> kTenants { {
    { "acme", "Acme Corporation", "ACM", secondsAt(2019, 3, 14, 9, 30), 10, 2000, 100, 50 },
    { "globex", "Globex Corporation", "GLX", secondsAt(2019, 8, 2, 14, 0), 10, 1500, 100, 30 },
    { "initech", "Initech", "INI", secondsAt(2020, 1, 20, 8, 15), 10, 1000, 100, 20 },
} };

std::string randomChars(DemoRandom &rng, std::string_view alphabet, std::size_t count)
{
    std::string out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(alphabet[rng.below(alphabet.size())]);
    return out;
}

constexpr std::string_view kBcryptAlphabet =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHexAlphabet = "0123456789abcdef";

} // namespace

// ---- the rows ----

struct DemoGenerator::Data
{
    struct User
    {
        std::int64_t id, tenantId;
        std::string email, displayName, role, passwordHash, apiToken;
        std::int64_t createdAt;
    };
    struct Customer
    {
        std::int64_t id, tenantId;
        std::string_view firstName, lastName;
        std::string email, phone, nationalId;
        std::int64_t dateOfBirth; // days
        std::string_view city, country;
        std::int64_t createdAt, deletedAt;
    };
    struct Product
    {
        std::int64_t id, tenantId;
        std::string sku, name;
        std::string_view category;
        std::int64_t priceCents, stock, createdAt;
    };
    struct Order
    {
        std::int64_t id, tenantId, customerId, userId;
        std::uint8_t status;
        std::int64_t totalCents, placedAt, deletedAt;
        std::uint32_t firstItem, itemCount; // into items
    };
    struct Item
    {
        std::int32_t productId, quantity, unitPriceCents;
    };

    std::vector<User> users;
    std::vector<Customer> customers;
    std::vector<Product> products;
    std::vector<Order> orders;
    std::vector<Item> items; // grouped by order, in order id order
};

DemoGenerator::DemoGenerator(std::uint64_t seed, std::size_t orderCount)
    : m_seed(seed)
    , m_orderCount(orderCount)
{
}

DemoGenerator::~DemoGenerator() = default;

const std::vector<DemoTableSpec> &DemoGenerator::tables()
{
    static const std::vector<DemoTableSpec> specs {
        { "tenants", { "id", "slug", "name", "created_at" } },
        { "users",
          { "id", "tenant_id", "email", "display_name", "role", "password_hash", "api_token",
            "created_at" } },
        { "customers",
          { "id", "tenant_id", "first_name", "last_name", "email", "phone", "date_of_birth",
            "national_id", "city", "country", "created_at", "deleted_at" } },
        { "products",
          { "id", "tenant_id", "sku", "name", "category", "price_cents", "stock", "created_at" } },
        { "orders",
          { "id", "tenant_id", "customer_id", "user_id", "status", "total_cents", "placed_at",
            "deleted_at" } },
        { "order_items",
          { "id", "tenant_id", "order_id", "product_id", "quantity", "unit_price_cents" } },
    };
    return specs;
}

// Every draw from a DemoRandom is its own statement: the order in which function arguments or
// the operands of an overloaded operator+ are evaluated is unspecified, and GCC and Clang do
// pick different orders, which would give different rows.
bool DemoGenerator::generate(const std::atomic<bool> *cancel)
{
    auto cancelled = [cancel] {
        return cancel && cancel->load(std::memory_order_relaxed);
    };
    auto data = std::make_unique<Data>();

    // Per tenant: where its users, sales reps, customers and products sit.
    struct Range
    {
        std::size_t firstCustomer = 0, customerCount = 0, firstProduct = 0, productCount = 0;
        std::vector<std::int64_t> salesReps;
    };
    std::array<Range, kTenants.size()> ranges;

    // Users: one admin first, then sales reps, then support, so every tenant has all roles.
    for (std::size_t t = 0; t < kTenants.size(); ++t) {
        const TenantSpec &tenant = kTenants[t];
        DemoRandom rng = DemoRandom::stream(m_seed, UserStream, t);
        std::unordered_set<std::string> taken;
        for (std::size_t i = 0; i < tenant.users; ++i) {
            Data::User u;
            u.id = static_cast<std::int64_t>(data->users.size()) + 1;
            u.tenantId = static_cast<std::int64_t>(t) + 1;
            const Name *first = nullptr;
            const Name *last = nullptr;
            do {
                first = &kFirstNames[rng.below(kFirstNames.size())];
                last = &kLastNames[rng.below(kLastNames.size())];
                u.email = std::string(first->ascii) + '.' + std::string(last->ascii) + '@'
                    + std::string(tenant.slug) + ".example";
            } while (!taken.insert(u.email).second);
            u.displayName = std::string(first->text) + ' ' + std::string(last->text);
            u.role = i == 0 || i == tenant.users - 1 ? "admin"
                : i <= tenant.users * 6 / 10         ? "sales"
                                                     : "support";
            if (u.role == "admin") {
                const std::string salt = randomChars(rng, kBase64Alphabet, 22);
                const std::string hash = randomChars(rng, kBase64Alphabet, 43);
                u.passwordHash = "$argon2id$v=19$m=65536,t=3,p=4$" + salt + '$' + hash;
            } else {
                u.passwordHash = "$2b$12$" + randomChars(rng, kBcryptAlphabet, 53);
            }
            u.apiToken = "wdn_" + randomChars(rng, kHexAlphabet, 32);
            u.createdAt = tenant.createdAt + rng.between(3600, 2 * 365 * 86400);
            if (u.role == "sales")
                ranges[t].salesReps.push_back(u.id);
            data->users.push_back(std::move(u));
        }
    }
    if (cancelled())
        return false;

    // Customers.
    for (std::size_t t = 0; t < kTenants.size(); ++t) {
        const TenantSpec &tenant = kTenants[t];
        DemoRandom rng = DemoRandom::stream(m_seed, CustomerStream, t);
        std::unordered_map<std::string, int> emailUses;
        ranges[t].firstCustomer = data->customers.size();
        ranges[t].customerCount = tenant.customers;
        for (std::size_t i = 0; i < tenant.customers; ++i) {
            Data::Customer c;
            c.id = static_cast<std::int64_t>(data->customers.size()) + 1;
            c.tenantId = static_cast<std::int64_t>(t) + 1;
            const Name &first = kFirstNames[rng.below(kFirstNames.size())];
            const Name &last = kLastNames[rng.below(kLastNames.size())];
            c.firstName = first.text;
            c.lastName = last.text;
            std::string local = std::string(first.ascii) + '.' + std::string(last.ascii);
            const int uses = ++emailUses[local];
            if (uses > 1)
                local += std::to_string(uses);
            c.email = local + '@' + std::string(kMailDomains[rng.below(kMailDomains.size())]);
            char buffer[32];
            const auto exchange = static_cast<unsigned>(rng.below(100));
            const auto line = static_cast<unsigned>(rng.below(10000));
            std::snprintf(buffer, sizeof buffer, "+1-555-01%02u-%04u", exchange, line);
            c.phone = buffer;
            c.dateOfBirth = rng.between(daysFromCivil(1940, 1, 1), daysFromCivil(2005, 12, 31));
            // Area numbers 900-999 are never issued as real social security numbers.
            const auto area = static_cast<unsigned>(rng.between(900, 999));
            const auto group = static_cast<unsigned>(rng.between(1, 99));
            const auto serial = static_cast<unsigned>(rng.between(1, 9999));
            std::snprintf(buffer, sizeof buffer, "%03u-%02u-%04u", area, group, serial);
            c.nationalId = buffer;
            const City &city = rng.chance(400) ? kCities[rng.below(kUsCities)]
                                               : kCities[rng.below(kCities.size())];
            c.city = city.city;
            c.country = city.country;
            c.createdAt = rng.between(secondsAt(2020, 2, 1), secondsAt(2022, 12, 31, 23, 59, 59));
            c.deletedAt = rng.chance(20)
                ? rng.between(secondsAt(2024, 1, 1), secondsAt(2024, 12, 31, 23, 59, 59))
                : kNone;
            data->customers.push_back(std::move(c));
        }
    }
    if (cancelled())
        return false;

    // Products: distinct adjective/noun names per tenant, SKUs numbered per tenant.
    for (std::size_t t = 0; t < kTenants.size(); ++t) {
        const TenantSpec &tenant = kTenants[t];
        DemoRandom rng = DemoRandom::stream(m_seed, ProductStream, t);
        ranges[t].firstProduct = data->products.size();
        ranges[t].productCount = tenant.products;
        constexpr std::size_t kNouns = kCategories.size() * 8;
        std::vector<std::uint32_t> combos(kAdjectives.size() * kNouns);
        std::iota(combos.begin(), combos.end(), 0u);
        for (std::size_t i = 0; i < tenant.products && i < combos.size(); ++i) {
            const std::size_t j = i + rng.below(combos.size() - i);
            std::swap(combos[i], combos[j]);
        }
        for (std::size_t i = 0; i < tenant.products; ++i) {
            Data::Product p;
            p.id = static_cast<std::int64_t>(data->products.size()) + 1;
            p.tenantId = static_cast<std::int64_t>(t) + 1;
            const std::uint32_t combo = combos[i % combos.size()];
            const Category &category = kCategories[combo % kNouns / 8];
            p.category = category.name;
            p.name = std::string(kAdjectives[combo / kNouns]) + ' '
                + std::string(category.nouns[combo % 8]);
            char sku[32];
            std::snprintf(sku, sizeof sku, "%.*s-%05u", static_cast<int>(tenant.skuPrefix.size()),
                          tenant.skuPrefix.data(), static_cast<unsigned>(1001 + i));
            p.sku = sku;
            const unsigned tier = static_cast<unsigned>(rng.below(10));
            const std::int64_t dollars = tier < 6 ? rng.between(2, 30)
                : tier < 9                        ? rng.between(31, 150)
                                                  : rng.between(151, 800);
            constexpr std::array<std::int64_t, 3> kCents { 99, 49, 0 };
            p.priceCents = dollars * 100 + kCents[rng.below(kCents.size())];
            p.stock = rng.chance(50) ? 0 : rng.between(1, 500);
            p.createdAt = rng.between(secondsAt(2020, 2, 1), secondsAt(2022, 6, 30, 23, 59, 59));
            data->products.push_back(std::move(p));
        }
    }
    if (cancelled())
        return false;

    // Orders and their items, per tenant; ids are assigned afterwards in placement order, so
    // the tenants interleave as they would in a real shop.
    struct Draft
    {
        Data::Order order;
        std::uint32_t tenantSeq;
    };
    std::vector<Draft> drafts;
    std::vector<Data::Item> draftItems;
    drafts.reserve(m_orderCount);
    draftItems.reserve(m_orderCount * 3);
    std::size_t assigned = 0;
    for (std::size_t t = 0; t < kTenants.size(); ++t) {
        const TenantSpec &tenant = kTenants[t];
        const Range &range = ranges[t];
        DemoRandom rng = DemoRandom::stream(m_seed, OrderStream, t);
        const std::size_t count = t + 1 == kTenants.size() ? m_orderCount - assigned
                                                           : m_orderCount * tenant.orderShare / 100;
        assigned += count;
        for (std::size_t i = 0; i < count; ++i) {
            if (i % 4096 == 0 && cancelled())
                return false;
            Draft d;
            d.tenantSeq = static_cast<std::uint32_t>(i);
            Data::Order &o = d.order;
            o.tenantId = static_cast<std::int64_t>(t) + 1;
            // The smaller of two draws: a few loyal customers place many orders.
            const std::size_t pickA = rng.below(range.customerCount);
            const std::size_t pickB = rng.below(range.customerCount);
            const std::size_t pick = std::min(pickA, pickB);
            o.customerId = data->customers[range.firstCustomer + pick].id;
            o.userId = range.salesReps[rng.below(range.salesReps.size())];
            o.placedAt = rng.between(secondsAt(2023, 1, 1), kBase - 1);
            // Recent orders are still open; old ones have shipped or ended otherwise.
            const unsigned s = static_cast<unsigned>(rng.below(100));
            if (o.placedAt >= kBase - 14 * 86400)
                o.status = static_cast<std::uint8_t>(s < 40 ? 0 : s < 80 ? 1 : s < 95 ? 2 : 3);
            else
                o.status = static_cast<std::uint8_t>(s < 1        ? 0
                                                         : s < 10 ? 1
                                                         : s < 85 ? 2
                                                         : s < 95 ? 3
                                                                  : 4);
            o.deletedAt = rng.chance(10) ? o.placedAt + rng.between(86400, 60 * 86400) : kNone;
            o.firstItem = static_cast<std::uint32_t>(draftItems.size());
            o.itemCount = static_cast<std::uint32_t>(rng.between(1, 5));
            o.totalCents = 0;
            std::array<std::size_t, 5> chosen {};
            for (std::uint32_t k = 0; k < o.itemCount; ++k) {
                std::size_t product = 0;
                bool repeat = true;
                while (repeat) { // distinct products within one order
                    product = range.firstProduct + rng.below(range.productCount);
                    repeat = std::find(chosen.begin(), chosen.begin() + k, product)
                        != chosen.begin() + k;
                }
                chosen[k] = product;
                const Data::Product &p = data->products[product];
                const unsigned q = static_cast<unsigned>(rng.below(100));
                Data::Item item;
                item.productId = static_cast<std::int32_t>(p.id);
                item.quantity = q < 60 ? 1
                    : q < 85           ? 2
                    : q < 95           ? 3
                                       : static_cast<std::int32_t>(rng.between(4, 5));
                item.unitPriceCents = static_cast<std::int32_t>(
                    rng.chance(100) ? p.priceCents * 9 / 10 : p.priceCents);
                o.totalCents += std::int64_t { item.quantity } * item.unitPriceCents;
                draftItems.push_back(item);
            }
            drafts.push_back(std::move(d));
        }
    }

    // The key is a total order, so std::sort yields the same sequence everywhere.
    std::vector<std::uint32_t> order(drafts.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&drafts](std::uint32_t a, std::uint32_t b) {
        const Draft &x = drafts[a];
        const Draft &y = drafts[b];
        if (x.order.placedAt != y.order.placedAt)
            return x.order.placedAt < y.order.placedAt;
        if (x.order.tenantId != y.order.tenantId)
            return x.order.tenantId < y.order.tenantId;
        return x.tenantSeq < y.tenantSeq;
    });
    if (cancelled())
        return false;
    data->orders.reserve(drafts.size());
    data->items.reserve(draftItems.size());
    for (std::uint32_t index : order) {
        Data::Order o = drafts[index].order;
        o.id = static_cast<std::int64_t>(data->orders.size()) + 1;
        const std::uint32_t from = o.firstItem;
        o.firstItem = static_cast<std::uint32_t>(data->items.size());
        data->items.insert(data->items.end(), draftItems.begin() + from,
                           draftItems.begin() + from + o.itemCount);
        data->orders.push_back(o);
    }

    m_data = std::move(data);
    return true;
}

std::size_t DemoGenerator::rowCount(std::size_t table) const
{
    if (!m_data)
        return 0;
    switch (table) {
    case Tenants:
        return kTenants.size();
    case Users:
        return m_data->users.size();
    case Customers:
        return m_data->customers.size();
    case Products:
        return m_data->products.size();
    case Orders:
        return m_data->orders.size();
    case OrderItems:
        return m_data->items.size();
    default:
        return 0;
    }
}

std::size_t DemoGenerator::totalRowCount() const
{
    std::size_t total = 0;
    for (std::size_t t = 0; t < TableCount; ++t)
        total += rowCount(t);
    return total;
}

bool DemoGenerator::forEachRow(std::size_t table, const RowSink &sink) const
{
    if (!m_data)
        return true;
    using K = DemoCell::Kind;
    auto integer = [](std::int64_t v) {
        return DemoCell { K::Integer, v, {} };
    };
    auto text = [](std::string_view v) {
        return DemoCell { K::Text, 0, v };
    };
    const DemoCell null {};
    char b1[32];
    char b2[32];
    char b3[32];

    switch (table) {
    case Tenants:
        for (std::size_t i = 0; i < kTenants.size(); ++i) {
            const TenantSpec &t = kTenants[i];
            const std::array<DemoCell, 4> row { integer(static_cast<std::int64_t>(i) + 1),
                                                text(t.slug), text(t.name),
                                                text(formatDateTime(t.createdAt, b1)) };
            if (!sink(row))
                return false;
        }
        return true;
    case Users:
        for (const Data::User &u : m_data->users) {
            const std::array<DemoCell, 8> row {
                integer(u.id),    integer(u.tenantId),
                text(u.email),    text(u.displayName),
                text(u.role),     text(u.passwordHash),
                text(u.apiToken), text(formatDateTime(u.createdAt, b1))
            };
            if (!sink(row))
                return false;
        }
        return true;
    case Customers:
        for (const Data::Customer &c : m_data->customers) {
            const std::array<DemoCell, 12> row { integer(c.id),
                                                 integer(c.tenantId),
                                                 text(c.firstName),
                                                 text(c.lastName),
                                                 text(c.email),
                                                 text(c.phone),
                                                 text(formatDate(c.dateOfBirth, b1)),
                                                 text(c.nationalId),
                                                 text(c.city),
                                                 text(c.country),
                                                 text(formatDateTime(c.createdAt, b2)),
                                                 c.deletedAt == kNone
                                                     ? null
                                                     : text(formatDateTime(c.deletedAt, b3)) };
            if (!sink(row))
                return false;
        }
        return true;
    case Products:
        for (const Data::Product &p : m_data->products) {
            const std::array<DemoCell, 8> row {
                integer(p.id),    integer(p.tenantId),
                text(p.sku),      text(p.name),
                text(p.category), integer(p.priceCents),
                integer(p.stock), text(formatDateTime(p.createdAt, b1))
            };
            if (!sink(row))
                return false;
        }
        return true;
    case Orders:
        for (const Data::Order &o : m_data->orders) {
            const std::array<DemoCell, 8> row { integer(o.id),
                                                integer(o.tenantId),
                                                integer(o.customerId),
                                                integer(o.userId),
                                                text(kStatuses[o.status]),
                                                integer(o.totalCents),
                                                text(formatDateTime(o.placedAt, b1)),
                                                o.deletedAt == kNone
                                                    ? null
                                                    : text(formatDateTime(o.deletedAt, b2)) };
            if (!sink(row))
                return false;
        }
        return true;
    case OrderItems: {
        std::int64_t id = 0;
        for (const Data::Order &o : m_data->orders) {
            for (std::uint32_t k = 0; k < o.itemCount; ++k) {
                const Data::Item &item = m_data->items[o.firstItem + k];
                const std::array<DemoCell, 6> row {
                    integer(++id),           integer(o.tenantId),    integer(o.id),
                    integer(item.productId), integer(item.quantity), integer(item.unitPriceCents)
                };
                if (!sink(row))
                    return false;
            }
        }
        return true;
    }
    default:
        return true;
    }
}

} // namespace warden
