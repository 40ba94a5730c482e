#pragma once

#include "UsageService.h"

#include <QThreadPool>

namespace warden {

namespace limits {
class UsageMeter;
}

// UsageService over the embedded server's UsageMeter. Server owns one for its whole life and
// attaches the meter while it runs. Store reads run on a thread of its own (one at a time, so
// a busy console cannot crowd the store) and answer on the GUI thread.
class EmbeddedUsageService : public UsageService
{
    Q_OBJECT
public:
    explicit EmbeddedUsageService(QObject *parent = nullptr);
    ~EmbeddedUsageService() override;

    // The meter of the running server, or nullptr when it stops: detaching waits for the
    // reads in progress, so the meter may go right after.
    void setMeter(limits::UsageMeter *meter);

    bool isAvailable() const override { return m_meter != nullptr; }
    void fetchSeries(limits::SubjectKind kind, const QString &subject, limits::Metric metric,
                     limits::Window window, QObject *context, SeriesCallback done) override;
    void fetchTopConsumers(limits::SubjectKind kind, limits::Metric metric, limits::Window window,
                           int n, QObject *context, ConsumersCallback done) override;
    void fetchSubjects(limits::SubjectKind kind, QObject *context, SubjectsCallback done) override;

    // How many subjects fetchSubjects() names at most.
    static constexpr int MaxSubjects = 1000;

private:
    // Runs `work` (given the meter) on the reader thread and hands its result to `done` on this
    // object's thread, unless `context` is gone by then.
    template<typename T>
    void run(QObject *context, std::function<Result<T>(limits::UsageMeter &)> work,
             std::function<void(const Result<T> &)> done);

    limits::UsageMeter *m_meter = nullptr;
    QThreadPool m_reader;
};

} // namespace warden
