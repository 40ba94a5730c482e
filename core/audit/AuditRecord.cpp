#include "AuditRecord.h"

#include "crypto/Crypto.h"

#include <QDateTime>

namespace warden::audit {

namespace {

// nlohmann::json (not ordered_json) keeps object keys in a std::map: bytewise sorted.
using SortedJson = nlohmann::json;

SortedJson sorted(const Json &value)
{
    if (value.is_object()) {
        SortedJson out = SortedJson::object();
        for (auto it = value.begin(); it != value.end(); ++it)
            out[it.key()] = sorted(it.value());
        return out;
    }
    if (value.is_array()) {
        SortedJson out = SortedJson::array();
        for (const auto &item : value)
            out.push_back(sorted(item));
        return out;
    }
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_boolean())
        return value.get<bool>();
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>();
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (value.is_number_float()) // never written by Warden; kept exact rather than dropped
        return std::to_string(value.get<double>());
    return nullptr;
}

} // namespace

std::string AuditRecord::kind() const
{
    return body.value("kind", std::string());
}

std::int64_t AuditRecord::timeMs() const
{
    return body.value("time_ms", std::int64_t(0));
}

std::string canonicalForm(const Json &body)
{
    // dump(): no whitespace, UTF-8 passed through, short escapes and \u00xx in lowercase;
    // error_handler::replace keeps an invalid UTF-8 byte from throwing (U+FFFD instead).
    return sorted(body).dump(-1, ' ', false, SortedJson::error_handler_t::replace);
}

std::string chainInput(std::string_view prevHash, const Json &body)
{
    std::string input = "warden-audit-v1\n";
    input += crypto::toHex(prevHash);
    input += '\n';
    input += canonicalForm(body);
    return input;
}

std::string zeroHash()
{
    return std::string(32, '\0');
}

void stamp(Json &body, const std::string &instance, const std::string &keyId)
{
    const std::int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
    body["v"] = kRecordFormatVersion;
    body["time_ms"] = nowMs;
    body["time"] = formatTime(nowMs);
    body["instance"] = instance;
    body["key_id"] = keyId;
}

std::string formatTime(std::int64_t unixMs)
{
    return QDateTime::fromMSecsSinceEpoch(unixMs, Qt::UTC)
        .toString(Qt::ISODateWithMs)
        .toStdString();
}

std::string capString(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return std::string(text);
    std::size_t cut = maxBytes;
    // Do not split a UTF-8 sequence: back up to the start of the character.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    std::string out(text.substr(0, cut));
    out += "…[truncated " + std::to_string(text.size() - cut) + " bytes]";
    return out;
}

} // namespace warden::audit
