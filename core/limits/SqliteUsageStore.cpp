#include "SqliteUsageStore.h"

#include "db/SqliteConnection.h"

#include <QDir>
#include <QFileInfo>

namespace warden::limits {

Result<std::unique_ptr<SqliteUsageStore>> SqliteUsageStore::open(const QString &path)
{
    const std::string where = "SQLite " + path.toStdString();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error(ErrorCode::Unavailable,
                     "cannot create the folder of the usage store " + path.toStdString()
                         + "; check the permissions or set limits.usage_store.path");
    db::SqliteConnection::Options options;
    options.access = db::AccessMode::ReadWrite;
    options.create = true;
    auto connection = db::SqliteConnection::open(path.toStdString(), options);
    if (!connection)
        return connection.takeError();
    const db::QueryOptions pragmaOptions { 10000, -1 };
    // journal_mode answers with a row; the other pragma with none.
    if (auto r = (*connection)->query("PRAGMA journal_mode = WAL", {}, pragmaOptions); !r)
        return r.takeError();
    if (auto r = (*connection)->execute("PRAGMA synchronous = NORMAL", {}, pragmaOptions); !r)
        return r.takeError();
    std::unique_ptr<SqliteUsageStore> store(new SqliteUsageStore(std::move(*connection), where));
    if (auto s = store->createSchema(); !s)
        return s.takeError();
    return store;
}

} // namespace warden::limits
