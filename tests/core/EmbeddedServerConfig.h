#pragma once

// For tests that run a real in-process Server over an SQLite file in a temporary folder:
// file helpers and a configuration (warden.json) with everything inside that folder.

#include "common/Json.h"
#include "config/ServerConfig.h"

#include <QDir>
#include <QFile>

namespace warden::test {

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Writes <dir>/warden.json for the SQLite database <dir>/<database> and the policy
// <dir>/policy.json (history and audit trail under <dir>/state, no HTTP) and loads it.
inline Result<ServerConfig> writeSqliteServerConfig(const QString &dir, const std::string &database)
{
    const Json config {
        { "version", 1 },
        { "database", Json { { "driver", "sqlite" }, { "path", database }, { "pool_size", 1 } } },
        { "policy", "policy.json" },
        { "policy_history", "state/policy-history.db" },
        { "audit", Json { { "path", "state/audit.db" } } },
        { "transports", Json { { "http", Json { { "enabled", false } } } } }
    };
    const QString path = QDir(dir).filePath(QStringLiteral("warden.json"));
    if (!writeFile(path, QByteArray::fromStdString(config.dump(2))))
        return Error(ErrorCode::IoError, "cannot write " + path.toStdString());
    return ServerConfig::load(path);
}

} // namespace warden::test
