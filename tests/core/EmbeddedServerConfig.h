#pragma once

// For tests that run a real in-process Server over an SQLite file in a temporary folder:
// file helpers, a configuration (warden.json) with everything inside that folder, and the
// demo shop's schema and policy to go with it. (Users link SQLite::SQLite3.)

#include "common/Json.h"
#include "config/ServerConfig.h"
#include "demo/DemoDataset.h"
#include "demo/DemoSchema.h"

#include <QDir>
#include <QFile>

#include <sqlite3.h>

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

// The demo shop's tables (empty) in <dir>/shop.db, its default policy in <dir>/policy.json and
// the configuration above: a real server to start over the demo schema in a test.
inline Result<ServerConfig> writeDemoShopServerConfig(const QString &dir)
{
    const QString database = QDir(dir).filePath(QStringLiteral("shop.db"));
    sqlite3 *db = nullptr;
    const bool opened = sqlite3_open(QFile::encodeName(database).constData(), &db) == SQLITE_OK;
    bool created = opened;
    for (std::string_view ddl : DemoSchema::sqliteTables())
        created = created
            && sqlite3_exec(db, std::string(ddl).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    if (!created)
        return Error(ErrorCode::IoError, "cannot create the demo tables in " + database.toStdString());
    auto policy = DemoDataset::policyDocument();
    if (!policy)
        return policy.takeError();
    if (!writeFile(QDir(dir).filePath(QStringLiteral("policy.json")), *policy))
        return Error(ErrorCode::IoError, "cannot write the demo policy");
    return writeSqliteServerConfig(dir, "shop.db");
}

} // namespace warden::test
