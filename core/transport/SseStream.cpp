#include "SseStream.h"

#include "SocketGuard.h"
#include "crypto/Crypto.h"

#include <QTimer>

namespace warden {

SseWriter::SseWriter(QHttpServerResponder &&responder, QTcpSocket *socket, const QByteArray &sessionId)
    : m_responder(std::make_unique<QHttpServerResponder>(std::move(responder)))
    , m_socket(socket)
    , m_sessionId(sessionId)
{
}

SseWriter::~SseWriter()
{
    if (m_keepAlive)
        m_keepAlive->deleteLater();
}

void SseWriter::start(bool keepAlive)
{
    m_responder->writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder->writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream"));
    m_responder->writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    m_responder->writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    m_responder->writeHeader(QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no"));
    if (!m_sessionId.isEmpty())
        m_responder->writeHeader(QByteArrayLiteral("Mcp-Session-Id"), m_sessionId);
    m_responder->writeBody(QByteArray());
    if (auto *guard = SocketGuard::of(m_socket))
        guard->streamOpened();
    if (keepAlive && m_socket) {
        // Comments keep proxies from timing out an idle stream and reveal a dead peer.
        m_keepAlive = new QTimer(m_socket);
        QObject::connect(m_keepAlive, &QTimer::timeout, m_keepAlive, [this] { write(QByteArrayLiteral(": keep-alive\n\n")); });
        m_keepAlive->start(15000);
    }
}

bool SseWriter::isOpen() const
{
    return !m_ended && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void SseWriter::write(const QByteArray &event)
{
    if (!isOpen())
        return;
    m_responder->writeBody(QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n");
    m_socket->flush();
}

void SseWriter::end()
{
    if (m_ended)
        return;
    if (isOpen())
        m_responder->writeBody(QByteArrayLiteral("0\r\n\r\n"));
    m_ended = true;
    if (m_keepAlive) {
        m_keepAlive->stop();
        m_keepAlive->deleteLater();
        m_keepAlive = nullptr;
    }
    if (auto *guard = SocketGuard::of(m_socket))
        guard->responseDone();
}

SseStream::SseStream(bool standalone, bool prime, int retryMs)
    : m_id(crypto::toHex(crypto::randomBytes(8)))
    , m_standalone(standalone)
    , m_maxLog(standalone ? 256 : 4096)
{
    if (prime) {
        // Priming event (2025-11-25): an id to resume from, the reconnect delay, empty data.
        const std::uint64_t seq = m_nextSeq++;
        m_log.emplace_back(seq, "id: " + QByteArray::fromStdString(m_id) + '_' + QByteArray::number(seq)
                                    + "\nretry: " + QByteArray::number(retryMs) + "\ndata: \n\n");
    }
}

bool SseStream::parseEventId(const QByteArray &eventId, std::string &stream, std::uint64_t &seq)
{
    const qsizetype sep = eventId.lastIndexOf('_');
    if (sep <= 0)
        return false;
    bool ok = false;
    seq = eventId.mid(sep + 1).toULongLong(&ok);
    if (!ok)
        return false;
    stream = eventId.left(sep).toStdString();
    return true;
}

void SseStream::attach(std::unique_ptr<SseWriter> writer, std::optional<std::uint64_t> afterSeq)
{
    if (m_writer)
        m_writer->end();
    m_writer = std::move(writer);
    m_writer->start(m_standalone);
    for (const auto &[seq, block] : m_log)
        if (!afterSeq || seq > *afterSeq)
            m_writer->write(block);
    if (m_finished) {
        m_deliveredLive = true;
        m_writer->end();
    }
}

void SseStream::detach()
{
    if (m_writer)
        m_writer->end();
    m_writer.reset();
}

void SseStream::push(QByteArray block)
{
    if (m_writer && m_writer->isOpen())
        m_writer->write(block);
    m_log.emplace_back(m_nextSeq - 1, std::move(block));
    while (m_log.size() > m_maxLog)
        m_log.pop_front();
}

void SseStream::append(const QByteArray &json)
{
    const std::uint64_t seq = m_nextSeq++;
    push("id: " + QByteArray::fromStdString(m_id) + '_' + QByteArray::number(seq) + "\nevent: message\ndata: " + json + "\n\n");
}

void SseStream::finish(const QByteArray &json)
{
    const bool live = m_writer && m_writer->isOpen();
    append(json);
    m_finished = true;
    if (live) {
        m_deliveredLive = true;
        m_log.clear(); // delivered: nothing left to resume
    }
    if (m_writer)
        m_writer->end();
}

void SseStream::abandon()
{
    m_finished = true;
    m_deliveredLive = true;
    m_log.clear();
    if (m_writer)
        m_writer->end();
}

} // namespace warden
