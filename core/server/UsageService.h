#pragma once

#include "common/Result.h"
#include "limits/Usage.h"
#include "limits/UsageStore.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace warden {

// One metric of one subject over one window, step by step, as a chart draws it.
struct UsageSeries
{
    limits::SubjectKind kind = limits::SubjectKind::Principal;
    QString subject; // empty: every subject of the kind summed
    limits::Metric metric = limits::Metric::Calls;
    limits::Window window = limits::Window::Hour;
    qint64 fromMs = 0; // start of the first step (Unix ms)
    qint64 toMs = 0; // end of the last step
    qint64 stepMs = 0;
    std::vector<limits::SeriesPoint> points; // one per step, zero where nothing was counted
    // The budget the window's total is held against; none when no budget applies (no budget
    // configured, a week, a rejection count, or all subjects summed).
    std::optional<double> limit;
};

// What the console's budget charts ask a server: usage series, top consumers and the
// subjects with usage. Answers arrive later on the caller's thread through the callback,
// which is dropped when `context` is gone; a remote server can implement this over the
// network. Lives on the GUI thread.
class UsageService : public QObject
{
    Q_OBJECT
public:
    using SeriesCallback = std::function<void(const Result<UsageSeries> &)>;
    using ConsumersCallback = std::function<void(const Result<std::vector<limits::Consumer>> &)>;
    using SubjectsCallback = std::function<void(const Result<QStringList> &)>;

    using QObject::QObject;
    ~UsageService() override = default;

    // Whether usage can be asked for now (the server runs). Requests made while it is not
    // answer with an error that says to start the server.
    virtual bool isAvailable() const = 0;

    // The window ending now: hour in minutes, day in quarter hours, week in hours.
    virtual void fetchSeries(limits::SubjectKind kind, const QString &subject,
                             limits::Metric metric, limits::Window window, QObject *context,
                             SeriesCallback done) = 0;
    // The n largest consumers of `metric` over the window ending now, largest first.
    virtual void fetchTopConsumers(limits::SubjectKind kind, limits::Metric metric,
                                   limits::Window window, int n, QObject *context,
                                   ConsumersCallback done) = 0;
    // Every subject of the kind with some usage (calls or rejections) in the last week, sorted.
    virtual void fetchSubjects(limits::SubjectKind kind, QObject *context,
                               SubjectsCallback done) = 0;

    // The step a window's series uses.
    static qint64 stepMs(limits::Window window)
    {
        switch (window) {
        case limits::Window::Hour:
            return 60'000;
        case limits::Window::Day:
            return 15 * 60'000;
        case limits::Window::Week:
            return 60 * 60'000;
        }
        return 60'000;
    }

Q_SIGNALS:
    // The server came or went (start, stop, restart).
    void availabilityChanged(bool available);
    // Counters changed (at most about once a second); ask again for what is shown.
    void usageChanged();
};

} // namespace warden
