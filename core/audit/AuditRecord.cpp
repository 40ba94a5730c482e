#include "AuditRecord.h"

#include "crypto/Crypto.h"

#include <QDateTime>

#include <algorithm>
#include <memory>
#include <vector>

namespace warden::audit {

namespace {

using Serializer = nlohmann::detail::serializer<Json>;

// True for keys that JSON writes as they are between quotes (every key Warden itself writes).
bool plainKey(const std::string &key)
{
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
               || c == '-' || c == '.';
    });
}

// Writes `value` canonically through `scalars`, which appends to `out`, without copying it:
// object members in bytewise key order, scalars through nlohmann's serializer (no whitespace,
// UTF-8 kept, short escapes, \u00xx in lowercase; an invalid UTF-8 byte becomes U+FFFD
// instead of throwing). One serializer serves the whole document: dump() would make a
// serializer, an output adapter and a string for every scalar.
void writeCanonical(const Json &value, Serializer &scalars, std::string &out)
{
    if (value.is_object()) {
        std::vector<std::pair<const std::string *, const Json *>> members;
        members.reserve(value.size());
        for (auto it = value.begin(); it != value.end(); ++it)
            members.emplace_back(&it.key(), &it.value());
        std::sort(members.begin(), members.end(), [](const auto &a, const auto &b) { return *a.first < *b.first; });
        out += '{';
        bool first = true;
        for (const auto &[key, member] : members) {
            if (!first)
                out += ',';
            first = false;
            if (plainKey(*key)) {
                out += '"';
                out += *key;
                out += '"';
            } else {
                scalars.dump(Json(*key), false, false, 0);
            }
            out += ':';
            writeCanonical(*member, scalars, out);
        }
        out += '}';
        return;
    }
    if (value.is_array()) {
        out += '[';
        bool first = true;
        for (const auto &item : value) {
            if (!first)
                out += ',';
            first = false;
            writeCanonical(item, scalars, out);
        }
        out += ']';
        return;
    }
    if (value.is_number_float()) { // never written by Warden; kept exact rather than dropped
        scalars.dump(Json(std::to_string(value.get<double>())), false, false, 0);
        return;
    }
    scalars.dump(value, false, false, 0);
}

} // namespace

bool isRecordKind(std::string_view name)
{
    return std::find(std::begin(kind::All), std::end(kind::All), name) != std::end(kind::All);
}

std::string recordKindList()
{
    std::string out;
    for (std::string_view k : kind::All)
        out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
}

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
    std::string out;
    out.reserve(1024);
    Serializer scalars(std::make_shared<nlohmann::detail::output_string_adapter<char, std::string>>(out), ' ',
                       Json::error_handler_t::replace);
    writeCanonical(body, scalars, out);
    return out;
}

std::string chainInput(std::string_view prevHash, const Json &body)
{
    return chainInputOfCanonical(prevHash, canonicalForm(body));
}

std::string chainInputOfCanonical(std::string_view prevHash, std::string_view canonicalBody)
{
    std::string input = "warden-audit-v1\n";
    input.reserve(input.size() + 65 + canonicalBody.size());
    input += crypto::toHex(prevHash);
    input += '\n';
    input += canonicalBody;
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
