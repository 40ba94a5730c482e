#include "ServerStatusController.h"

#include <QElapsedTimer>

namespace warden {

ServerStatusController::ServerStatusController(ServerInterface *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
    Q_ASSERT(server);
    m_counterTimer.setSingleShot(true);
    m_counterTimer.setInterval(CounterIntervalMs);
    connect(&m_counterTimer, &QTimer::timeout, this, &ServerStatusController::countersChanged);

    m_sampleTimer.setInterval(RateSampleIntervalMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &ServerStatusController::sample);
    QElapsedTimer monotonic;
    monotonic.start();
    m_clock = [monotonic] {
        return monotonic.elapsed();
    };

    connect(server, &ServerInterface::stateChanged, this,
            &ServerStatusController::onServerStateChanged);
    connect(server, &ServerInterface::errorOccurred, this, &ServerStatusController::onServerError);
    connect(server, &ServerInterface::countersChanged, this, [this] {
        if (!m_counterTimer.isActive())
            m_counterTimer.start();
    });

    m_errorText = server->lastError();
    if (isRunning()) {
        m_sampleTimer.start();
        sample();
    }
}

QString ServerStatusController::securityNotice() const
{
    return m_server && isRunning() ? m_server->securityNotice() : QString();
}

ServerInterface::State ServerStatusController::state() const
{
    return m_server ? m_server->state() : ServerInterface::State::Stopped;
}

QString ServerStatusController::stateText(ServerInterface::State state)
{
    switch (state) {
    case ServerInterface::State::Stopped:
        return tr("Stopped");
    case ServerInterface::State::Starting:
        return tr("Starting…");
    case ServerInterface::State::Running:
        return tr("Running");
    case ServerInterface::State::Stopping:
        return tr("Stopping…");
    case ServerInterface::State::Failed:
        return tr("Failed");
    }
    return {};
}

bool ServerStatusController::canStart() const
{
    const auto s = state();
    return m_server
        && (s == ServerInterface::State::Stopped || s == ServerInterface::State::Failed);
}

bool ServerStatusController::canStop() const
{
    const auto s = state();
    return m_server
        && (s == ServerInterface::State::Running || s == ServerInterface::State::Starting);
}

QString ServerStatusController::endpoint() const
{
    return m_server ? m_server->endpoint() : QString();
}

QString ServerStatusController::databaseDescription() const
{
    return m_server ? m_server->databaseDescription() : QString();
}

quint64 ServerStatusController::requestCount() const
{
    return m_server ? m_server->requestCount() : 0;
}

quint64 ServerStatusController::errorCount() const
{
    return m_server ? m_server->errorCount() : 0;
}

int ServerStatusController::sessionCount() const
{
    return m_server ? m_server->sessionCount() : 0;
}

void ServerStatusController::start()
{
    if (!canStart())
        return;
    // A new attempt: the previous failure no longer describes the server.
    setErrorText({});
    m_server->start();
}

void ServerStatusController::stop()
{
    if (canStop())
        m_server->stop();
}

void ServerStatusController::restart()
{
    if (!m_server || state() == ServerInterface::State::Stopping)
        return;
    setErrorText({});
    m_server->restart();
}

void ServerStatusController::dismissError()
{
    setErrorText({});
}

void ServerStatusController::onServerStateChanged(ServerInterface::State state)
{
    if (state == ServerInterface::State::Running) {
        resetRate();
        sample();
        m_sampleTimer.start();
    } else {
        m_sampleTimer.stop();
        resetRate();
    }
    if (state == ServerInterface::State::Failed && m_errorText.isEmpty())
        setErrorText(m_server->lastError());
    Q_EMIT stateChanged();
    // Counters and endpoint usually change with the state; show them at once.
    m_counterTimer.stop();
    Q_EMIT countersChanged();
}

void ServerStatusController::onServerError(const QString &message)
{
    setErrorText(message.isEmpty() ? m_server->lastError() : message);
}

void ServerStatusController::setErrorText(const QString &text)
{
    if (text == m_errorText)
        return;
    m_errorText = text;
    Q_EMIT errorChanged();
}

void ServerStatusController::resetRate()
{
    m_samples.clear();
    if (m_rate != 0.0) {
        m_rate = 0.0;
        Q_EMIT countersChanged();
    }
}

void ServerStatusController::sample()
{
    const qint64 nowMs = m_clock();
    const quint64 count = requestCount();
    // Counters restart with the server; a smaller count starts a new window.
    if (!m_samples.empty() && count < m_samples.back().count)
        m_samples.clear();
    m_samples.push_back({ nowMs, count });
    while (m_samples.size() > 2 && nowMs - m_samples[1].timeMs >= RateWindowMs)
        m_samples.pop_front();

    double rate = 0.0;
    const Sample &first = m_samples.front();
    if (nowMs > first.timeMs)
        rate = static_cast<double>(count - first.count) * 1000.0
            / static_cast<double>(nowMs - first.timeMs);
    if (rate != m_rate) {
        m_rate = rate;
        Q_EMIT countersChanged();
    }
}

} // namespace warden
