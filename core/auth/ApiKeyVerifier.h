#pragma once

#include "ApiKeyStore.h"
#include "common/Result.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>

namespace warden::auth {

// Checks presented API keys for the HTTP transport. The first use of a key costs one scrypt
// run on a worker thread (never on the caller's thread); afterwards a SHA-256 of the secret
// is remembered, so a known key costs microseconds. Every check asks the store whether
// another process changed it (PRAGMA data_version) and re-reads it if so: a new key works
// and a revoked key is refused from the next request on. Main thread only.
class ApiKeyVerifier : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxPendingChecks = 16; // slow checks queued at once; more are refused as busy
    };

    // Why a key was refused; the text is safe to send to the caller.
    struct Refusal
    {
        enum class Reason { Malformed, Unknown, Revoked, Expired, WrongSecret, Busy, StoreUnavailable };
        Reason reason;
        std::string description;
    };
    using Outcome = std::variant<Principal, Refusal>;
    using Callback = std::function<void(const Outcome &)>;

    ApiKeyVerifier(QString storePath, Options options, QObject *parent = nullptr);
    ~ApiKeyVerifier() override;

    // Opens the store; an error when it cannot be read (the server refuses to start).
    Status open();
    // Calls `done` on this thread: at once for a cached key or a refusal that needs no hash,
    // otherwise when the worker finishes. `done` is dropped if this object dies first.
    void verify(std::string_view presented, Callback done);

    static std::string_view reasonName(Refusal::Reason reason);

private:
    struct Known
    {
        ApiKeyStore::Entry entry;
        std::string verifiedSecretDigest; // SHA-256 of the secret once a slow check passed
    };

    void refreshIfChanged();
    void finishSlowCheck(const std::string &id, const std::string &digest, bool matched, const Callback &done);

    QString m_path;
    Options m_options;
    std::unique_ptr<ApiKeyStore> m_store;
    std::int64_t m_seenChange = -1;
    std::unordered_map<std::string, Known> m_keys;
    int m_pending = 0;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace warden::auth
