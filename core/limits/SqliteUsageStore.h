#pragma once

#include "SqlUsageStore.h"

#include <QString>

namespace warden::limits {

// The default usage store: an SQLite file of its own (usage.db next to the audit trail), WAL,
// synchronous=NORMAL. Usage is not the audit trail: a process crash loses nothing committed,
// a power cut may lose the last commits (the meter flushes about once a second anyway).
class SqliteUsageStore final : public SqlUsageStore
{
public:
    // Creates the file and its folder when missing.
    static Result<std::unique_ptr<SqliteUsageStore>> open(const QString &path);

private:
    using SqlUsageStore::SqlUsageStore;
};

} // namespace warden::limits
