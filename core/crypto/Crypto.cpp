#include "Crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace warden::crypto {

std::string hmacSha256(std::string_view key, std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char *>(data.data()), data.size(), out, &len))
        throw std::runtime_error("HMAC-SHA256 failed");
    return std::string(reinterpret_cast<const char *>(out), len);
}

std::string sha256(std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr))
        throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<const char *>(out), len);
}

std::string randomBytes(std::size_t count)
{
    std::string out(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(count)) != 1)
        throw std::runtime_error("the system random generator failed");
    return out;
}

std::string scrypt(std::string_view secret, std::string_view salt, std::uint64_t n, std::uint64_t r,
                   std::uint64_t p, std::size_t length)
{
    std::string out(length, '\0');
    // 128·r·N bytes for the main buffer plus room for p blocks; OpenSSL's default cap is 32 MiB.
    const std::uint64_t maxMemory = 128 * r * (n + p + 2) + 1024 * 1024;
    if (EVP_PBE_scrypt(secret.data(), secret.size(), reinterpret_cast<const unsigned char *>(salt.data()), salt.size(),
                       n, r, p, maxMemory, reinterpret_cast<unsigned char *>(out.data()), length)
        != 1)
        throw std::runtime_error("scrypt failed: OpenSSL refused the parameters");
    return out;
}

std::string toHex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string base64UrlEncode(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char &c : out) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return out;
}

bool base64UrlDecode(std::string_view text, std::string &out)
{
    std::string s(text);
    for (char &c : s) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (c == '+' || c == '/' || c == '=')
            return false; // only the URL-safe alphabet without padding is ours
    }
    const std::size_t pad = (4 - s.size() % 4) % 4;
    if (pad == 3)
        return false;
    s.append(pad, '=');
    std::string buf(s.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(buf.data()),
                                  reinterpret_cast<const unsigned char *>(s.data()), static_cast<int>(s.size()));
    if (n < 0)
        return false;
    buf.resize(static_cast<std::size_t>(n) - pad);
    out = std::move(buf);
    return true;
}

bool constantTimeEqual(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace warden::crypto
