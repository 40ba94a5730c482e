#include "SqliteUsageStore.h"

#include "db/SqliteConnection.h"

namespace warden::limits {

Result<std::unique_ptr<SqliteUsageStore>> SqliteUsageStore::open(const QString &path)
{
    const std::string where = "SQLite " + path.toStdString();
    auto connection = db::SqliteConnection::openStateFile(path.toStdString(), "the usage store",
                                                          "check the permissions or set limits.usage_store.path");
    if (!connection)
        return connection.takeError();
    const db::QueryOptions pragmaOptions { 10000, -1 };
    if (auto r = (*connection)->execute("PRAGMA synchronous = NORMAL", {}, pragmaOptions); !r)
        return r.takeError();
    std::unique_ptr<SqliteUsageStore> store(new SqliteUsageStore(std::move(*connection), where));
    if (auto s = store->createSchema(); !s)
        return s.takeError();
    return store;
}

} // namespace warden::limits
