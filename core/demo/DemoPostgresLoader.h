#pragma once

#include "common/Result.h"

#include <atomic>
#include <string>

namespace warden {

class DemoGenerator;
class DemoProgressReporter;

// Loads generated demo rows into the `public` schema of a PostgreSQL database through libpq:
// one transaction, COPY FROM STDIN per table, foreign keys and indexes after the data,
// identity sequences moved past the loaded ids, ANALYZE, and optionally SELECT-only grants for
// a reader role. Server error text goes to the debug log, never into the returned Error.
class DemoPostgresLoader
{
public:
    struct Options
    {
        std::string conninfo;
        bool overwrite = false;
        std::string readerRole;
        const std::atomic<bool> *cancel = nullptr;
    };

    static Status load(const Options &options, const DemoGenerator &generator,
                       DemoProgressReporter &progress);
};

} // namespace warden
