#include "ArgumentSanitizer.h"

#include "AuditRecord.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace warden::audit {

namespace {

bool isCredentialKey(std::string key)
{
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static const std::array<const char *, 9> words = { "token", "secret", "password", "passwd", "api_key",
                                                       "apikey", "private_key", "authorization", "cursor" };
    for (const char *w : words)
        if (key.find(w) != std::string::npos)
            return true;
    return false;
}

// Maps an array item by item, keeping at most kMaxArray and noting how many were left out.
template<typename Fn>
Json mapCapped(const Json &array, Fn &&fn)
{
    Json out = Json::array();
    for (const auto &item : array) {
        if (out.size() >= ArgumentSanitizer::kMaxArray) {
            out.push_back("…[" + std::to_string(array.size() - out.size()) + " more]");
            break;
        }
        out.push_back(fn(item));
    }
    return out;
}

struct Walker
{
    const ArgumentSanitizer::ClearField &isClear;
    const AuditKeys &keys;

    Json hidden(const Json &value) const
    {
        if (value.is_array())
            return mapCapped(value, [this](const Json &item) { return hidden(item); });
        if (value.is_object()) {
            Json out = Json::object();
            for (auto it = value.begin(); it != value.end(); ++it)
                out[it.key()] = hidden(it.value());
            return out;
        }
        if (value.is_null())
            return nullptr;
        return ArgumentSanitizer::hmacOf(value, keys);
    }

    Json clear(const Json &value, int depth) const
    {
        if (depth > ArgumentSanitizer::kMaxDepth)
            return "…[nested too deeply]";
        if (value.is_string())
            return capString(value.get_ref<const std::string &>(), ArgumentSanitizer::kMaxString);
        if (value.is_number_float()) // records hold no floats: keep the exact text
            return value.dump();
        if (value.is_array())
            return mapCapped(value, [this, depth](const Json &item) { return clear(item, depth + 1); });
        if (!value.is_object())
            return value;
        // A condition {field, op, value|values}: the values follow the field's column rule.
        const auto field = value.find("field");
        const bool condition = field != value.end() && field->is_string();
        const bool fieldClear = condition && isClear(field->get<std::string>());
        Json out = Json::object();
        for (auto it = value.begin(); it != value.end(); ++it) {
            const std::string &key = it.key();
            if (isCredentialKey(key)) {
                out[key] = hidden(it.value());
            } else if (key == "include") {
                // Included rows come from other tables, whose column rules the hook does not
                // speak for: their values are never kept in clear.
                static const ArgumentSanitizer::ClearField never = [](const std::string &) { return false; };
                out[key] = Walker { never, keys }.clear(it.value(), depth + 1);
            } else if (condition && (key == "value" || key == "values") && !fieldClear) {
                out[key] = hidden(it.value());
            } else if (key == "values" && depth == 0 && it.value().is_object()) {
                // The write tools' {column: value}: each value follows its column's rule.
                Json values = Json::object();
                for (auto v = it.value().begin(); v != it.value().end(); ++v)
                    values[v.key()] = isClear(v.key()) ? clear(v.value(), depth + 2) : hidden(v.value());
                out[key] = std::move(values);
            } else if (key == "id" && depth == 0 && !isClear("id")) { // db_get's key
                out[key] = hidden(it.value());
            } else {
                out[key] = clear(it.value(), depth + 1);
            }
        }
        return out;
    }
};

} // namespace

std::string ArgumentSanitizer::hmacOf(const Json &value, const AuditKeys &keys)
{
    return keys.valueHmac(value.is_string() ? value.get_ref<const std::string &>() : value.dump());
}

Json ArgumentSanitizer::sanitize(const Json &arguments, const ClearField &isClear, const AuditKeys &keys)
{
    return Walker { isClear, keys }.clear(arguments, 0);
}

} // namespace warden::audit
