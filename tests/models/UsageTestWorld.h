#pragma once

#include "../core/LimitsTestSupport.h"
#include "../core/TestTempRoot.h"
#include "limits/SqliteUsageStore.h"
#include "server/EmbeddedUsageService.h"

#include <QDir>
#include <QUuid>

namespace warden::test {

// Three principals of two tenants, as usage subjects.
inline const Principal alice = principal("alice", "acme");
inline const Principal bob = principal("bob", "acme");
inline const Principal carol = principal("carol", "globex");

inline QString subjectOf(const Principal &p)
{
    return QString::fromStdString(limits::principalSubject(p));
}

// A real UsageMeter over a real SQLite usage store in a fresh folder, on a clock the test
// moves by hand, served through the real EmbeddedUsageService. Usage is recorded at the
// clock's time and reaches the store (what charts read) on flush().
struct UsageTestWorld
{
    static constexpr std::int64_t Minute = 60'000;
    // 2023-11-14 22:13:00 UTC plus ten seconds.
    static constexpr std::int64_t Start = 28'333'333 * Minute + 10'000;

    std::int64_t now = Start;
    std::unique_ptr<limits::UsageMeter> meter;
    EmbeddedUsageService service;

    explicit UsageTestWorld(const limits::WindowBudgets &principalBudgets = {},
                            const limits::WindowBudgets &tenantBudgets = {})
    {
        const QString path = QDir(tempRoot())
                                 .filePath(QStringLiteral("usage-model-")
                                           + QUuid::createUuid().toString(QUuid::WithoutBraces)
                                           + QStringLiteral("/usage.db"));
        auto store = limits::SqliteUsageStore::open(path);
        if (!store)
            qFatal("usage store: %s", store.error().message.c_str());
        meter =
            manualMeter(std::move(*store), principalBudgets, tenantBudgets, [this] { return now; });
        if (!meter)
            qFatal("the usage meter did not start");
        service.setMeter(meter.get());
    }
    ~UsageTestWorld() { service.setMeter(nullptr); }

    // `calls` calls of `rows` rows and `cost` units each, `minutesAgo` minutes before the
    // clock's time.
    void record(const Principal &who, int minutesAgo, int calls, std::int64_t rows = 0,
                double cost = 0)
    {
        const std::int64_t saved = now;
        now -= minutesAgo * Minute;
        for (int i = 0; i < calls; ++i)
            meter->record(who, rows, cost);
        now = saved;
    }

    bool flush() { return meter->flush().ok(); }
};

} // namespace warden::test
