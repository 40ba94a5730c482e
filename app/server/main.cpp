#include "ServerCommandLine.h"
#include "common/Log.h"
#include "transport/StdioTransport.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

// Async-signal-safe: only write(2). The event loop picks it up and quits.
void onTerminate(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

int main(int argc, char **argv)
{
    // Before anything can print: with --stdio, fd 1 belongs to JSON-RPC alone.
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--stdio") == 0)
            warden::StdioTransport::claimStdout();
    warden::log::init();
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not kill the server

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("warden"));
    QCoreApplication::setOrganizationName(QStringLiteral("Warden"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WARDEN_VERSION));

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [] { QCoreApplication::exit(0); });
        std::signal(SIGTERM, onTerminate);
        std::signal(SIGINT, onTerminate);
    }
    return warden::ServerCommandLine::run(app);
}
