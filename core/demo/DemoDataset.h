#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

// Reports progress from 0 to 100 with a short stage name ("generating", "orders", ...).
// Called on the caller's thread, at most about once per percent.
using DemoProgress = std::function<void(int percent, std::string_view stage)>;

struct DemoOptions
{
    QString databasePath; // the SQLite file to write
    bool overwrite = false; // replace the database (and policy.json, warden.json)
    bool writeConfigFiles = true; // policy.json and warden.json next to the database
    DemoProgress progress;
    const std::atomic<bool> *cancel = nullptr; // set to true to stop; nothing is left behind
};

// Where a PostgreSQL demo lives, as a server configuration needs it. Never holds a password.
struct DemoPostgresTarget
{
    std::string host = "127.0.0.1";
    int port = 5432;
    std::string dbname;
    std::string user;
};

struct DemoPostgresOptions
{
    std::string conninfo; // libpq connection string or URI; used for this call only
    bool overwrite = false; // DROP the demo tables (CASCADE) if they exist
    std::string readerRole; // if set: GRANT SELECT on the demo tables to it (created
                            // NOLOGIN if missing; refused if superuser or BYPASSRLS)
    QString configDir; // if set: write policy.json and a postgres warden.json here
    DemoPostgresTarget configTarget; // connection fields for that warden.json (from conninfo
                                     // when host/dbname/user are empty)
    DemoProgress progress;
    const std::atomic<bool> *cancel = nullptr;
};

struct DemoSummary
{
    std::vector<std::pair<std::string, std::int64_t>> rowCounts; // per table, in load order
    QString databasePath; // SQLite file (empty for PostgreSQL)
    QString policyPath; // empty if not written
    QString configPath; // empty if not written
    std::int64_t elapsedMs = 0;

    std::int64_t rows(std::string_view table) const;
};

// The bundled demo: a multi-tenant shop (tenants, users, customers, products, 120,000
// orders, order items) generated deterministically, written as a self-contained SQLite file or
// loaded into PostgreSQL, plus the policy and server configuration that show off Warden on it.
class DemoDataset
{
public:
    // Writes the SQLite database (and, unless told not to, policy.json and warden.json beside
    // it). The database is built in a temporary file next to the target and renamed into place
    // only when complete, so a failed or cancelled run leaves no partial file behind.
    static Result<DemoSummary> create(const DemoOptions &options);

    // Loads the same rows into the `public` schema of a PostgreSQL database, in one
    // transaction: a failure leaves the database as it was.
    static Result<DemoSummary> loadPostgres(const DemoPostgresOptions &options);

    // Host, port, dbname and user from a libpq connection string (the password is ignored).
    static Result<DemoPostgresTarget> parseConninfo(const std::string &conninfo);

    // The demo policy (the embedded resource :/warden/demo/policy.json).
    static Result<QByteArray> policyDocument();

    // Server configuration (version 1) for the demo; paths relative to the config file.
    static Json sqliteServerConfig(const QString &databaseFileName);
    static Json postgresServerConfig(const DemoPostgresTarget &target);

    // The demo tables, in an order that satisfies their foreign keys.
    static std::vector<std::string> tableNames();
};

} // namespace warden
