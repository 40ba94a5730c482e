#pragma once

#include "auth/JwksCache.h"
#include "auth/OAuthConfig.h"
#include "auth/TokenResult.h"
#include "common/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace warden {

// What "fetch keys now" found: the outcome of the fetch and the key set in use afterwards
// (kid, key type, algorithm, use, thumbprint; never key material).
struct KeysFetched
{
    Status status;
    auth::JwksStatus keys;
    QString source; // the JWKS URL
};

// OAuth settings as an operator entered them in the console, applied or not: tried without
// touching the running server.
struct OAuthTrial
{
    auth::OAuthConfig config;
    // The HS256 shared secret typed in the console and not stored yet; empty: the one
    // config.hs256SecretRef names (the OS keychain entry or env: variable) is read.
    QString hs256Secret;
};

// The console's OAuth tools: fetch the issuer's keys now and test a pasted token check by
// check, either with the running server's token validator, or with settings not applied yet
// (an OAuthTrial: the same key-set and validator code, built just for that one check, whether
// the server runs or not). The settings themselves live in the configuration file's
// auth.oauth section (ServerSettingsService). Answers arrive on the GUI thread, only while
// `context` lives; destroying `context` cancels a fetch in flight.
class OAuthService : public QObject
{
    Q_OBJECT
public:
    using KeysDone = std::function<void(KeysFetched)>;
    using TokenDone = std::function<void(Result<auth::TokenDiagnosis>)>;

    using QObject::QObject;
    ~OAuthService() override = default;

    // Whether the running server checks OAuth tokens (running with auth.oauth and HTTP).
    virtual bool isActive() const = 0;

    virtual void fetchKeys(QObject *context, KeysDone done) = 0;
    // Every check of the production path, in words; an error when no validator runs.
    virtual void testToken(const QString &token, QObject *context, TokenDone done) = 0;

    // The settings the running validator checks tokens with; empty when it is not active.
    virtual std::optional<auth::OAuthConfig> activeConfig() const = 0;
    // The same two tools on `trial` (fetched once, bounded by its JWKS timeout, nothing kept
    // afterwards). An error names what to fix: the URL, TLS trust, the document, the secret.
    virtual void fetchKeysWith(const OAuthTrial &trial, QObject *context, KeysDone done) = 0;
    virtual void testTokenWith(const OAuthTrial &trial, const QString &token, QObject *context,
                               TokenDone done) = 0;

Q_SIGNALS:
    // The validator came or went (server start, stop, restart).
    void activeChanged(bool active);
};

} // namespace warden
