#include "AuditKeys.h"

#include "crypto/Crypto.h"

namespace warden::audit {

AuditKeys::AuditKeys(std::string_view secret, bool ephemeral)
    : m_recordKey(crypto::hmacSha256(secret, "warden-audit-record-v1"))
    , m_checkpointKey(crypto::hmacSha256(secret, "warden-audit-checkpoint-v1"))
    , m_valueKey(crypto::hmacSha256(secret, "warden-audit-value-v1"))
    , m_ephemeral(ephemeral)
{
    m_keyId = crypto::toHex(crypto::sha256("warden-audit-key-id\n" + m_recordKey)).substr(0, 16);
}

AuditKeys AuditKeys::ephemeralKeys()
{
    return AuditKeys(crypto::randomBytes(32), true);
}

std::string AuditKeys::recordMac(std::string_view chainInput) const
{
    return crypto::hmacSha256(m_recordKey, chainInput);
}

std::string AuditKeys::signCheckpoint(std::int64_t seq, std::string_view hash, std::int64_t timeMs,
                                      std::string_view reason) const
{
    std::string input = "warden-audit-checkpoint-v1\n" + std::to_string(seq) + "\n" + crypto::toHex(hash)
                        + "\n" + std::to_string(timeMs) + "\n";
    input += reason;
    return crypto::hmacSha256(m_checkpointKey, input);
}

std::string AuditKeys::valueHmac(std::string_view value) const
{
    return "hmac-sha256:" + crypto::toHex(crypto::hmacSha256(m_valueKey, value));
}

} // namespace warden::audit
