#include "SqlUsageStore.h"

#include "db/Connection.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

namespace warden::limits {

namespace {

constexpr std::size_t kRowsPerStatement = 500;
const db::QueryOptions kOptions { 10000, -1 };

constexpr std::array<const char *, 5> kMetricColumns = { "calls", "rows_returned", "cost",
                                                         "rate_limited", "budget_rejected" };

constexpr std::array<const char *, 3> kSchema = {
    "CREATE TABLE IF NOT EXISTS usage_minutes("
    " kind TEXT NOT NULL, subject TEXT NOT NULL, minute BIGINT NOT NULL,"
    " calls BIGINT NOT NULL DEFAULT 0, rows_returned BIGINT NOT NULL DEFAULT 0,"
    " cost DOUBLE PRECISION NOT NULL DEFAULT 0, rate_limited BIGINT NOT NULL DEFAULT 0,"
    " budget_rejected BIGINT NOT NULL DEFAULT 0,"
    " PRIMARY KEY (kind, subject, minute))",
    "CREATE INDEX IF NOT EXISTS usage_minutes_minute ON usage_minutes(minute)",
    "CREATE INDEX IF NOT EXISTS usage_minutes_kind_minute ON usage_minutes(kind, minute)",
};

const char *column(Metric metric)
{
    return kMetricColumns[static_cast<std::size_t>(metric)];
}

// SUM() is numeric on PostgreSQL and may come back as an integer, a double or (NULL) nothing.
double asDouble(const Json &value)
{
    return value.is_number() ? value.get<double>() : 0.0;
}

std::int64_t asInt(const Json &value)
{
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    return value.is_number() ? static_cast<std::int64_t>(value.get<double>()) : 0;
}

Json kindValue(SubjectKind kind)
{
    return std::string(subjectKindName(kind));
}

} // namespace

SqlUsageStore::SqlUsageStore(std::unique_ptr<db::Connection> connection, std::string description)
    : m_connection(std::move(connection))
    , m_description(std::move(description))
{
}

SqlUsageStore::~SqlUsageStore() = default;

std::string SqlUsageStore::sql(std::string_view text) const
{
    std::string out(text);
    if (m_connection->dialect() == db::Dialect::Sqlite) {
        for (std::size_t i = 0; i + 1 < out.size(); ++i)
            if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1])))
                out[i] = '?';
    }
    return out;
}

Error SqlUsageStore::failure(const Error &cause, const char *doing) const
{
    return Error(ErrorCode::Unavailable,
                 "the usage store (" + m_description + ") failed while " + doing + ": "
                     + cause.message,
                 { "check that the usage store is reachable and writable" });
}

Status SqlUsageStore::createSchema()
{
    std::lock_guard lock(m_mutex);
    for (const char *statement : kSchema) {
        if (auto r = m_connection->execute(statement, {}, kOptions); !r)
            return failure(r.error(), "creating its table");
    }
    return {};
}

Status SqlUsageStore::add(const std::vector<UsageRow> &increments)
{
    if (increments.empty())
        return {};
    std::vector<const UsageRow *> sorted;
    sorted.reserve(increments.size());
    for (const UsageRow &row : increments)
        sorted.push_back(&row);
    std::sort(sorted.begin(), sorted.end(), [](const UsageRow *a, const UsageRow *b) {
        return std::tie(a->kind, a->subject, a->minute) < std::tie(b->kind, b->subject, b->minute);
    });

    std::lock_guard lock(m_mutex);
    if (auto s = m_connection->begin(false); !s)
        return failure(s.error(), "starting a transaction");
    for (std::size_t first = 0; first < sorted.size(); first += kRowsPerStatement) {
        const std::size_t last = std::min(sorted.size(), first + kRowsPerStatement);
        std::string text =
            "INSERT INTO usage_minutes(kind, subject, minute, calls, rows_returned, cost, "
            "rate_limited, budget_rejected) VALUES ";
        std::vector<Json> params;
        params.reserve((last - first) * 8);
        for (std::size_t i = first; i < last; ++i) {
            const UsageRow &row = *sorted[i];
            text += i == first ? "(" : ",(";
            for (int p = 0; p < 8; ++p)
                text += (p ? ",$" : "$") + std::to_string(params.size() + std::size_t(p) + 1);
            text += ')';
            params.insert(params.end(),
                          { kindValue(row.kind), row.subject, row.minute, row.counts.calls,
                            row.counts.rows, row.counts.cost, row.counts.rateLimited,
                            row.counts.budgetRejected });
        }
        text += " ON CONFLICT (kind, subject, minute) DO UPDATE SET"
                " calls = usage_minutes.calls + excluded.calls,"
                " rows_returned = usage_minutes.rows_returned + excluded.rows_returned,"
                " cost = usage_minutes.cost + excluded.cost,"
                " rate_limited = usage_minutes.rate_limited + excluded.rate_limited,"
                " budget_rejected = usage_minutes.budget_rejected + excluded.budget_rejected";
        if (auto r = m_connection->execute(sql(text), params, kOptions); !r) {
            m_connection->rollback();
            return failure(r.error(), "adding usage");
        }
    }
    if (auto s = m_connection->commit(); !s) {
        m_connection->rollback();
        return failure(s.error(), "committing usage");
    }
    return {};
}

Result<std::vector<UsageRow>> SqlUsageStore::rowsSince(std::int64_t fromMinute)
{
    std::lock_guard lock(m_mutex);
    auto r = m_connection->query(
        sql("SELECT kind, subject, minute, calls, rows_returned, cost, rate_limited, "
            "budget_rejected FROM usage_minutes WHERE minute >= $1"),
        { fromMinute }, kOptions);
    if (!r)
        return failure(r.error(), "reading usage");
    std::vector<UsageRow> rows;
    rows.reserve(r->rows.size());
    for (const auto &v : r->rows) {
        const auto kind =
            v[0].is_string() ? subjectKindFromName(v[0].get<std::string>()) : std::nullopt;
        if (!kind || !v[1].is_string())
            continue; // not written by us: ignore rather than guess
        UsageRow row;
        row.kind = *kind;
        row.subject = v[1].get<std::string>();
        row.minute = asInt(v[2]);
        row.counts =
            UsageCounts { asInt(v[3]), asInt(v[4]), asDouble(v[5]), asInt(v[6]), asInt(v[7]) };
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<std::vector<SeriesPoint>> SqlUsageStore::series(SubjectKind kind, const std::string &subject,
                                                       Metric metric, std::int64_t fromMinute,
                                                       std::int64_t toMinute,
                                                       std::int64_t stepMinutes)
{
    if (stepMinutes < 1 || toMinute <= fromMinute)
        return std::vector<SeriesPoint> {};
    std::string text = std::string("SELECT (minute - $1) / $2 AS slot, SUM(") + column(metric)
        + ") FROM usage_minutes WHERE kind = $3 AND minute >= $1 AND minute < $4";
    std::vector<Json> params { fromMinute, stepMinutes, kindValue(kind), toMinute };
    if (!subject.empty()) {
        text += " AND subject = $5";
        params.push_back(subject);
    }
    text += " GROUP BY slot ORDER BY slot";
    const std::int64_t steps = (toMinute - fromMinute + stepMinutes - 1) / stepMinutes;
    std::vector<SeriesPoint> points(static_cast<std::size_t>(steps));
    for (std::int64_t i = 0; i < steps; ++i)
        points[std::size_t(i)].timeMs = (fromMinute + i * stepMinutes) * 60000;
    std::lock_guard lock(m_mutex);
    auto r = m_connection->query(sql(text), params, kOptions);
    if (!r)
        return failure(r.error(), "reading a usage series");
    for (const auto &v : r->rows) {
        const std::int64_t slot = asInt(v[0]);
        if (slot >= 0 && slot < steps)
            points[std::size_t(slot)].value = asDouble(v[1]);
    }
    return points;
}

Result<std::vector<Consumer>> SqlUsageStore::top(SubjectKind kind, Metric metric,
                                                 std::int64_t fromMinute, std::size_t n)
{
    const std::string text = std::string("SELECT subject, SUM(") + column(metric)
        + ") AS total FROM usage_minutes WHERE kind = $1 AND minute >= $2 GROUP BY subject"
          " HAVING SUM("
        + column(metric) + ") > 0 ORDER BY total DESC, subject LIMIT $3";
    std::lock_guard lock(m_mutex);
    auto r = m_connection->query(
        sql(text), { kindValue(kind), fromMinute, static_cast<std::int64_t>(n) }, kOptions);
    if (!r)
        return failure(r.error(), "reading the top consumers");
    std::vector<Consumer> out;
    out.reserve(r->rows.size());
    for (const auto &v : r->rows)
        out.push_back(
            { v[0].is_string() ? v[0].get<std::string>() : std::string(), asDouble(v[1]) });
    return out;
}

Result<std::int64_t> SqlUsageStore::prune(std::int64_t beforeMinute)
{
    std::lock_guard lock(m_mutex);
    auto r = m_connection->execute(sql("DELETE FROM usage_minutes WHERE minute < $1"),
                                   { beforeMinute }, kOptions);
    if (!r)
        return failure(r.error(), "pruning old usage");
    return *r;
}

} // namespace warden::limits
