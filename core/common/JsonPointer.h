#pragma once

#include <string>
#include <string_view>

namespace warden {

// RFC 6901 pointer building, used by every validator that names the offending value.
inline std::string jsonPointerEscape(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

inline std::string jsonPointerJoin(const std::string &base, std::string_view token)
{
    return base + "/" + jsonPointerEscape(token);
}

inline std::string jsonPointerJoin(const std::string &base, std::size_t index)
{
    return base + "/" + std::to_string(index);
}

} // namespace warden
