#pragma once

#include <QString>

namespace warden {

// Where the server keeps its own state (policy history, audit trail) unless configured:
// systemd's StateDirectory= when run as a service, else the user's data folder.
QString statePath(const QString &fileName);

} // namespace warden
