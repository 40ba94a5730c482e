#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace warden {

// One HTTP response body written as Server-Sent Events (chunked). Knows nothing of MCP.
class SseWriter
{
public:
    SseWriter(QHttpServerResponder &&responder, QTcpSocket *socket, const QByteArray &sessionId);
    ~SseWriter();

    void start(bool keepAlive);   // status line and headers
    void write(const QByteArray &event);
    void end();                   // terminating chunk; the connection stays usable
    bool isOpen() const;

private:
    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_sessionId;
    bool m_ended = false;
    // Parented to the socket, which QHttpServer deletes when the peer hangs up: a QPointer
    // so a writer outliving its socket never touches the deleted timer.
    QPointer<QTimer> m_keepAlive;
};

// An SSE stream of one session (a POST's answer, or the standalone GET stream) with an
// event log, so a client that lost the connection can resume with GET + Last-Event-ID and
// get what it missed. Event ids are "<stream>_<seq>".
class SseStream
{
public:
    SseStream(bool standalone, bool prime, int retryMs);

    const std::string &id() const { return m_id; }
    bool isStandalone() const { return m_standalone; }
    bool isFinished() const { return m_finished; }
    // Finished and its last event went out on a live connection: the log can be dropped.
    bool isSettled() const { return m_finished && m_deliveredLive; }
    bool isAttached() const { return m_writer && m_writer->isOpen(); }

    // Takes over a connection: writes the headers, replays events after `afterSeq` (all
    // events when empty), then follows live; ends it at once if the stream is finished.
    void attach(std::unique_ptr<SseWriter> writer, std::optional<std::uint64_t> afterSeq);
    // Ends the HTTP response but not the stream (the client will resume).
    void detach();
    void append(const QByteArray &json);
    void finish(const QByteArray &json);   // the answer; ends the attached connection
    void abandon();                        // ends without an answer

    // "<stream>_<seq>" → (stream, seq)
    static bool parseEventId(const QByteArray &eventId, std::string &stream, std::uint64_t &seq);

private:
    void push(QByteArray block);

    std::string m_id;
    bool m_standalone;
    bool m_finished = false;
    bool m_deliveredLive = false;
    std::uint64_t m_nextSeq = 0;
    std::deque<std::pair<std::uint64_t, QByteArray>> m_log;
    std::unique_ptr<SseWriter> m_writer;
    std::size_t m_maxLog;
};

} // namespace warden
