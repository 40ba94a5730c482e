#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <string>

namespace warden {

// Keyset cursors as opaque tokens: AES-256-GCM over {binding, expiry, position}, so a client
// can neither read a cursor (it may hold values of masked columns used for sorting) nor forge
// or edit one. The binding is a hash of who asked (principal, tenant), what was asked (the
// query's shape) and under which policy version; a cursor presented in any other context,
// after its expiry, or after the policy changed is INVALID_CURSOR.
class CursorCodec
{
public:
    explicit CursorCodec(std::string key, int ttlSeconds = 3600);

    static std::string binding(const std::string &principal, const std::string &tenant, const Json &shape,
                               const std::string &policyVersion);

    std::string encode(const std::string &binding, const Json &position) const;
    // The position, or INVALID_CURSOR with a message that says what to do.
    Result<Json> decode(const std::string &cursor, const std::string &expectedBinding) const;

private:
    std::string m_key;
    int m_ttlSeconds;
};

} // namespace warden
