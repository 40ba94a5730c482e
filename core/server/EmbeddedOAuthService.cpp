#include "EmbeddedOAuthService.h"

#include "Server.h"
#include "auth/TokenValidator.h"

#include <QPointer>

namespace warden {

EmbeddedOAuthService::EmbeddedOAuthService(Server &server, QObject *parent)
    : OAuthService(parent)
    , m_server(server)
{
    connect(&server, &ServerInterface::stateChanged, this, [this] {
        if (isActive() == m_active)
            return;
        m_active = isActive();
        Q_EMIT activeChanged(m_active);
    });
}

bool EmbeddedOAuthService::isActive() const
{
    return m_server.tokenValidator() != nullptr;
}

Error EmbeddedOAuthService::inactive() const
{
    if (!m_server.config().auth.oauth)
        return Error(ErrorCode::Unavailable,
                     "OAuth is not configured: fill in the settings, then press Apply and restart");
    return Error(ErrorCode::Unavailable,
                 "the server is not checking OAuth tokens now (it is stopped, or HTTP is off): "
                 "start it with "
                 "HTTP on, then try again");
}

void EmbeddedOAuthService::fetchKeys(QObject *context, KeysDone done)
{
    auth::TokenValidator *tokens = m_server.tokenValidator();
    auth::JwksCache *cache = tokens ? tokens->keyCache() : nullptr;
    if (!cache) {
        Error error = tokens
            ? Error(ErrorCode::Unavailable,
                    "only HS256 is accepted, so there is no key set to fetch; add an asymmetric "
                    "algorithm and a JWKS URL to use the issuer's keys")
            : inactive();
        done(KeysFetched { std::move(error), {}, {} });
        return;
    }
    QPointer<QObject> alive(context);
    QPointer<auth::JwksCache> keys(cache);
    cache->refreshNow([alive, keys, done = std::move(done)](Status status) {
        if (!alive || !keys)
            return;
        done(KeysFetched { std::move(status), keys->status(), keys->options().url.toString() });
    });
}

void EmbeddedOAuthService::testToken(const QString &token, QObject *context, TokenDone done)
{
    auth::TokenValidator *tokens = m_server.tokenValidator();
    if (!tokens) {
        done(inactive());
        return;
    }
    QPointer<QObject> alive(context);
    tokens->diagnose(token.trimmed().toStdString(),
                     [alive, done = std::move(done)](auth::TokenDiagnosis diagnosis) {
                         if (alive)
                             done(std::move(diagnosis));
                     });
}

} // namespace warden
