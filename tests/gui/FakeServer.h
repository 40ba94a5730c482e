#pragma once

#include "server/ServerInterface.h"

namespace warden::test {

// A ServerInterface the console tests drive by hand: it records what the console asked for
// and emits exactly the signals a test tells it to. Only a stand-in for the panel's
// collaborator; the real server has its own integration tests.
class FakeServer : public ServerInterface
{
    Q_OBJECT
public:
    using ServerInterface::ServerInterface;

    State state() const override { return m_state; }
    QString endpoint() const override { return m_state == State::Running ? m_endpoint : QString(); }
    QString databaseDescription() const override { return m_database; }
    QString lastError() const override { return m_lastError; }
    QString healthProblem() const override { return {}; }
    QString securityNotice() const override { return m_state == State::Running ? m_securityNotice : QString(); }
    quint64 requestCount() const override { return m_requests; }
    quint64 errorCount() const override { return m_errors; }
    int sessionCount() const override { return m_sessions; }

    int startCalls = 0;
    int stopCalls = 0;
    // When set, start() stays in Starting and the test finishes the transition itself.
    bool manualStart = false;
    // When non-empty, start() fails with this message.
    QString startFailure;

    void setEndpoint(const QString &endpoint) { m_endpoint = endpoint; }
    void setDatabaseDescription(const QString &d) { m_database = d; }
    void setSecurityNotice(const QString &notice) { m_securityNotice = notice; }

    void setState(State state)
    {
        if (state == m_state)
            return;
        m_state = state;
        if (state == State::Running) {
            m_lastError.clear();
            m_requests = 0;
            m_errors = 0;
        }
        Q_EMIT stateChanged(state);
    }

    void fail(const QString &message)
    {
        m_lastError = message;
        setState(State::Failed);
        Q_EMIT errorOccurred(message);
    }

    void setCounters(quint64 requests, quint64 errors, int sessions)
    {
        m_requests = requests;
        m_errors = errors;
        m_sessions = sessions;
        Q_EMIT countersChanged();
    }

    void complete(const RequestEvent &event)
    {
        ++m_requests;
        if (event.outcome != QLatin1String("ok"))
            ++m_errors;
        Q_EMIT requestCompleted(event);
        Q_EMIT countersChanged();
    }

public Q_SLOTS:
    void start() override
    {
        ++startCalls;
        setState(State::Starting);
        if (manualStart)
            return;
        if (!startFailure.isEmpty())
            fail(startFailure);
        else
            setState(State::Running);
    }

    void stop() override
    {
        ++stopCalls;
        setState(State::Stopping);
        m_sessions = 0;
        setState(State::Stopped);
    }

private:
    State m_state = State::Stopped;
    QString m_endpoint = QStringLiteral("http://127.0.0.1:8765/mcp");
    QString m_database = QStringLiteral("SQLite /home/ada/.local/share/warden/warden/demo/shop.db");
    QString m_lastError;
    QString m_securityNotice;
    quint64 m_requests = 0;
    quint64 m_errors = 0;
    int m_sessions = 0;
};

} // namespace warden::test
