#include "UsageMeter.h"

#include "policy/Principal.h"

#include <spdlog/spdlog.h>

#include <QDateTime>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace warden::limits {

namespace {

constexpr std::int64_t kMinuteMs = 60000;
constexpr std::int64_t kDayMinutes = 24 * 60;
// After a flush, minutes this far back are re-read: other servers flush about once a second,
// so their increments land in the last few minutes even with some clock skew between hosts.
constexpr std::int64_t kReloadLookbackMinutes = 5;
constexpr std::int64_t kPruneEveryMinutes = 60;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct Bucket
{
    std::int64_t minute = 0;
    UsageCounts counts;
};

// Sorted by minute; new minutes almost always go at the end.
template<typename Container> UsageCounts &bucketFor(Container &buckets, std::int64_t minute)
{
    auto it = std::lower_bound(buckets.begin(), buckets.end(), minute,
                               [](const Bucket &b, std::int64_t m) { return b.minute < m; });
    if (it == buckets.end() || it->minute != minute)
        it = buckets.insert(it, Bucket { minute, {} });
    return it->counts;
}

struct Ledger
{
    std::deque<Bucket> stored; // as the store has it (plus our own flushed increments)
    std::vector<Bucket> unflushed; // our increments the store has not got yet
    UsageCounts hour, day; // window sums, valid for minute sumsAt
    std::int64_t sumsAt = kNever;

    // Window sums for `minute`, recomputed when the minute changed (buckets older than a day
    // are dropped then).
    void ensureSums(std::int64_t minute)
    {
        if (sumsAt == minute)
            return;
        const std::int64_t dayStart = minute - kDayMinutes + 1;
        const std::int64_t hourStart = minute - 60 + 1;
        while (!stored.empty() && stored.front().minute < dayStart)
            stored.pop_front();
        hour = {};
        day = {};
        const auto add = [&](const Bucket &b) {
            if (b.minute >= dayStart)
                day += b.counts;
            if (b.minute >= hourStart)
                hour += b.counts;
        };
        std::for_each(stored.begin(), stored.end(), add);
        std::for_each(unflushed.begin(), unflushed.end(), add);
        sumsAt = minute;
    }

    void add(std::int64_t minute, const UsageCounts &delta)
    {
        bucketFor(unflushed, minute) += delta;
        if (sumsAt == minute) {
            hour += delta;
            day += delta;
        }
    }

    // Every bucket from `start` on, stored and unflushed merged, by minute.
    std::vector<Bucket> bucketsSince(std::int64_t start) const
    {
        std::vector<Bucket> out;
        for (const Bucket &b : stored)
            if (b.minute >= start)
                bucketFor(out, b.minute) += b.counts;
        for (const Bucket &b : unflushed)
            if (b.minute >= start)
                bucketFor(out, b.minute) += b.counts;
        return out;
    }

    bool empty() const { return stored.empty() && unflushed.empty(); }
};

const char *adjective(Window window)
{
    return window == Window::Hour ? "hourly" : "daily";
}

const char *span(Window window)
{
    return window == Window::Hour ? "the last 60 minutes" : "the last 24 hours";
}

std::string number(double value)
{
    if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15)
        return std::to_string(static_cast<std::int64_t>(std::llround(value)));
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

std::string count(std::int64_t n, const char *unit)
{
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// Rounded up: retrying at the time we say must work.
std::string waitText(std::chrono::milliseconds wait)
{
    const std::int64_t ms = wait.count();
    if (ms <= 60'000)
        return count(std::max<std::int64_t>(1, (ms + 999) / 1000), "second");
    if (ms <= 2 * 3'600'000)
        return count((ms + 59'999) / 60'000, "minute");
    return count((ms + 3'599'999) / 3'600'000, "hour");
}

std::string rejectionMessage(const BudgetRejection &r)
{
    const std::string whose =
        r.kind == SubjectKind::Principal ? "this principal" : "this principal's tenant";
    std::string text;
    switch (r.metric) {
    case Metric::Calls:
        text = "The " + std::string(adjective(r.window)) + " call budget of " + whose
            + " is used up: " + number(r.used) + " of " + number(r.limit) + " calls in "
            + span(r.window);
        break;
    case Metric::Rows:
        text = "The " + std::string(adjective(r.window)) + " row budget of " + whose
            + " is used up: " + number(r.used) + " of " + number(r.limit) + " rows returned in "
            + span(r.window);
        break;
    default:
        text = "The " + std::string(adjective(r.window)) + " cost budget of " + whose
            + " would be exceeded: " + number(r.used) + " of " + number(r.limit)
            + " cost units used in " + span(r.window) + ", and this call is estimated at "
            + number(r.estimated);
        break;
    }
    if (r.retryAfter.count() > 0)
        return text + "; retry in " + waitText(r.retryAfter)
            + ", when older usage has left the window.";
    return text
        + "; this call alone is larger than the budget, so ask for less (a narrower filter, fewer "
          "rows).";
}

} // namespace

Error BudgetRejection::toError() const
{
    // Calls and rows are counts: integers in the details; cost units may have a fraction.
    const auto value = [this](double v) {
        return metric == Metric::Cost ? Json(v) : Json(static_cast<std::int64_t>(std::llround(v)));
    };
    return Error(
        ErrorCode::BudgetExceeded, message,
        { "wait until older usage leaves the window, or ask an administrator for a larger budget" },
        Json { { "subject", std::string(subjectKindName(kind)) },
               { "window", std::string(windowName(window)) },
               { "metric", std::string(metricName(metric)) },
               { "limit", value(limit) },
               { "used", value(used) },
               { "estimated", value(estimated) },
               { "retry_after_ms", retryAfter.count() } });
}

UsageMeter::Options UsageMeter::Options::fromConfig(const LimitsConfig &config)
{
    Options o;
    o.principalBudgets = config.principalBudgets;
    o.tenantBudgets = config.tenantBudgets;
    o.flushIntervalMs = config.usageStore.flushIntervalMs;
    o.retentionDays = config.usageStore.retentionDays;
    return o;
}

struct UsageMeter::State
{
    Options options;
    std::unique_ptr<UsageStore> store;
    UsageMeter *owner = nullptr;

    std::mutex mutex; // guards the ledgers and `problem`
    std::array<std::unordered_map<std::string, Ledger>, 2> ledgers; // by SubjectKind
    std::string problem;

    std::mutex flushMutex; // one flush at a time; guards lastPruneMinute
    std::int64_t lastPruneMinute = kNever;

    std::mutex writerMutex; // guards stopping and stopped
    std::condition_variable wake;
    bool stopping = false;
    bool stopped = false;
    std::thread writer;

    std::int64_t nowMs() const
    {
        return options.now ? options.now() : QDateTime::currentMSecsSinceEpoch();
    }
    std::int64_t minute() const { return floorDiv(nowMs(), kMinuteMs); }

    std::unordered_map<std::string, Ledger> &of(SubjectKind kind)
    {
        return ledgers[std::size_t(kind)];
    }
    const WindowBudgets &budgets(SubjectKind kind) const
    {
        return kind == SubjectKind::Tenant ? options.tenantBudgets : options.principalBudgets;
    }

    // Locked: adds `delta` to the principal and its tenant.
    void addLocked(const Principal &principal, const UsageCounts &delta, std::int64_t m)
    {
        of(SubjectKind::Principal)[principalSubject(principal)].add(m, delta);
        if (!principal.tenantId.empty())
            of(SubjectKind::Tenant)[tenantSubject(principal)].add(m, delta);
    }

    std::optional<BudgetRejection> check(SubjectKind kind, const std::string &subject,
                                         double estimatedCost, std::int64_t m, std::int64_t now);
    Status flush();
    // Replaces the stored minutes from fromMinute on with the store's totals; whether any changed.
    Result<bool> reload(std::int64_t fromMinute);
    std::vector<UsageRow> takeUnflushed();
    void restoreUnflushed(const std::vector<UsageRow> &batch);
    void sweep(std::int64_t m);
    void setProblem(const std::string &text);
    void writerLoop();
};

std::optional<BudgetRejection> UsageMeter::State::check(SubjectKind kind,
                                                        const std::string &subject,
                                                        double estimatedCost, std::int64_t m,
                                                        std::int64_t now)
{
    const WindowBudgets &limits = budgets(kind);
    if (limits.unlimited())
        return std::nullopt;
    auto &map = of(kind);
    const auto it = map.find(subject);
    Ledger empty;
    Ledger &ledger = it == map.end() ? empty : it->second;
    ledger.ensureSums(m);
    for (const Window window : { Window::Hour, Window::Day }) {
        const BudgetLimits &l = window == Window::Hour ? limits.hour : limits.day;
        const UsageCounts &used = window == Window::Hour ? ledger.hour : ledger.day;
        BudgetRejection r;
        r.kind = kind;
        r.window = window;
        // The most the window's usage of the metric may be for this call to run.
        double allowed = 0;
        if (l.calls > 0 && used.calls + 1 > l.calls) {
            r.metric = Metric::Calls;
            r.limit = double(l.calls);
            r.estimated = 1;
            allowed = double(l.calls - 1);
        } else if (l.rows > 0 && used.rows >= l.rows) {
            r.metric = Metric::Rows;
            r.limit = double(l.rows);
            allowed = double(l.rows - 1);
        } else if (l.cost > 0 && used.cost + estimatedCost > l.cost) {
            r.metric = Metric::Cost;
            r.limit = l.cost;
            r.estimated = estimatedCost;
            allowed = l.cost - estimatedCost;
        } else {
            continue;
        }
        r.used = used.value(r.metric);
        // Wait for the oldest minutes to leave the window until enough is freed.
        const std::int64_t length = windowMinutes(window);
        if (allowed >= 0) {
            double freed = 0;
            for (const Bucket &b : ledger.bucketsSince(m - length + 1)) {
                freed += b.counts.value(r.metric);
                if (r.used - freed <= allowed + 1e-9) {
                    r.retryAfter = std::chrono::milliseconds(
                        std::max<std::int64_t>(1, (b.minute + length) * kMinuteMs - now));
                    break;
                }
            }
        }
        r.message = rejectionMessage(r);
        return r;
    }
    return std::nullopt;
}

void UsageMeter::State::setProblem(const std::string &text)
{
    {
        std::lock_guard lock(mutex);
        if (problem == text)
            return;
        problem = text;
    }
    if (text.empty())
        spdlog::info("usage: the store works again");
    else
        spdlog::warn("usage: {} (usage is kept in memory until the store works again)", text);
    Q_EMIT owner->storeHealthChanged(QString::fromStdString(text));
}

Result<bool> UsageMeter::State::reload(std::int64_t fromMinute)
{
    auto rows = store->rowsSince(fromMinute);
    if (!rows)
        return rows.takeError();
    bool changed = false;
    std::lock_guard lock(mutex);
    for (UsageRow &row : *rows) {
        Ledger &ledger = of(row.kind)[row.subject];
        UsageCounts &bucket = bucketFor(ledger.stored, row.minute);
        if (bucket == row.counts)
            continue;
        bucket = row.counts;
        ledger.sumsAt = kNever;
        changed = true;
    }
    return changed;
}

std::vector<UsageRow> UsageMeter::State::takeUnflushed()
{
    std::vector<UsageRow> batch;
    std::lock_guard lock(mutex);
    for (const SubjectKind kind : { SubjectKind::Principal, SubjectKind::Tenant }) {
        for (auto &[subject, ledger] : of(kind)) {
            for (const Bucket &b : ledger.unflushed) {
                batch.push_back(UsageRow { kind, subject, b.minute, b.counts });
                bucketFor(ledger.stored, b.minute) += b.counts; // optimistic; undone on failure
            }
            ledger.unflushed.clear();
        }
    }
    return batch;
}

void UsageMeter::State::restoreUnflushed(const std::vector<UsageRow> &batch)
{
    std::lock_guard lock(mutex);
    for (const UsageRow &row : batch) {
        Ledger &ledger = of(row.kind)[row.subject];
        bucketFor(ledger.stored, row.minute) -= row.counts;
        bucketFor(ledger.unflushed, row.minute) += row.counts;
    }
}

void UsageMeter::State::sweep(std::int64_t m)
{
    std::lock_guard lock(mutex);
    for (auto &map : ledgers) {
        for (auto it = map.begin(); it != map.end();) {
            it->second.ensureSums(m); // drops minutes older than a day
            it = it->second.empty() ? map.erase(it) : std::next(it);
        }
    }
}

Status UsageMeter::State::flush()
{
    std::lock_guard flushLock(flushMutex);
    const std::int64_t m = minute();
    const std::vector<UsageRow> batch = takeUnflushed();
    if (auto s = store->add(batch); !s) {
        restoreUnflushed(batch); // kept in memory and written by a later flush
        setProblem(s.error().message);
        return s;
    }
    auto changed = reload(m - kReloadLookbackMinutes);
    if (!changed) {
        setProblem(changed.error().message);
        return changed.takeError();
    }
    sweep(m);
    if (!batch.empty() || *changed)
        Q_EMIT owner->usageChanged();
    if (lastPruneMinute == kNever || m - lastPruneMinute >= kPruneEveryMinutes) {
        lastPruneMinute = m;
        if (auto pruned = store->prune(m - std::int64_t(options.retentionDays) * kDayMinutes);
            !pruned) {
            setProblem(pruned.error().message);
            return pruned.takeError();
        }
    }
    setProblem({});
    return {};
}

void UsageMeter::State::writerLoop()
{
    const auto interval = std::chrono::milliseconds(options.flushIntervalMs);
    std::unique_lock lock(writerMutex);
    while (!stopping) {
        wake.wait_for(lock, interval, [&] { return stopping; });
        if (stopping)
            break;
        lock.unlock();
        (void)flush(); // failures are reported through storeHealthChanged and the log
        lock.lock();
    }
}

UsageMeter::UsageMeter(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
    m_state->owner = this;
}

Result<std::unique_ptr<UsageMeter>> UsageMeter::create(std::unique_ptr<UsageStore> store,
                                                       Options options)
{
    auto state = std::make_unique<State>();
    state->options = std::move(options);
    state->store = std::move(store);
    std::unique_ptr<UsageMeter> meter(new UsageMeter(std::move(state)));
    State &s = *meter->m_state;
    // The whole last day, so budgets hold across a restart.
    if (auto loaded = s.reload(s.minute() - kDayMinutes + 1); !loaded)
        return loaded.takeError();
    if (s.options.flushIntervalMs > 0)
        s.writer = std::thread([&s] { s.writerLoop(); });
    return meter;
}

UsageMeter::~UsageMeter()
{
    stop();
}

std::optional<BudgetRejection> UsageMeter::checkBudget(const Principal &principal,
                                                       double estimatedCost)
{
    State &s = *m_state;
    const std::int64_t now = s.nowMs();
    const std::int64_t m = floorDiv(now, kMinuteMs);
    std::lock_guard lock(s.mutex);
    auto rejection =
        s.check(SubjectKind::Principal, principalSubject(principal), estimatedCost, m, now);
    if (!rejection && !principal.tenantId.empty())
        rejection = s.check(SubjectKind::Tenant, tenantSubject(principal), estimatedCost, m, now);
    if (rejection) {
        UsageCounts delta;
        delta.budgetRejected = 1;
        s.addLocked(principal, delta, m);
    }
    return rejection;
}

std::optional<std::int64_t> UsageMeter::remainingRows(const Principal &principal)
{
    State &s = *m_state;
    const std::int64_t m = s.minute();
    std::optional<std::int64_t> remaining;
    std::lock_guard lock(s.mutex);
    for (const SubjectKind kind : { SubjectKind::Principal, SubjectKind::Tenant }) {
        if (kind == SubjectKind::Tenant && principal.tenantId.empty())
            continue;
        const WindowBudgets &limits = s.budgets(kind);
        if (limits.hour.rows <= 0 && limits.day.rows <= 0)
            continue;
        auto &map = s.of(kind);
        const auto it = map.find(kind == SubjectKind::Tenant ? tenantSubject(principal)
                                                             : principalSubject(principal));
        Ledger empty;
        Ledger &ledger = it == map.end() ? empty : it->second;
        ledger.ensureSums(m);
        for (const auto &[limit, used] : { std::pair { limits.hour.rows, ledger.hour.rows },
                                           std::pair { limits.day.rows, ledger.day.rows } }) {
            if (limit > 0)
                remaining =
                    std::min(remaining.value_or(limit), std::max<std::int64_t>(0, limit - used));
        }
    }
    return remaining;
}

void UsageMeter::record(const Principal &principal, std::int64_t rows, double cost)
{
    State &s = *m_state;
    const std::int64_t m = s.minute();
    UsageCounts delta;
    delta.calls = 1;
    delta.rows = std::max<std::int64_t>(0, rows);
    delta.cost = std::isfinite(cost) ? std::max(0.0, cost) : 0.0;
    std::lock_guard lock(s.mutex);
    s.addLocked(principal, delta, m);
}

void UsageMeter::recordRejection(const Principal &principal, RejectionKind kind)
{
    State &s = *m_state;
    const std::int64_t m = s.minute();
    UsageCounts delta;
    (kind == RejectionKind::RateLimited ? delta.rateLimited : delta.budgetRejected) = 1;
    std::lock_guard lock(s.mutex);
    s.addLocked(principal, delta, m);
}

UsageMeter::WindowUsage UsageMeter::usage(SubjectKind kind, const std::string &subject)
{
    State &s = *m_state;
    const std::int64_t m = s.minute();
    std::lock_guard lock(s.mutex);
    auto &map = s.of(kind);
    const auto it = map.find(subject);
    if (it == map.end())
        return {};
    it->second.ensureSums(m);
    return { it->second.hour, it->second.day };
}

const WindowBudgets &UsageMeter::limitsFor(SubjectKind kind) const
{
    return m_state->budgets(kind);
}

Result<std::vector<SeriesPoint>> UsageMeter::series(SubjectKind kind, const std::string &subject,
                                                    Metric metric, std::int64_t fromMs,
                                                    std::int64_t toMs, std::int64_t stepMs)
{
    const std::int64_t from = floorDiv(fromMs, kMinuteMs);
    const std::int64_t to = floorDiv(toMs + kMinuteMs - 1, kMinuteMs);
    const std::int64_t step = std::max<std::int64_t>(1, stepMs / kMinuteMs);
    return m_state->store->series(kind, subject, metric, from, to, step);
}

Result<std::vector<Consumer>> UsageMeter::topConsumers(SubjectKind kind, Metric metric,
                                                       Window window, std::size_t n)
{
    return m_state->store->top(kind, metric, m_state->minute() - windowMinutes(window) + 1, n);
}

Status UsageMeter::flush()
{
    return m_state->flush();
}

void UsageMeter::stop()
{
    State &s = *m_state;
    {
        std::lock_guard lock(s.writerMutex);
        if (s.stopped)
            return;
        s.stopping = true;
        s.stopped = true;
    }
    s.wake.notify_all();
    if (s.writer.joinable())
        s.writer.join();
    (void)s.flush(); // the last interval's usage; a failure is logged
}

std::int64_t UsageMeter::nowMs() const
{
    return m_state->nowMs();
}

std::string UsageMeter::storeDescription() const
{
    return m_state->store->description();
}

std::string UsageMeter::storeProblem() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->problem;
}

} // namespace warden::limits
