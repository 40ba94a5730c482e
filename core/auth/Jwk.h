#pragma once

#include "JwsAlgorithm.h"

#include "common/Json.h"
#include "common/Result.h"

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace warden::auth {

// One public verification key from a JWK (RFC 7517, RFC 7518 section 6, RFC 8037), pinned to
// exactly one JWS algorithm (RFC 8725 section 3.1).
//
// Accepted: kty "RSA" (n, e; modulus 2048 to 8192 bits), "EC" (crv "P-256", x, y of 32 bytes
// each, the point checked to lie on the curve), "OKP" (crv "Ed25519", x of 32 bytes). Refused:
// "oct" (a shared secret is configured on the server, never taken from a JWKS), other key types
// and curves, "use" other than "sig", "key_ops" without "verify", private members (d, p, q, ...)
// and an "alg" that does not fit the key type. The pinned algorithm is the JWK's "alg", or
// RS256 for RSA, ES256 for P-256 and EdDSA for Ed25519 when it has none.
//
// The key is imported once into an OpenSSL EVP_PKEY (EVP_PKEY_fromdata) and shared by every
// copy; it is immutable, so verify() may run on several threads at once and never re-parses.
class Jwk
{
public:
    enum class KeyType { Rsa, Ec, Okp };

    // InvalidArgument with a sentence naming what is wrong with the key. Messages never
    // quote key material.
    static Result<Jwk> fromJson(const Json &object);

    // Empty when the JWK has no "kid".
    const std::string &kid() const { return m_kid; }
    JwsAlgorithm algorithm() const { return m_algorithm; }
    KeyType keyType() const { return m_type; }
    // "RSA", "EC" or "OKP".
    std::string_view keyTypeName() const;
    // Modulus bits for RSA, 256 for P-256 and Ed25519.
    int bits() const { return m_bits; }
    // The JWK's "use" ("sig"), empty when it had none.
    const std::string &use() const { return m_use; }
    // The RFC 7638 JWK thumbprint (SHA-256, base64url): names the key without showing it.
    const std::string &thumbprint() const { return m_thumbprint; }

    // Whether `signature` (the decoded third JWS segment) is this key's signature over
    // `signingInput` (the first two segments with their dot) under the pinned algorithm.
    // ES256 takes the JWS form: exactly 64 bytes, r then s; a DER signature is refused.
    bool verify(std::string_view signingInput, std::string_view signature) const;

private:
    Jwk() = default;

    std::shared_ptr<EVP_PKEY> m_key;
    std::string m_kid;
    std::string m_use;
    std::string m_thumbprint;
    JwsAlgorithm m_algorithm = JwsAlgorithm::RS256;
    KeyType m_type = KeyType::Rsa;
    int m_bits = 0;
};

} // namespace warden::auth
