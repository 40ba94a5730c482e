#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden {
struct Principal;
}

namespace warden::limits {

// Whose usage: one principal, or a whole tenant (all its principals together).
enum class SubjectKind { Principal, Tenant };

// What is counted, per minute and subject.
enum class Metric { Calls, Rows, Cost, RateLimited, BudgetRejected };

// The windows budgets and charts speak of; all roll at minute granularity.
enum class Window { Hour, Day, Week };

enum class RejectionKind { RateLimited, Budget };

std::string_view subjectKindName(SubjectKind kind); // "principal", "tenant"
std::optional<SubjectKind> subjectKindFromName(std::string_view name);
std::string_view
metricName(Metric metric); // "calls", "rows", "cost", "rate_limited", "budget_rejected"
std::string_view windowName(Window window); // "hour", "day", "week"
std::int64_t windowMinutes(Window window); // 60, 1440, 10080

// The counters of one subject over some span (a minute, a window).
struct UsageCounts
{
    std::int64_t calls = 0;
    std::int64_t rows = 0;
    double cost = 0;
    std::int64_t rateLimited = 0;
    std::int64_t budgetRejected = 0;

    UsageCounts &operator+=(const UsageCounts &o);
    UsageCounts &operator-=(const UsageCounts &o);
    bool isZero() const;
    double value(Metric metric) const;
    bool operator==(const UsageCounts &) const = default;
};

// The subject key of a principal in usage data and limiter keys: "authMethod:userId", plus
// "|tenantId" when it has a tenant ('%', ':' and '|' inside the parts are percent-encoded, so
// two different principals never share a key). Readable in charts: "oauth:alice@example.com|acme".
std::string principalSubject(const Principal &principal);
// The tenant's subject key: its id (empty when the principal has none).
std::string tenantSubject(const Principal &principal);

} // namespace warden::limits
