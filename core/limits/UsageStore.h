#pragma once

#include "Usage.h"
#include "common/Result.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace warden::limits {

struct UsageStoreConfig;

// One subject's counters in one minute (minute = Unix time in whole minutes).
struct UsageRow
{
    SubjectKind kind = SubjectKind::Principal;
    std::string subject;
    std::int64_t minute = 0;
    UsageCounts counts;

    bool operator==(const UsageRow &) const = default;
};

struct SeriesPoint
{
    std::int64_t timeMs = 0; // start of the step, Unix milliseconds
    double value = 0;
};

struct Consumer
{
    std::string subject;
    double value = 0;
};

// Where per-minute usage persists. Implementations are thread-safe (the meter's writer
// flushes while the console asks for series) and keep one row per (kind, subject, minute).
class UsageStore
{
public:
    virtual ~UsageStore() = default;

    // The configured store: SQLite at config.effectivePath(auditPath), or PostgreSQL with
    // `password` (the resolved secret of config.passwordRef; empty when none is needed).
    static Result<std::unique_ptr<UsageStore>>
    open(const UsageStoreConfig &config, const QString &auditPath, const std::string &password);

    // Adds the increments to the stored counters, all or nothing. Atomic against other
    // writers of the same store (other servers sharing a PostgreSQL ledger).
    virtual Status add(const std::vector<UsageRow> &increments) = 0;
    // The stored totals of every row with minute >= fromMinute.
    virtual Result<std::vector<UsageRow>> rowsSince(std::int64_t fromMinute) = 0;
    // Sums of `metric` per step of `stepMinutes` in [fromMinute, toMinute), one point per step
    // (zero where nothing was counted). An empty subject sums every subject of the kind.
    virtual Result<std::vector<SeriesPoint>> series(SubjectKind kind, const std::string &subject,
                                                    Metric metric, std::int64_t fromMinute,
                                                    std::int64_t toMinute,
                                                    std::int64_t stepMinutes) = 0;
    // The `n` subjects of the kind with the largest sum of `metric` since fromMinute, largest
    // first.
    virtual Result<std::vector<Consumer>> top(SubjectKind kind, Metric metric,
                                              std::int64_t fromMinute, std::size_t n) = 0;
    // Deletes rows older than beforeMinute; yields how many went.
    virtual Result<std::int64_t> prune(std::int64_t beforeMinute) = 0;
    // "SQLite /path/usage.db", "PostgreSQL host:port/dbname" (never a secret).
    virtual std::string description() const = 0;
};

} // namespace warden::limits
