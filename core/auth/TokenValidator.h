#pragma once

#include "JwksCache.h"
#include "JwtValidator.h"
#include "OAuthConfig.h"
#include "TokenResult.h"

#include "common/Result.h"

#include <QObject>

#include <functional>
#include <memory>
#include <string_view>

namespace warden {
class SecretValue;
}

namespace warden::auth {

// The one call the HTTP transport makes: is this bearer token good, and whose is it?
// Combines the JWKS cache, the JWT validator and the HS256 secret. When a token names a key
// the cached set does not hold (the issuer rotated its keys) or no set is available yet, the
// cache is asked for one refetch (cooldown permitting) and the token is checked again after
// it, so validate() is asynchronous. Lives on the main thread, like the cache.
class TokenValidator : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(TokenResult)>;
    // Wall-clock milliseconds since the epoch; shared with the cache.
    using Clock = JwksCache::Clock;

    // Resolves hs256_secret from its store (may block briefly: call at start-up), creates the
    // JWKS cache when an asymmetric algorithm is configured and starts its first fetch.
    static Result<std::unique_ptr<TokenValidator>> create(const OAuthConfig &config,
                                                          Clock clock = {});
    // The same with the HS256 secret already at hand (the console's "test a token" on
    // settings not applied yet); config.hs256SecretRef is not read. Null: HS256 is refused.
    static Result<std::unique_ptr<TokenValidator>>
    create(const OAuthConfig &config, std::shared_ptr<const SecretValue> hs256Secret,
           Clock clock = {});
    // A secret read for hs256_secret, checked for length; the error names the key.
    static Result<std::shared_ptr<const SecretValue>> checkedSecret(Result<SecretValue> read);
    // From parts (tests): `cache` may be null when only HS256 is accepted.
    TokenValidator(JwtValidator validator, std::unique_ptr<JwksCache> cache, Clock clock = {},
                   QObject *parent = nullptr);
    ~TokenValidator() override;

    // `done` gets the outcome exactly once, possibly before validate() returns. Never after
    // this object is destroyed.
    void validate(std::string_view token, Done done);

    // The console's "test a token": like validate() (including the one refetch for an unknown
    // key), then every check in words (JwtValidator::diagnose). Same lifetime rules.
    void diagnose(std::string_view token, std::function<void(TokenDiagnosis)> done);

    const JwtValidator &validator() const { return m_validator; }
    // Null when only HS256 is accepted.
    JwksCache *keyCache() const { return m_cache.get(); }

private:
    TokenResult check(std::string_view token) const;

    JwtValidator m_validator;
    std::unique_ptr<JwksCache> m_cache;
    Clock m_clock;
};

} // namespace warden::auth
