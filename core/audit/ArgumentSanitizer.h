#pragma once

#include "AuditKeys.h"
#include "common/Json.h"

#include <functional>
#include <string>

namespace warden::audit {

// Makes a call's arguments fit for the audit trail. A value compared with a column the
// caller may not read in clear (masked, hashed, denied or unknown) is replaced by its keyed
// HMAC, as is every value under a key that names a credential (token, secret, password,
// api key, private key, authorization, cursor). Strings are capped, arrays and nesting are
// bounded; control characters stay and are escaped by the canonical form.
// The HMAC of a string is over its UTF-8 bytes, of a number over its decimal JSON text, so
// `warden-server audit hash VALUE` finds either.
class ArgumentSanitizer
{
public:
    // Whether values compared with `field` may be stored in clear.
    using ClearField = std::function<bool(const std::string &field)>;

    static constexpr std::size_t kMaxString = 512;
    static constexpr std::size_t kMaxArray = 100;
    static constexpr int kMaxDepth = 12;

    static Json sanitize(const Json &arguments, const ClearField &isClear, const AuditKeys &keys);
    // The HMAC text for one scalar value (what sanitize() stores).
    static std::string hmacOf(const Json &value, const AuditKeys &keys);
};

} // namespace warden::audit
