#pragma once

#include "policy/Principal.h"

#include <QObject>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace warden {

class McpServer;
class McpSession;

// MCP over stdio: newline-delimited JSON-RPC on the process's stdin/stdout. stdout carries
// nothing else: claimStdout() moves the real stdout to a private descriptor and points fd 1
// at stderr, so a stray printf or Qt warning can never corrupt the stream. A reader thread
// splits lines (capped in size) and hands them to the session on the main thread. On stdin
// EOF the session is closed and finished() is emitted promptly.
class StdioTransport : public QObject
{
    Q_OBJECT
public:
    // Call once, first thing in main(), before anything might print.
    static void claimStdout();

    StdioTransport(McpServer &server, Principal principal, std::int64_t maxLineBytes,
                   QObject *parent = nullptr);
    ~StdioTransport() override;

    // Reads `inputFd` (stdin by default) and writes to the claimed stdout.
    void start(int inputFd = 0);
    McpSession *session() const { return m_session.get(); }

Q_SIGNALS:
    void finished();

private:
    void readLoop(int fd);
    void onLine(std::string line);
    void onOversizedLine();
    void onEof();
    void write(const std::string &line);

    McpServer &m_server;
    std::unique_ptr<McpSession> m_session;
    std::int64_t m_maxLineBytes;
    std::thread m_reader;
    int m_wakePipe[2] = {-1, -1};
    std::atomic<bool> m_stopping{false};
    bool m_eof = false;
};

} // namespace warden
