#include "TokenValidator.h"

#include "secrets/SecretStore.h"
#include "secrets/SecretValue.h"

#include <QDateTime>
#include <QPointer>

namespace warden::auth {

Result<std::unique_ptr<TokenValidator>> TokenValidator::create(const OAuthConfig &config,
                                                               Clock clock)
{
    std::shared_ptr<const SecretValue> secret;
    if (!config.hs256SecretRef.empty()) {
        auto value = checkedSecret(resolveSecret(QString::fromStdString(config.hs256SecretRef)));
        if (!value)
            return value.takeError();
        secret = std::move(*value);
    }
    return create(config, std::move(secret), std::move(clock));
}

Result<std::shared_ptr<const SecretValue>> TokenValidator::checkedSecret(Result<SecretValue> read)
{
    if (!read)
        return Error(read.error().code,
                     "the OAuth HS256 secret (auth.oauth.hs256_secret) cannot be read: "
                         + read.error().message);
    if (auto ok = JwtValidator::checkHs256Secret(*read); !ok)
        return ok.takeError();
    return std::make_shared<const SecretValue>(std::move(*read));
}

Result<std::unique_ptr<TokenValidator>>
TokenValidator::create(const OAuthConfig &config, std::shared_ptr<const SecretValue> hs256Secret,
                       Clock clock)
{
    if (!clock)
        clock = [] {
            return QDateTime::currentMSecsSinceEpoch();
        };
    if (hs256Secret)
        if (auto ok = JwtValidator::checkHs256Secret(*hs256Secret); !ok)
            return ok.takeError();
    std::unique_ptr<JwksCache> cache;
    if (config.usesJwks()) {
        auto created = JwksCache::create(config.jwksOptions(), clock);
        if (!created)
            return created.takeError();
        cache = std::move(*created);
    }
    auto validator =
        std::make_unique<TokenValidator>(JwtValidator(config.jwtRules(), std::move(hs256Secret)),
                                         std::move(cache), std::move(clock));
    if (validator->m_cache)
        validator->m_cache->start();
    return validator;
}

TokenValidator::TokenValidator(JwtValidator validator, std::unique_ptr<JwksCache> cache,
                               Clock clock, QObject *parent)
    : QObject(parent)
    , m_validator(std::move(validator))
    , m_cache(std::move(cache))
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
}

TokenValidator::~TokenValidator() = default;

TokenResult TokenValidator::check(std::string_view token) const
{
    const auto keys = m_cache ? m_cache->current() : nullptr;
    return m_validator.validate(token, keys.get(), m_clock() / 1000);
}

void TokenValidator::validate(std::string_view token, Done done)
{
    TokenResult result = check(token);
    const bool refetchMayHelp = !result.ok() && m_cache
        && (result.error().reason == TokenError::Reason::UnknownKey
            || result.error().reason == TokenError::Reason::KeysUnavailable);
    if (!refetchMayHelp) {
        done(std::move(result));
        return;
    }
    // The token is copied (it is at most maxTokenBytes) because the caller's buffer may not
    // outlive the refetch. If this object goes first, the cache and its waiters go with it.
    QPointer<TokenValidator> self(this);
    m_cache->whenKeyKnown(result.error().keyId,
                          [self, copy = std::string(token), done = std::move(done)] {
                              if (self)
                                  done(self->check(copy));
                          });
}

void TokenValidator::diagnose(std::string_view token, std::function<void(TokenDiagnosis)> done)
{
    QPointer<TokenValidator> self(this);
    validate(token, [self, copy = std::string(token), done = std::move(done)](TokenResult) {
        if (!self)
            return;
        const auto keys = self->m_cache ? self->m_cache->current() : nullptr;
        done(self->m_validator.diagnose(copy, keys.get(), self->m_clock() / 1000));
    });
}

} // namespace warden::auth
