#pragma once

// Keys, JWKs and signed tokens for the auth tests and jwt_bench, made with the OpenSSL C API
// directly (an implementation independent of core/auth's verification code paths: signing,
// DER to raw ECDSA conversion and JWK export are written here again on purpose).

#include "auth/JwsAlgorithm.h"
#include "common/Json.h"
#include "crypto/Crypto.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace warden::test {

using auth::JwsAlgorithm;

inline void check(bool ok, const char *what)
{
    if (!ok)
        throw std::runtime_error(std::string("OpenSSL test helper failed: ") + what);
}

inline std::string b64(std::string_view bytes)
{
    return crypto::base64UrlEncode(bytes);
}

inline std::string bioText(BIO *bio)
{
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return text;
}

inline std::string bnBytes(const EVP_PKEY *key, const char *param, int pad = 0)
{
    BIGNUM *bn = nullptr;
    check(EVP_PKEY_get_bn_param(key, param, &bn) == 1, param);
    std::string out(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
    if (pad > 0)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), pad);
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}

// A key pair for signing test tokens.
struct TestKey
{
    std::shared_ptr<EVP_PKEY> pkey;
    std::string kid;
    JwsAlgorithm algorithm = JwsAlgorithm::RS256; // what the JWK pins and mint() signs with

    static TestKey generate(const char *type, const char *param, std::string kid,
                            JwsAlgorithm algorithm, std::size_t bits = 0)
    {
        EVP_PKEY *key = bits > 0 ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits)
            : param              ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, param)
                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
        check(key != nullptr, "key generation");
        return TestKey { std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), std::move(kid), algorithm };
    }
    static TestKey rsa(std::string kid, JwsAlgorithm algorithm = JwsAlgorithm::RS256,
                       std::size_t bits = 2048)
    {
        return generate("RSA", nullptr, std::move(kid), algorithm, bits);
    }
    static TestKey ec(std::string kid, const char *curve = "P-256")
    {
        return generate("EC", curve, std::move(kid), JwsAlgorithm::ES256);
    }
    static TestKey ed25519(std::string kid)
    {
        return generate("ED25519", nullptr, std::move(kid), JwsAlgorithm::EdDSA);
    }

    bool isRsa() const { return EVP_PKEY_is_a(pkey.get(), "RSA"); }
    bool isEc() const { return EVP_PKEY_is_a(pkey.get(), "EC"); }

    // The public JWK: kty and key members, plus kid, use "sig" and alg when `withAlg`.
    Json jwk(bool withAlg = true) const
    {
        Json out = Json::object();
        if (isRsa()) {
            out["kty"] = "RSA";
            out["n"] = b64(bnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N));
            out["e"] = b64(bnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E));
        } else if (isEc()) {
            char group[64] = {};
            std::size_t length = 0;
            EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group,
                                           sizeof group, &length);
            const std::string name(group);
            out["kty"] = "EC";
            out["crv"] = name == "prime256v1" ? "P-256" : name == "secp384r1" ? "P-384" : name;
            const int size = name == "secp384r1" ? 48 : 32;
            out["x"] = b64(bnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
            out["y"] = b64(bnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
        } else {
            std::string raw(32, '\0');
            std::size_t length = raw.size();
            check(EVP_PKEY_get_raw_public_key(
                      pkey.get(), reinterpret_cast<unsigned char *>(raw.data()), &length)
                      == 1,
                  "raw public key");
            out["kty"] = "OKP";
            out["crv"] = "Ed25519";
            out["x"] = b64(raw);
        }
        if (!kid.empty())
            out["kid"] = kid;
        out["use"] = "sig";
        if (withAlg)
            out["alg"] = std::string(auth::algorithmName(algorithm));
        return out;
    }

    std::string privatePem() const
    {
        BIO *bio = BIO_new(BIO_s_mem());
        check(PEM_write_bio_PrivateKey(bio, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
              "PEM");
        return bioText(bio);
    }
    std::string publicPem() const
    {
        BIO *bio = BIO_new(BIO_s_mem());
        check(PEM_write_bio_PUBKEY(bio, pkey.get()) == 1, "PEM");
        return bioText(bio);
    }
    std::string publicDer() const
    {
        unsigned char *der = nullptr;
        const int length = i2d_PUBKEY(pkey.get(), &der);
        check(length > 0, "DER");
        std::string out(reinterpret_cast<const char *>(der), static_cast<std::size_t>(length));
        OPENSSL_free(der);
        return out;
    }

    // The raw JWS signature of `input` with `alg`; ES256 as r || s unless `derEcdsa`.
    std::string sign(std::string_view input, JwsAlgorithm alg, bool derEcdsa = false) const
    {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pctx = nullptr;
        const char *md = alg == JwsAlgorithm::EdDSA ? nullptr : "SHA256";
        check(EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey.get(), nullptr) == 1,
              "sign init");
        if (alg == JwsAlgorithm::PS256) {
            check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1, "pss");
            check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1, "salt");
        }
        std::size_t length = 0;
        const auto *data = reinterpret_cast<const unsigned char *>(input.data());
        check(EVP_DigestSign(ctx, nullptr, &length, data, input.size()) == 1, "sign size");
        std::string sig(length, '\0');
        check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &length, data,
                             input.size())
                  == 1,
              "sign");
        sig.resize(length);
        EVP_MD_CTX_free(ctx);
        if (alg != JwsAlgorithm::ES256 || derEcdsa)
            return sig;
        const auto *p = reinterpret_cast<const unsigned char *>(sig.data());
        ECDSA_SIG *ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        check(ecdsa != nullptr, "DER ECDSA");
        std::string raw(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char *>(raw.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char *>(raw.data()) + 32,
                     32);
        ECDSA_SIG_free(ecdsa);
        return raw;
    }
};

// header.payload.signature from two already-encoded segments, signed by `key` with `alg`.
inline std::string signSegments(const std::string &header, const std::string &payload,
                                const TestKey &key, JwsAlgorithm alg, bool derEcdsa = false)
{
    const std::string input = header + "." + payload;
    return input + "." + b64(key.sign(input, alg, derEcdsa));
}

// A token from raw JSON text (so tests can write duplicate members), signed by `key`.
inline std::string signText(const std::string &headerText, const std::string &claimsText,
                            const TestKey &key, JwsAlgorithm alg)
{
    return signSegments(b64(headerText), b64(claimsText), key, alg);
}

inline std::string hs256Segments(const std::string &header, const std::string &payload,
                                 std::string_view secret)
{
    const std::string input = header + "." + payload;
    return input + "." + b64(crypto::hmacSha256(secret, input));
}

inline std::string hs256Text(const std::string &headerText, const std::string &claimsText,
                             std::string_view secret)
{
    return hs256Segments(b64(headerText), b64(claimsText), secret);
}

// The usual header for `key`: its alg and kid, typ at+jwt.
inline Json headerFor(const TestKey &key, JwsAlgorithm alg)
{
    Json header = { { "alg", std::string(auth::algorithmName(alg)) }, { "typ", "at+jwt" } };
    if (!key.kid.empty())
        header["kid"] = key.kid;
    return header;
}

inline std::string mint(const Json &claims, const TestKey &key)
{
    return signText(headerFor(key, key.algorithm).dump(), claims.dump(), key, key.algorithm);
}

inline std::string mint(const Json &header, const Json &claims, const TestKey &key,
                        JwsAlgorithm alg)
{
    return signText(header.dump(), claims.dump(), key, alg);
}

inline Json jwks(std::initializer_list<const TestKey *> keys)
{
    Json set = { { "keys", Json::array() } };
    for (const TestKey *key : keys)
        set["keys"].push_back(key->jwk());
    return set;
}

} // namespace warden::test
