#pragma once

#include "auth/JwksCache.h"
#include "auth/TokenResult.h"
#include "common/Result.h"

#include <QObject>
#include <QString>

#include <functional>

namespace warden {

// What "fetch keys now" found: the outcome of the fetch and the key set in use afterwards
// (kid, key type, algorithm, use, thumbprint; never key material).
struct KeysFetched
{
    Status status;
    auth::JwksStatus keys;
    QString source; // the JWKS URL
};

// The console's OAuth tools over the running server's token validator: fetch the issuer's
// keys now and test a pasted token check by check. The settings themselves live in the
// configuration file's auth.oauth section (ServerSettingsService). Answers arrive on the GUI
// thread, only while `context` lives.
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

Q_SIGNALS:
    // The validator came or went (server start, stop, restart).
    void activeChanged(bool active);
};

} // namespace warden
