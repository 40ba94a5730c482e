#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace warden::auth {

// The JWS algorithms Warden verifies (RFC 7518, RFC 8037). Everything else, "none" first of
// all, is refused by name before any key is looked at.
enum class JwsAlgorithm {
    RS256, // RSASSA-PKCS1-v1_5 with SHA-256
    PS256, // RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt
    ES256, // ECDSA on P-256 with SHA-256, signature as raw r || s
    EdDSA, // Ed25519
    HS256, // HMAC-SHA-256 with a configured shared secret, never a key from a JWKS
};

// The registered "alg" name ("RS256", "EdDSA", ...).
std::string_view algorithmName(JwsAlgorithm algorithm);
// Exact, case-sensitive match of a registered name; "none", "rs256" or "HS512" give nothing.
std::optional<JwsAlgorithm> algorithmFromName(std::string_view name);
// RS256, PS256, ES256, EdDSA: what a resource server accepts unless configured otherwise.
const std::vector<JwsAlgorithm> &defaultAlgorithms();
// Every algorithm this module knows, in enum order.
const std::vector<JwsAlgorithm> &allAlgorithms();

} // namespace warden::auth
