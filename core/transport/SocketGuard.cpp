#include "SocketGuard.h"

#include "common/StrictJson.h"
#include "protocol/JsonRpc.h"

namespace warden {

SocketGuard::SocketGuard(QTcpSocket *socket, const Limits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
{
    setObjectName(QStringLiteral("warden-socket-guard"));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SocketGuard::onTimeout);
    // Connected before QHttpServer's own handler (the socket is not handed over yet), so we
    // see every chunk before it is buffered further.
    connect(socket, &QTcpSocket::readyRead, this, &SocketGuard::onReadyRead);
    m_timer.start(m_limits.requestTimeoutMs);
}

SocketGuard *SocketGuard::of(QTcpSocket *socket)
{
    return socket ? socket->findChild<SocketGuard *>(QStringLiteral("warden-socket-guard"), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void SocketGuard::onReadyRead()
{
    if (m_phase == Phase::Rejected) {
        m_socket->readAll(); // drain; the connection is closing
        return;
    }
    // Count what arrived since the HTTP layer last ran, whether it consumes the buffer or
    // re-reads it: new bytes = available now - what it left unread last time.
    const std::int64_t available = m_socket->bytesAvailable();
    m_received += std::max<std::int64_t>(0, available - m_unreadAfterHandlers);
    if (m_phase == Phase::Idle) {
        m_phase = Phase::Receiving;
        m_timer.start(m_limits.requestTimeoutMs);
    }
    if (m_received > m_limits.maxBodyBytes + m_limits.headerAllowance) {
        reject(413, "Payload Too Large", "Request body too large: the limit is set by transports.http.max_body_bytes");
        return;
    }
}

void SocketGuard::watchAfterHandlers()
{
    // Slots run in connection order, so this one runs after the HTTP layer's handler.
    connect(m_socket, &QTcpSocket::readyRead, this, &SocketGuard::afterHandlers, Qt::UniqueConnection);
}

void SocketGuard::afterHandlers()
{
    m_unreadAfterHandlers = m_socket->bytesAvailable();
}

void SocketGuard::requestArrived()
{
    m_phase = Phase::Busy;
    m_received = 0;
    m_unreadAfterHandlers = 0;
    m_timer.stop();
}

void SocketGuard::responseDone()
{
    if (m_phase == Phase::Rejected)
        return;
    m_phase = Phase::Idle;
    m_timer.start(m_limits.idleTimeoutMs);
}

void SocketGuard::streamOpened()
{
    m_timer.stop();
}

void SocketGuard::onTimeout()
{
    switch (m_phase) {
    case Phase::Receiving:
        reject(408, "Request Timeout", "Request Timeout: the request did not arrive completely in time");
        return;
    case Phase::Idle:
        m_socket->disconnectFromHost();
        return;
    case Phase::Busy:
    case Phase::Rejected:
        return;
    }
}

void SocketGuard::reject(int status, const char *reason, const char *message)
{
    m_phase = Phase::Rejected;
    m_timer.stop();
    const std::string body = StrictJson::dump(rpc::makeError(nullptr, rpc::ConnectionClosed, message));
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(qsizetype(body.size())) + "\r\n\r\n";
    response.append(body.data(), qsizetype(body.size()));
    m_socket->write(response);
    m_socket->flush();
    m_socket->disconnectFromHost();
    // A peer that never reads would keep the socket half-open: cut it after a grace period.
    QPointer<QTcpSocket> sock(m_socket);
    QTimer::singleShot(2000, this, [sock] {
        if (sock)
            sock->abort();
    });
}

} // namespace warden
