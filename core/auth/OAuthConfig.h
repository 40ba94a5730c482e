#pragma once

#include "JwksCache.h"
#include "JwsAlgorithm.h"
#include "JwtValidator.h"

#include "common/Json.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace warden::auth {

// OAuth 2.0 bearer-token settings: the object at /auth/oauth of the server configuration
// (docs/auth.md, "Configuration"). Holds a secret reference for HS256, never the secret.
struct OAuthConfig
{
    struct Jwks
    {
        std::int64_t refreshIntervalS = 600;
        std::int64_t cooldownS = 30;
        std::int64_t maxStalenessS = 24 * 3600;
        std::int64_t timeoutMs = 5000;
        std::int64_t maxBytes = 256 * 1024;

        bool operator==(const Jwks &) const = default;
    };

    std::string issuer; // required: "iss" must equal it
    std::string resource; // required: this server's resource identifier, expected in "aud"
    std::string jwksUri; // https; required unless HS256 is the only algorithm
    std::string jwksCaFile; // absolute after loading when a base folder is given
    std::vector<JwsAlgorithm> algorithms = defaultAlgorithms();
    std::vector<std::string> tokenTypes = { "at+jwt", "application/at+jwt" };
    std::int64_t leewaySeconds = 60;
    std::int64_t maxTokenBytes = 8 * 1024;
    std::string hs256SecretRef; // "env:NAME" or "keychain:service/key"; required with HS256
    ClaimMapping claims;
    Jwks jwks;
    std::vector<std::string> scopesSupported; // for the protected-resource metadata
    std::vector<std::string> authorizationServers; // defaults to [issuer]

    // Reads the object found at `pointer` (e.g. "/auth/oauth") of a configuration document.
    // ConfigInvalid listing every problem as "pointer: sentence", pointers absolute (with
    // `pointer` in front), also in details.problems. A relative jwks_ca_file resolves against
    // `baseDir` when one is given.
    static Result<OAuthConfig> fromJson(const Json &object, const std::string &pointer,
                                        const QString &baseDir = {});
    // Every key, defaults included; fromJson(toJson()) gives an equal configuration.
    Json toJson() const;

    // Whether tokens may be signed with a key from the JWKS (any algorithm but HS256).
    bool usesJwks() const;
    JwtRules jwtRules() const;
    JwksOptions jwksOptions() const;

    bool operator==(const OAuthConfig &) const = default;
};

} // namespace warden::auth
