#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Small conversions both database drivers share when they turn engine values into JSON.
namespace warden::db::ValueCodec {

// Standard base64 with padding: how blobs and bytea travel in JSON.
std::string base64Encode(const unsigned char *data, std::size_t size);

// Returns `text` unchanged when it is valid UTF-8, otherwise a copy with every invalid byte
// replaced by U+FFFD. SQLite stores whatever bytes it was given, and a JSON serialiser throws
// on invalid UTF-8; one bad row must not fail a whole response.
std::string toValidUtf8(std::string_view text);

// "name" with embedded quotes doubled: an identifier safe in both SQLite and PostgreSQL.
std::string quoteIdentifier(std::string_view name);

} // namespace warden::db::ValueCodec
