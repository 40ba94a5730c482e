#include "KeySet.h"

#include "common/StrictJson.h"

#include <algorithm>

namespace warden::auth {
namespace {

constexpr int kMaxDepth = 16; // a JWK Set is three levels deep; x5c adds one

Error setError(std::string message)
{
    return Error(ErrorCode::InvalidArgument, std::move(message));
}

} // namespace

Result<KeySet> KeySet::fromJson(const Json &document)
{
    if (!document.is_object())
        return setError("the JWKS is not a JSON object");
    const auto keys = document.find("keys");
    if (keys == document.end() || !keys->is_array())
        return setError("the JWKS has no \"keys\" array");

    KeySet set;
    for (std::size_t i = 0; i < keys->size(); ++i) {
        const Json &entry = (*keys)[i];
        auto key = Jwk::fromJson(entry);
        if (!key) {
            std::string kid;
            if (entry.is_object() && entry.contains("kid") && entry.at("kid").is_string())
                kid = entry.at("kid").get<std::string>();
            set.m_skipped.push_back({ i, std::move(kid), key.error().message });
            continue;
        }
        if (!key->kid().empty() && set.find(key->kid()))
            return setError("the JWKS has two usable keys with the same \"kid\"; key ids must be "
                            "unique so that a token names exactly one key");
        set.m_keys.push_back(std::move(*key));
    }
    if (set.m_keys.empty()) {
        std::string message = "the JWKS has no usable signing key";
        if (!set.m_skipped.empty())
            message += " (first refusal: " + set.m_skipped.front().reason + ")";
        else
            message += "; the issuer publishes no keys at this URL: check the JWKS URL";
        return setError(std::move(message));
    }
    return set;
}

Result<KeySet> KeySet::parse(std::string_view text, std::size_t maxBytes)
{
    JsonLimits limits;
    limits.maxBytes = maxBytes;
    limits.maxDepth = kMaxDepth;
    auto document = StrictJson::parse(text, limits);
    if (!document)
        return setError("the JWKS is not valid JSON (is the URL the issuer's jwks_uri, not a web "
                        "page or its metadata document?): "
                        + document.error().message);
    return fromJson(*document);
}

const Jwk *KeySet::find(std::string_view kid) const
{
    if (kid.empty())
        return nullptr;
    const auto it = std::find_if(m_keys.begin(), m_keys.end(),
                                 [kid](const Jwk &key) { return key.kid() == kid; });
    return it == m_keys.end() ? nullptr : &*it;
}

const Jwk *KeySet::soleKeyFor(JwsAlgorithm algorithm) const
{
    const Jwk *found = nullptr;
    for (const Jwk &key : m_keys) {
        if (key.algorithm() != algorithm)
            continue;
        if (found)
            return nullptr;
        found = &key;
    }
    return found;
}

std::size_t KeySet::countFor(JwsAlgorithm algorithm) const
{
    return static_cast<std::size_t>(
        std::count_if(m_keys.begin(), m_keys.end(),
                      [algorithm](const Jwk &key) { return key.algorithm() == algorithm; }));
}

} // namespace warden::auth
