#include "JwtValidator.h"

#include "common/StrictJson.h"
#include "crypto/Crypto.h"
#include "secrets/SecretValue.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace warden::auth {
namespace {

using Reason = TokenError::Reason;

constexpr int kHeaderDepth = 8;
constexpr int kClaimsDepth = 32;
constexpr std::size_t kMaxKidBytes = 256;
constexpr const char *kHeaderPassed =
    "The header carries no key of its own and no critical extension.";
// NumericDates beyond this (about year 31,000,000) are clamped, so arithmetic cannot overflow.
constexpr double kMaxNumericDate = 1e15;

// Header parameters that carry or point at a key. Keys come only from the configured JWKS
// (RFC 8725 section 3.10: jku and x5u are an SSRF vector, jwk and x5c self-certify).
constexpr std::string_view kTokenSuppliedKeys[] = { "jku", "x5u", "jwk", "x5c" };

TokenError refuse(Reason reason, std::string description)
{
    return TokenError { reason, std::move(description), {} };
}

char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// RFC 7515 section 4.1.9: "typ" is a media type, compared case-insensitively, with
// "application/" implied when it has no '/'.
std::string normaliseType(std::string_view type)
{
    std::string out;
    out.reserve(type.size() + 12);
    if (type.find('/') == std::string_view::npos)
        out = "application/";
    for (const char c : type)
        out += asciiLower(c);
    return out;
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return asciiLower(x) == asciiLower(y); });
}

// A NumericDate (RFC 7519 section 2): an integer or a finite number, floored and clamped.
std::optional<std::int64_t> numericDate(const Json &value)
{
    if (!value.is_number())
        return std::nullopt;
    const double number = value.get<double>();
    if (!std::isfinite(number))
        return std::nullopt;
    if (value.is_number_integer() && std::fabs(number) < kMaxNumericDate)
        return value.get<std::int64_t>(); // exact, no rounding through double
    return static_cast<std::int64_t>(
        std::floor(std::clamp(number, -kMaxNumericDate, kMaxNumericDate)));
}

// A claim by name: the top-level member of that exact name, else a dotted path into objects.
const Json *findClaim(const Json &claims, const std::string &name)
{
    if (const auto it = claims.find(name); it != claims.end())
        return &*it;
    if (name.find('.') == std::string::npos)
        return nullptr;
    const Json *current = &claims;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        const std::string segment =
            name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!current->is_object())
            return nullptr;
        const auto it = current->find(segment);
        if (it == current->end())
            return nullptr;
        current = &*it;
        if (dot == std::string::npos)
            return current;
        start = dot + 1;
    }
}

void addUnique(std::vector<std::string> &list, std::string item)
{
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(std::move(item));
}

// Roles and scopes: a space-separated string (RFC 6749 section 3.3) or an array of strings.
bool appendList(const Json &value, std::vector<std::string> &out)
{
    if (value.is_string()) {
        const auto &text = value.get_ref<const std::string &>();
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t space = text.find(' ', start);
            if (space == std::string::npos)
                space = text.size();
            addUnique(out, text.substr(start, space - start));
            start = space + 1;
        }
        return true;
    }
    if (!value.is_array())
        return false;
    for (const Json &item : value) {
        if (!item.is_string())
            return false;
        addUnique(out, item.get<std::string>());
    }
    return true;
}

std::string claimText(std::string_view name)
{
    return "\"" + std::string(name) + "\"";
}

// The header checks that need no key: what the token claims to be and how it is signed.
std::optional<TokenError> checkHeader(const Json &header, const std::vector<std::string> &types)
{
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string())
        return refuse(Reason::Malformed, "The token header has no \"alg\" string.");
    if (equalsIgnoringAsciiCase(alg->get_ref<const std::string &>(), "none"))
        return refuse(Reason::AlgorithmNotAllowed,
                      "Unsigned tokens (alg \"none\") are not accepted.");
    for (const std::string_view name : kTokenSuppliedKeys) {
        if (header.contains(name))
            return refuse(Reason::TokenSuppliedKey,
                          "The token header carries a key or key location (\"" + std::string(name)
                              + "\"); keys are taken only from the issuer's configured key set.");
    }
    if (const auto crit = header.find("crit"); crit != header.end()) {
        // RFC 7515 section 4.1.11: a non-empty array of names. This server understands no
        // extension, so any listed name makes the token invalid.
        const bool wellFormed = crit->is_array() && !crit->empty()
            && std::all_of(crit->begin(), crit->end(),
                           [](const Json &name) { return name.is_string(); });
        if (!wellFormed)
            return refuse(Reason::Malformed,
                          "The token header's \"crit\" must be a non-empty array of names.");
        return refuse(Reason::UnknownCriticalHeader,
                      "The token header marks an extension as critical that this server does not "
                      "understand.");
    }
    if (header.contains("b64"))
        return refuse(Reason::UnknownCriticalHeader,
                      "Unencoded payloads (\"b64\") are not accepted in a JWT.");
    const auto typ = header.find("typ");
    if (typ == header.end())
        return refuse(Reason::WrongType,
                      "The token header has no \"typ\"; an access token (at+jwt) is required.");
    if (!typ->is_string()
        || std::find(types.begin(), types.end(), normaliseType(typ->get_ref<const std::string &>()))
            == types.end())
        return refuse(Reason::WrongType,
                      "The token's \"typ\" is not an accepted token type; an access token (at+jwt) "
                      "is required.");
    if (const auto kid = header.find("kid"); kid != header.end()) {
        if (!kid->is_string() || kid->get_ref<const std::string &>().empty()
            || kid->get_ref<const std::string &>().size() > kMaxKidBytes)
            return refuse(Reason::Malformed,
                          "The token header's \"kid\" must be a string of 1 to 256 bytes.");
    }
    return std::nullopt;
}

// exp, nbf and iat against the clock with the leeway; each alone, so diagnose() can report
// every one of them.
std::optional<TokenError> checkExpiry(const Json &claims, std::int64_t now, std::int64_t leeway,
                                      VerifiedToken &token)
{
    const auto exp = claims.find("exp");
    if (exp == claims.end())
        return refuse(Reason::MissingClaim, "The token has no expiry (\"exp\").");
    const auto expiry = numericDate(*exp);
    if (!expiry)
        return refuse(Reason::InvalidClaim, "The token's \"exp\" is not a number of seconds.");
    if (now - leeway >= *expiry)
        return refuse(Reason::Expired, "The token has expired.");
    token.expiresAt = *expiry;
    return std::nullopt;
}

std::optional<TokenError> checkNotBefore(const Json &claims, std::int64_t now, std::int64_t leeway)
{
    if (const auto nbf = claims.find("nbf"); nbf != claims.end()) {
        const auto notBefore = numericDate(*nbf);
        if (!notBefore)
            return refuse(Reason::InvalidClaim, "The token's \"nbf\" is not a number of seconds.");
        if (now + leeway < *notBefore)
            return refuse(Reason::NotYetValid,
                          "The token is not valid yet (\"nbf\" is in the future).");
    }
    return std::nullopt;
}

std::optional<TokenError> checkIssuedAt(const Json &claims, std::int64_t now, std::int64_t leeway,
                                        VerifiedToken &token)
{
    if (const auto iat = claims.find("iat"); iat != claims.end()) {
        const auto issued = numericDate(*iat);
        if (!issued)
            return refuse(Reason::InvalidClaim, "The token's \"iat\" is not a number of seconds.");
        if (*issued > now + leeway)
            return refuse(Reason::IssuedInFuture,
                          "The token claims to be issued in the future (\"iat\").");
        token.issuedAt = *issued;
    }
    return std::nullopt;
}

std::optional<TokenError> checkIssuer(const Json &claims, const JwtRules &rules,
                                      VerifiedToken &token)
{
    const auto iss = claims.find("iss");
    if (iss == claims.end())
        return refuse(Reason::MissingClaim, "The token has no issuer (\"iss\").");
    if (!iss->is_string())
        return refuse(Reason::InvalidClaim, "The token's \"iss\" is not a string.");
    if (iss->get_ref<const std::string &>() != rules.issuer)
        return refuse(Reason::WrongIssuer,
                      "The token was not issued by the authorization server this server trusts.");
    token.issuer = rules.issuer;
    return std::nullopt;
}

std::optional<TokenError> checkAudience(const Json &claims, const JwtRules &rules)
{
    const auto aud = claims.find("aud");
    if (aud == claims.end())
        return refuse(Reason::MissingClaim, "The token has no audience (\"aud\").");
    bool ours = false;
    if (aud->is_string()) {
        ours = aud->get_ref<const std::string &>() == rules.audience;
    } else if (aud->is_array()) {
        for (const Json &item : *aud) {
            if (!item.is_string())
                return refuse(Reason::InvalidClaim,
                              "The token's \"aud\" array holds a value that is not a string.");
            ours = ours || item.get_ref<const std::string &>() == rules.audience;
        }
    } else {
        return refuse(Reason::InvalidClaim,
                      "The token's \"aud\" is neither a string nor an array of strings.");
    }
    if (!ours)
        return refuse(
            Reason::WrongAudience,
            "The token was not issued for this server (its \"aud\" does not name this resource).");
    return std::nullopt;
}

std::optional<TokenError> mapPrincipal(const Json &claims, const ClaimMapping &mapping,
                                       VerifiedToken &token)
{
    const Json *user = findClaim(claims, mapping.user);
    if (!user)
        return refuse(Reason::MissingClaim,
                      "The token has no user claim " + claimText(mapping.user) + ".");
    if (!user->is_string() || user->get_ref<const std::string &>().empty())
        return refuse(Reason::InvalidClaim,
                      "The token's user claim " + claimText(mapping.user)
                          + " is not a non-empty string.");
    token.subject = user->get<std::string>();

    if (!mapping.tenant.empty()) {
        const Json *tenant = findClaim(claims, mapping.tenant);
        if (!tenant)
            return refuse(Reason::MissingClaim,
                          "The token has no tenant claim " + claimText(mapping.tenant) + ".");
        if (tenant->is_string() && !tenant->get_ref<const std::string &>().empty())
            token.tenant = tenant->get<std::string>();
        else if (tenant->is_number_integer())
            token.tenant = tenant->dump();
        else
            return refuse(Reason::InvalidClaim,
                          "The token's tenant claim " + claimText(mapping.tenant)
                              + " is not a non-empty string or an integer.");
    }
    if (!mapping.roles.empty()) {
        if (const Json *roles = findClaim(claims, mapping.roles);
            roles && !appendList(*roles, token.roles))
            return refuse(Reason::InvalidClaim,
                          "The token's roles claim " + claimText(mapping.roles)
                              + " is neither a string nor an array of strings.");
    }
    for (const std::string &name : mapping.scopes) {
        if (const Json *scopes = findClaim(claims, name);
            scopes && !appendList(*scopes, token.scopes))
            return refuse(Reason::InvalidClaim,
                          "The token's scope claim " + claimText(name)
                              + " is neither a string nor an array of strings.");
    }
    for (const char *name : { "client_id", "azp" }) {
        const auto it = claims.find(name);
        if (it == claims.end())
            continue;
        if (!it->is_string())
            return refuse(Reason::InvalidClaim,
                          std::string("The token's \"") + name + "\" is not a string.");
        token.clientId = it->get<std::string>();
        break;
    }
    if (const auto jti = claims.find("jti"); jti != claims.end()) {
        if (!jti->is_string())
            return refuse(Reason::InvalidClaim, "The token's \"jti\" is not a string.");
        token.jti = jti->get<std::string>();
    }
    return std::nullopt;
}

std::string isoTime(std::int64_t seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate).toStdString();
}

std::string joined(const std::vector<std::string> &items)
{
    std::string out;
    for (const std::string &item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? std::string("none") : out;
}

// What the claims became, for the console's token test (the operator's own token).
std::string describePrincipal(const VerifiedToken &token)
{
    return "User \"" + token.subject + "\""
        + (token.tenant.empty() ? "" : ", tenant \"" + token.tenant + "\"")
        + "; roles: " + joined(token.roles) + "; scopes: " + joined(token.scopes) + ".";
}

// Decodes one segment and parses it as a JSON object.
std::optional<Json> decodeObject(std::string_view segment, std::size_t maxBytes, int depth)
{
    std::string text;
    if (segment.empty() || !crypto::base64UrlDecode(segment, text))
        return std::nullopt;
    JsonLimits limits;
    limits.maxBytes = maxBytes;
    limits.maxDepth = depth;
    auto json = StrictJson::parse(text, limits);
    if (!json || !json->is_object())
        return std::nullopt;
    return std::move(*json);
}

} // namespace

JwtValidator::JwtValidator(JwtRules rules, std::shared_ptr<const SecretValue> hs256Secret)
    : m_rules(std::move(rules))
    , m_secret(std::move(hs256Secret))
{
    m_rules.leewaySeconds = std::clamp<std::int64_t>(m_rules.leewaySeconds, 0, kMaxLeewaySeconds);
    for (const std::string &type : m_rules.tokenTypes)
        m_types.push_back(normaliseType(type));
    if (m_secret && m_secret->isEmpty())
        m_secret.reset();
}

Status JwtValidator::checkHs256Secret(const SecretValue &secret)
{
    if (secret.size() < kMinHs256SecretBytes)
        return Error(ErrorCode::ConfigInvalid,
                     "the HS256 shared secret has " + std::to_string(secret.size())
                         + " bytes; at least " + std::to_string(kMinHs256SecretBytes)
                         + " random bytes are required (RFC 7518 section 3.2): make a new one, "
                           "for example with `openssl rand -base64 48`");
    return {};
}

bool JwtValidator::accepts(JwsAlgorithm algorithm) const
{
    if (algorithm == JwsAlgorithm::HS256 && !m_secret)
        return false;
    return std::find(m_rules.algorithms.begin(), m_rules.algorithms.end(), algorithm)
        != m_rules.algorithms.end();
}

TokenResult JwtValidator::validate(std::string_view token, const KeySet *keys,
                                   std::int64_t now) const
{
    return run(token, keys, now, nullptr);
}

TokenDiagnosis JwtValidator::diagnose(std::string_view token, const KeySet *keys,
                                      std::int64_t now) const
{
    TokenDiagnosis diagnosis;
    std::vector<TokenCheck> recorded;
    TokenResult result = run(token, keys, now, &recorded);
    for (const TokenCheck::Step step : TokenCheck::allSteps()) {
        const auto it =
            std::find_if(recorded.begin(), recorded.end(),
                         [step](const TokenCheck &check) { return check.step == step; });
        diagnosis.checks.push_back(it != recorded.end()
                                       ? *it
                                       : TokenCheck { step, TokenCheck::Outcome::NotChecked,
                                                      "Not checked: an earlier check failed." });
    }
    if (result)
        diagnosis.token = result.takeToken();
    else
        diagnosis.error = result.error();
    return diagnosis;
}

TokenResult JwtValidator::run(std::string_view token, const KeySet *keys, std::int64_t now,
                              std::vector<TokenCheck> *trace) const
{
    using Step = TokenCheck::Step;
    // diagnose() records every step; validate() passes no trace and records nothing.
    // The detail is built only when recorded: validate() is on every request's path.
    const auto pass = [trace](Step step, const auto &detail) {
        if (trace)
            trace->push_back({ step, TokenCheck::Outcome::Passed, std::string(detail()) });
    };
    const auto fail = [trace](Step step, TokenError error) {
        if (trace) {
            std::erase_if(*trace, [step](const TokenCheck &check) { return check.step == step; });
            trace->push_back({ step, TokenCheck::Outcome::Failed, error.description });
        }
        return error;
    };

    // 1. Size, before anything is decoded.
    if (token.size() > m_rules.maxTokenBytes)
        return fail(Step::Size,
                    refuse(Reason::TooLarge,
                           "The token is longer than the " + std::to_string(m_rules.maxTokenBytes)
                               + " bytes this server accepts."));
    pass(Step::Size, [&] {
        return std::to_string(token.size()) + " bytes, within the limit of "
            + std::to_string(m_rules.maxTokenBytes) + ".";
    });

    // 2. Exactly three segments: header.payload.signature (a JWE has five, and is refused).
    const std::size_t firstDot = token.find('.');
    const std::size_t lastDot = token.rfind('.');
    if (firstDot == std::string_view::npos || firstDot == lastDot
        || token.find('.', firstDot + 1) != lastDot)
        return fail(Step::Format,
                    refuse(Reason::Malformed,
                           "The token is not a signed JWT in compact form "
                           "(three dot-separated parts)."));
    const std::string_view headerSegment = token.substr(0, firstDot);
    const std::string_view payloadSegment = token.substr(firstDot + 1, lastDot - firstDot - 1);
    const std::string_view signatureSegment = token.substr(lastDot + 1);
    const std::string_view signingInput = token.substr(0, lastDot);

    // 3. The header: strict base64url, strict JSON, then what it asks for.
    const auto header = decodeObject(headerSegment, token.size(), kHeaderDepth);
    if (!header)
        return fail(Step::Format,
                    refuse(Reason::Malformed,
                           "The token header is not base64url-encoded JSON object text."));
    pass(Step::Format, [&] { return "Three base64url parts; the header is a JSON object."; });
    if (auto problem = checkHeader(*header, m_types)) {
        const Step step = problem->reason == Reason::WrongType ? Step::Type
            : problem->reason == Reason::AlgorithmNotAllowed   ? Step::Algorithm
                                                               : Step::Header;
        if (step != Step::Header)
            pass(Step::Header, [] { return kHeaderPassed; });
        return fail(step, std::move(*problem));
    }
    pass(Step::Header, [] { return kHeaderPassed; });
    pass(Step::Type, [&] {
        return "\"typ\" is \"" + header->at("typ").get<std::string>() + "\", an access token.";
    });
    const std::string &algName = header->at("alg").get_ref<const std::string &>();
    const auto algorithm = algorithmFromName(algName);
    if (!algorithm || !accepts(*algorithm))
        return fail(Step::Algorithm,
                    refuse(Reason::AlgorithmNotAllowed,
                           "The token's signing algorithm is not accepted by this server."));
    pass(Step::Algorithm, [&] {
        return "\"alg\" is " + std::string(algorithmName(*algorithm)) + ", an accepted algorithm.";
    });
    std::string kid;
    if (const auto it = header->find("kid"); it != header->end())
        kid = it->get<std::string>();

    // 4. The key: the configured shared secret for HS256, otherwise one key of the set, and
    // the token's alg must be the one that key is pinned to.
    const Jwk *key = nullptr;
    if (*algorithm != JwsAlgorithm::HS256) {
        if (!keys || keys->isEmpty())
            return fail(Step::Key,
                        refuse(Reason::KeysUnavailable,
                               "The authorization server's signing "
                               "keys are not available right now."));
        if (!kid.empty()) {
            key = keys->find(kid);
            if (!key) {
                TokenError error = refuse(
                    Reason::UnknownKey,
                    "The token names a signing key the authorization server does not publish.");
                error.keyId = kid;
                return fail(Step::Key, std::move(error));
            }
        } else {
            key = keys->soleKeyFor(*algorithm);
            if (!key)
                return fail(Step::Key,
                            refuse(Reason::UnknownKey,
                                   "The token names no key (\"kid\") and the key set does not hold "
                                   "exactly one key for its algorithm."));
        }
        if (key->algorithm() != *algorithm)
            return fail(Step::Key,
                        refuse(Reason::KeyAlgorithmMismatch,
                               "The token's algorithm is not the "
                               "one its signing key is meant for."));
        pass(Step::Key, [&] {
            return "Key "
                + (key->kid().empty() ? std::string("without kid") : "\"" + key->kid() + "\"")
                + " (" + std::string(key->keyTypeName()) + ", thumbprint " + key->thumbprint()
                + ") from the issuer's key set.";
        });
    } else {
        pass(Step::Key, [&] { return "The configured HS256 shared secret."; });
    }

    // 5. The signature, over the first two segments exactly as received.
    if (signatureSegment.empty())
        return fail(Step::Signature,
                    refuse(Reason::BadSignature, "The token's signature is empty."));
    std::string signature;
    if (!crypto::base64UrlDecode(signatureSegment, signature))
        return fail(Step::Signature,
                    refuse(Reason::Malformed, "The token's signature is not valid base64url."));
    bool verified = false;
    if (key) {
        verified = key->verify(signingInput, signature);
    } else {
        verified = crypto::constantTimeEqual(crypto::hmacSha256(m_secret->view(), signingInput),
                                             signature);
    }
    if (!verified)
        return fail(Step::Signature,
                    refuse(Reason::BadSignature, "The token's signature does not verify."));
    pass(Step::Signature, [&] { return "The signature verifies."; });

    // 6. The claims, only now that they are known to come from the issuer. validate() stops
    // at the first failing claim; diagnose() checks each of them.
    auto claims = decodeObject(payloadSegment, token.size(), kClaimsDepth);
    if (!claims)
        return fail(Step::Format,
                    refuse(Reason::Malformed,
                           "The token's claims are not base64url-encoded JSON object text."));
    VerifiedToken verifiedToken;
    std::optional<TokenError> first;
    const auto claim = [&](Step step, std::optional<TokenError> problem, const auto &passed) {
        if (!problem) {
            pass(step, passed);
            return true;
        }
        fail(step, *problem);
        if (!first)
            first = std::move(problem);
        return trace != nullptr;
    };
    const std::int64_t leeway = m_rules.leewaySeconds;
    if (!claim(Step::Expiry, checkExpiry(*claims, now, leeway, verifiedToken),
               [&] { return "Expires at " + isoTime(verifiedToken.expiresAt) + "."; }))
        return std::move(*first);
    if (!claim(Step::NotBefore, checkNotBefore(*claims, now, leeway), [&] {
            return std::string(claims->contains("nbf") ? "Valid already." : "No \"nbf\" claim.");
        }))
        return std::move(*first);
    if (!claim(Step::IssuedAt, checkIssuedAt(*claims, now, leeway, verifiedToken), [&] {
            return verifiedToken.issuedAt ? "Issued at " + isoTime(*verifiedToken.issuedAt) + "."
                                          : std::string("No \"iat\" claim.");
        }))
        return std::move(*first);
    if (!claim(Step::Issuer, checkIssuer(*claims, m_rules, verifiedToken),
               [&] { return "Issued by " + m_rules.issuer + "."; }))
        return std::move(*first);
    if (!claim(Step::Audience, checkAudience(*claims, m_rules),
               [&] { return "Issued for " + m_rules.audience + "."; }))
        return std::move(*first);
    if (!claim(Step::Principal, mapPrincipal(*claims, m_rules.claims, verifiedToken),
               [&] { return describePrincipal(verifiedToken); }))
        return std::move(*first);
    if (first)
        return std::move(*first);
    verifiedToken.algorithm = *algorithm;
    verifiedToken.keyId = std::move(kid);
    verifiedToken.claims = std::move(*claims);
    return verifiedToken;
}

} // namespace warden::auth
