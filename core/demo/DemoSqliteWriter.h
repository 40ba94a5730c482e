#pragma once

#include "common/Result.h"

#include <QString>

#include <atomic>

namespace warden {

class DemoGenerator;
class DemoProgressReporter;

// Writes generated demo rows into a new SQLite file in one transaction (tables, rows,
// indexes, ANALYZE). Uses the sqlite3 C API directly: prepared statements bound per row are
// several times faster than going through QtSql, and the file must be ready in seconds.
class DemoSqliteWriter
{
public:
    // `path` must be an empty or missing file; the caller removes it if this fails.
    static Status write(const QString &path, const DemoGenerator &generator,
                        DemoProgressReporter &progress, const std::atomic<bool> *cancel);
};

} // namespace warden
