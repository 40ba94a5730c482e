// compile_bench: how long the policy takes to turn one call's arguments into SQL. A benchmark,
// not a test: it prints one line per figure and asserts nothing timed.
//
//   compile_bench [--seconds S]
//
// Writes the demo database (SQLite) and its policy to a temporary folder, then compiles typical
// calls in a loop for S seconds each (default 2): db_query by key, db_query with a filter,
// ordering and an include, db_get, db_aggregate with group_by; for the SQLite and the
// PostgreSQL dialect (compiling needs no connection). Prints microseconds per compile.

#include "config/ServerConfig.h"
#include "db/DatabasePool.h"
#include "demo/DemoDataset.h"
#include "policy/Policy.h"
#include "query/AggregateCompiler.h"
#include "query/CursorCodec.h"
#include "query/GetCompiler.h"
#include "query/QueryCompiler.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

using namespace warden;

namespace {

using Clock = std::chrono::steady_clock;

// Runs `compile` for `seconds` and prints µs per call; false if a compile failed.
bool measure(const char *label, double seconds, const std::function<bool()> &compile)
{
    if (!compile()) {
        std::printf("%-44s FAILED to compile\n", label);
        return false;
    }
    long n = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        for (int i = 0; i < 64; ++i)
            compile();
        n += 64;
    }
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / double(n);
    std::printf("%-44s %8.2f us/op  (%ld compiles)\n", label, us, n);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    double seconds = 2;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::atof(argv[++i]);

    QTemporaryDir dir;
    DemoOptions demo;
    demo.databasePath = dir.filePath(QStringLiteral("shop.db"));
    auto created = DemoDataset::create(demo);
    if (!created) {
        std::fprintf(stderr, "compile_bench: %s\n", created.error().message.c_str());
        return 1;
    }
    DatabaseConfig db;
    db.path = demo.databasePath;
    auto pool = db::DatabasePool::open(db, {}, 1);
    if (!pool) {
        std::fprintf(stderr, "compile_bench: %s\n", pool.error().message.c_str());
        return 1;
    }
    auto policy = Policy::load(created->policyPath.toStdString(), (*pool)->schema());
    if (!policy) {
        std::fprintf(stderr, "compile_bench: %s\n", policy.error().message.c_str());
        return 1;
    }
    Principal analyst;
    analyst.userId = "bench";
    analyst.tenantId = "1";
    analyst.roles = { "analyst" };
    analyst.scopes = { "warden.read" };
    const CursorCodec cursors(std::string(32, 'k'));

    const Json byKey = Json::parse(R"({"table": "customers", "select": ["id", "first_name", "email", "city"],
                                       "where": {"field": "id", "op": "eq", "value": 42}})");
    const Json filtered = Json::parse(R"({"table": "orders", "select": ["id", "status", "total_cents", "placed_at"],
        "where": {"and": [{"field": "status", "op": "in", "value": ["paid", "shipped"]},
                          {"field": "total_cents", "op": "gte", "value": 5000}]},
        "order_by": [{"field": "placed_at", "direction": "desc"}], "take": 50,
        "include": [{"relation": "customer", "select": ["id", "email"]}]})");
    const Json get = Json::parse(R"({"table": "orders", "id": 7, "select": ["id", "status", "total_cents"]})");
    const Json aggregate = Json::parse(R"({"table": "orders", "metrics": [{"op": "count"}, {"op": "sum", "field": "total_cents"}],
                                         "group_by": ["status"]})");

    std::printf("compile_bench: policy compile per call, demo policy, principal tenant 1 (target < 20 us for a typical query)\n");
    bool ok = true;
    for (const db::Dialect dialect : { db::Dialect::Sqlite, db::Dialect::Postgres }) {
        const char *engine = dialect == db::Dialect::Sqlite ? "sqlite" : "postgres";
        const QueryCompiler query(**policy, dialect, &cursors);
        const GetCompiler getter(**policy, dialect);
        const AggregateCompiler aggregator(**policy, dialect);
        const std::string prefix = std::string(engine) + ": ";
        ok &= measure((prefix + "db_query by key").c_str(), seconds,
                      [&] { return query.compileQuery(byKey, analyst).ok(); });
        ok &= measure((prefix + "db_query filter+order+include").c_str(), seconds,
                      [&] { return query.compileQuery(filtered, analyst).ok(); });
        ok &= measure((prefix + "db_get").c_str(), seconds, [&] { return getter.compile(get, analyst).ok(); });
        ok &= measure((prefix + "db_aggregate group_by").c_str(), seconds,
                      [&] { return aggregator.compile(aggregate, analyst).ok(); });
    }
    return ok ? 0 : 1;
}
