#pragma once

#include "server/ServerInterface.h"

#include <QPointer>
#include <QTimer>

#include <deque>
#include <functional>

namespace warden {

// What the console shows about one server, in words: state, whether start/stop make sense
// now, the error to put in front of the operator, and the call rate. The server panel and
// the status bar both read it, so they never disagree and no widget decides these rules.
// Counter updates are coalesced on a short timer: a busy server must not relayout the window
// once per request.
class ServerStatusController : public QObject
{
    Q_OBJECT
public:
    static constexpr int CounterIntervalMs = 100;
    static constexpr int RateSampleIntervalMs = 1000;
    static constexpr qint64 RateWindowMs = 5000;

    explicit ServerStatusController(ServerInterface *server, QObject *parent = nullptr);

    ServerInterface *server() const { return m_server; }

    ServerInterface::State state() const;
    QString stateText() const { return stateText(state()); }
    static QString stateText(ServerInterface::State state);
    bool isRunning() const { return state() == ServerInterface::State::Running; }
    bool canStart() const;
    bool canStop() const;

    QString endpoint() const;
    QString databaseDescription() const;
    quint64 requestCount() const;
    quint64 errorCount() const;
    int sessionCount() const;

    // The error the operator should see, or empty: the last one the server reported, kept
    // until the operator dismisses it or starts the server again.
    QString errorText() const { return m_errorText; }

    // A standing warning about how the running server is exposed (anonymous development
    // callers...), or empty. Not dismissable: it lasts as long as the exposure.
    QString securityNotice() const;

    // Answered requests per second over the last few seconds while running; 0 otherwise.
    double callsPerSecond() const { return m_rate; }

    // Records the request count now. The sample timer calls this every second while running.
    void sample();

    // Milliseconds from a monotonic clock; tests replace it to control time.
    using Clock = std::function<qint64()>;
    void setClock(Clock clock) { m_clock = std::move(clock); }

public Q_SLOTS:
    void start();
    void stop();
    // Stop if running, then start with the configuration as stored now (always allowed
    // except while stopping: it is also how saved settings take effect).
    void restart();
    void dismissError();

Q_SIGNALS:
    void stateChanged();
    void countersChanged();
    void errorChanged();

private:
    void onServerStateChanged(ServerInterface::State state);
    void onServerError(const QString &message);
    void setErrorText(const QString &text);
    void resetRate();

    struct Sample
    {
        qint64 timeMs;
        quint64 count;
    };

    QPointer<ServerInterface> m_server;
    QString m_errorText;
    QTimer m_counterTimer;
    QTimer m_sampleTimer;
    Clock m_clock;
    std::deque<Sample> m_samples;
    double m_rate = 0.0;
};

} // namespace warden
