#include "RowFetcher.h"

#include "db/Connection.h"
#include "policy/Redactor.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace warden {
namespace {

// Link values as map keys: a parent's 7 and a child's 7 must meet whatever JSON number type
// the driver chose; text stays apart from numbers.
std::string keyOf(const Json &v)
{
    if (v.is_string())
        return "s:" + v.get<std::string>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::floor(d) == d && std::fabs(d) < 9e15)
            return "n:" + std::to_string(std::int64_t(d));
    }
    if (v.is_number())
        return "n:" + v.dump();
    return "j:" + v.dump();
}

Json redactedRow(const std::vector<const ColumnView *> &columns, std::size_t visible,
                 const std::vector<Json> &values, const Redactor &redactor)
{
    Json row = Json::object();
    for (std::size_t c = 0; c < visible && c < values.size(); ++c)
        row[columns[c]->name()] = redactor.apply(*columns[c], values[c]);
    return row;
}

} // namespace

Result<RowFetcher::Page> RowFetcher::run(db::Connection &conn, const CompiledQuery &q,
                                         const Redactor &redactor)
{
    db::QueryOptions options;
    options.timeoutMs = q.timeoutMs;
    options.maxRows = q.take + 1; // one more tells whether more rows exist
    auto rs = conn.query(q.sql, q.params, options);
    if (!rs)
        return rs.takeError();
    Page page;
    const std::size_t n = std::min<std::size_t>(rs->rows.size(), std::size_t(q.take));
    for (std::size_t r = 0; r < n; ++r)
        page.rows.push_back(redactedRow(q.columns, q.visibleColumns, rs->rows[r], redactor));
    page.hasMore = rs->rows.size() > std::size_t(q.take) || rs->moreRowsAvailable;
    if (n > 0) {
        page.position = Json::array();
        for (const auto &k : q.orderKeys)
            page.position.push_back(rs->rows[n - 1][k.resultIndex]);
    }
    if (!q.includes.empty() && n > 0) {
        std::vector<const std::vector<Json> *> raw;
        std::vector<Json *> out;
        for (std::size_t r = 0; r < n; ++r) {
            raw.push_back(&rs->rows[r]);
            out.push_back(&page.rows[r]);
        }
        if (auto s = attach(conn, q.includes, raw, out, redactor, page.includesTruncated); !s)
            return s.takeError();
    }
    return page;
}

Status RowFetcher::attach(db::Connection &conn, const std::vector<IncludePlan> &plans,
                          const std::vector<const std::vector<Json> *> &parentRaw,
                          const std::vector<Json *> &parentRows, const Redactor &redactor,
                          bool &truncated)
{
    for (const IncludePlan &plan : plans) {
        // The distinct, non-null link values of the parents, in first-seen order.
        std::vector<Json> keys;
        std::unordered_set<std::string> seen;
        for (const auto *raw : parentRaw) {
            const Json &v = (*raw)[plan.parentKey];
            if (!v.is_null() && seen.insert(keyOf(v)).second)
                keys.push_back(v);
        }
        std::vector<std::vector<Json>> related;
        for (std::size_t at = 0; at < keys.size(); at += IncludeCompiler::maxKeysPerStatement) {
            const std::size_t count =
                std::min(IncludeCompiler::maxKeysPerStatement, keys.size() - at);
            std::vector<Json> params = plan.params;
            params.insert(params.end(), keys.begin() + std::ptrdiff_t(at),
                          keys.begin() + std::ptrdiff_t(at + count));
            db::QueryOptions options;
            options.timeoutMs = plan.timeoutMs;
            auto rs = conn.query(plan.sql(count), params, options);
            if (!rs)
                return rs.takeError();
            for (auto &row : rs->rows)
                related.push_back(std::move(row));
        }

        // Group by link value, keep at most `take` per parent (the statement fetched one more
        // to tell whether the cap cut anything), and fetch the next level for the kept rows.
        std::unordered_map<std::string, std::vector<std::size_t>> byKey;
        for (std::size_t i = 0; i < related.size(); ++i) {
            auto &list = byKey[keyOf(related[i][plan.linkColumn])];
            if (std::int64_t(list.size()) < plan.take)
                list.push_back(i);
            else if (!plan.explicitTake || plan.takeClamped)
                truncated = true;
        }
        std::vector<Json> rows(related.size());
        std::vector<const std::vector<Json> *> keptRaw;
        std::vector<Json *> keptRows;
        for (const auto &entry : byKey)
            for (std::size_t i : entry.second) {
                rows[i] = redactedRow(plan.columns, plan.visibleColumns, related[i], redactor);
                keptRaw.push_back(&related[i]);
                keptRows.push_back(&rows[i]);
            }
        if (!plan.includes.empty() && !keptRaw.empty()) {
            if (auto s = attach(conn, plan.includes, keptRaw, keptRows, redactor, truncated); !s)
                return s;
        }

        for (std::size_t p = 0; p < parentRows.size(); ++p) {
            const Json &v = (*parentRaw[p])[plan.parentKey];
            const auto found = v.is_null() ? byKey.end() : byKey.find(keyOf(v));
            Json &parent = *parentRows[p];
            if (plan.kind == Relation::Kind::ManyToOne) {
                parent[plan.name] = found == byKey.end() || found->second.empty()
                    ? Json(nullptr)
                    : rows[found->second.front()];
            } else {
                Json list = Json::array();
                if (found != byKey.end())
                    for (std::size_t i : found->second)
                        list.push_back(rows[i]);
                parent[plan.name] = std::move(list);
            }
        }
    }
    return {};
}

} // namespace warden
