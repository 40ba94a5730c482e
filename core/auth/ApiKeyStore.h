#pragma once

#include "common/Result.h"
#include "policy/Principal.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace warden::auth {

// One API key as the store keeps it: who it acts as and its lifetime. The secret part is
// never stored, only its scrypt hash.
struct ApiKeyRecord
{
    std::string id;                      // 16 hex digits, the public part of the key
    std::string name;                    // what the operator called it
    Principal principal;                 // authMethod is "api-key"
    std::int64_t createdAt = 0;          // Unix seconds
    std::optional<std::int64_t> expiresAt;
    std::optional<std::int64_t> revokedAt;

    bool usableAt(std::int64_t now) const { return !revokedAt && (!expiresAt || now < *expiresAt); }
};

// What `keys create` asks for.
struct ApiKeyRequest
{
    std::string name;
    Principal principal;
    std::optional<std::int64_t> expiresAt;
};

// The parts of a presented key: "wk_<id>_<secret>".
struct ApiKeyText
{
    std::string id;
    std::string secret;

    // Recognises the key format without judging whether the key is valid.
    static std::optional<ApiKeyText> parse(std::string_view text);
    static bool looksLikeKey(std::string_view text) { return text.substr(0, 3) == "wk_"; }
};

// The API key store: a small SQLite file (its own, never the queried database) with one row
// per key and a slow hash of each secret. Several processes may open it: the CLI writes,
// servers read and notice changes (revocations) through changeCounter().
class ApiKeyStore
{
public:
    enum class Access { ReadOnly, ReadWrite };

    ~ApiKeyStore();
    ApiKeyStore(const ApiKeyStore &) = delete;
    ApiKeyStore &operator=(const ApiKeyStore &) = delete;

    // ReadWrite creates the file (mode 0600) and its schema if needed.
    static Result<std::unique_ptr<ApiKeyStore>> open(const QString &path, Access access);
    // Where keys live when the configuration names no path.
    static QString defaultPath();

    // Makes a key; the returned text is the only time the secret exists outside the caller.
    Result<std::string> create(const ApiKeyRequest &request, ApiKeyRecord *created = nullptr);
    Result<std::vector<ApiKeyRecord>> list() const;
    // NotFound for an unknown id; revoking twice keeps the first time.
    Status revoke(const std::string &id);

    // The record and stored hash for an id (nullopt if unknown).
    struct Entry
    {
        ApiKeyRecord record;
        std::string hash; // "scrypt$N$r$p$salt$hash" (base64url parts)
    };
    Result<std::vector<Entry>> entries() const;

    // Changes whenever any connection commits to the store (PRAGMA data_version plus this
    // connection's own writes), so readers know when to reload.
    std::int64_t changeCounter() const;

    // The slow hash of a secret, and its check (constant time). Thread-safe, no store access.
    static std::string hashSecret(std::string_view secret);
    static bool secretMatches(std::string_view secret, std::string_view storedHash);

private:
    explicit ApiKeyStore(sqlite3 *db);
    Status exec(const char *sql) const;

    sqlite3 *m_db = nullptr;
    std::int64_t m_ownWrites = 0;
};

} // namespace warden::auth
