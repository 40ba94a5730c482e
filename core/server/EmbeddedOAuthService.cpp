#include "EmbeddedOAuthService.h"

#include "Server.h"
#include "auth/TokenValidator.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretValue.h"

#include <QPointer>

namespace warden {
namespace {

Error noKeySet()
{
    return Error(ErrorCode::Unavailable,
                 "only HS256 is accepted, so there is no key set to fetch; add an asymmetric "
                 "algorithm and a JWKS URL to use the issuer's keys");
}

} // namespace

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
        Error error = tokens ? noKeySet() : inactive();
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

std::optional<auth::OAuthConfig> EmbeddedOAuthService::activeConfig() const
{
    if (!isActive())
        return std::nullopt;
    return m_server.config().auth.oauth;
}

void EmbeddedOAuthService::own(QObject *trial, QObject *context)
{
    trial->setParent(this);
    connect(context, &QObject::destroyed, trial, &QObject::deleteLater);
}

void EmbeddedOAuthService::fetchKeysWith(const OAuthTrial &trial, QObject *context, KeysDone done)
{
    const QString source = QString::fromStdString(trial.config.jwksUri);
    if (!trial.config.usesJwks()) {
        done(KeysFetched { noKeySet(), {}, source });
        return;
    }
    auto created = auth::JwksCache::create(trial.config.jwksOptions());
    if (!created) {
        done(KeysFetched { created.takeError(), {}, source });
        return;
    }
    auth::JwksCache *cache = created->release();
    own(cache, context);
    QPointer<QObject> alive(context);
    // One fetch, then the cache goes: a trial leaves no background refresh behind.
    cache->refreshNow([alive, cache, source, done = std::move(done)](Status status) {
        cache->deleteLater();
        if (alive)
            done(KeysFetched { std::move(status), cache->status(), source });
    });
}

void EmbeddedOAuthService::trialSecret(const OAuthTrial &trial, QObject *context,
                                       SecretDone done) const
{
    const auth::OAuthConfig &config = trial.config;
    const bool hs256 =
        std::find(config.algorithms.begin(), config.algorithms.end(), auth::JwsAlgorithm::HS256)
        != config.algorithms.end();
    if (!hs256) {
        done(std::shared_ptr<const SecretValue>());
        return;
    }
    if (!trial.hs256Secret.isEmpty()) {
        QByteArray typed = trial.hs256Secret.toUtf8();
        SecretValue secret(typed.constData(), std::size_t(typed.size()));
        SecretValue::wipe(typed);
        done(auth::TokenValidator::checkedSecret(std::move(secret)));
        return;
    }
    auto ref = SecretRef::parse(QString::fromStdString(config.hs256SecretRef));
    if (ref && ref->scheme() == SecretRef::Scheme::Keychain) {
        KeychainSecretStore().readAsync(*ref, context, [done](Result<SecretValue> read) {
            done(auth::TokenValidator::checkedSecret(std::move(read)));
        });
        return;
    }
    // env: references (and parse errors) answer at once.
    done(auth::TokenValidator::checkedSecret(
        resolveSecret(QString::fromStdString(config.hs256SecretRef))));
}

void EmbeddedOAuthService::testTokenWith(const OAuthTrial &trial, const QString &token,
                                         QObject *context, TokenDone done)
{
    QPointer<QObject> alive(context);
    trialSecret(
        trial, context,
        [this, alive, config = trial.config, token = token.trimmed().toStdString(),
         done = std::move(done)](Result<std::shared_ptr<const SecretValue>> secret) {
            if (!alive)
                return;
            if (!secret) {
                done(secret.takeError());
                return;
            }
            auto created = auth::TokenValidator::create(config, std::move(*secret));
            if (!created) {
                done(created.takeError());
                return;
            }
            auth::TokenValidator *validator = created->release();
            own(validator, alive);
            // Wait for the first fetch (create() started it), so that its failure can be named
            // instead of a bare "no key set".
            auto diagnose = [alive, validator, token, done](Status fetched) {
                validator->diagnose(
                    token, [alive, validator, fetched, done](auth::TokenDiagnosis diagnosis) {
                        validator->deleteLater();
                        if (!alive)
                            return;
                        if (!fetched && diagnosis.error
                            && diagnosis.error->reason
                                == auth::TokenError::Reason::KeysUnavailable) {
                            done(Error(fetched.error().code,
                                       "the issuer's signing keys could not be fetched, so the "
                                       "signature cannot be checked: "
                                           + fetched.error().message));
                            return;
                        }
                        done(std::move(diagnosis));
                    });
            };
            if (auth::JwksCache *cache = validator->keyCache())
                cache->refreshNow(diagnose);
            else
                diagnose({});
        });
}

} // namespace warden
