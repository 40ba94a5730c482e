#include "CursorCodec.h"

#include "common/StrictJson.h"
#include "crypto/Crypto.h"

#include <openssl/evp.h>

#include <chrono>
#include <memory>

namespace warden {
namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr std::size_t kMaxCursor = 4096;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Error invalidCursor(const std::string &why)
{
    return Error(ErrorCode::InvalidCursor, "the cursor is not valid here: " + why,
                 {"Pass back next_cursor unchanged, with the same query, or start again without a cursor"});
}

} // namespace

CursorCodec::CursorCodec(std::string key, int ttlSeconds)
    : m_key(crypto::sha256(key)) // any secret length → a 256-bit key
    , m_ttlSeconds(ttlSeconds)
{
}

std::string CursorCodec::binding(const std::string &principal, const std::string &tenant, const Json &shape,
                                 const std::string &policyVersion)
{
    const nlohmann::json canonical = nlohmann::json::parse(shape.dump()); // sorted keys
    const std::string material = principal + '\x1f' + tenant + '\x1f' + canonical.dump() + '\x1f' + policyVersion;
    return crypto::toHex(crypto::sha256(material)).substr(0, 32);
}

std::string CursorCodec::encode(const std::string &binding, const Json &position) const
{
    Json payload = Json::object();
    payload["b"] = binding;
    payload["e"] = nowSeconds() + m_ttlSeconds;
    payload["p"] = position;
    const std::string plain = StrictJson::dump(payload);
    const std::string nonce = crypto::randomBytes(kNonce);
    std::string out(kNonce + plain.size() + kTag, '\0');
    std::copy(nonce.begin(), nonce.end(), out.begin());
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0;
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char *>(m_key.data()),
                       reinterpret_cast<const unsigned char *>(nonce.data()));
    EVP_EncryptUpdate(ctx.get(), o + kNonce, &len, reinterpret_cast<const unsigned char *>(plain.data()), int(plain.size()));
    int fin = 0;
    EVP_EncryptFinal_ex(ctx.get(), o + kNonce + len, &fin);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTag), o + kNonce + plain.size());
    return crypto::base64UrlEncode(out);
}

Result<Json> CursorCodec::decode(const std::string &cursor, const std::string &expectedBinding) const
{
    std::string raw;
    if (cursor.size() > kMaxCursor || !crypto::base64UrlDecode(cursor, raw) || raw.size() < kNonce + kTag + 2)
        return invalidCursor("it is not a cursor this server issued");
    const std::size_t n = raw.size() - kNonce - kTag;
    std::string plain(n, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0;
    const auto *r = reinterpret_cast<const unsigned char *>(raw.data());
    EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char *>(m_key.data()), r);
    EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()), &len, r + kNonce, int(n));
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTag), const_cast<unsigned char *>(r + kNonce + n));
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()) + len, &fin) != 1)
        return invalidCursor("it was altered or not issued by this server");
    auto payload = StrictJson::parse(plain);
    if (!payload || !payload->is_object() || !payload->contains("b") || !payload->contains("e") || !payload->contains("p"))
        return invalidCursor("it is malformed");
    if (!(*payload)["b"].is_string() || !crypto::constantTimeEqual((*payload)["b"].get<std::string>(), expectedBinding))
        return invalidCursor("it belongs to another query, caller or policy version");
    if (!(*payload)["e"].is_number_integer() || (*payload)["e"].get<std::int64_t>() < nowSeconds())
        return invalidCursor("it has expired");
    return (*payload)["p"];
}

} // namespace warden
