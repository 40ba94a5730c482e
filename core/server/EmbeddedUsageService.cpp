#include "EmbeddedUsageService.h"

#include "limits/UsageMeter.h"

#include <QPointer>

#include <algorithm>
#include <set>

namespace warden {

namespace {

constexpr qint64 kMinuteMs = 60'000;

Error notRunning()
{
    return Error(ErrorCode::Unavailable,
                 "The server is not running: start it to see its usage and budgets.");
}

// The budget a window's total of `metric` is held against, if one applies.
std::optional<double> budgetFor(const limits::WindowBudgets &budgets, limits::Window window,
                                limits::Metric metric)
{
    if (window == limits::Window::Week) // budgets exist per hour and per day only
        return std::nullopt;
    const limits::BudgetLimits &l = window == limits::Window::Hour ? budgets.hour : budgets.day;
    double limit = 0;
    switch (metric) {
    case limits::Metric::Calls:
        limit = double(l.calls);
        break;
    case limits::Metric::Rows:
        limit = double(l.rows);
        break;
    case limits::Metric::Cost:
        limit = l.cost;
        break;
    case limits::Metric::RateLimited:
    case limits::Metric::BudgetRejected:
        break;
    }
    return limit > 0 ? std::optional<double>(limit) : std::nullopt;
}

} // namespace

EmbeddedUsageService::EmbeddedUsageService(QObject *parent)
    : UsageService(parent)
{
    m_reader.setMaxThreadCount(1);
    m_reader.setObjectName(QStringLiteral("usage-reader"));
}

EmbeddedUsageService::~EmbeddedUsageService()
{
    m_reader.waitForDone();
}

void EmbeddedUsageService::setMeter(limits::UsageMeter *meter)
{
    if (meter == m_meter)
        return;
    if (m_meter) {
        disconnect(m_meter, nullptr, this, nullptr);
        m_reader.waitForDone();
    }
    m_meter = meter;
    if (m_meter) // emitted on the meter's writer thread
        connect(m_meter, &limits::UsageMeter::usageChanged, this, &UsageService::usageChanged,
                Qt::QueuedConnection);
    Q_EMIT availabilityChanged(m_meter != nullptr);
}

template<typename T>
void EmbeddedUsageService::run(QObject *context,
                               std::function<Result<T>(limits::UsageMeter &)> work,
                               std::function<void(const Result<T> &)> done)
{
    QPointer<QObject> guard(context);
    if (!m_meter) {
        // Still asynchronous: callers never see their callback run inside the request.
        QMetaObject::invokeMethod(
            this,
            [guard, done = std::move(done)] {
                if (guard)
                    done(Result<T>(notRunning()));
            },
            Qt::QueuedConnection);
        return;
    }
    limits::UsageMeter *meter = m_meter;
    m_reader.start([this, meter, guard, work = std::move(work), done = std::move(done)]() mutable {
        auto result = std::make_shared<Result<T>>(work(*meter));
        QMetaObject::invokeMethod(
            this,
            [guard, result, done = std::move(done)] {
                if (guard)
                    done(*result);
            },
            Qt::QueuedConnection);
    });
}

void EmbeddedUsageService::fetchSeries(limits::SubjectKind kind, const QString &subject,
                                       limits::Metric metric, limits::Window window,
                                       QObject *context, SeriesCallback done)
{
    run<UsageSeries>(
        context,
        [kind, subject, metric, window](limits::UsageMeter &meter) -> Result<UsageSeries> {
            UsageSeries s;
            s.kind = kind;
            s.subject = subject;
            s.metric = metric;
            s.window = window;
            s.stepMs = stepMs(window);
            // Whole minutes, the current one last: the hour's steps are exactly the minutes
            // its budget counts.
            const qint64 now = meter.nowMs();
            const qint64 minuteStart = now - ((now % kMinuteMs) + kMinuteMs) % kMinuteMs;
            s.toMs = minuteStart + kMinuteMs;
            s.fromMs = s.toMs - limits::windowMinutes(window) * kMinuteMs;
            auto points =
                meter.series(kind, subject.toStdString(), metric, s.fromMs, s.toMs, s.stepMs);
            if (!points)
                return points.takeError();
            s.points = std::move(*points);
            if (!subject.isEmpty())
                s.limit = budgetFor(meter.limitsFor(kind), window, metric);
            return s;
        },
        std::move(done));
}

void EmbeddedUsageService::fetchTopConsumers(limits::SubjectKind kind, limits::Metric metric,
                                             limits::Window window, int n, QObject *context,
                                             ConsumersCallback done)
{
    run<std::vector<limits::Consumer>>(
        context,
        [kind, metric, window, n](limits::UsageMeter &meter) {
            return meter.topConsumers(kind, metric, window, std::size_t(std::max(0, n)));
        },
        std::move(done));
}

void EmbeddedUsageService::fetchSubjects(limits::SubjectKind kind, QObject *context,
                                         SubjectsCallback done)
{
    run<QStringList>(
        context,
        [kind](limits::UsageMeter &meter) -> Result<QStringList> {
            // A subject that was only ever refused has no calls; it is still worth charting.
            std::set<std::string> names;
            for (const limits::Metric metric : { limits::Metric::Calls, limits::Metric::RateLimited,
                                                 limits::Metric::BudgetRejected }) {
                auto top = meter.topConsumers(kind, metric, limits::Window::Week, MaxSubjects);
                if (!top)
                    return top.takeError();
                for (const limits::Consumer &c : *top)
                    names.insert(c.subject);
            }
            QStringList out;
            for (const std::string &name : names) {
                if (out.size() >= MaxSubjects)
                    break;
                out.push_back(QString::fromStdString(name));
            }
            return out;
        },
        std::move(done));
}

} // namespace warden
