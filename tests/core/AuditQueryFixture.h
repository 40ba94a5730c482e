#pragma once

// The records TestAuditQuery and TestAuditQueryPostgres query, and the reference answer a
// filter must give over them (the filter applied to every record in memory).

#include "audit/AuditQuery.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace warden::test {

using audit::AuditFilter;
using audit::AuditRecord;
using audit::canonicalForm;

inline const char *const kUsers[] = { "alice", "bob", "carol" };
inline const char *const kTools[] = { "db_query", "db_get", "db_aggregate", "describe_schema" };

// Record i of the fixture: every filter column varies on its own period, so combinations
// select different, non-empty subsets.
inline Json fixtureBody(int i)
{
    Json body = { { "kind", i % 2 == 0 ? "request" : "outcome" },
                  { "session", "s-" + std::to_string(i / 10) },
                  { "transport", "stdio" },
                  { "principal",
                    { { "user", kUsers[i % 3] },
                      { "tenant", "t-" + std::to_string(i % 2) },
                      { "roles", Json::array({ "analyst" }) } } },
                  { "method", "tools/call" },
                  { "target", kTools[i % 4] },
                  { "arguments",
                    { { "model", "orders" }, { "note", "row " + std::to_string(i) } } } };
    if (i % 5 == 4) {
        body["outcome"] = "error";
        body["error_code"] = i % 10 == 9 ? "QUERY_TIMEOUT" : "BUDGET_EXCEEDED";
    } else if (i % 2 == 1) {
        body["outcome"] = "ok";
        body["rows"] = i;
    }
    // Free-text fixtures: LIKE wildcards and case.
    if (i == 7)
        body["arguments"]["note"] = "50%_off";
    if (i == 8)
        body["arguments"]["note"] = "50xyoff"; // what an unescaped %_ would also match
    if (i == 9)
        body["arguments"]["note"] = "MiXeD Case Needle";
    if (i == 10)
        body["arguments"]["note"] = "back\\slash";
    return body;
}

inline constexpr int kRecords = 60;

// The reference answer: the filter applied to every record in memory.
inline bool matches(const AuditRecord &r, const AuditFilter &f)
{
    const Json &b = r.body;
    const Json principal = b.value("principal", Json::object());
    auto eq = [](const std::optional<std::string> &want, const Json &object, const char *key) {
        if (!want)
            return true;
        const auto it = object.find(key);
        return it != object.end() && it->is_string() && it->get<std::string>() == *want;
    };
    if (f.fromMs && r.timeMs() < *f.fromMs)
        return false;
    if (f.toMs && r.timeMs() >= *f.toMs)
        return false;
    if (f.fromSeq && r.seq < *f.fromSeq)
        return false;
    if (f.toSeq && r.seq >= *f.toSeq)
        return false;
    if (!eq(f.principal, principal, "user") || !eq(f.tenant, principal, "tenant")
        || !eq(f.tool, b, "target") || !eq(f.outcome, b, "outcome")
        || !eq(f.errorCode, b, "error_code") || !eq(f.session, b, "session")
        || !eq(f.kind, b, "kind"))
        return false;
    if (!f.text.empty()) {
        auto lower = [](std::string s) {
            std::transform(s.begin(), s.end(), s.begin(),
                           [](unsigned char c) { return char(std::tolower(c)); });
            return s;
        };
        if (lower(canonicalForm(b)).find(lower(f.text)) == std::string::npos)
            return false;
    }
    return true;
}

// The seqs of `all` that `f` selects, in `order`.
inline std::vector<std::int64_t> expectedSeqs(const std::vector<AuditRecord> &all, const AuditFilter &f,
                                              audit::AuditQuery::Order order)
{
    std::vector<std::int64_t> seqs;
    for (const AuditRecord &r : all)
        if (matches(r, f))
            seqs.push_back(r.seq);
    if (order == audit::AuditQuery::Order::NewestFirst)
        std::reverse(seqs.begin(), seqs.end());
    return seqs;
}

} // namespace warden::test
