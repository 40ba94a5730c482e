#include "ServerStatusController.h"

#include "../gui/FakeServer.h"

#include <QSignalSpy>
#include <QTest>

using warden::ServerInterface;
using warden::ServerStatusController;
using warden::test::FakeServer;
using State = warden::ServerInterface::State;

class TestServerStatusController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startAndStopFollowTheState()
    {
        FakeServer server;
        ServerStatusController status(&server);
        QSignalSpy stateSpy(&status, &ServerStatusController::stateChanged);

        QCOMPARE(status.stateText(), QStringLiteral("Stopped"));
        QVERIFY(status.canStart());
        QVERIFY(!status.canStop());

        status.stop(); // not running: nothing reaches the server
        QCOMPARE(server.stopCalls, 0);

        server.manualStart = true;
        status.start();
        QCOMPARE(server.startCalls, 1);
        QCOMPARE(status.state(), State::Starting);
        QVERIFY(!status.canStart());
        QVERIFY(status.canStop());
        status.start(); // already starting
        QCOMPARE(server.startCalls, 1);

        server.setState(State::Running);
        QCOMPARE(status.stateText(), QStringLiteral("Running"));
        QCOMPARE(status.endpoint(), QStringLiteral("http://127.0.0.1:8765/mcp"));
        QVERIFY(stateSpy.count() >= 2);

        status.stop();
        QCOMPARE(server.stopCalls, 1);
        QCOMPARE(status.state(), State::Stopped);
        QVERIFY(status.canStart());
    }

    void errorsStayUntilDismissedOrRestarted()
    {
        FakeServer server;
        ServerStatusController status(&server);
        QSignalSpy errorSpy(&status, &ServerStatusController::errorChanged);
        const QString message =
            QStringLiteral("Port 8765 is in use: choose another port or stop the other program");

        server.startFailure = message;
        status.start();
        QCOMPARE(status.state(), State::Failed);
        QCOMPARE(status.errorText(), message);
        QCOMPARE(errorSpy.count(), 1);
        QVERIFY(status.canStart());

        status.dismissError();
        QVERIFY(status.errorText().isEmpty());
        QCOMPARE(errorSpy.count(), 2);

        // A runtime error while running also shows.
        server.startFailure.clear();
        status.start();
        QCOMPARE(status.state(), State::Running);
        Q_EMIT server.errorOccurred(QStringLiteral("Audit store unavailable"));
        QCOMPARE(status.errorText(), QStringLiteral("Audit store unavailable"));

        // Starting again clears the old error.
        status.stop();
        status.start();
        QVERIFY(status.errorText().isEmpty());
    }

    void picksUpAnErrorThatHappenedBeforeIt()
    {
        FakeServer server;
        server.fail(QStringLiteral("Cannot read /etc/warden.json"));
        ServerStatusController status(&server);
        QCOMPARE(status.errorText(), QStringLiteral("Cannot read /etc/warden.json"));
    }

    void coalescesCounterUpdates()
    {
        FakeServer server;
        server.start();
        ServerStatusController status(&server);
        QSignalSpy counters(&status, &ServerStatusController::countersChanged);
        for (int i = 0; i < 100; ++i)
            server.setCounters(quint64(i), 0, 1);
        QCOMPARE(counters.count(), 0);
        QTRY_COMPARE(counters.count(), 1);
        QCOMPARE(status.requestCount(), 99u);
        QCOMPARE(status.sessionCount(), 1);
    }

    void callsPerSecondOverAWindow()
    {
        FakeServer server;
        ServerStatusController status(&server);
        qint64 now = 10'000;
        status.setClock([&now] { return now; });
        server.start(); // samples at 10 s
        QCOMPARE(status.callsPerSecond(), 0.0);

        const auto sampleAt = [&](qint64 t) {
            now = t;
            status.sample();
        };
        server.setCounters(50, 0, 1);
        sampleAt(11'000);
        QCOMPARE(status.callsPerSecond(), 50.0);
        server.setCounters(80, 0, 1);
        sampleAt(12'000);
        QCOMPARE(status.callsPerSecond(), 40.0); // 80 calls in 2 s

        // Old samples leave the window: only the last ~5 s count.
        for (qint64 t = 13'000; t <= 20'000; t += 1000)
            sampleAt(t);
        QCOMPARE(status.callsPerSecond(), 0.0);
        server.setCounters(130, 0, 1);
        sampleAt(21'000);
        QCOMPARE(status.callsPerSecond(), 10.0); // 50 calls in 5 s

        // Stopping resets it.
        server.stop();
        QCOMPARE(status.callsPerSecond(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestServerStatusController)
#include "TestServerStatusController.moc"
