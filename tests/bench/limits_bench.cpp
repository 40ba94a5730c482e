// limits_bench: figures for the abuse limits. A benchmark, not a test: it prints one line per
// figure and asserts nothing timed.
//
//   limits_bench [--ops N] [--dir DIR]
//
//   (a) Gcra::admit alone, 1 thread, over 10,000 keys;
//   (b) AdmissionControl::admit (caps, principal, tenant and tool rates, ticket dropped at
//       once) with 1 thread and with 8 threads, each thread over its own 1,000 principals,
//       and with 8 threads all on one principal (one hot key);
//   (c) UsageMeter::checkBudget + record with hour and day budgets set, on an SQLite store
//       with the writer thread flushing every second, 1 and 8 threads; then one flush of
//       usage from 10,000 principals.
// N (default 2,000,000) is the number of calls per thread. Files go to a fresh folder under
// DIR (default: the system temp folder) and are removed at the end.

#include "limits/AdmissionControl.h"
#include "limits/Gcra.h"
#include "limits/SqliteUsageStore.h"
#include "limits/UsageMeter.h"
#include "policy/Principal.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace warden;
using namespace warden::limits;

namespace {

using Clock = std::chrono::steady_clock;

// Runs body(thread, i) for i in [0, ops) on each of `threads` threads; ns per call overall
// (wall time / total calls) and per call per thread.
void measure(const char *label, int threads, std::int64_t ops,
             const std::function<void(int, std::int64_t)> &body)
{
    std::atomic<bool> go { false };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            while (!go.load())
                std::this_thread::yield();
            for (std::int64_t i = 0; i < ops; ++i)
                body(t, i);
        });
    }
    const auto start = Clock::now();
    go = true;
    for (auto &thread : pool)
        thread.join();
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    const double total = double(ops) * threads;
    std::printf("%-58s %8.0f ns/op per thread  %10.0f ops/s overall\n", label, ns * threads / total,
                total / (ns / 1e9));
}

std::vector<Principal> principals(int count, const std::string &prefix)
{
    std::vector<Principal> out;
    for (int i = 0; i < count; ++i) {
        Principal p;
        p.userId = prefix + "-user-" + std::to_string(i);
        p.tenantId = prefix + "-tenant-" + std::to_string(i % 20);
        p.authMethod = "oauth";
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::int64_t ops = 2'000'000;
    QString dir = QDir::tempPath();
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--ops") && i + 1 < argc)
            ops = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = QString::fromLocal8Bit(argv[++i]);
        else {
            std::fprintf(stderr, "usage: limits_bench [--ops N] [--dir DIR]\n");
            return 2;
        }
    }
    std::printf("limits_bench: %lld calls per thread, %u hardware threads\n",
                static_cast<long long>(ops), std::thread::hardware_concurrency());

    // (a) the limiter alone.
    {
        Gcra gcra;
        std::vector<std::string> keys;
        for (int i = 0; i < 10000; ++i)
            keys.push_back("p\x1f"
                           "oauth:user-"
                           + std::to_string(i));
        const Rate rate { 6'000'000, 1'000'000 };
        measure("(a) Gcra::admit, 1 thread, 10k keys", 1, ops, [&](int, std::int64_t i) {
            (void)gcra.admit(keys[std::size_t(i % 10000)], rate, Clock::now());
        });
    }

    // (b) one call's admission; limits loose enough that every call passes every check.
    LimitsConfig config;
    // Beyond what a configuration file may say (10M/min), so that no call is ever refused.
    const Rate loose { 1'000'000'000, 10'000'000 };
    config.principal = loose;
    config.tenant = loose;
    config.tools["db_query"] = loose;
    config.maxInFlightPerPrincipal = 64;
    config.maxInFlight = 4096;
    {
        AdmissionControl control(config);
        std::vector<std::vector<Principal>> perThread;
        for (int t = 0; t < 8; ++t)
            perThread.push_back(principals(1000, "t" + std::to_string(t)));
        std::atomic<std::int64_t> refused { 0 };
        const auto admit = [&](const Principal &p) {
            if (!control.admit(p, "tools/call", "db_query"))
                ++refused;
        };
        measure("(b) AdmissionControl::admit, 1 thread", 1, ops, [&](int t, std::int64_t i) {
            admit(perThread[std::size_t(t)][std::size_t(i % 1000)]);
        });
        measure("(b) AdmissionControl::admit, 8 threads, own principals", 8, ops,
                [&](int t, std::int64_t i) {
                    admit(perThread[std::size_t(t)][std::size_t(i % 1000)]);
                });
        measure("(b) AdmissionControl::admit, 8 threads, one principal", 8, ops / 4,
                [&](int, std::int64_t) { admit(perThread[0][0]); });
        std::printf("    (refused: %lld, should be 0)\n", static_cast<long long>(refused.load()));
    }

    // (c) budgets around a call.
    QTemporaryDir temp(QDir(dir).filePath(QStringLiteral("limits_bench-XXXXXX")));
    if (!temp.isValid()) {
        std::fprintf(stderr, "cannot create a folder under %s\n", qPrintable(dir));
        return 1;
    }
    auto store = SqliteUsageStore::open(temp.filePath(QStringLiteral("usage.db")));
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    UsageMeter::Options options;
    for (WindowBudgets *b : { &options.principalBudgets, &options.tenantBudgets }) {
        b->hour = { 1'000'000'000, 1'000'000'000'000, 1e15 };
        b->day = { 1'000'000'000, 1'000'000'000'000, 1e15 };
    }
    options.flushIntervalMs = 1000;
    auto meter = UsageMeter::create(std::move(*store), options);
    if (!meter) {
        std::fprintf(stderr, "%s\n", meter.error().message.c_str());
        return 1;
    }
    std::vector<std::vector<Principal>> perThread;
    for (int t = 0; t < 8; ++t)
        perThread.push_back(principals(1000, "m" + std::to_string(t)));
    std::atomic<std::int64_t> refused { 0 };
    const auto call = [&](int t, std::int64_t i) {
        const Principal &p = perThread[std::size_t(t)][std::size_t(i % 1000)];
        if ((*meter)->checkBudget(p, 1.0))
            ++refused;
        (*meter)->record(p, 10, 1.0);
    };
    measure("(c) UsageMeter checkBudget+record, 1 thread", 1, ops / 4, call);
    measure("(c) UsageMeter checkBudget+record, 8 threads", 8, ops / 4, call);
    std::printf("    (refused: %lld, should be 0)\n", static_cast<long long>(refused.load()));
    (*meter)->stop();

    auto store2 = SqliteUsageStore::open(temp.filePath(QStringLiteral("flush.db")));
    options.flushIntervalMs = 0;
    auto manual = UsageMeter::create(std::move(*store2), options);
    const auto many = principals(10000, "f");
    for (const Principal &p : many)
        (*manual)->record(p, 1, 1.0);
    const auto start = Clock::now();
    const Status flushed = (*manual)->flush();
    std::printf("%-58s %8.1f ms (%s)\n", "(c) one flush of 10,000 principals + 20 tenants",
                std::chrono::duration<double, std::milli>(Clock::now() - start).count(),
                flushed ? "ok" : flushed.error().message.c_str());
    return 0;
}
