#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::audit {

// The audit keys, all derived from one secret (secrets.audit_key) with HMAC-SHA256 under
// distinct labels, so one key never serves two purposes:
//   record key     = HMAC(secret, "warden-audit-record-v1")      -- each record's mac
//   checkpoint key = HMAC(secret, "warden-audit-checkpoint-v1")  -- checkpoint signatures
//   value key      = HMAC(secret, "warden-audit-value-v1")       -- sensitive argument values
// The secret lives in the secret store (keychain or environment), never in the audit store.
class AuditKeys
{
public:
    explicit AuditKeys(std::string_view secret, bool ephemeral = false);
    // A random secret for this run only: records made with it cannot be authenticated later.
    static AuditKeys ephemeralKeys();

    std::string recordMac(std::string_view chainInput) const;
    // Signs "warden-audit-checkpoint-v1\n<seq>\n<hex hash>\n<time_ms>\n<reason>".
    std::string signCheckpoint(std::int64_t seq, std::string_view hash, std::int64_t timeMs,
                               std::string_view reason) const;
    // "hmac-sha256:<hex>" of a value; `warden-server audit hash` prints the same for a
    // known value so an operator can search for it without the audit trail storing it.
    std::string valueHmac(std::string_view value) const;
    // Names the key (16 hex digits of a hash of the record key) without revealing it.
    const std::string &keyId() const { return m_keyId; }
    bool isEphemeral() const { return m_ephemeral; }

private:
    std::string m_recordKey, m_checkpointKey, m_valueKey, m_keyId;
    bool m_ephemeral = false;
};

} // namespace warden::audit
