#pragma once

// A server world for approval tests: in `dir`, a small SQLite shop (orders 1 and 2), a policy
// under which every update of orders waits for an operator's approval, and warden.json
// (development mode, anonymous HTTP on 127.0.0.1:0 acting as agent-7, state under state/).

#include "TestFiles.h"
#include "common/Json.h"
#include "db/SqliteConnection.h"

#include <QDir>
#include <QString>

namespace warden::test {

// The path of warden.json, or empty when the world could not be made.
inline QString makeApprovalServerWorld(const QDir &dir)
{
    db::SqliteConnection::Options options;
    options.access = db::AccessMode::ReadWrite;
    options.create = true;
    auto db = db::SqliteConnection::open(dir.filePath(QStringLiteral("shop.db")).toStdString(), options);
    if (!db)
        return {};
    for (const char *sql : { "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL, note TEXT)",
                             "INSERT INTO orders VALUES (1, 'open', NULL), (2, 'open', 'gift')" })
        if (!(*db)->execute(sql, {}, db::QueryOptions { 5000, -1 }))
            return {};
    const Json policy = { { "version", 1 },
                          { "tables",
                            { { "orders",
                                { { "tenant_column", nullptr },
                                  { "write", true },
                                  { "writes", { { "approval", "always" } } } } } } } };
    const Json config = { { "version", 1 },
                          { "database", { { "driver", "sqlite" }, { "path", "shop.db" }, { "pool_size", 1 } } },
                          { "policy", "policy.json" },
                          { "policy_history", "state/policy-history.db" },
                          { "audit", { { "path", "state/audit.db" } } },
                          { "limits", { { "usage_store", { { "path", "state/usage.db" } } } } },
                          { "local_principal", { { "user_id", "agent-7" } } },
                          { "mode", "development" },
                          { "auth", { { "anonymous", true } } },
                          { "transports", { { "http", { { "enabled", true }, { "listen", "127.0.0.1:0" } } } } } };
    const QString configPath = dir.filePath(QStringLiteral("warden.json"));
    if (!writeFile(dir.filePath(QStringLiteral("policy.json")), QByteArray::fromStdString(policy.dump(2)))
        || !writeFile(configPath, QByteArray::fromStdString(config.dump(2))))
        return {};
    return configPath;
}

// An update of order `id` that waits for approval under that policy.
inline Json pendingUpdate(int id, const std::string &status)
{
    return { { "table", "orders" }, { "id", id }, { "values", { { "status", status } } }, { "reason", "customer called" } };
}

} // namespace warden::test
