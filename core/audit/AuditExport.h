#pragma once

#include "AuditQuery.h"
#include "common/Result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

class QIODevice;

namespace warden::audit {

// Writes the records a filter selects, oldest first, to a device, one page at a time so an
// export of millions of records holds one page in memory. The set is pinned when the export
// starts: records appended meanwhile are not included, so the total stays what it said.
//
//   Jsonl: one object per line, {"seq","hash","prev_hash","mac","record"}, hashes in lowercase
//          hex and "record" in canonical form, so each line can be re-hashed and, with the
//          key, re-authenticated on its own (AuditRecord.h says how).
//   Csv:   RFC 4180 (CRLF, quoted where needed) with a header row and the columns in
//          csvColumns(); cells are neutralised against formula injection (csvCell()).
class AuditExport
{
public:
    enum class Format { Jsonl, Csv };

    // Called with (0, total) first and after each page; returning false cancels the export
    // with ErrorCode::Cancelled. The last call (done == total) comes when all is written.
    using Progress = std::function<bool(std::int64_t done, std::int64_t total)>;

    static constexpr int kPageSize = 500;

    // The number of records written. On any error the device holds a partial export: the
    // caller discards it.
    static Result<std::int64_t> write(const AuditQuery &query, const AuditFilter &filter,
                                      Format format, QIODevice &out, const Progress &progress = {});

    // One CSV cell: a value a spreadsheet would run as a formula (it starts with = + - @ tab
    // or CR) gets a leading apostrophe, as OWASP's CSV injection guidance says; the cell is
    // then quoted if it holds a quote, comma, semicolon, tab, CR or LF (a semicolon is a
    // separator in some locales, where an unquoted one would start a new, unneutralised cell).
    static std::string csvCell(std::string_view value);

    static const std::vector<std::string_view> &csvColumns();
};

} // namespace warden::audit
