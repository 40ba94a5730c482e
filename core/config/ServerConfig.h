#pragma once

#include "auth/OAuthConfig.h"
#include "common/Json.h"
#include "common/Result.h"
#include "limits/LimitsConfig.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace warden {

// The server configuration file (docs/configuration.md). Everything a server needs to run,
// except secrets: those appear only as references ("env:NAME", "keychain:service/key").
struct DatabaseConfig
{
    enum class Driver { Sqlite, Postgres };
    Driver driver = Driver::Sqlite;
    QString path;              // sqlite: database file (absolute after loading)
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString dbname;
    QString user;
    QString passwordRef;       // a secret reference, never the password itself
    QString sslmode = QStringLiteral("prefer");
    int poolSize = 4;          // worker threads, one connection each
    int connectTimeoutMs = 5000;

    bool operator==(const DatabaseConfig &) const = default;
};

struct HttpConfig
{
    bool enabled = false;
    QString address = QStringLiteral("127.0.0.1");
    int port = 8765;                 // 0 picks a free port
    QStringList allowedHosts;        // extra Host names besides the loopback ones
    QStringList allowedOrigins;      // extra Origins besides the loopback ones
    bool allowRemote = false;        // bind a non-loopback address without authentication
    std::int64_t maxBodyBytes = 1024 * 1024;
    int headerTimeoutMs = 10000;     // a request must arrive whole within this
    int idleTimeoutMs = 60000;       // an idle keep-alive connection is closed after this
    int sessionIdleTimeoutMs = 30 * 60 * 1000;
    int maxSessions = 1000;

    // "[ADDR:]PORT" as in the file and on the command line (--http): ADDR is an IPv4
    // address, "localhost" (becomes 127.0.0.1) or a bracketed IPv6 address; it defaults
    // to 127.0.0.1. On error nothing changes and the message says what to write.
    Status setListen(const QString &text);
    // The listen address in the same form, e.g. "127.0.0.1:8765" or "[::1]:8765".
    QString listen() const;
    // Whether the address only accepts connections from this machine.
    bool isLoopback() const;

    bool operator==(const HttpConfig &) const = default;
};

struct StdioConfig
{
    std::int64_t maxLineBytes = 4 * 1024 * 1024;

    bool operator==(const StdioConfig &) const = default;
};

struct PrincipalConfig
{
    QString userId = QStringLiteral("local");
    QString tenantId;
    QStringList roles;
    QStringList scopes;

    bool operator==(const PrincipalConfig &) const = default;
};

// Keys the server needs beyond the database password, as secret references. Left out, the
// server makes random keys for each run (hashed values then differ from run to run).
struct SecretsConfig
{
    QString hashKeyRef;   // secrets.hash_key: the HMAC key of hashed columns
    QString cursorKeyRef; // secrets.cursor_key: seals db_query cursors
    QString auditKeyRef;  // secrets.audit_key: MACs audit records, signs checkpoints, hashes values

    bool operator==(const SecretsConfig &) const = default;
};

// The audit trail (docs/audit.md).
struct AuditConfig
{
    enum class Store { Sqlite, Postgres };
    Store store = Store::Sqlite;
    QString path; // sqlite: absolute after loading; empty: audit.db in the user's data folder
    // postgres: the database several servers share (host, port, dbname, user, password
    // reference, sslmode, connect timeout; the pool size is unused) and this server's chain
    // in it, which must stay the same across restarts for the chain to continue.
    DatabaseConfig postgres;
    QString chain;
    std::int64_t writeTimeoutMs = 2000;
    std::int64_t checkpointEveryRecords = 1000;
    std::int64_t checkpointIntervalMs = 60000;

    bool operator==(const AuditConfig &) const = default;
};

// API keys for service accounts (docs/auth.md): `warden-server keys create` writes them to
// a store that keeps only slow hashes.
struct ApiKeysConfig
{
    bool enabled = false;
    QString path; // absolute after loading; empty: api-keys.db in the user's data folder

    bool operator==(const ApiKeysConfig &) const = default;
};

// How HTTP callers authenticate (stdio callers are always the local principal).
struct AuthConfig
{
    ApiKeysConfig apiKeys;
    std::optional<auth::OAuthConfig> oauth; // OAuth 2.0 bearer tokens (JWT), when configured
    // Development mode only: HTTP callers without credentials act as the local principal.
    bool anonymous = false;

    // Whether some way to authenticate callers is configured (anonymous is not one).
    bool hasMethod() const { return apiKeys.enabled || oauth.has_value(); }

    bool operator==(const AuthConfig &) const = default;
};

struct ServerConfig
{
    enum class Mode { Production, Development };

    QString filePath;                // where it was loaded from (empty for defaults)
    DatabaseConfig database;
    QString policyPath;              // absolute after loading
    QString policyHistoryPath;       // absolute after loading; empty: PolicyHistory::defaultPath()
    SecretsConfig secrets;
    AuditConfig audit;
    HttpConfig http;
    StdioConfig stdio;
    PrincipalConfig localPrincipal;
    AuthConfig auth;
    limits::LimitsConfig limits;
    QString logLevel = QStringLiteral("info");
    Mode mode = Mode::Production;

    // Reads and validates a file. Relative paths inside resolve against the file's folder.
    // Errors name the key as a JSON pointer and say what to fix.
    static Result<ServerConfig> load(const QString &path);
    // The file's JSON document as stored (strict JSON, at most 1 MiB), not yet validated:
    // what the console edits and writes back.
    static Result<Json> readDocument(const QString &path);
    static Result<ServerConfig> fromJson(const Json &document, const QString &baseDir);
    // Writes the file format back (paths as stored, i.e. absolute after loading);
    // fromJson(toJson()) gives an equal configuration.
    Json toJson() const;

    // What every key is when a file leaves it out (policyPath and database.path empty).
    static ServerConfig defaults();

    // The command line's --http [ADDR:]PORT: replaces transports.http.listen and turns
    // HTTP on. ConfigInvalid when the text is not a listen address.
    Status applyHttpOverride(const QString &listen);
    // The rules for serving HTTP (docs/auth.md), checked before listening and after any
    // command-line overrides: production mode needs an authentication method; anonymous
    // callers need development mode; a non-loopback address needs authentication or
    // transports.http.allow_remote. ConfigInvalid says which rule and how to comply.
    Status checkHttpExposure() const;

    static const QStringList &logLevels();

    bool operator==(const ServerConfig &) const = default;
};

} // namespace warden
