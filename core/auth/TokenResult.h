#pragma once

#include "JwsAlgorithm.h"

#include "common/Json.h"

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace warden::auth {

// A bearer token that passed every check, with the principal fields the configuration maps
// from its claims.
struct VerifiedToken
{
    std::string subject; // the user claim (default "sub")
    std::string tenant; // the tenant claim; empty when none is configured
    std::vector<std::string> roles; // the roles claim: an array or a space-separated string
    std::vector<std::string> scopes; // "scope" (space-separated) and/or "scp" (array), merged
    std::string clientId; // "client_id", else "azp"; may be empty
    std::string jti; // may be empty
    std::string issuer;
    std::string keyId; // the header's "kid"; empty when it had none
    JwsAlgorithm algorithm = JwsAlgorithm::RS256;
    std::int64_t expiresAt = 0; // "exp", seconds since the epoch
    std::optional<std::int64_t> issuedAt;
    Json claims = Json::object(); // the whole claims set, for policy and audit
};

// Why a token was refused. Reason names are a stable contract (logs, audit, metrics): grow
// the list, never rename an entry. Every refusal maps to RFC 6750 "invalid_token" (HTTP 401).
struct TokenError
{
    enum class Reason {
        Malformed, // not three strict base64url segments of JSON objects
        TooLarge, // longer than the configured cap; nothing was parsed
        AlgorithmNotAllowed, // "none", an unknown alg, or one the rules do not accept
        TokenSuppliedKey, // jku, x5u, jwk or x5c in the header
        UnknownCriticalHeader, // "crit" lists an extension (none is understood)
        WrongType, // "typ" missing or not an accepted type
        KeysUnavailable, // no key set (never fetched, or dropped after max staleness)
        UnknownKey, // no key with the token's kid, or no single key for its alg
        KeyAlgorithmMismatch, // the header alg differs from the key's pinned alg
        BadSignature,
        Expired,
        NotYetValid, // "nbf" in the future beyond the leeway
        IssuedInFuture, // "iat" in the future beyond the leeway
        WrongIssuer,
        WrongAudience,
        MissingClaim,
        InvalidClaim, // a claim of the wrong type
    };

    Reason reason = Reason::Malformed;
    // An English sentence safe to show the caller: never the token, a claim value or key
    // material.
    std::string description;
    // The header's "kid" when reason is UnknownKey (so a cache can refetch for it). Attacker
    // supplied: never show it, quote it in logs.
    std::string keyId;

    static std::string_view reasonName(Reason reason);
    static std::optional<Reason> reasonFromName(std::string_view name);
    // Every reason, in enum order.
    static const std::vector<Reason> &allReasons();
    std::string_view name() const { return reasonName(reason); }
};

// VerifiedToken or TokenError.
class TokenResult
{
public:
    TokenResult(VerifiedToken token)
        : m_data(std::move(token))
    {
    }
    TokenResult(TokenError error)
        : m_data(std::move(error))
    {
    }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    const VerifiedToken &token() const
    {
        assert(ok());
        return std::get<0>(m_data);
    }
    VerifiedToken &&takeToken()
    {
        assert(ok());
        return std::get<0>(std::move(m_data));
    }
    const TokenError &error() const
    {
        assert(!ok());
        return std::get<1>(m_data);
    }

private:
    std::variant<VerifiedToken, TokenError> m_data;
};

// One check of a token, as the console's "test a token" lists them (docs/auth.md order).
struct TokenCheck
{
    enum class Step {
        Size, // within max_token_bytes
        Format, // three base64url segments, the header a JSON object
        Header, // no token-supplied key, no critical extension
        Type, // "typ" is an accepted access-token type
        Algorithm, // "alg" is accepted
        Key, // the signing key is found (kid in the key set, or the HS256 secret)
        Signature,
        Expiry, // "exp"
        NotBefore, // "nbf"
        IssuedAt, // "iat"
        Issuer, // "iss"
        Audience, // "aud"
        Principal, // the claims map to a principal (user, tenant, roles, scopes)
    };
    enum class Outcome { Passed, Failed, NotChecked };

    Step step = Step::Size;
    Outcome outcome = Outcome::NotChecked;
    // A sentence: what was found, or why it failed (the TokenError description). Never the
    // token or key material; for Principal, the mapped fields.
    std::string detail;

    // Every step, in the order they are checked.
    static const std::vector<Step> &allSteps();
};

// What JwtValidator::diagnose found: every step with its outcome, and the verdict the
// production path (validate) gives for the same token.
struct TokenDiagnosis
{
    std::vector<TokenCheck> checks; // one per step, in allSteps() order
    std::optional<TokenError> error; // empty when the token is valid
    std::optional<VerifiedToken> token; // when valid

    bool ok() const { return !error.has_value(); }
};

} // namespace warden::auth
