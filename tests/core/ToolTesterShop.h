#pragma once

// A small multi-tenant shop for the query tester's tests: customers of two tenants (acme: ids
// 1, 3, 5; globex: 2, 4) with masked e-mails, a `secrets` table the policy hides, the scope
// warden.read required by every read tool, and a `support` role that sees e-mails in clear.
// Written into a directory with its server configuration (audit at state/audit.db).

#include "common/Json.h"
#include "config/ServerConfig.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <sqlite3.h>

#include <optional>

namespace warden::testing {

class ToolTesterShop
{
public:
    static constexpr const char *kAuditKeyVar = "WARDEN_TEST_TOOL_TESTER_AUDIT_KEY";

    // Writes shop.db, policy.json and warden.json into `dir`; nullopt (with a test failure
    // message) if something could not be written.
    static std::optional<ServerConfig> create(const QDir &dir)
    {
        if (!dir.mkpath(QStringLiteral("state")))
            return fail("cannot create the state folder");
        sqlite3 *db = nullptr;
        if (sqlite3_open(QFile::encodeName(dir.filePath(QStringLiteral("shop.db"))).constData(),
                         &db)
            != SQLITE_OK) {
            sqlite3_close(db);
            return fail("cannot create shop.db");
        }
        const char *sql =
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT, "
            "email TEXT);"
            "INSERT INTO customers VALUES (1, 'acme', 'Ada', 'ada@acme.example'), (2, 'globex', "
            "'Bob', 'bob@globex.example'),"
            " (3, 'acme', 'Cy', 'cy@acme.example'), (4, 'globex', 'Dee', 'dee@globex.example'),"
            " (5, 'acme', 'Eve', 'eve@acme.example');"
            "CREATE TABLE secrets (id INTEGER PRIMARY KEY, tenant_id TEXT, value TEXT);";
        const bool filled = sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
        sqlite3_close(db);
        if (!filled)
            return fail("cannot fill shop.db");

        const Json read = "warden.read";
        const Json allowEmail { { "columns",
                                  Json { { "email", Json { { "action", "allow" } } } } } };
        const Json policy {
            { "version", 1 },
            { "scopes",
              Json { { "db_describe_schema", read },
                     { "db_query", read },
                     { "db_get", read },
                     { "db_aggregate", read },
                     { "db_explain", read } } },
            { "tables",
              Json {
                  { "customers",
                    Json { { "read", true },
                           { "tenant_column", "tenant_id" },
                           { "columns",
                             Json { { "email",
                                      Json { { "action", "mask" }, { "mask", "email" } } } } } } },
                  { "secrets", Json { { "read", false }, { "tenant_column", "tenant_id" } } } } },
            { "roles",
              Json { { "support", Json { { "tables", Json { { "customers", allowEmail } } } } } } }
        };
        const Json config {
            { "version", 1 },
            { "database",
              Json { { "driver", "sqlite" }, { "path", "shop.db" }, { "pool_size", 1 } } },
            { "policy", "policy.json" },
            { "policy_history", "state/policy-history.db" },
            { "audit", Json { { "path", "state/audit.db" } } },
            { "secrets", Json { { "audit_key", std::string("env:") + kAuditKeyVar } } }
        };
        if (!write(dir.filePath(QStringLiteral("policy.json")), policy)
            || !write(dir.filePath(QStringLiteral("warden.json")), config))
            return fail("cannot write the policy or the configuration");
        qputenv(kAuditKeyVar, "tool-tester-audit-key-0123456789abcdef");
        auto loaded = ServerConfig::load(dir.filePath(QStringLiteral("warden.json")));
        if (!loaded)
            return fail(loaded.error().message.c_str());
        return *loaded;
    }

private:
    static std::optional<ServerConfig> fail(const char *message)
    {
        qWarning("ToolTesterShop: %s", message);
        return std::nullopt;
    }

    static bool write(const QString &path, const Json &doc)
    {
        QFile f(path);
        const QByteArray bytes = QByteArray::fromStdString(doc.dump(2));
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
    }
};

} // namespace warden::testing
