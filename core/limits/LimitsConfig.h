#pragma once

#include "Gcra.h"
#include "Usage.h"
#include "common/Json.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace warden {
class JsonChecker;
struct DatabaseConfig;
} // namespace warden

namespace warden::limits {

// Usage allowed in one window. 0 means unlimited, per metric.
struct BudgetLimits
{
    std::int64_t calls = 0;
    std::int64_t rows = 0; // rows returned
    double cost = 0; // cost units (the query cost estimator's)

    bool unlimited() const { return calls <= 0 && rows <= 0 && cost <= 0; }
    bool operator==(const BudgetLimits &) const = default;
};

// The budgets of one kind of subject (a principal, or a whole tenant). Windows roll at minute
// granularity: "hour" is the current minute and the 59 before it, "day" the last 1,440.
struct WindowBudgets
{
    BudgetLimits hour;
    BudgetLimits day;

    bool unlimited() const { return hour.unlimited() && day.unlimited(); }
    bool operator==(const WindowBudgets &) const = default;
};

// Where usage counters persist: an SQLite file of its own (default) or a PostgreSQL database
// shared by several servers. The PostgreSQL password is only ever a secret reference.
struct UsageStoreConfig
{
    enum class Driver { Sqlite, Postgres };
    Driver driver = Driver::Sqlite;
    QString path; // sqlite: absolute after loading; empty: usage.db next to the audit trail
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString dbname;
    QString user;
    QString passwordRef; // "env:NAME" or "keychain:SERVICE/KEY", never the password
    QString sslmode = QStringLiteral("prefer");
    int connectTimeoutMs = 5000;
    std::int64_t flushIntervalMs = 1000; // how much usage a crash may lose, at most
    int retentionDays = 8; // minute rows older than this are pruned

    // The PostgreSQL connection in the shape db::PgConnection takes.
    DatabaseConfig toDatabaseConfig() const;
    // `path`, or usage.db in the folder of the audit trail (`auditPath`, when set), or in the
    // server's state folder.
    QString effectivePath(const QString &auditPath) const;

    bool operator==(const UsageStoreConfig &) const = default;
};

// The server configuration's "limits" object (docs/limits.md): rate limits, concurrency caps,
// usage budgets and the usage store. Every key is optional.
struct LimitsConfig
{
    Rate principal { 600, 60 }; // per principal (auth method, user and tenant)
    Rate tenant { 3000, 300 }; // per tenant, all its principals together
    std::map<std::string, Rate, std::less<>> tools; // per principal and tool, for the tools listed
    int maxInFlightPerPrincipal = 8; // 0: unlimited
    int maxInFlight = 256; // 0: unlimited
    std::int64_t maxKeys = 100000; // rate limiter keys kept (LRU)
    WindowBudgets principalBudgets; // all unlimited by default
    WindowBudgets tenantBudgets;
    UsageStoreConfig usageStore;

    // Reads the "limits" object found at `pointer` (e.g. "/limits"); relative paths resolve
    // against `baseDir`. Problems name their key as a JSON pointer below `pointer` and say what
    // to fix (ConfigInvalid, details.problems as ServerConfig reports them).
    static Result<LimitsConfig> fromJson(const Json &object, const std::string &pointer,
                                         const QString &baseDir);
    // The same, recording problems in a caller's checker (so a whole configuration file is
    // reported in one pass); `object` must live in the checker's document at `pointer`.
    static LimitsConfig read(JsonChecker &check, const Json &object, const std::string &pointer,
                             const QString &baseDir);
    // Every key written out; fromJson(toJson()) gives an equal configuration.
    Json toJson() const;

    const WindowBudgets &budgets(SubjectKind kind) const
    {
        return kind == SubjectKind::Tenant ? tenantBudgets : principalBudgets;
    }

    bool operator==(const LimitsConfig &) const = default;
};

} // namespace warden::limits
