#pragma once

#include "KeySet.h"

#include "common/Result.h"

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

class QNetworkReply;

namespace warden::auth {

// How the issuer's JWK Set is fetched and kept (the oauth.jwks keys of the configuration).
struct JwksOptions
{
    QUrl url; // https only
    QString caFile; // optional PEM file of extra trusted CAs (system CAs stay trusted)
    std::chrono::milliseconds refreshInterval = std::chrono::minutes(10);
    std::chrono::milliseconds cooldown = std::chrono::seconds(30);
    std::chrono::milliseconds maxStaleness = std::chrono::hours(24);
    std::chrono::milliseconds timeout = std::chrono::seconds(5); // whole transfer, connect included
    std::int64_t maxBytes = 256 * 1024;
};

// What the console shows about the key set.
struct JwksStatus
{
    struct Key
    {
        std::string kid;
        std::string algorithm;
        std::string keyType;
        int bits = 0;
        std::string use; // empty when the JWK had none
        std::string thumbprint; // RFC 7638, never key material
    };

    std::optional<std::int64_t> lastSuccessMs; // wall clock, ms since the epoch
    std::optional<std::int64_t> lastAttemptMs;
    std::string lastError; // of the last fetch; empty when it succeeded
    std::vector<Key> keys; // of the set in use; empty when none is
    std::vector<KeySet::SkippedKey> skipped;
    std::optional<std::int64_t> stalenessMs; // since the last success
    bool available = false; // a set is in use (fetched, not too stale)
    bool fetching = false;
};

// The issuer's signing keys, fetched over HTTPS and cached (docs/auth.md, "Key set").
//
// - The set is refetched every refreshInterval in the background; callers never wait for it.
// - A token naming an unknown kid may trigger one refetch (whenKeyKnown), at most once per
//   cooldown since the previous fetch started; callers arriving while a fetch runs share it.
// - A failed fetch (network, TLS, HTTP status, timeout, size cap, invalid JSON, duplicate
//   kids, no usable key) keeps the last good set, until maxStaleness has passed since the last
//   successful fetch: then the set is dropped and every token fails (fail closed). Failed
//   background fetches are retried after the cooldown, doubling up to refreshInterval.
// - Redirects are not followed: a 3xx answer is a failure that names the status, so the key
//   source is exactly the configured URL (no downgrade to http, no hop to another host).
//
// Lives on the thread that creates it (the main thread); current() alone is thread-safe.
class JwksCache : public QObject
{
    Q_OBJECT
public:
    // Wall-clock milliseconds since the epoch; injectable for tests.
    using Clock = std::function<std::int64_t()>;

    // ConfigInvalid when the URL is not https (or not a URL) or a duration or size is out of
    // range; the message says what to fix.
    static Status checkOptions(const JwksOptions &options);
    // checkOptions, then the CA file is read (IoError or ConfigInvalid when it is missing or
    // holds no PEM certificate). Nothing is fetched until start().
    static Result<std::unique_ptr<JwksCache>> create(JwksOptions options, Clock clock = {});
    ~JwksCache() override;

    const JwksOptions &options() const { return m_options; }

    // The first fetch, and background refreshes from then on.
    void start();

    // The set in use, or null when there is none (not fetched yet, or older than maxStaleness).
    std::shared_ptr<const KeySet> current() const;

    // Calls `done` once the set holds `kid` or that cannot change soon: at once when the kid is
    // known or a refetch is not allowed now (cooldown), otherwise when the refetch it starts
    // (or the one running) ends, successfully or not. `done` may run before this returns.
    void whenKeyKnown(const std::string &kid, std::function<void()> done);

    // Fetches now, whatever the cooldown (the console's "fetch keys now"); joins a running
    // fetch. `done` gets the fetch's outcome.
    void refreshNow(std::function<void(Status)> done = {});

    JwksStatus status() const;

Q_SIGNALS:
    // A different set is in use (first fetch, rotation, or dropped after maxStaleness).
    void keysChanged();
    void fetchFailed(const QString &message);

private:
    JwksCache(JwksOptions options, QSslConfiguration ssl, Clock clock);

    std::int64_t now() const { return m_clock(); }
    bool isStale(std::int64_t nowMs) const; // m_mutex held
    void startFetch();
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void abortFetch(std::string reason);
    void fetchSucceeded(std::shared_ptr<const KeySet> keys, std::string fingerprint);
    void fetchFailedWith(std::string message);
    bool dropIfStale();
    void finishWaiters(const Status &status);

    JwksOptions m_options;
    QSslConfiguration m_ssl;
    Clock m_clock;
    QNetworkAccessManager m_network;
    QTimer m_refreshTimer;
    QTimer m_deadline;

    // The fetch in flight.
    QPointer<QNetworkReply> m_reply;
    QByteArray m_body;
    std::string m_abortReason;
    std::vector<std::function<void(Status)>> m_waiters;

    // Main thread only.
    std::optional<std::int64_t> m_lastAttemptMs;
    std::string m_lastError;
    std::string m_fingerprint;
    int m_failures = 0;

    // current() may be called from any thread.
    mutable std::mutex m_mutex;
    std::shared_ptr<const KeySet> m_keys;
    std::optional<std::int64_t> m_lastSuccessMs;
};

} // namespace warden::auth
