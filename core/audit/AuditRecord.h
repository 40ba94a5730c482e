#pragma once

#include "common/Json.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::audit {

// The record format's version; docs/audit.md describes every field of each version.
inline constexpr int kRecordFormatVersion = 1;

// What a record is about. Stable strings: they are part of the record format.
namespace kind {
inline constexpr std::string_view Request = "request";         // before a call runs
inline constexpr std::string_view Outcome = "outcome";         // before its result is released
inline constexpr std::string_view ServerStart = "server_start";
inline constexpr std::string_view ServerStop = "server_stop";
inline constexpr std::string_view PolicyChange = "policy_change";
inline constexpr std::string_view Denial = "denial";           // refused before it ran (scope, rate limit)
inline constexpr std::string_view AuthFailure = "auth_failure"; // an HTTP request without valid credentials
inline constexpr std::string_view Retention = "retention";     // old segments were purged
inline constexpr std::string_view Approval = "approval";       // an operator approved or denied a write
inline constexpr std::string_view All[] = { Request,     Outcome, ServerStart, ServerStop, PolicyChange,
                                            Denial,      AuthFailure, Retention, Approval };
} // namespace kind

// Whether `name` is one of kind::All; and their names, comma-separated, for messages.
bool isRecordKind(std::string_view name);
std::string recordKindList();

// One audit record as stored. `body` holds every field (docs/audit.md); the chain fields
// bind it to its predecessor:
//   hash = SHA-256("warden-audit-v1\n" || hex(prevHash) || "\n" || canonical(body))
//   mac  = HMAC-SHA256(record key, same input)
// canonical(body) is the JSON text with object keys sorted bytewise, no insignificant
// whitespace, UTF-8 as is, the escapes \" \\ \b \f \n \r \t and \u00xx (lowercase hex) for
// other control characters, and integers only (no floats anywhere in a record). For the
// values a record can hold this is exactly RFC 8785 (JCS).
struct AuditRecord
{
    std::int64_t seq = 0;
    Json body; // an object; body["seq"] == seq
    std::string prevHash; // 32 raw bytes; all zero for the first record of a chain
    std::string hash; // 32 raw bytes
    std::string mac; // 32 raw bytes
    std::string canonical; // canonicalForm(body), as stored (filled when the record is linked)

    std::string kind() const;
    std::int64_t timeMs() const;
};

// The canonical text of a body (see above). Throws nothing: bodies hold only strings,
// integers, booleans, null, arrays and objects.
std::string canonicalForm(const Json &body);

// The bytes that `hash` and `mac` are computed over.
std::string chainInput(std::string_view prevHash, const Json &body);
std::string chainInputOfCanonical(std::string_view prevHash, std::string_view canonicalBody);

std::string zeroHash(); // 32 zero bytes: the predecessor of the first record

// Fills in the fields every record carries besides its own: v, time, time_ms, instance,
// key_id (seq and the chain fields come with the commit).
void stamp(Json &body, const std::string &instance, const std::string &keyId);

// RFC 3339 UTC with milliseconds ("2026-11-22T23:59:01.123Z") from Unix milliseconds.
std::string formatTime(std::int64_t unixMs);

// Caps a string for storage: control characters stay (canonical JSON escapes them), an
// oversized string is cut at a UTF-8 boundary and marked with "…[truncated N bytes]".
std::string capString(std::string_view text, std::size_t maxBytes);

} // namespace warden::audit
