#include "LimitsConfig.h"

#include "common/JsonChecker.h"
#include "common/JsonPointer.h"
#include "config/ServerConfig.h"
#include "secrets/SecretRef.h"
#include "server/StateLocation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>
#include <string_view>
#include <vector>

namespace warden::limits {

namespace {

using Presence = JsonChecker::Presence;
using Keys = std::vector<std::string_view>;

const Keys kRootKeys = { "principal",     "tenant",   "tools",   "max_in_flight_per_principal",
                         "max_in_flight", "max_keys", "budgets", "usage_store" };
const Keys kRateKeys = { "per_minute", "burst" };
const Keys kBudgetKinds = { "principal", "tenant" };
const Keys kWindowKeys = { "hour", "day" };
const Keys kMetricKeys = { "calls", "rows", "cost" };
const Keys kStoreKeys = { "driver",
                          "path",
                          "host",
                          "port",
                          "dbname",
                          "user",
                          "password",
                          "sslmode",
                          "connect_timeout_ms",
                          "flush_interval_ms",
                          "retention_days" };
const Keys kPostgresOnlyKeys = {
    "host", "port", "dbname", "user", "password", "sslmode", "connect_timeout_ms"
};
const Keys kDrivers = { "sqlite", "postgres" };
const Keys kSslModes = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full" };

constexpr std::int64_t kMaxRate = 10'000'000;
constexpr std::int64_t kMaxBudget = 1'000'000'000'000'000; // 1e15
constexpr const char *kDefaultFile = "usage.db";

QString toQString(const std::string &text)
{
    return QString::fromStdString(text);
}

bool isToolName(const std::string &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9_-]{1,64}$"));
    return re.match(toQString(name)).hasMatch();
}

class LimitsReader
{
public:
    LimitsReader(JsonChecker &check, const QString &baseDir)
        : m_check(check)
        , m_baseDir(baseDir)
    {
    }

    LimitsConfig read(const Json &object, const std::string &at)
    {
        LimitsConfig config;
        if (!m_check.checkObject(object, at, kRootKeys))
            return config;
        if (const Json *rate = m_check.objectMember(object, at, "principal", kRateKeys))
            config.principal = readRate(*rate, jsonPointerJoin(at, "principal"), config.principal);
        if (const Json *rate = m_check.objectMember(object, at, "tenant", kRateKeys))
            config.tenant = readRate(*rate, jsonPointerJoin(at, "tenant"), config.tenant);
        readTools(object, at, config);
        if (auto n = m_check.integer(object, at, "max_in_flight_per_principal", 0, 100000))
            config.maxInFlightPerPrincipal = static_cast<int>(*n);
        if (auto n = m_check.integer(object, at, "max_in_flight", 0, 1000000))
            config.maxInFlight = static_cast<int>(*n);
        if (auto n = m_check.integer(object, at, "max_keys", 100, 100'000'000))
            config.maxKeys = *n;
        if (config.maxInFlight > 0 && config.maxInFlightPerPrincipal > config.maxInFlight)
            m_check.addProblem(jsonPointerJoin(at, "max_in_flight_per_principal"),
                               "is larger than max_in_flight (" + std::to_string(config.maxInFlight)
                                   + "), so it can never apply; lower it or raise max_in_flight");
        readBudgets(object, at, config);
        readStore(object, at, config.usageStore);
        return config;
    }

private:
    // Absent members keep `base`; a per_minute without a burst gets a tenth of it (at least 1).
    Rate readRate(const Json &object, const std::string &at, Rate base,
                  Presence perMinute = Presence::Optional)
    {
        Rate rate = base;
        const auto per = m_check.integer(object, at, "per_minute", 0, kMaxRate, perMinute,
                                         "requests per minute");
        if (per) {
            rate.perMinute = *per;
            rate.burst = std::max<std::int64_t>(1, *per / 10);
        }
        if (auto burst =
                m_check.integer(object, at, "burst", 1, kMaxRate, Presence::Optional, "requests"))
            rate.burst = *burst;
        return rate;
    }

    void readTools(const Json &object, const std::string &at, LimitsConfig &config)
    {
        const Json *tools = m_check.member(object, at, "tools");
        if (!tools)
            return;
        const std::string tat = jsonPointerJoin(at, "tools");
        if (!tools->is_object()) {
            m_check.addProblem(tat,
                               "must be an object that maps tool names to rates, for example "
                               "{\"db_query\": {\"per_minute\": 120, \"burst\": 20}}, got "
                                   + JsonChecker::describe(*tools));
            return;
        }
        for (auto it = tools->begin(); it != tools->end(); ++it) {
            const std::string where = jsonPointerJoin(tat, it.key());
            if (!isToolName(it.key())) {
                m_check.addProblem(where,
                                   "is not a tool name; tool names are 1 to 64 letters, digits, "
                                   "'_' or '-' (for example db_query)");
                continue;
            }
            if (!m_check.checkObject(it.value(), where, kRateKeys))
                continue;
            config.tools[it.key()] = readRate(it.value(), where, Rate { 0, 1 }, Presence::Required);
        }
    }

    // A non-negative number (integer or not), as cost units are.
    std::optional<double> number(const Json &object, const std::string &at, std::string_view key)
    {
        const Json *value = m_check.member(object, at, key);
        if (!value)
            return std::nullopt;
        if (value->is_number()) {
            const double d = value->get<double>();
            if (std::isfinite(d) && d >= 0 && d <= double(kMaxBudget))
                return d;
        }
        m_check.addProblem(jsonPointerJoin(at, key),
                           "must be a number from 0 (unlimited) to 1e15 (cost units), got "
                               + JsonChecker::describe(*value));
        return std::nullopt;
    }

    void readBudgets(const Json &object, const std::string &at, LimitsConfig &config)
    {
        const Json *budgets = m_check.objectMember(object, at, "budgets", kBudgetKinds);
        if (!budgets)
            return;
        const std::string bat = jsonPointerJoin(at, "budgets");
        for (const SubjectKind kind : { SubjectKind::Principal, SubjectKind::Tenant }) {
            const std::string_view name = subjectKindName(kind);
            const Json *windows = m_check.objectMember(*budgets, bat, name, kWindowKeys);
            if (!windows)
                continue;
            WindowBudgets &target =
                kind == SubjectKind::Tenant ? config.tenantBudgets : config.principalBudgets;
            const std::string wat = jsonPointerJoin(bat, name);
            readWindow(*windows, wat, "hour", target.hour);
            readWindow(*windows, wat, "day", target.day);
        }
    }

    void readWindow(const Json &windows, const std::string &at, std::string_view key,
                    BudgetLimits &limits)
    {
        const Json *window = m_check.objectMember(windows, at, key, kMetricKeys);
        if (!window)
            return;
        const std::string where = jsonPointerJoin(at, key);
        if (auto n = m_check.integer(*window, where, "calls", 0, kMaxBudget, Presence::Optional,
                                     "calls; 0 is unlimited"))
            limits.calls = *n;
        if (auto n = m_check.integer(*window, where, "rows", 0, kMaxBudget, Presence::Optional,
                                     "rows; 0 is unlimited"))
            limits.rows = *n;
        if (auto n = number(*window, where, "cost"))
            limits.cost = *n;
    }

    void readStore(const Json &object, const std::string &at, UsageStoreConfig &store)
    {
        const Json *s = m_check.objectMember(object, at, "usage_store", kStoreKeys);
        if (!s)
            return;
        const std::string sat = jsonPointerJoin(at, "usage_store");
        const auto driver = m_check.enumString(*s, sat, "driver", kDrivers);
        const bool postgres = driver && *driver == "postgres";
        store.driver =
            postgres ? UsageStoreConfig::Driver::Postgres : UsageStoreConfig::Driver::Sqlite;
        if (postgres) {
            if (s->contains("path"))
                m_check.addProblem(sat + "/path",
                                   "only applies when driver is \"sqlite\"; remove it");
            m_check.requireKey(*s, sat, "dbname",
                               "required when driver is \"postgres\"; give the database that holds "
                               "the shared usage ledger");
            m_check.requireKey(*s, sat, "user",
                               "required when driver is \"postgres\"; give the role Warden writes "
                               "usage as (it needs CREATE on the schema the first time)");
        } else {
            for (std::string_view key : kPostgresOnlyKeys)
                if (s->contains(std::string(key)))
                    m_check.addProblem(jsonPointerJoin(sat, key),
                                       "only applies when driver is \"postgres\"; remove it or set "
                                       "driver to \"postgres\"");
            if (auto path = m_check.string(*s, sat, "path"))
                store.path = QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(toQString(*path)));
        }
        if (postgres) {
            if (auto host = m_check.string(*s, sat, "host"))
                store.host = toQString(*host);
            if (auto port = m_check.integer(*s, sat, "port", 1, 65535))
                store.port = static_cast<int>(*port);
            if (auto dbname = m_check.string(*s, sat, "dbname"))
                store.dbname = toQString(*dbname);
            if (auto user = m_check.string(*s, sat, "user"))
                store.user = toQString(*user);
            readPasswordRef(*s, sat, store);
            if (auto mode = m_check.enumString(*s, sat, "sslmode", kSslModes))
                store.sslmode = toQString(*mode);
            if (auto ms = m_check.integer(*s, sat, "connect_timeout_ms", 100, 3'600'000,
                                          Presence::Optional, "milliseconds"))
                store.connectTimeoutMs = static_cast<int>(*ms);
        }
        if (auto ms = m_check.integer(*s, sat, "flush_interval_ms", 100, 60000, Presence::Optional,
                                      "milliseconds"))
            store.flushIntervalMs = *ms;
        if (auto days =
                m_check.integer(*s, sat, "retention_days", 2, 3650, Presence::Optional, "days"))
            store.retentionDays = static_cast<int>(*days);
    }

    // Never quotes the value: a password pasted here must not reach a terminal or a log.
    void readPasswordRef(const Json &object, const std::string &at, UsageStoreConfig &store)
    {
        const Json *value = m_check.member(object, at, "password");
        if (!value)
            return;
        const std::string where = at + "/password";
        const std::string form =
            "a secret reference such as env:WARDEN_USAGE_PASSWORD or keychain:warden/usage-db";
        const QString text = value->is_string() ? toQString(value->get<std::string>()) : QString();
        if (auto ref = SecretRef::parse(text); value->is_string() && ref) {
            store.passwordRef = ref->toString();
        } else if (value->is_string() && SecretRef::hasKnownScheme(text)) {
            m_check.addProblem(where, "is not a valid secret reference: " + ref.error().message);
        } else {
            m_check.addProblem(
                where,
                "must be " + form
                    + ", not the password itself (the value is not "
                      "shown); put the password in the environment or the OS keychain and "
                      "reference it here");
        }
    }

    JsonChecker &m_check;
    QString m_baseDir;
};

Json rateJson(const Rate &rate)
{
    return Json { { "per_minute", rate.perMinute }, { "burst", rate.burst } };
}

Json budgetJson(const WindowBudgets &budgets)
{
    Json out = Json::object();
    for (const auto &[name, limits] :
         { std::pair { "hour", budgets.hour }, std::pair { "day", budgets.day } })
        out[name] =
            Json { { "calls", limits.calls }, { "rows", limits.rows }, { "cost", limits.cost } };
    return out;
}

} // namespace

DatabaseConfig UsageStoreConfig::toDatabaseConfig() const
{
    DatabaseConfig db;
    db.driver = DatabaseConfig::Driver::Postgres;
    db.host = host;
    db.port = port;
    db.dbname = dbname;
    db.user = user;
    db.passwordRef = passwordRef;
    db.sslmode = sslmode;
    db.poolSize = 1;
    db.connectTimeoutMs = connectTimeoutMs;
    return db;
}

QString UsageStoreConfig::effectivePath(const QString &auditPath) const
{
    if (!path.isEmpty())
        return path;
    const QString file = QString::fromLatin1(kDefaultFile);
    if (!auditPath.isEmpty())
        return QFileInfo(auditPath).absoluteDir().filePath(file);
    return statePath(file);
}

LimitsConfig LimitsConfig::read(JsonChecker &check, const Json &object, const std::string &pointer,
                                const QString &baseDir)
{
    return LimitsReader(check, baseDir).read(object, pointer);
}

Result<LimitsConfig> LimitsConfig::fromJson(const Json &object, const std::string &pointer,
                                            const QString &baseDir)
{
    // Checked against its own root so problems sort in document order, then placed under
    // `pointer`.
    JsonChecker check(object);
    LimitsConfig config = read(check, object, "", baseDir);
    if (check.ok())
        return config;
    Json problems = Json::array();
    std::string report;
    for (const JsonProblem &problem : check.problems()) {
        const JsonProblem placed { pointer + problem.pointer, problem.message };
        problems.push_back({ { "pointer", placed.pointer }, { "message", placed.message } });
        report += (report.empty() ? "" : "\n") + placed.toString();
    }
    return Error(ErrorCode::ConfigInvalid, report, {},
                 Json { { "problems", std::move(problems) } });
}

Json LimitsConfig::toJson() const
{
    Json root = Json::object();
    root["principal"] = rateJson(principal);
    root["tenant"] = rateJson(tenant);
    Json t = Json::object();
    for (const auto &[name, rate] : tools)
        t[name] = rateJson(rate);
    root["tools"] = std::move(t);
    root["max_in_flight_per_principal"] = maxInFlightPerPrincipal;
    root["max_in_flight"] = maxInFlight;
    root["max_keys"] = maxKeys;
    root["budgets"] = Json { { "principal", budgetJson(principalBudgets) },
                             { "tenant", budgetJson(tenantBudgets) } };

    Json s = Json::object();
    const UsageStoreConfig &u = usageStore;
    if (u.driver == UsageStoreConfig::Driver::Sqlite) {
        s["driver"] = "sqlite";
        if (!u.path.isEmpty())
            s["path"] = u.path.toStdString();
    } else {
        s["driver"] = "postgres";
        s["host"] = u.host.toStdString();
        s["port"] = u.port;
        s["dbname"] = u.dbname.toStdString();
        s["user"] = u.user.toStdString();
        if (!u.passwordRef.isEmpty())
            s["password"] = u.passwordRef.toStdString();
        s["sslmode"] = u.sslmode.toStdString();
        s["connect_timeout_ms"] = u.connectTimeoutMs;
    }
    s["flush_interval_ms"] = u.flushIntervalMs;
    s["retention_days"] = u.retentionDays;
    root["usage_store"] = std::move(s);
    return root;
}

} // namespace warden::limits
