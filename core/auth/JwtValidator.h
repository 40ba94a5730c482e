#pragma once

#include "JwsAlgorithm.h"
#include "KeySet.h"
#include "TokenResult.h"

#include "common/Result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden {
class SecretValue;
}

namespace warden::auth {

// Which claims become which principal fields. A name is first looked up as a top-level claim
// (so "https://example.com/roles" works), and when there is no such claim as a dotted path
// into nested objects ("org.id", "realm_access.roles").
struct ClaimMapping
{
    std::string user = "sub"; // required in every token
    std::string tenant; // empty: tokens carry no tenant; set: required in every token
    std::string roles; // empty: no roles; an array of strings or a space-separated string
    std::vector<std::string> scopes = { "scope", "scp" }; // each a string or an array; merged

    bool operator==(const ClaimMapping &) const = default;
};

// What a valid access token must look like for this resource server.
struct JwtRules
{
    std::string issuer; // compared to "iss" exactly
    std::string audience; // this server's resource identifier; "aud" must contain it
    std::vector<JwsAlgorithm> algorithms = defaultAlgorithms();
    // Accepted "typ" values, compared as media types (case-insensitive, "application/"
    // implied): the default is RFC 9068's access-token type only.
    std::vector<std::string> tokenTypes = { "at+jwt", "application/at+jwt" };
    std::int64_t leewaySeconds = 60; // for exp, nbf and iat; clamped to 0..kMaxLeewaySeconds
    std::size_t maxTokenBytes = 8 * 1024;
    ClaimMapping claims;

    bool operator==(const JwtRules &) const = default;
};

// Validates a JWS compact-serialised JWT access token (RFC 7519, RFC 8725, RFC 9068) against
// a key set and the rules, in the order docs/auth.md lists. Pure and thread-safe: no I/O, the
// time is an argument, keys are shared immutable EVP_PKEYs. The claims JSON is parsed only
// after the signature has been verified.
class JwtValidator
{
public:
    static constexpr std::int64_t kMaxLeewaySeconds = 300;
    static constexpr std::size_t kMinHs256SecretBytes = 32; // RFC 7518 section 3.2

    // `hs256Secret`: the shared secret HS256 tokens are checked with; HS256 is accepted only
    // when the rules list it and a secret is given (check it with checkHs256Secret first).
    explicit JwtValidator(JwtRules rules, std::shared_ptr<const SecretValue> hs256Secret = {});

    // ConfigInvalid when the secret is too short to be an HS256 key.
    static Status checkHs256Secret(const SecretValue &secret);

    const JwtRules &rules() const { return m_rules; }

    // `keys` null: no key set is available (never fetched, or dropped as too stale).
    TokenResult validate(std::string_view token, const KeySet *keys,
                         std::int64_t nowUnixSeconds) const;
    TokenResult validate(std::string_view token, const KeySet &keys,
                         std::int64_t nowUnixSeconds) const
    {
        return validate(token, &keys, nowUnixSeconds);
    }

    // The console's "test a token": the same checks as validate(), each recorded with its
    // outcome in words; the claim checks (exp, nbf, iat, iss, aud, principal) are all made
    // once the signature verifies, so one test shows every problem. The verdict is the one
    // validate() gives.
    TokenDiagnosis diagnose(std::string_view token, const KeySet *keys,
                            std::int64_t nowUnixSeconds) const;

private:
    bool accepts(JwsAlgorithm algorithm) const;
    // validate() with trace null; diagnose() with a list to record each step in.
    TokenResult run(std::string_view token, const KeySet *keys, std::int64_t nowUnixSeconds,
                    std::vector<TokenCheck> *trace) const;

    JwtRules m_rules;
    std::vector<std::string> m_types; // normalised tokenTypes
    std::shared_ptr<const SecretValue> m_secret;
};

} // namespace warden::auth
