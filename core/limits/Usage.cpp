#include "Usage.h"

#include "policy/Principal.h"

#include <array>

namespace warden::limits {

namespace {

constexpr std::array<std::string_view, 2> kKindNames = { "principal", "tenant" };
constexpr std::array<std::string_view, 5> kMetricNames = { "calls", "rows", "cost", "rate_limited",
                                                           "budget_rejected" };
constexpr std::array<std::string_view, 3> kWindowNames = { "hour", "day", "week" };
constexpr std::array<std::int64_t, 3> kWindowMinutes = { 60, 24 * 60, 7 * 24 * 60 };

void appendEscaped(std::string &out, std::string_view part)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const char c : part) {
        if (c == '%' || c == ':' || c == '|') {
            out += '%';
            out += hex[static_cast<unsigned char>(c) >> 4];
            out += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
}

} // namespace

std::string_view subjectKindName(SubjectKind kind)
{
    return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<SubjectKind> subjectKindFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kKindNames.size(); ++i)
        if (kKindNames[i] == name)
            return static_cast<SubjectKind>(i);
    return std::nullopt;
}

std::string_view metricName(Metric metric)
{
    return kMetricNames[static_cast<std::size_t>(metric)];
}

std::string_view windowName(Window window)
{
    return kWindowNames[static_cast<std::size_t>(window)];
}

std::int64_t windowMinutes(Window window)
{
    return kWindowMinutes[static_cast<std::size_t>(window)];
}

UsageCounts &UsageCounts::operator+=(const UsageCounts &o)
{
    calls += o.calls;
    rows += o.rows;
    cost += o.cost;
    rateLimited += o.rateLimited;
    budgetRejected += o.budgetRejected;
    return *this;
}

UsageCounts &UsageCounts::operator-=(const UsageCounts &o)
{
    calls -= o.calls;
    rows -= o.rows;
    cost -= o.cost;
    rateLimited -= o.rateLimited;
    budgetRejected -= o.budgetRejected;
    return *this;
}

bool UsageCounts::isZero() const
{
    return calls == 0 && rows == 0 && cost == 0 && rateLimited == 0 && budgetRejected == 0;
}

double UsageCounts::value(Metric metric) const
{
    switch (metric) {
    case Metric::Calls:
        return double(calls);
    case Metric::Rows:
        return double(rows);
    case Metric::Cost:
        return cost;
    case Metric::RateLimited:
        return double(rateLimited);
    case Metric::BudgetRejected:
        return double(budgetRejected);
    }
    return 0;
}

std::string principalSubject(const Principal &principal)
{
    std::string key;
    key.reserve(principal.authMethod.size() + principal.userId.size() + principal.tenantId.size()
                + 2);
    appendEscaped(key, principal.authMethod);
    key += ':';
    appendEscaped(key, principal.userId);
    if (!principal.tenantId.empty()) {
        key += '|';
        appendEscaped(key, principal.tenantId);
    }
    return key;
}

std::string tenantSubject(const Principal &principal)
{
    return principal.tenantId;
}

} // namespace warden::limits
