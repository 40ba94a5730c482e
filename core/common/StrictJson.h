#pragma once

#include "Json.h"
#include "Result.h"

#include <cstddef>
#include <string_view>

namespace warden {

// Parses untrusted JSON text: rejects duplicate object keys, nesting deeper than a cap,
// input larger than a cap, invalid UTF-8 and trailing garbage. Duplicate keys are an
// attack on every "check one copy, use the other" boundary, so they never pass.
struct JsonLimits
{
    std::size_t maxBytes = 4 * 1024 * 1024;
    int maxDepth = 64;
};

class StrictJson
{
public:
    // On failure the Error's code is InvalidArgument and its message says what is wrong
    // (for example "duplicate key \"id\" at /params").
    static Result<Json> parse(std::string_view text, const JsonLimits &limits = {});

    // Serialises compactly; invalid UTF-8 in strings is replaced rather than thrown on,
    // so output never contains a raw newline (one message per stdio line holds).
    static std::string dump(const Json &value);
};

} // namespace warden
