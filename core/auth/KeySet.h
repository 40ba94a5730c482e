#pragma once

#include "Jwk.h"

#include "common/Json.h"
#include "common/Result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

// A JWK Set document ({"keys": [...]}, RFC 7517 section 5) turned into verification keys.
//
// A key this server cannot use (an encryption key, an unsupported curve, an RSA key under
// 2048 bits, ...) is skipped and the reason kept for the console; the set is refused as a
// whole when it is not a JWK Set, when two usable keys share a "kid" (which one verifies would
// be ambiguous) or when no usable key is left. Immutable once built; share it as
// std::shared_ptr<const KeySet>.
class KeySet
{
public:
    struct SkippedKey
    {
        std::size_t index = 0; // position in "keys"
        std::string kid; // empty when the entry had no string "kid"
        std::string reason; // a sentence, never key material
    };

    KeySet() = default;

    // InvalidArgument with a sentence saying what is wrong with the document.
    static Result<KeySet> fromJson(const Json &document);
    // Strict JSON first (duplicate members, depth, size): the text comes from the network.
    static Result<KeySet> parse(std::string_view text, std::size_t maxBytes = 256 * 1024);

    const std::vector<Jwk> &keys() const { return m_keys; }
    const std::vector<SkippedKey> &skipped() const { return m_skipped; }
    bool isEmpty() const { return m_keys.empty(); }

    // The usable key with this kid, or nullptr.
    const Jwk *find(std::string_view kid) const;
    // For a token without "kid": the key pinned to `algorithm` when exactly one is, else nullptr.
    const Jwk *soleKeyFor(JwsAlgorithm algorithm) const;
    // How many usable keys are pinned to `algorithm`.
    std::size_t countFor(JwsAlgorithm algorithm) const;

private:
    std::vector<Jwk> m_keys;
    std::vector<SkippedKey> m_skipped;
};

} // namespace warden::auth
