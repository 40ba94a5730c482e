#pragma once

#include <QString>

namespace warden::log {

// All logging goes to stderr through spdlog (stdout may be the stdio transport); Qt's own
// messages (qWarning and friends) are routed there too.
void init();
// trace, debug, info, warning, error, critical, off (ServerConfig::logLevels()).
void setLevel(const QString &level);

} // namespace warden::log
