#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "query/QueryCompiler.h"

#include <vector>

namespace warden {

class Redactor;
namespace db {
class Connection;
}

// Runs a compiled db_query or db_get on a worker's connection: the statement, redaction of
// the visible columns (hidden sort keys and link columns never reach the caller), then the
// nested includes level by level. Each include level is one statement per 500 parent keys
// (an IN list over the distinct keys of the rows above), never one per row; related rows
// are redacted under their own table's rules and attached under the relation's name:
// many_to_one as an object or null, one_to_many as an array.
class RowFetcher
{
public:
    struct Page
    {
        Json rows = Json::array();
        bool hasMore = false; // more rows matched than were returned
        bool includesTruncated =
            false; // an include's per-parent cap (by max_rows) cut related rows
        Json position; // raw sort-key values of the last row (sealed in cursors)
    };

    static Result<Page> run(db::Connection &connection, const CompiledQuery &query,
                            const Redactor &redactor);

    // Fetches `plans` for parent rows (`parentRaw[i]` the raw values of the row whose output
    // object is `*parentRows[i]`) and attaches them. `truncated` is set when a per-parent cap
    // the caller did not ask for cut related rows.
    static Status attach(db::Connection &connection, const std::vector<IncludePlan> &plans,
                         const std::vector<const std::vector<Json> *> &parentRaw,
                         const std::vector<Json *> &parentRows, const Redactor &redactor,
                         bool &truncated);
};

} // namespace warden
