#include "StateLocation.h"

#include <QDir>
#include <QStandardPaths>

namespace warden {

QString statePath(const QString &fileName)
{
    // systemd's StateDirectory= hands the service its writable folder here (":"-separated).
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(u':', 0, 0);
    const QString dir = !state.isEmpty() ? state : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(fileName);
}

} // namespace warden
