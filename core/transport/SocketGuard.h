#pragma once

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdint>

namespace warden {

// Per-connection limits that QHttpServer 6.4 does not enforce itself: a request must arrive
// whole within the header timeout (slow-loris), may not exceed the body cap plus a header
// allowance while still arriving (it is buffered in memory), and an idle keep-alive
// connection is closed after the idle timeout. Lives as a child of its socket.
class SocketGuard : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        std::int64_t maxBodyBytes = 1024 * 1024;
        std::int64_t headerAllowance = 16 * 1024;
        int requestTimeoutMs = 10000;
        int idleTimeoutMs = 60000;
    };

    SocketGuard(QTcpSocket *socket, const Limits &limits);

    static SocketGuard *of(QTcpSocket *socket);

    // Call once the HTTP layer has connected its own readyRead handler (after the socket is
    // handed over): from then on the guard learns, right after that handler, how much of the
    // buffer it left unread. Until then nothing is left unread, as nothing reads the socket.
    void watchAfterHandlers();

    // The HTTP layer parsed a whole request: its handler owns the connection now.
    void requestArrived();
    // The response (JSON or a finished stream) is complete: wait for the next request.
    void responseDone();
    // An SSE stream is open: no idle timeout while it lasts.
    void streamOpened();

    std::int64_t receivedForRequest() const { return m_received; }

private:
    enum class Phase { Idle, Receiving, Busy, Rejected };

    void onReadyRead();
    void afterHandlers();
    void onTimeout();
    void reject(int status, const char *reason, const char *message);

    QTcpSocket *m_socket;
    Limits m_limits;
    QTimer m_timer;
    Phase m_phase = Phase::Idle;
    std::int64_t m_received = 0;
    std::int64_t m_unreadAfterHandlers = 0;
};

} // namespace warden
