#include "StdioTransport.h"

#include "common/StrictJson.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"

#include <QPointer>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace warden {
namespace {

int g_stdoutFd = STDOUT_FILENO;

void writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; // the client went away; nothing sensible to do but stop writing
        }
        data += n;
        size -= std::size_t(n);
    }
}

// Every message of a stdio session goes to stdout as one line.
class StdioOutbound : public Outbound
{
public:
    explicit StdioOutbound(std::function<void(const std::string &)> write) : m_write(std::move(write)) {}
    void send(const Json &message) override { m_write(StrictJson::dump(message)); }
    void finish(const Json &response) override
    {
        m_done = true;
        m_write(StrictJson::dump(response));
    }
    void abandon() override { m_done = true; }
    bool isOpen() const override { return !m_done; }

private:
    std::function<void(const std::string &)> m_write;
    bool m_done = false;
};

} // namespace

void StdioTransport::claimStdout()
{
    std::fflush(stdout);
    const int fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return;
    g_stdoutFd = fd;
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

StdioTransport::StdioTransport(McpServer &server, Principal principal, std::int64_t maxLineBytes, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_session(server.createSession(QStringLiteral("stdio"), principal))
    , m_maxLineBytes(maxLineBytes)
{
    // Unsolicited notifications (list changes, resource updates) also go to stdout.
    m_session->setStandalone(std::make_shared<StdioOutbound>([this](const std::string &l) { write(l); }));
}

StdioTransport::~StdioTransport()
{
    m_stopping = true;
    if (m_wakePipe[1] >= 0) {
        const char c = 'x';
        [[maybe_unused]] auto n = ::write(m_wakePipe[1], &c, 1);
    }
    if (m_reader.joinable())
        m_reader.join();
    for (int fd : m_wakePipe)
        if (fd >= 0)
            ::close(fd);
    if (m_session)
        m_session->close();
}

void StdioTransport::start(int inputFd)
{
    if (::pipe2(m_wakePipe, O_CLOEXEC) != 0)
        spdlog::warn("stdio: cannot create a wake-up pipe; shutdown may wait for input");
    m_reader = std::thread([this, inputFd] { readLoop(inputFd); });
}

void StdioTransport::write(const std::string &line)
{
    std::string out;
    out.reserve(line.size() + 1);
    out += line;
    out += '\n';
    writeAll(g_stdoutFd, out.data(), out.size());
}

void StdioTransport::readLoop(int fd)
{
    std::string pending;
    bool discarding = false; // inside a line that exceeded the cap
    char buf[65536];
    for (;;) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {m_wakePipe[0], POLLIN, 0}};
        const int nfds = m_wakePipe[0] >= 0 ? 2 : 1;
        const int pr = ::poll(fds, nfds, -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (m_stopping)
            return;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            QMetaObject::invokeMethod(this, [this] { onEof(); }, Qt::QueuedConnection);
            return;
        }
        std::size_t start = 0;
        for (std::size_t i = 0; i < std::size_t(n); ++i) {
            if (buf[i] != '\n')
                continue;
            if (!discarding) {
                pending.append(buf + start, i - start);
                // A line that arrived whole in one read is held to the same cap.
                if (std::int64_t(pending.size()) > m_maxLineBytes)
                    QMetaObject::invokeMethod(this, [this] { onOversizedLine(); }, Qt::QueuedConnection);
                else
                    QMetaObject::invokeMethod(this, [this, line = std::move(pending)]() mutable { onLine(std::move(line)); },
                                              Qt::QueuedConnection);
                pending = std::string();
            }
            discarding = false;
            start = i + 1;
        }
        if (!discarding) {
            pending.append(buf + start, std::size_t(n) - start);
            if (std::int64_t(pending.size()) > m_maxLineBytes) {
                // Never buffer an oversized message: drop it up to its newline and say so.
                pending.clear();
                pending.shrink_to_fit();
                discarding = true;
                QMetaObject::invokeMethod(this, [this] { onOversizedLine(); }, Qt::QueuedConnection);
            }
        }
    }
}

void StdioTransport::onOversizedLine()
{
    write(StrictJson::dump(rpc::makeError(nullptr, rpc::InvalidRequest,
                                          "message larger than " + std::to_string(m_maxLineBytes)
                                              + " bytes (transports.stdio.max_line_bytes); it was discarded")));
}

void StdioTransport::onLine(std::string line)
{
    if (m_eof)
        return;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos)
        return; // blank lines between messages are harmless
    JsonLimits limits;
    limits.maxBytes = std::size_t(m_maxLineBytes);
    auto parsed = StrictJson::parse(line, limits);
    if (!parsed) {
        write(StrictJson::dump(rpc::makeError(nullptr, rpc::ParseError, "Parse error: " + parsed.error().message)));
        return;
    }
    rpc::Message message;
    Json invalid;
    if (!rpc::classify(*parsed, message, invalid)) {
        write(StrictJson::dump(invalid));
        return;
    }
    auto out = std::make_shared<StdioOutbound>([this](const std::string &l) { write(l); });
    m_session->handle(std::move(message), std::move(out));
}

void StdioTransport::onEof()
{
    if (m_eof)
        return;
    m_eof = true;
    // Give answers already being computed a brief moment, then stop: clients expect the
    // server to exit soon after they close its stdin.
    auto waited = std::make_shared<int>(0);
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, [this, timer, waited] {
        if (m_session->inFlightCount() > 0 && ++*waited < 10)
            return;
        timer->stop();
        timer->deleteLater();
        m_session->close();
        Q_EMIT finished();
    });
    timer->start(m_session->inFlightCount() > 0 ? 30 : 0);
}

} // namespace warden
