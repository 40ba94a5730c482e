#pragma once

#include "limits/UsageMeter.h"
#include "policy/Principal.h"

#include <QtGlobal>

#include <functional>
#include <memory>
#include <string>

namespace warden::test {

// A principal as authentication would hand it to the limits.
inline Principal principal(const std::string &user, const std::string &tenant = {},
                           const std::string &method = "oauth")
{
    Principal p;
    p.userId = user;
    p.tenantId = tenant;
    p.authMethod = method;
    return p;
}

// A meter the test flushes by hand, on a clock the test moves (Unix ms); nullptr (and a
// warning) when it cannot start.
inline std::unique_ptr<limits::UsageMeter>
manualMeter(std::unique_ptr<limits::UsageStore> store,
            const limits::WindowBudgets &principalBudgets,
            const limits::WindowBudgets &tenantBudgets, std::function<std::int64_t()> now)
{
    if (!store)
        return nullptr;
    limits::UsageMeter::Options options;
    options.principalBudgets = principalBudgets;
    options.tenantBudgets = tenantBudgets;
    options.flushIntervalMs = 0;
    options.now = std::move(now);
    auto meter = limits::UsageMeter::create(std::move(store), options);
    if (!meter) {
        qWarning("%s", meter.error().message.c_str());
        return nullptr;
    }
    return std::move(*meter);
}

} // namespace warden::test
