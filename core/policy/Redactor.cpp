#include "Redactor.h"

#include "crypto/Crypto.h"

#include <cctype>

namespace warden {
namespace {

// Counts characters, not bytes, so a multi-byte name is not cut inside a character.
std::vector<std::string> utf8Chars(const std::string &s)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        len = std::min(len, s.size() - i);
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

std::string join(const std::vector<std::string> &chars, std::size_t from, std::size_t to)
{
    std::string out;
    for (std::size_t i = from; i < to && i < chars.size(); ++i)
        out += chars[i];
    return out;
}

std::string stars(std::size_t n)
{
    return std::string(n, '*');
}

std::string maskPartial(const std::string &value)
{
    const auto chars = utf8Chars(value);
    if (chars.size() <= 2)
        return stars(chars.size());
    return chars.front() + stars(chars.size() - 2) + chars.back();
}

std::string maskEmail(const std::string &value)
{
    const auto at = value.rfind('@');
    if (at == std::string::npos || at == 0)
        return maskPartial(value);
    const auto local = utf8Chars(value.substr(0, at));
    return local.front() + "***" + value.substr(at);
}

std::string maskPhone(const std::string &value)
{
    // Keep the last 4 digits; every other digit becomes '*'; separators stay.
    std::size_t digits = 0;
    for (char c : value)
        digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
    if (digits <= 4)
        return stars(value.size());
    std::string out;
    std::size_t seen = 0;
    for (char c : value) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            ++seen;
            out += seen > digits - 4 ? c : '*';
        } else {
            out += c;
        }
    }
    return out;
}

std::string maskCard(const std::string &value)
{
    const auto chars = utf8Chars(value);
    if (chars.size() <= 4)
        return stars(chars.size());
    return stars(chars.size() - 4) + join(chars, chars.size() - 4, chars.size());
}

// "{first2}***{last4}": placeholders take characters from the value; the rest is literal.
// A value too short to reveal what the pattern asks without showing all of it is starred.
std::string maskPattern(const std::string &pattern, const std::string &value)
{
    const auto chars = utf8Chars(value);
    std::string out;
    std::size_t revealed = 0;
    for (std::size_t i = 0; i < pattern.size();) {
        if (pattern[i] == '{') {
            const auto close = pattern.find('}', i);
            if (close != std::string::npos) {
                const std::string token = pattern.substr(i + 1, close - i - 1);
                std::size_t n = 0;
                bool first = token.rfind("first", 0) == 0;
                bool last = token.rfind("last", 0) == 0;
                try {
                    n = first ? std::stoul(token.substr(5)) : last ? std::stoul(token.substr(4)) : 0;
                } catch (const std::exception &) {
                    first = last = false;
                }
                if (first || last) {
                    n = std::min(n, chars.size());
                    out += first ? join(chars, 0, n) : join(chars, chars.size() - n, chars.size());
                    revealed += n;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += pattern[i++];
    }
    if (revealed >= chars.size() && !chars.empty())
        return stars(chars.size());
    return out;
}

} // namespace

std::string Redactor::mask(const MaskSpec &spec, const std::string &value)
{
    switch (spec.kind) {
    case MaskSpec::Kind::Email: return maskEmail(value);
    case MaskSpec::Kind::Phone: return maskPhone(value);
    case MaskSpec::Kind::Partial: return maskPartial(value);
    case MaskSpec::Kind::Card: return maskCard(value);
    case MaskSpec::Kind::Pattern: return maskPattern(spec.pattern, value);
    case MaskSpec::Kind::Full: return "****";
    }
    return "****";
}

std::string Redactor::hash(const std::string &value) const
{
    return "hmac-sha256:" + crypto::toHex(crypto::hmacSha256(m_hashKey, value));
}

Json Redactor::apply(const ColumnView &column, const Json &value) const
{
    if (value.is_null() || column.action == ColumnAction::Allow)
        return value;
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (column.action == ColumnAction::Hash)
        return hash(text);
    return mask(column.mask, text);
}

} // namespace warden
