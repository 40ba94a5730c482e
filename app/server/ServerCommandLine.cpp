#include "ServerCommandLine.h"

#include <QCoreApplication>

#include <cstdio>

namespace warden {

int ServerCommandLine::run(QCoreApplication &app)
{
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--version"))) {
        std::fprintf(stdout, "warden-server %s\n", WARDEN_VERSION);
        return 0;
    }
    std::fprintf(stderr, "warden-server: not implemented yet\n");
    return 2;
}

} // namespace warden
