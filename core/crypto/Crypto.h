#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::crypto {

// Thin wrappers over OpenSSL 3; nothing here is hand-rolled cryptography.
std::string hmacSha256(std::string_view key, std::string_view data);      // 32 raw bytes
std::string sha256(std::string_view data);                                // 32 raw bytes
std::string randomBytes(std::size_t count);                               // CSPRNG (RAND_bytes)
std::string toHex(std::string_view bytes);
std::string base64UrlEncode(std::string_view bytes);                      // no padding
// Strict: the URL-safe alphabet only, no padding, no whitespace, canonical final bits.
bool base64UrlDecode(std::string_view text, std::string &out);
// scrypt (RFC 7914) through OpenSSL: a deliberately slow, memory-hard hash for stored
// credentials. Throws std::runtime_error when OpenSSL refuses the parameters.
std::string scrypt(std::string_view secret, std::string_view salt, std::uint64_t n, std::uint64_t r,
                   std::uint64_t p, std::size_t length);
// Compares without leaking the position of the first difference through timing.
bool constantTimeEqual(std::string_view a, std::string_view b);

} // namespace warden::crypto
