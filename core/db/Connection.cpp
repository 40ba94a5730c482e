#include "Connection.h"

#include "PgConnection.h"
#include "SqliteConnection.h"
#include "config/ServerConfig.h"

namespace warden::db {

Result<std::unique_ptr<Connection>> openConnection(const DatabaseConfig &config,
                                                   const std::string &password, AccessMode access)
{
    switch (config.driver) {
    case DatabaseConfig::Driver::Sqlite: {
        SqliteConnection::Options options;
        options.access = access;
        auto c = SqliteConnection::open(config.path.toStdString(), options);
        if (!c)
            return c.takeError();
        return std::unique_ptr<Connection>(std::move(*c));
    }
    case DatabaseConfig::Driver::Postgres: {
        auto c = PgConnection::open(config, password, access);
        if (!c)
            return c.takeError();
        return std::unique_ptr<Connection>(std::move(*c));
    }
    }
    return Error(ErrorCode::ConfigInvalid, "database.driver names no known driver");
}

} // namespace warden::db
