#include "ServerCommandLine.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("warden-server"));
    QCoreApplication::setOrganizationName(QStringLiteral("Warden"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WARDEN_VERSION));
    return warden::ServerCommandLine::run(app);
}
