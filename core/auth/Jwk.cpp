#include "Jwk.h"

#include "crypto/Crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <vector>

// Why OpenSSL EVP and not libjwt (which the project links): libjwt 1.10 has no PS256 and no
// EdDSA, cannot import a JWK, re-reads a PEM key on every verification and parses JSON with a
// parser that keeps one of two duplicate members. Verification is a few EVP calls on a key
// imported once, so it is done here directly; the tests use libjwt as an independent signer
// to prove the two agree (docs/auth.md, "Why OpenSSL").

namespace warden::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192; // verification cost grows with the modulus: bound it
constexpr std::size_t kMaxRsaExponentBytes = 32;
constexpr std::size_t kMaxKidBytes = 256;
constexpr std::size_t kCoordinateBytes = 32; // P-256 coordinates and Ed25519 keys
constexpr std::size_t kEs256SignatureBytes = 64;

// unique_ptr deleters for OpenSSL's *_free functions.
template<auto Free> struct Freer
{
    template<typename T> void operator()(T *object) const { Free(object); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Freer<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Freer<EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Freer<BN_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, Freer<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Freer<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Freer<ECDSA_SIG_free>>;

Error keyError(std::string message)
{
    return Error(ErrorCode::InvalidArgument, std::move(message));
}

const unsigned char *bytes(std::string_view text)
{
    return reinterpret_cast<const unsigned char *>(text.data());
}

// A string member: nullptr when absent, an error when present but not a string.
Result<const std::string *> optionalString(const Json &object, const char *name)
{
    const auto it = object.find(name);
    if (it == object.end())
        return static_cast<const std::string *>(nullptr);
    if (!it->is_string())
        return keyError(std::string("member \"") + name + "\" must be a string");
    return &it->get_ref<const std::string &>();
}

// A required base64url member, decoded.
Result<std::string> base64Member(const Json &object, const char *name)
{
    auto text = optionalString(object, name);
    if (!text)
        return text.takeError();
    if (!*text)
        return keyError(std::string("member \"") + name + "\" is missing");
    std::string decoded;
    if (!crypto::base64UrlDecode(**text, decoded) || decoded.empty())
        return keyError(std::string("member \"") + name
                        + "\" is not valid unpadded base64url (RFC 7515 section 2)");
    return decoded;
}

// Imports OSSL_PARAMs as a public key of `type` ("RSA", "EC", "ED25519"), then runs OpenSSL's
// public key check (RSA: SP 800-56B checks of n and e; EC: the point is on the curve, is not
// the point at infinity and has the group's order).
Result<PkeyPtr> importPublicKey(const char *type, OSSL_PARAM_BLD *builder, const char *what)
{
    ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ERR_clear_error();
        return keyError(std::string(what) + " is not a valid public key");
    }
    PkeyPtr key(raw);
    PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        ERR_clear_error();
        return keyError(std::string(what) + " fails the public key check");
    }
    return key;
}

Result<PkeyPtr> rsaKey(const Json &object, int &bits)
{
    auto n = base64Member(object, "n");
    if (!n)
        return n.takeError();
    auto e = base64Member(object, "e");
    if (!e)
        return e.takeError();
    if (e->size() > kMaxRsaExponentBytes)
        return keyError("the RSA public exponent \"e\" is implausibly large");
    BnPtr modulus(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
    BnPtr exponent(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
    if (!modulus || !exponent)
        return keyError("the RSA key could not be read");
    bits = BN_num_bits(modulus.get());
    if (bits < kMinRsaBits)
        return keyError("the RSA modulus has " + std::to_string(bits) + " bits; at least "
                        + std::to_string(kMinRsaBits) + " are required");
    if (bits > kMaxRsaBits)
        return keyError("the RSA modulus has " + std::to_string(bits) + " bits; at most "
                        + std::to_string(kMaxRsaBits) + " are accepted");
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1)
        return keyError("the RSA key could not be read");
    return importPublicKey("RSA", builder.get(), "the RSA key");
}

Result<PkeyPtr> ecKey(const Json &object, int &bits)
{
    auto crv = optionalString(object, "crv");
    if (!crv)
        return crv.takeError();
    if (!*crv)
        return keyError("member \"crv\" is missing; only P-256 EC keys are accepted");
    if (**crv != "P-256")
        return keyError("EC curve \"" + **crv + "\" is not supported; only P-256 is accepted");
    auto x = base64Member(object, "x");
    if (!x)
        return x.takeError();
    auto y = base64Member(object, "y");
    if (!y)
        return y.takeError();
    if (x->size() != kCoordinateBytes || y->size() != kCoordinateBytes)
        return keyError("P-256 coordinates \"x\" and \"y\" must be 32 bytes each");
    std::string point;
    point.reserve(1 + 2 * kCoordinateBytes);
    point += '\x04'; // uncompressed: 0x04 || x || y
    point += *x;
    point += *y;
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder
        || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                           0)
            != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                            point.size())
            != 1)
        return keyError("the EC key could not be read");
    bits = 256;
    auto key = importPublicKey("EC", builder.get(), "the EC point (x, y)");
    if (!key)
        return keyError("the EC point (x, y) is not a valid point on the P-256 curve");
    return key;
}

Result<PkeyPtr> okpKey(const Json &object, int &bits)
{
    auto crv = optionalString(object, "crv");
    if (!crv)
        return crv.takeError();
    if (!*crv)
        return keyError("member \"crv\" is missing; only Ed25519 OKP keys are accepted");
    if (**crv != "Ed25519")
        return keyError("OKP curve \"" + **crv + "\" is not supported; only Ed25519 is accepted");
    auto x = base64Member(object, "x");
    if (!x)
        return x.takeError();
    if (x->size() != kCoordinateBytes)
        return keyError("an Ed25519 public key \"x\" must be 32 bytes");
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, x->data(),
                                            x->size())
            != 1)
        return keyError("the Ed25519 key could not be read");
    bits = 256;
    return importPublicKey("ED25519", builder.get(), "the Ed25519 key");
}

bool algorithmFits(Jwk::KeyType type, JwsAlgorithm algorithm)
{
    switch (type) {
    case Jwk::KeyType::Rsa:
        return algorithm == JwsAlgorithm::RS256 || algorithm == JwsAlgorithm::PS256;
    case Jwk::KeyType::Ec:
        return algorithm == JwsAlgorithm::ES256;
    case Jwk::KeyType::Okp:
        return algorithm == JwsAlgorithm::EdDSA;
    }
    return false;
}

JwsAlgorithm defaultAlgorithm(Jwk::KeyType type)
{
    switch (type) {
    case Jwk::KeyType::Rsa:
        return JwsAlgorithm::RS256;
    case Jwk::KeyType::Ec:
        return JwsAlgorithm::ES256;
    case Jwk::KeyType::Okp:
        return JwsAlgorithm::EdDSA;
    }
    return JwsAlgorithm::RS256;
}

// The JWS ES256 signature is r || s, 32 bytes each (RFC 7518 section 3.4); OpenSSL wants the
// DER SEQUENCE of two INTEGERs. Anything but exactly 64 bytes, a DER signature included, fails.
bool es256ToDer(std::string_view signature, std::string &der)
{
    if (signature.size() != kEs256SignatureBytes)
        return false;
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BnPtr r(BN_bin2bn(bytes(signature), 32, nullptr));
    BnPtr s(BN_bin2bn(bytes(signature) + 32, 32, nullptr));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return false;
    r.release(); // owned by sig now
    s.release();
    std::array<unsigned char, 80> buffer {}; // DER of two 33-byte INTEGERs is at most 72 bytes
    unsigned char *out = buffer.data();
    const int length = i2d_ECDSA_SIG(sig.get(), &out);
    if (length <= 0 || static_cast<std::size_t>(length) > buffer.size())
        return false;
    der.assign(reinterpret_cast<const char *>(buffer.data()), static_cast<std::size_t>(length));
    return true;
}

} // namespace

Result<Jwk> Jwk::fromJson(const Json &object)
{
    if (!object.is_object())
        return keyError("a key must be a JSON object");

    auto kty = optionalString(object, "kty");
    if (!kty)
        return kty.takeError();
    if (!*kty)
        return keyError("member \"kty\" is missing");
    Jwk jwk;
    if (**kty == "RSA") {
        jwk.m_type = KeyType::Rsa;
    } else if (**kty == "EC") {
        jwk.m_type = KeyType::Ec;
    } else if (**kty == "OKP") {
        jwk.m_type = KeyType::Okp;
    } else if (**kty == "oct") {
        return keyError("symmetric keys (kty \"oct\") are never taken from a JWKS; HS256 needs a "
                        "shared secret configured on the server");
    } else {
        return keyError("key type \"" + **kty
                        + "\" is not supported; use RSA, EC (P-256) or OKP (Ed25519)");
    }

    for (const char *member : { "d", "p", "q", "dp", "dq", "qi", "oth", "k" }) {
        if (object.contains(member))
            return keyError(std::string("the key carries private key material (member \"") + member
                            + "\"); a JWKS must publish public keys only");
    }

    auto kid = optionalString(object, "kid");
    if (!kid)
        return kid.takeError();
    if (*kid) {
        if ((*kid)->empty() || (*kid)->size() > kMaxKidBytes)
            return keyError("member \"kid\" must be 1 to " + std::to_string(kMaxKidBytes)
                            + " bytes long");
        jwk.m_kid = **kid;
    }

    auto use = optionalString(object, "use");
    if (!use)
        return use.takeError();
    if (*use && **use != "sig")
        return keyError("the key's \"use\" is not \"sig\"; only signature keys verify tokens");
    if (*use)
        jwk.m_use = **use;

    if (const auto ops = object.find("key_ops"); ops != object.end()) {
        if (!ops->is_array() || std::none_of(ops->begin(), ops->end(), [](const Json &op) {
                return op.is_string() && op.get_ref<const std::string &>() == "verify";
            }))
            return keyError("the key's \"key_ops\" does not include \"verify\"");
    }

    auto alg = optionalString(object, "alg");
    if (!alg)
        return alg.takeError();
    jwk.m_algorithm = defaultAlgorithm(jwk.m_type);
    if (*alg) {
        const auto algorithm = algorithmFromName(**alg);
        if (!algorithm || *algorithm == JwsAlgorithm::HS256)
            return keyError("algorithm \"" + **alg
                            + "\" is not supported for a JWKS key; use RS256, "
                              "PS256, ES256 or EdDSA");
        if (!algorithmFits(jwk.m_type, *algorithm))
            return keyError("algorithm \"" + **alg + "\" does not fit key type \"" + **kty + "\"");
        jwk.m_algorithm = *algorithm;
    }

    Result<PkeyPtr> key = jwk.m_type == KeyType::Rsa ? rsaKey(object, jwk.m_bits)
        : jwk.m_type == KeyType::Ec                  ? ecKey(object, jwk.m_bits)
                                                     : okpKey(object, jwk.m_bits);
    if (!key)
        return key.takeError();
    jwk.m_key = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
    // RFC 7638: the required public members only, in lexicographic order, no whitespace
    // (Json keeps insertion order, so the members go in sorted; dump() writes no spaces).
    const std::vector<const char *> members = jwk.m_type == KeyType::Rsa
        ? std::vector { "e", "kty", "n" }
        : jwk.m_type == KeyType::Ec ? std::vector { "crv", "kty", "x", "y" }
                                    : std::vector { "crv", "kty", "x" };
    Json required = Json::object();
    for (const char *member : members)
        required[member] = object.at(member);
    jwk.m_thumbprint = crypto::base64UrlEncode(crypto::sha256(required.dump()));
    return jwk;
}

std::string_view Jwk::keyTypeName() const
{
    switch (m_type) {
    case KeyType::Rsa:
        return "RSA";
    case KeyType::Ec:
        return "EC";
    case KeyType::Okp:
        return "OKP";
    }
    return "unknown";
}

bool Jwk::verify(std::string_view signingInput, std::string_view signature) const
{
    std::string der;
    std::string_view checked = signature;
    const char *digest = "SHA256";
    switch (m_algorithm) {
    case JwsAlgorithm::RS256:
    case JwsAlgorithm::PS256:
        if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(m_key.get())))
            return false;
        break;
    case JwsAlgorithm::ES256:
        if (!es256ToDer(signature, der))
            return false;
        checked = der;
        break;
    case JwsAlgorithm::EdDSA:
        digest = nullptr; // Ed25519 hashes internally and is one-shot only
        break;
    case JwsAlgorithm::HS256:
        return false; // never a JWK algorithm (fromJson refuses it)
    }

    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr; // owned by ctx
    bool ok = ctx
        && EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, m_key.get(), nullptr)
            == 1;
    if (ok && m_algorithm == JwsAlgorithm::PS256) {
        // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", nullptr) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    ok = ok
        && EVP_DigestVerify(ctx.get(), bytes(checked), checked.size(), bytes(signingInput),
                            signingInput.size())
            == 1;
    if (!ok)
        ERR_clear_error(); // a failed verification leaves entries on this thread's error queue
    return ok;
}

} // namespace warden::auth
