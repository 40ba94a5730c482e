#include "UsageStore.h"

#include "LimitsConfig.h"
#include "PgUsageStore.h"
#include "SqliteUsageStore.h"

namespace warden::limits {

Result<std::unique_ptr<UsageStore>> UsageStore::open(const UsageStoreConfig &config,
                                                     const QString &auditPath,
                                                     const std::string &password)
{
    if (config.driver == UsageStoreConfig::Driver::Postgres) {
        auto store = PgUsageStore::open(config, password);
        if (!store)
            return store.takeError();
        return std::unique_ptr<UsageStore>(std::move(*store));
    }
    auto store = SqliteUsageStore::open(config.effectivePath(auditPath));
    if (!store)
        return store.takeError();
    return std::unique_ptr<UsageStore>(std::move(*store));
}

} // namespace warden::limits
