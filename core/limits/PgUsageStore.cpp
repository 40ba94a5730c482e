#include "PgUsageStore.h"

#include "LimitsConfig.h"
#include "config/ServerConfig.h"
#include "db/PgConnection.h"

namespace warden::limits {

Result<std::unique_ptr<PgUsageStore>> PgUsageStore::open(const UsageStoreConfig &config,
                                                         const std::string &password)
{
    auto connection =
        db::PgConnection::open(config.toDatabaseConfig(), password, db::AccessMode::ReadWrite);
    if (!connection)
        return connection.takeError();
    const std::string where = "PostgreSQL " + config.host.toStdString() + ":"
        + std::to_string(config.port) + "/" + config.dbname.toStdString();
    std::unique_ptr<PgUsageStore> store(new PgUsageStore(std::move(*connection), where));
    if (auto s = store->createSchema(); !s)
        return s.takeError();
    return store;
}

} // namespace warden::limits
