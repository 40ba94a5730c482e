#pragma once

#include "LimitsConfig.h"
#include "Usage.h"
#include "UsageStore.h"
#include "common/Error.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace warden {
struct Principal;
}

namespace warden::limits {

// Why a call was refused before it ran: one budget of one subject in one window.
struct BudgetRejection
{
    std::string code = "BUDGET_EXCEEDED";
    SubjectKind kind = SubjectKind::Principal; // whose budget: the principal's or its tenant's
    Window window = Window::Hour; // Hour or Day
    Metric metric = Metric::Calls; // Calls, Rows or Cost
    double limit = 0;
    double used = 0; // in the window, before this call
    double estimated =
        0; // what this call would add (1 for calls, 0 for rows, the estimate for cost)
    std::chrono::milliseconds retryAfter { 0 }; // until enough usage leaves the window
    std::string message;

    // BUDGET_EXCEEDED with details {subject, window, metric, limit, used, estimated,
    // retry_after_ms}, the shape agents receive.
    Error toError() const;
};

// Counts calls, rows, cost units and rejections per minute, per principal and per tenant, and
// enforces the configured budgets over rolling windows (hour = the current minute and the 59
// before it, day = the last 1,440 minutes; wall-clock minutes, so windows survive restarts
// and are shared between servers).
//
// Hot path in memory: the minutes of the last day are kept per subject with window sums
// (loaded from the store at start, so limits survive restarts). Increments are written to the
// store in batches by a writer thread every flush interval, and on stop; a crash loses at most
// the usage of the last interval. After each flush the meter re-reads the recent minutes from
// the store, so servers sharing a PostgreSQL ledger see each other's usage within about one
// interval. Between flushes concurrent calls of different servers can overshoot a budget by
// what they add in that interval; on one server, calls admitted together can overshoot by the
// calls in flight (check and record are separate steps around the call).
//
// Memory: about 50 bytes per subject and active minute (at most 1,440 minutes), only for
// subjects (authenticated principals, tenants) with usage in the last day.
//
// Thread-safe. Signals are emitted from the writer thread (connect with a context object).
class UsageMeter : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        WindowBudgets principalBudgets;
        WindowBudgets tenantBudgets;
        // 0: no writer thread; flush() writes (tests drive it by hand).
        std::int64_t flushIntervalMs = 1000;
        int retentionDays = 8;
        // Unix milliseconds; tests inject a clock that they move by hand.
        std::function<std::int64_t()> now;

        static Options fromConfig(const LimitsConfig &config);
    };

    struct WindowUsage
    {
        UsageCounts hour;
        UsageCounts day;
    };

    // Loads the last day from the store and starts the writer (unless flushIntervalMs is 0).
    static Result<std::unique_ptr<UsageMeter>> create(std::unique_ptr<UsageStore> store,
                                                      Options options);
    ~UsageMeter() override; // stop()s

    // Whether a call by `principal` with an estimated cost may run: nothing, or the first budget
    // it would break (principal before tenant, hour before day, calls, rows, cost). Refused
    // when calls used + 1 > limit, rows used >= limit, or cost used + estimatedCost > limit.
    // A refusal is counted (budget_rejected) for the principal and its tenant.
    std::optional<BudgetRejection> checkBudget(const Principal &principal,
                                               double estimatedCost = 0);
    // Rows the principal may still fetch under its (and its tenant's) row budgets; nothing
    // when no row budget applies. A tool caps its take to this.
    std::optional<std::int64_t> remainingRows(const Principal &principal);

    // After a call ran: one call, its rows and its cost, for the principal and its tenant.
    void record(const Principal &principal, std::int64_t rows, double cost);
    void recordRejection(const Principal &principal, RejectionKind kind);

    // Current window totals of one subject (memory; includes what is not flushed yet).
    WindowUsage usage(SubjectKind kind, const std::string &subject);
    const WindowBudgets &limitsFor(SubjectKind kind) const;

    // For the console's charts (from the store: as of the last flush). Times are Unix ms;
    // an empty subject sums all subjects of the kind.
    Result<std::vector<SeriesPoint>> series(SubjectKind kind, const std::string &subject,
                                            Metric metric, std::int64_t fromMs, std::int64_t toMs,
                                            std::int64_t stepMs);
    // The largest consumers of `metric` over the window ending now.
    Result<std::vector<Consumer>> topConsumers(SubjectKind kind, Metric metric, Window window,
                                               std::size_t n);

    // Writes pending increments, then re-reads the recent minutes (other servers' usage).
    Status flush();
    // Final flush, then the writer thread ends. Recording still works afterwards (kept in
    // memory only).
    void stop();

    // The meter's clock (Unix ms): the injected one in tests, the wall clock otherwise. Series
    // asked for "the window ending now" use it, so they line up with the budgets.
    std::int64_t nowMs() const;

    std::string storeDescription() const;
    // The last store failure (empty when the last flush worked).
    std::string storeProblem() const;

Q_SIGNALS:
    // At most once per flush, when counters changed (this server's or another's).
    void usageChanged();
    // The store failed or recovered (empty problem); usage stays in memory meanwhile.
    void storeHealthChanged(const QString &problem);

private:
    struct State;
    explicit UsageMeter(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

} // namespace warden::limits
