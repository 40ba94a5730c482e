#pragma once

#include "SqlUsageStore.h"

namespace warden::limits {

struct UsageStoreConfig;

// The shared usage ledger on PostgreSQL, for several servers behind a load balancer: every
// server adds its increments with atomic upserts and reads the others' back (UsageMeter
// reloads recent minutes after each flush), so they enforce one budget together. The role
// needs CREATE on the schema the first time (the table is created when missing), then
// SELECT, INSERT, UPDATE and DELETE on usage_minutes.
class PgUsageStore final : public SqlUsageStore
{
public:
    // `password` is the resolved secret of config.passwordRef (empty when none is needed);
    // it is not kept by Warden (libpq keeps its copy to reconnect).
    static Result<std::unique_ptr<PgUsageStore>> open(const UsageStoreConfig &config,
                                                      const std::string &password);

private:
    using SqlUsageStore::SqlUsageStore;
};

} // namespace warden::limits
