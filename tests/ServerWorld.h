#pragma once

// A real embedded warden::Server for the console tests: a small SQLite database (people),
// a policy, and warden.json in a temporary folder, development mode with anonymous HTTP on
// 127.0.0.1 and a free port unless the test's `extra` keys say otherwise.

#include "common/Json.h"
#include "config/ServerConfig.h"
#include "server/Server.h"

#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <memory>

namespace warden::test {

class ServerWorld
{
public:
    // `extra` replaces top-level keys of warden.json (database, auth, mode, transports...).
    explicit ServerWorld(const Json &extra = Json::object())
    {
        if (!m_dir.isValid())
            qFatal("no temporary folder");
        sqlite3 *db = nullptr;
        if (sqlite3_open(QFile::encodeName(path("people.db")).constData(), &db) != SQLITE_OK)
            qFatal("cannot create people.db");
        sqlite3_exec(
            db,
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, national_id TEXT);"
            "INSERT INTO people VALUES (1, 'Ada', '123-45-6789'), (2, 'Bob', '987-65-4321');",
            nullptr, nullptr, nullptr);
        sqlite3_close(db);
        write("policy.json",
              Json { { "version", 1 },
                     { "tables",
                       Json { { "people",
                                Json { { "columns",
                                         Json { { "national_id",
                                                  Json { { "action", "hash" } } } } } } } } } });
        Json doc = Json {
            { "version", 1 },
            { "database",
              Json { { "driver", "sqlite" }, { "path", "people.db" }, { "pool_size", 1 } } },
            { "policy", "policy.json" },
            { "policy_history", "state/policy-history.db" },
            { "audit", Json { { "path", "state/audit.db" } } },
            { "mode", "development" },
            { "auth", Json { { "anonymous", true } } },
            { "transports",
              Json { { "http", Json { { "enabled", true }, { "listen", "127.0.0.1:0" } } } } }
        };
        for (auto it = extra.begin(); it != extra.end(); ++it)
            doc[it.key()] = it.value();
        write("warden.json", doc);
        auto config = ServerConfig::load(path("warden.json"));
        if (!config)
            qFatal("configuration refused: %s", config.error().message.c_str());
        server = std::make_unique<Server>(std::move(*config), Server::Options {});
    }

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    void write(const char *name, const Json &doc) const
    {
        QFile file(path(name));
        const QByteArray bytes = QByteArray::fromStdString(doc.dump(2));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(bytes) != bytes.size())
            qFatal("cannot write %s", name);
    }

    QByteArray read(const char *name) const
    {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    Json readJson(const char *name) const { return Json::parse(read(name).toStdString()); }

    std::unique_ptr<Server> server;

private:
    QTemporaryDir m_dir;
};

} // namespace warden::test
