#include "ServerConfig.h"

#include "common/JsonChecker.h"
#include "common/JsonPointer.h"
#include "common/StrictJson.h"
#include "secrets/SecretRef.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>

#include <array>
#include <string_view>

namespace warden {
namespace {

using Presence = JsonChecker::Presence;
using Keys = std::vector<std::string_view>;

constexpr int kFormatVersion = 1;
constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kMinTimeoutMs = 100;
constexpr std::int64_t kMaxTimeoutMs = 60 * 60 * 1000;
constexpr qint64 kMaxFileBytes = 1024 * 1024;

constexpr std::array<std::string_view, 7> kLogLevels = { "trace", "debug",    "info", "warning",
                                                         "error", "critical", "off" };

const Keys kRootKeys = { "version",    "mode",           "log_level", "database", "policy",
                         "transports", "local_principal", "policy_history", "secrets", "audit",
                         "auth", "limits" };
const Keys kAuthKeys = { "api_keys", "anonymous", "oauth" };
const Keys kApiKeysKeys = { "enabled", "path" };
const Keys kSecretsKeys = { "hash_key", "cursor_key", "audit_key" };
const Keys kAuditKeys = { "store", "path", "postgres", "chain", "write_timeout_ms", "checkpoint_every_records",
                          "checkpoint_interval_ms" };
const Keys kDatabaseKeys = { "driver", "path",     "host",    "port",      "dbname",
                             "user",   "password", "sslmode", "pool_size", "connect_timeout_ms" };
const Keys kPostgresOnlyKeys = {
    "host", "port", "dbname", "user", "password", "sslmode", "connect_timeout_ms"
};
const Keys kTransportKeys = { "stdio", "http" };
const Keys kStdioKeys = { "max_line_bytes" };
const Keys kHttpKeys = { "enabled",           "listen",          "allowed_hosts",
                         "allowed_origins",   "allow_remote",    "max_body_bytes",
                         "header_timeout_ms", "idle_timeout_ms", "session_idle_timeout_ms",
                         "max_sessions" };
const Keys kPrincipalKeys = { "user_id", "tenant_id", "roles", "scopes" };
const Keys kDrivers = { "sqlite", "postgres" };
const Keys kModes = { "production", "development" };
const Keys kSslModes = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full" };

const char *const kListenForm =
    "[ADDR:]PORT, where ADDR is an IPv4 address, localhost or an IPv6 address in brackets "
    "and PORT is 0 to 65535 (for example 8765, 127.0.0.1:8765 or [::1]:8765)";

QString toQString(const std::string &text)
{
    return QString::fromStdString(text);
}

QStringList toQStringList(const std::vector<std::string> &items)
{
    QStringList list;
    list.reserve(static_cast<qsizetype>(items.size()));
    for (const std::string &item : items)
        list.append(toQString(item));
    return list;
}

Json toJsonArray(const QStringList &list)
{
    Json array = Json::array();
    for (const QString &item : list)
        array.push_back(item.toStdString());
    return array;
}

QString resolvePath(const QString &baseDir, const std::string &path)
{
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(toQString(path)));
}

// The keys readPostgresConnection() reads.
Json postgresConnectionJson(const DatabaseConfig &db)
{
    Json pg = Json::object();
    pg["host"] = db.host.toStdString();
    pg["port"] = db.port;
    pg["dbname"] = db.dbname.toStdString();
    pg["user"] = db.user.toStdString();
    if (!db.passwordRef.isEmpty())
        pg["password"] = db.passwordRef.toStdString();
    pg["sslmode"] = db.sslmode.toStdString();
    pg["connect_timeout_ms"] = db.connectTimeoutMs;
    return pg;
}

Error listenError(const std::string &problem, const QString &text)
{
    return Error(ErrorCode::ConfigInvalid,
                 problem + "; write " + kListenForm + ", got "
                     + JsonChecker::describe(Json(text.toStdString())));
}

// Host names and origins are matched literally by the HTTP transport, so reject anything
// that could never match (paths, whitespace, wildcards) instead of silently never matching.
bool isHostEntry(const std::string &text)
{
    static const QRegularExpression re(QStringLiteral(
        "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$"));
    return re.match(toQString(text)).hasMatch();
}

bool isOrigin(const std::string &text)
{
    static const QRegularExpression re(QStringLiteral(
        "^https?://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$"));
    return re.match(toQString(text)).hasMatch();
}

// Reads the document into a config. Every check runs even after a failure so one pass
// reports everything; the checker sorts the problems into document order.
class ConfigReader
{
public:
    ConfigReader(const Json &document, const QString &baseDir)
        : m_doc(document)
        , m_baseDir(baseDir)
        , m_check(document)
    {
    }

    Result<ServerConfig> read()
    {
        ServerConfig config;
        if (!m_doc.is_object()) {
            m_check.checkObject(m_doc, "", kRootKeys);
            return failure();
        }
        if (!readVersion())
            return failure();
        m_check.checkObject(m_doc, "", kRootKeys);
        if (auto mode = m_check.enumString(m_doc, "", "mode", kModes))
            config.mode = *mode == "development" ? ServerConfig::Mode::Development
                                                 : ServerConfig::Mode::Production;
        if (auto level = m_check.enumString(m_doc, "", "log_level",
                                            Keys(kLogLevels.begin(), kLogLevels.end())))
            config.logLevel = toQString(*level);
        readDatabase(config.database);
        if (auto policy = m_check.string(m_doc, "", "policy", Presence::Required))
            config.policyPath = resolvePath(m_baseDir, *policy);
        if (auto history = m_check.string(m_doc, "", "policy_history"))
            config.policyHistoryPath = resolvePath(m_baseDir, *history);
        readTransports(config);
        readPrincipal(config.localPrincipal);
        readAuth(config.auth);
        if (const Json *limits = m_check.member(m_doc, "", "limits"))
            config.limits = limits::LimitsConfig::read(m_check, *limits, "/limits", m_baseDir);
        readSecrets(config.secrets);
        readAudit(config.audit);
        if (!m_check.ok())
            return failure();
        return config;
    }

private:
    // A newer format would make every other message misleading, so stop there.
    bool readVersion()
    {
        const Json *version = m_check.member(m_doc, "", "version", Presence::Required,
                                             std::to_string(kFormatVersion));
        if (!version)
            return true;
        if (version->is_number_integer() && version->get<std::int64_t>() == kFormatVersion)
            return true;
        if (version->is_number_integer() && version->get<std::int64_t>() > kFormatVersion) {
            m_check.addProblem("/version",
                               "this Warden reads configuration format version "
                                   + std::to_string(kFormatVersion) + " only, got "
                                   + JsonChecker::describe(*version)
                                   + "; upgrade Warden or write a version "
                                   + std::to_string(kFormatVersion) + " file");
            return false;
        }
        m_check.addProblem("/version",
                           "must be " + std::to_string(kFormatVersion) + ", got "
                               + JsonChecker::describe(*version));
        return true;
    }

    void readDatabase(DatabaseConfig &db)
    {
        const std::string at = "/database";
        const Json *object =
            m_check.objectMember(m_doc, "", "database", kDatabaseKeys, Presence::Required);
        if (!object)
            return;
        const auto driver = m_check.enumString(*object, at, "driver", kDrivers, Presence::Required);
        const bool sqlite = driver && *driver == "sqlite";
        const bool postgres = driver && *driver == "postgres";
        db.driver = postgres ? DatabaseConfig::Driver::Postgres : DatabaseConfig::Driver::Sqlite;

        if (sqlite) {
            for (std::string_view key : kPostgresOnlyKeys) {
                if (object->contains(std::string(key)))
                    m_check.addProblem(jsonPointerJoin(at, key),
                                       "only applies when driver is \"postgres\"; remove it");
            }
            m_check.requireKey(*object, at, "path",
                               "required when driver is \"sqlite\"; give the database file "
                               "(a relative path resolves against this file's folder)");
        }
        if (postgres) {
            if (object->contains("path"))
                m_check.addProblem(at + "/path",
                                   "only applies when driver is \"sqlite\"; remove it");
            m_check.requireKey(*object, at, "dbname",
                               "required when driver is \"postgres\"; give the database name");
            m_check.requireKey(*object, at, "user",
                               "required when driver is \"postgres\"; give the (read-only) "
                               "role Warden connects as");
        }

        if (!postgres) {
            if (auto path = m_check.string(*object, at, "path"))
                db.path = resolvePath(m_baseDir, *path);
        }
        if (!sqlite)
            readPostgresConnection(*object, at, db);
        if (auto pool = m_check.integer(*object, at, "pool_size", 1, 64))
            db.poolSize = static_cast<int>(*pool);
    }

    // host, port, dbname, user, password, sslmode, connect_timeout_ms: the database's and
    // the PostgreSQL audit store's connection alike.
    void readPostgresConnection(const Json &object, const std::string &at, DatabaseConfig &db)
    {
        db.driver = DatabaseConfig::Driver::Postgres;
        if (auto host = m_check.string(object, at, "host"))
            db.host = toQString(*host);
        if (auto port = m_check.integer(object, at, "port", 1, 65535))
            db.port = static_cast<int>(*port);
        if (auto dbname = m_check.string(object, at, "dbname"))
            db.dbname = toQString(*dbname);
        if (auto user = m_check.string(object, at, "user"))
            db.user = toQString(*user);
        readPassword(object, at, db);
        if (auto sslmode = m_check.enumString(object, at, "sslmode", kSslModes))
            db.sslmode = toQString(*sslmode);
        if (auto timeout = m_check.integer(object, at, "connect_timeout_ms", kMinTimeoutMs,
                                           kMaxTimeoutMs, Presence::Optional, "milliseconds"))
            db.connectTimeoutMs = static_cast<int>(*timeout);
    }

    // The one value whose text must never be quoted back: a password pasted here by
    // mistake would otherwise end up in a terminal, a log or a CI transcript.
    void readPassword(const Json &object, const std::string &at, DatabaseConfig &db)
    {
        const Json *password = m_check.member(object, at, "password");
        if (!password)
            return;
        const std::string where = at + "/password";
        const std::string form = "a secret reference such as env:WARDEN_DB_PASSWORD or "
                                 "keychain:warden/db-main";
        if (!password->is_string()) {
            m_check.addProblem(
                where, "must be " + form + ", got " + JsonChecker::describe(*password, true));
            return;
        }
        const QString text = toQString(password->get_ref<const std::string &>());
        auto ref = SecretRef::parse(text);
        if (ref) {
            db.passwordRef = ref->toString();
            return;
        }
        if (SecretRef::hasKnownScheme(text)) {
            m_check.addProblem(where, "is not a valid secret reference: " + ref.error().message);
            return;
        }
        m_check.addProblem(where,
                           "must be " + form
                               + ", not the password itself (the value is not shown); "
                                 "put the password in the environment or the OS keychain "
                                 "and reference it here");
    }

    // Like the password: references only, and a key pasted here is never quoted back.
    void readKeyReference(const Json &object, const std::string &at, std::string_view key,
                          QString &target)
    {
        const Json *value = m_check.member(object, at, key);
        if (!value)
            return;
        const std::string where = jsonPointerJoin(at, key);
        const std::string form = "a secret reference such as env:WARDEN_HASH_KEY or "
                                 "keychain:warden/hash-key";
        if (!value->is_string()) {
            m_check.addProblem(where,
                               "must be " + form + ", got " + JsonChecker::describe(*value, true));
            return;
        }
        const QString text = toQString(value->get_ref<const std::string &>());
        auto ref = SecretRef::parse(text);
        if (ref) {
            target = ref->toString();
            return;
        }
        if (SecretRef::hasKnownScheme(text)) {
            m_check.addProblem(where, "is not a valid secret reference: " + ref.error().message);
            return;
        }
        m_check.addProblem(where,
                           "must be " + form
                               + ", not the key itself (the value is not shown); put the key "
                                 "in the environment or the OS keychain and reference it here");
    }

    void readSecrets(SecretsConfig &secrets)
    {
        const Json *object = m_check.objectMember(m_doc, "", "secrets", kSecretsKeys);
        if (!object)
            return;
        const std::string at = "/secrets";
        readKeyReference(*object, at, "hash_key", secrets.hashKeyRef);
        readKeyReference(*object, at, "cursor_key", secrets.cursorKeyRef);
        readKeyReference(*object, at, "audit_key", secrets.auditKeyRef);
        if (!secrets.hashKeyRef.isEmpty() && secrets.hashKeyRef == secrets.cursorKeyRef)
            m_check.addProblem(at + "/cursor_key",
                               "names the same secret as hash_key; give each key its own secret");
        if (!secrets.auditKeyRef.isEmpty()
            && (secrets.auditKeyRef == secrets.hashKeyRef || secrets.auditKeyRef == secrets.cursorKeyRef))
            m_check.addProblem(at + "/audit_key", "names the same secret as another key; give each key its own secret");
    }

    void readAudit(AuditConfig &audit)
    {
        const Json *object = m_check.objectMember(m_doc, "", "audit", kAuditKeys);
        if (!object)
            return;
        const std::string at = "/audit";
        const auto store = m_check.enumString(*object, at, "store", kDrivers);
        if (store && *store == "postgres") {
            audit.store = AuditConfig::Store::Postgres;
            if (object->contains("path"))
                m_check.addProblem(at + "/path", "only applies when store is \"sqlite\"; remove it (the records go "
                                                 "to the database audit.postgres names)");
            m_check.requireKey(*object, at, "postgres",
                               "required when store is \"postgres\"; give the connection, e.g. {\"host\": "
                               "\"db.example.com\", \"dbname\": \"warden_audit\", \"user\": \"warden_audit\", "
                               "\"password\": \"env:WARDEN_AUDIT_PASSWORD\"}");
            m_check.requireKey(*object, at, "chain",
                               "required when store is \"postgres\"; name this server's chain (for example its "
                               "host name), the same on every restart so that its chain continues");
            if (const Json *pg = m_check.objectMember(*object, at, "postgres", kPostgresOnlyKeys)) {
                const std::string pat = at + "/postgres";
                m_check.requireKey(*pg, pat, "dbname", "required; give the database name");
                m_check.requireKey(*pg, pat, "user",
                                   "required; give the role the audit trail is written as (it needs INSERT, "
                                   "UPDATE, DELETE and SELECT on the audit tables, and CREATE to make them)");
                readPostgresConnection(*pg, pat, audit.postgres);
            }
            if (auto chain = m_check.string(*object, at, "chain")) {
                static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
                if (name.match(toQString(*chain)).hasMatch())
                    audit.chain = toQString(*chain);
                else
                    m_check.addProblem(at + "/chain", "must be 1 to 64 letters, digits, '.', '_' or '-', got "
                                                          + JsonChecker::describe(Json(*chain)));
            }
        } else {
            for (std::string_view key : { "postgres", "chain" }) {
                if (object->contains(std::string(key)))
                    m_check.addProblem(jsonPointerJoin(at, key), "only applies when store is \"postgres\"; remove it");
            }
            if (auto path = m_check.string(*object, at, "path"))
                audit.path = resolvePath(m_baseDir, *path);
        }
        if (auto ms = m_check.integer(*object, at, "write_timeout_ms", kMinTimeoutMs, 60000))
            audit.writeTimeoutMs = *ms;
        if (auto n = m_check.integer(*object, at, "checkpoint_every_records", 1, 1000000))
            audit.checkpointEveryRecords = *n;
        if (auto ms = m_check.integer(*object, at, "checkpoint_interval_ms", 1000, 24 * 60 * 60 * 1000))
            audit.checkpointIntervalMs = *ms;
    }

    void readTransports(ServerConfig &config)
    {
        const Json *transports = m_check.objectMember(m_doc, "", "transports", kTransportKeys);
        if (!transports)
            return;
        const std::string at = "/transports";
        if (const Json *stdio = m_check.objectMember(*transports, at, "stdio", kStdioKeys)) {
            if (auto bytes = m_check.integer(*stdio, at + "/stdio", "max_line_bytes", kKiB,
                                             64 * kMiB, Presence::Optional, "bytes"))
                config.stdio.maxLineBytes = *bytes;
        }
        const Json *http = m_check.objectMember(*transports, at, "http", kHttpKeys);
        if (!http)
            return;
        const std::string hat = at + "/http";
        HttpConfig &h = config.http;
        if (auto enabled = m_check.boolean(*http, hat, "enabled"))
            h.enabled = *enabled;
        if (const Json *listen = m_check.member(*http, hat, "listen")) {
            if (!listen->is_string()) {
                m_check.addProblem(hat + "/listen",
                                   std::string("must be a string of the form ") + kListenForm
                                       + ", got " + JsonChecker::describe(*listen));
            } else if (auto status = h.setListen(toQString(listen->get<std::string>())); !status) {
                m_check.addProblem(hat + "/listen", status.error().message);
            }
        }
        if (auto hosts = m_check.stringArray(*http, hat, "allowed_hosts")) {
            bool good = true;
            for (std::size_t i = 0; i < hosts->size(); ++i) {
                if (!isHostEntry((*hosts)[i])) {
                    good = false;
                    m_check.addProblem(jsonPointerJoin(hat + "/allowed_hosts", i),
                                       "must be a host name or address as it appears in the "
                                       "Host header (optionally with :PORT), for example "
                                       "mcp.example.com, got "
                                           + JsonChecker::describe(Json((*hosts)[i])));
                }
            }
            if (good)
                h.allowedHosts = toQStringList(*hosts);
        }
        if (auto origins = m_check.stringArray(*http, hat, "allowed_origins")) {
            bool good = true;
            for (std::size_t i = 0; i < origins->size(); ++i) {
                if (!isOrigin((*origins)[i])) {
                    good = false;
                    m_check.addProblem(jsonPointerJoin(hat + "/allowed_origins", i),
                                       "must be an origin: http or https, a host and an "
                                       "optional port, no path or trailing slash (for example "
                                       "https://app.example.com), got "
                                           + JsonChecker::describe(Json((*origins)[i])));
                }
            }
            if (good)
                h.allowedOrigins = toQStringList(*origins);
        }
        if (auto remote = m_check.boolean(*http, hat, "allow_remote"))
            h.allowRemote = *remote;
        if (auto bytes = m_check.integer(*http, hat, "max_body_bytes", kKiB, 64 * kMiB,
                                         Presence::Optional, "bytes"))
            h.maxBodyBytes = *bytes;
        const auto timeout = [&](std::string_view key, int &target) {
            if (auto ms = m_check.integer(*http, hat, key, kMinTimeoutMs, kMaxTimeoutMs,
                                          Presence::Optional, "milliseconds"))
                target = static_cast<int>(*ms);
        };
        timeout("header_timeout_ms", h.headerTimeoutMs);
        timeout("idle_timeout_ms", h.idleTimeoutMs);
        timeout("session_idle_timeout_ms", h.sessionIdleTimeoutMs);
        if (auto sessions = m_check.integer(*http, hat, "max_sessions", 1, 100000))
            h.maxSessions = static_cast<int>(*sessions);
    }

    void readAuth(AuthConfig &auth)
    {
        const Json *object = m_check.objectMember(m_doc, "", "auth", kAuthKeys);
        if (!object)
            return;
        const std::string at = "/auth";
        if (auto anonymous = m_check.boolean(*object, at, "anonymous"))
            auth.anonymous = *anonymous;
        if (const Json *oauth = m_check.member(*object, at, "oauth")) {
            auto parsed = auth::OAuthConfig::fromJson(*oauth, at + "/oauth", m_baseDir);
            if (parsed)
                auth.oauth = std::move(parsed).value();
            else
                for (const Json &problem : parsed.error().details.value("problems", Json::array()))
                    m_check.addProblem(problem.value("pointer", at + "/oauth"), problem.value("message", std::string()));
        }
        if (const Json *keys = m_check.objectMember(*object, at, "api_keys", kApiKeysKeys)) {
            if (auto enabled = m_check.boolean(*keys, at + "/api_keys", "enabled"))
                auth.apiKeys.enabled = *enabled;
            if (auto path = m_check.string(*keys, at + "/api_keys", "path"))
                auth.apiKeys.path = resolvePath(m_baseDir, *path);
        }
    }

    void readPrincipal(PrincipalConfig &principal)
    {
        const Json *object = m_check.objectMember(m_doc, "", "local_principal", kPrincipalKeys);
        if (!object)
            return;
        const std::string at = "/local_principal";
        if (auto user = m_check.string(*object, at, "user_id"))
            principal.userId = toQString(*user);
        if (auto tenant = m_check.string(*object, at, "tenant_id"))
            principal.tenantId = toQString(*tenant);
        if (auto roles = m_check.stringArray(*object, at, "roles"))
            principal.roles = toQStringList(*roles);
        if (auto scopes = m_check.stringArray(*object, at, "scopes"))
            principal.scopes = toQStringList(*scopes);
    }

    Error failure() const
    {
        Json problems = Json::array();
        for (const JsonProblem &problem : m_check.problems())
            problems.push_back({ { "pointer", problem.pointer }, { "message", problem.message } });
        return Error(ErrorCode::ConfigInvalid, m_check.report(), {},
                     Json { { "problems", std::move(problems) } });
    }

    const Json &m_doc;
    QString m_baseDir;
    JsonChecker m_check;
};

} // namespace

Status HttpConfig::setListen(const QString &text)
{
    if (text.isEmpty())
        return listenError("is empty", text);
    QString addressText;
    QString portText;
    bool bracketed = false;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0)
            return listenError("has an IPv6 address without \"]:PORT\" after it", text);
        addressText = text.mid(1, close - 1);
        portText = text.mid(close + 2);
        bracketed = true;
    } else if (text.count(u':') > 1) {
        return listenError("looks like an IPv6 address without brackets", text);
    } else if (const qsizetype colon = text.indexOf(u':'); colon >= 0) {
        addressText = text.left(colon);
        portText = text.mid(colon + 1);
    } else {
        addressText = QStringLiteral("127.0.0.1");
        portText = text;
    }

    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
    bool portOk = digits.match(portText).hasMatch();
    const int portNumber = portOk ? portText.toInt(&portOk) : -1;
    if (!portOk || portNumber < 0 || portNumber > 65535)
        return listenError("has an invalid port", text);

    QHostAddress host;
    if (bracketed) {
        if (!host.setAddress(addressText) || host.protocol() != QAbstractSocket::IPv6Protocol)
            return listenError("has an invalid IPv6 address in the brackets", text);
    } else if (addressText.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        host = QHostAddress(QHostAddress::LocalHost);
    } else {
        static const QRegularExpression ipv4(
            QStringLiteral("^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$"));
        if (!ipv4.match(addressText).hasMatch() || !host.setAddress(addressText)
            || host.protocol() != QAbstractSocket::IPv4Protocol)
            return listenError("has an address that is not an IPv4 address, localhost or a "
                               "bracketed IPv6 address (host names are not resolved)",
                               text);
    }
    address = host.toString();
    port = portNumber;
    return {};
}

QString HttpConfig::listen() const
{
    const QString portText = QString::number(port);
    if (address.contains(u':'))
        return u'[' + address + QLatin1String("]:") + portText;
    return address + u':' + portText;
}

bool HttpConfig::isLoopback() const
{
    const QHostAddress host(address);
    return !host.isNull() && host.isLoopback();
}

Result<Json> ServerConfig::readDocument(const QString &path)
{
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    if (info.isDir())
        return Error(ErrorCode::IoError,
                     "cannot read configuration file " + absolute.toStdString()
                         + ": it is a directory; give the path of the file");
    QFile file(absolute);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError,
                     "cannot read configuration file " + absolute.toStdString() + ": "
                         + file.errorString().toStdString());
    if (file.size() > kMaxFileBytes)
        return Error(ErrorCode::ConfigInvalid,
                     "configuration file " + absolute.toStdString()
                         + " is larger than 1 MiB; check that it is the right file");
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error(ErrorCode::IoError,
                     "cannot read configuration file " + absolute.toStdString() + ": "
                         + file.errorString().toStdString());

    JsonLimits limits;
    limits.maxBytes = static_cast<std::size_t>(kMaxFileBytes);
    auto document = StrictJson::parse(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), limits);
    if (!document)
        return Error(ErrorCode::ConfigInvalid,
                     "configuration file " + absolute.toStdString()
                         + " is not valid JSON: " + document.error().message,
                     {}, Json { { "file", absolute.toStdString() } });
    return std::move(document).value();
}

Result<ServerConfig> ServerConfig::load(const QString &path)
{
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    auto document = readDocument(path);
    if (!document)
        return document.takeError();
    auto config = fromJson(*document, info.absolutePath());
    if (!config) {
        Error error = config.takeError();
        error.details["file"] = absolute.toStdString();
        return error;
    }
    config->filePath = absolute;
    return config;
}

Result<ServerConfig> ServerConfig::fromJson(const Json &document, const QString &baseDir)
{
    return ConfigReader(document, baseDir).read();
}

Json ServerConfig::toJson() const
{
    Json root = Json::object();
    root["version"] = kFormatVersion;
    root["mode"] = mode == Mode::Development ? "development" : "production";
    root["log_level"] = logLevel.toStdString();

    Json db = Json::object();
    if (database.driver == DatabaseConfig::Driver::Sqlite) {
        db["driver"] = "sqlite";
        db["path"] = database.path.toStdString();
    } else {
        db = postgresConnectionJson(database);
        db["driver"] = "postgres";
    }
    db["pool_size"] = database.poolSize;
    root["database"] = std::move(db);

    if (!policyPath.isEmpty())
        root["policy"] = policyPath.toStdString();
    if (!policyHistoryPath.isEmpty())
        root["policy_history"] = policyHistoryPath.toStdString();

    Json h = Json::object();
    h["enabled"] = http.enabled;
    h["listen"] = http.listen().toStdString();
    h["allowed_hosts"] = toJsonArray(http.allowedHosts);
    h["allowed_origins"] = toJsonArray(http.allowedOrigins);
    h["allow_remote"] = http.allowRemote;
    h["max_body_bytes"] = http.maxBodyBytes;
    h["header_timeout_ms"] = http.headerTimeoutMs;
    h["idle_timeout_ms"] = http.idleTimeoutMs;
    h["session_idle_timeout_ms"] = http.sessionIdleTimeoutMs;
    h["max_sessions"] = http.maxSessions;
    root["transports"] = Json { { "stdio", Json { { "max_line_bytes", stdio.maxLineBytes } } },
                                { "http", std::move(h) } };

    Json principal = Json::object();
    principal["user_id"] = localPrincipal.userId.toStdString();
    if (!localPrincipal.tenantId.isEmpty())
        principal["tenant_id"] = localPrincipal.tenantId.toStdString();
    principal["roles"] = toJsonArray(localPrincipal.roles);
    principal["scopes"] = toJsonArray(localPrincipal.scopes);
    root["local_principal"] = std::move(principal);

    if (!secrets.hashKeyRef.isEmpty() || !secrets.cursorKeyRef.isEmpty() || !secrets.auditKeyRef.isEmpty()) {
        Json keys = Json::object();
        if (!secrets.hashKeyRef.isEmpty())
            keys["hash_key"] = secrets.hashKeyRef.toStdString();
        if (!secrets.cursorKeyRef.isEmpty())
            keys["cursor_key"] = secrets.cursorKeyRef.toStdString();
        if (!secrets.auditKeyRef.isEmpty())
            keys["audit_key"] = secrets.auditKeyRef.toStdString();
        root["secrets"] = std::move(keys);
    }
    if (auth != AuthConfig()) {
        Json a = Json::object();
        a["anonymous"] = auth.anonymous;
        Json keys = Json::object();
        keys["enabled"] = auth.apiKeys.enabled;
        if (!auth.apiKeys.path.isEmpty())
            keys["path"] = auth.apiKeys.path.toStdString();
        a["api_keys"] = std::move(keys);
        if (auth.oauth)
            a["oauth"] = auth.oauth->toJson();
        root["auth"] = std::move(a);
    }
    if (limits != limits::LimitsConfig())
        root["limits"] = limits.toJson();
    if (audit != AuditConfig()) {
        Json a = Json::object();
        if (audit.store == AuditConfig::Store::Postgres) {
            a["store"] = "postgres";
            a["postgres"] = postgresConnectionJson(audit.postgres);
            a["chain"] = audit.chain.toStdString();
        } else {
            a["store"] = "sqlite";
        }
        if (!audit.path.isEmpty())
            a["path"] = audit.path.toStdString();
        a["write_timeout_ms"] = audit.writeTimeoutMs;
        a["checkpoint_every_records"] = audit.checkpointEveryRecords;
        a["checkpoint_interval_ms"] = audit.checkpointIntervalMs;
        root["audit"] = std::move(a);
    }
    return root;
}

ServerConfig ServerConfig::defaults()
{
    return ServerConfig();
}

Status ServerConfig::applyHttpOverride(const QString &listen)
{
    HttpConfig changed = http;
    if (auto status = changed.setListen(listen); !status)
        return status;
    changed.enabled = true;
    http = changed;
    return {};
}

Status ServerConfig::checkHttpExposure() const
{
    if (!http.enabled)
        return {};
    const bool development = mode == Mode::Development;
    if (auth.anonymous && !development)
        return Error(ErrorCode::ConfigInvalid,
                     "auth.anonymous: anonymous HTTP callers are allowed only in development mode; configure "
                     "auth.api_keys or auth.oauth, or for local experiments set \"mode\": \"development\" "
                     "(warden-server --dev)");
    if (!auth.hasMethod() && !auth.anonymous)
        return Error(ErrorCode::ConfigInvalid,
                     development
                         ? std::string("refusing to serve HTTP without authentication: configure auth.api_keys or "
                                       "auth.oauth, or allow anonymous callers explicitly with auth.anonymous "
                                       "(warden-server --dev --allow-anonymous)")
                         : std::string("refusing to serve HTTP without authentication in production mode: "
                                       "configure auth.api_keys or auth.oauth (docs/auth.md)"));
    if (http.isLoopback() || http.allowRemote || auth.hasMethod())
        return {};
    return Error(ErrorCode::ConfigInvalid,
                 "refusing to serve HTTP on " + http.listen().toStdString()
                     + " to anonymous callers: other machines can reach that address; "
                       "configure authentication, set transports.http.allow_remote to true, "
                       "or listen on 127.0.0.1");
}

const QStringList &ServerConfig::logLevels()
{
    static const QStringList levels = [] {
        QStringList list;
        for (std::string_view level : kLogLevels)
            list.append(QString::fromLatin1(level.data(), static_cast<qsizetype>(level.size())));
        return list;
    }();
    return levels;
}

} // namespace warden
