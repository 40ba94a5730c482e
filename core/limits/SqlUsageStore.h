#pragma once

#include "UsageStore.h"

#include <memory>
#include <mutex>
#include <string_view>

namespace warden::db {
class Connection;
}

namespace warden::limits {

// The usage store over a db::Connection, for both dialects (SqliteUsageStore and
// PgUsageStore open the connection and hand it here). Schema:
//
//   usage_minutes(
//     kind TEXT NOT NULL,              -- 'principal' | 'tenant'
//     subject TEXT NOT NULL,           -- principalSubject() / tenantSubject()
//     minute BIGINT NOT NULL,          -- Unix time in whole minutes
//     calls BIGINT, rows_returned BIGINT, cost DOUBLE PRECISION,
//     rate_limited BIGINT, budget_rejected BIGINT,   -- all NOT NULL DEFAULT 0
//     PRIMARY KEY (kind, subject, minute))
//   index usage_minutes_minute(minute)
//
// Increments are one upsert per batch (INSERT ... ON CONFLICT DO UPDATE SET calls =
// usage_minutes.calls + excluded.calls, ...), rows sorted by key so concurrent writers lock
// rows in one order, inside one transaction: atomic across servers.
class SqlUsageStore : public UsageStore
{
public:
    ~SqlUsageStore() override;

    Status add(const std::vector<UsageRow> &increments) override;
    Result<std::vector<UsageRow>> rowsSince(std::int64_t fromMinute) override;
    Result<std::vector<SeriesPoint>> series(SubjectKind kind, const std::string &subject,
                                            Metric metric, std::int64_t fromMinute,
                                            std::int64_t toMinute,
                                            std::int64_t stepMinutes) override;
    Result<std::vector<Consumer>> top(SubjectKind kind, Metric metric, std::int64_t fromMinute,
                                      std::size_t n) override;
    Result<std::int64_t> prune(std::int64_t beforeMinute) override;
    std::string description() const override { return m_description; }

protected:
    SqlUsageStore(std::unique_ptr<db::Connection> connection, std::string description);
    // Creates the table and index when missing.
    Status createSchema();

private:
    // The statement in this connection's dialect: written with $n, run as ?n on SQLite.
    std::string sql(std::string_view text) const;
    Error failure(const Error &cause, const char *doing) const;

    std::mutex m_mutex; // one statement at a time on the connection
    std::unique_ptr<db::Connection> m_connection;
    std::string m_description;
};

} // namespace warden::limits
