#include "StrictJson.h"

#include "JsonPointer.h"

#include <memory>
#include <unordered_set>
#include <vector>

namespace warden {
namespace {

// SAX handler that builds the document itself so it can stop at the first duplicate key
// or the first level past the depth cap, before allocating the rest.
class StrictBuilder
{
public:
    using number_integer_t = Json::number_integer_t;
    using number_unsigned_t = Json::number_unsigned_t;
    using number_float_t = Json::number_float_t;
    using string_t = Json::string_t;
    using binary_t = Json::binary_t;

    explicit StrictBuilder(int maxDepth) : m_maxDepth(maxDepth) {}

    bool null() { return put(Json(nullptr)); }
    bool boolean(bool v) { return put(Json(v)); }
    bool number_integer(number_integer_t v) { return put(Json(v)); }
    bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
    bool number_float(number_float_t v, const string_t &) { return put(Json(v)); }
    bool string(string_t &v) { return put(Json(std::move(v))); }
    bool binary(binary_t &) { return fail("binary values are not JSON"); }

    bool start_object(std::size_t)
    {
        if (!enter())
            return false;
        Json *obj = put_container(Json::object());
        if (!obj)
            return false;
        m_stack.push_back({obj, {}, nullptr});
        return true;
    }

    bool key(string_t &k)
    {
        Frame &f = m_stack.back();
        Json &obj = *f.value;
        if (obj.size() >= kLinearLimit && !f.keys) {
            f.keys = std::make_unique<std::unordered_set<std::string>>();
            for (auto it = obj.begin(); it != obj.end(); ++it)
                f.keys->insert(it.key());
        }
        const bool dup = f.keys ? f.keys->count(k) > 0 : obj.contains(k);
        if (dup)
            return fail("duplicate key \"" + k + "\" at " + pointer());
        if (f.keys)
            f.keys->insert(k);
        f.pendingKey = std::move(k);
        return true;
    }

    bool end_object()
    {
        m_stack.pop_back();
        --m_depth;
        return true;
    }

    bool start_array(std::size_t)
    {
        if (!enter())
            return false;
        Json *arr = put_container(Json::array());
        if (!arr)
            return false;
        m_stack.push_back({arr, {}, nullptr});
        return true;
    }

    bool end_array()
    {
        m_stack.pop_back();
        --m_depth;
        return true;
    }

    bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &ex)
    {
        if (m_error.empty()) {
            std::string what = ex.what();
            // nlohmann prefixes "[json.exception.parse_error.101] "; keep the readable part.
            const auto pos = what.find("] ");
            if (pos != std::string::npos)
                what = what.substr(pos + 2);
            m_error = what;
            m_errorPosition = position;
        }
        return false;
    }

    Json takeRoot() { return std::move(m_root); }
    const std::string &error() const { return m_error; }

private:
    struct Frame
    {
        Json *value;
        std::string pendingKey;
        std::unique_ptr<std::unordered_set<std::string>> keys;
    };
    static constexpr std::size_t kLinearLimit = 16;

    bool enter()
    {
        if (++m_depth > m_maxDepth)
            return fail("nesting deeper than " + std::to_string(m_maxDepth) + " levels");
        return true;
    }

    bool fail(std::string message)
    {
        if (m_error.empty())
            m_error = std::move(message);
        return false;
    }

    bool put(Json &&v) { return put_container(std::move(v)) != nullptr; }

    Json *put_container(Json &&v)
    {
        if (m_stack.empty()) {
            m_root = std::move(v);
            return &m_root;
        }
        Frame &f = m_stack.back();
        if (f.value->is_array()) {
            f.value->push_back(std::move(v));
            return &f.value->back();
        }
        Json &slot = (*f.value)[f.pendingKey];
        slot = std::move(v);
        return &slot;
    }

    std::string pointer() const
    {
        std::string p;
        for (std::size_t i = 0; i + 1 < m_stack.size(); ++i) {
            const Frame &f = m_stack[i];
            if (f.value->is_array())
                p += "/" + std::to_string(f.value->size() - 1);
            else
                p = jsonPointerJoin(p, f.pendingKey);
        }
        return p.empty() ? std::string("the top level") : p;
    }

    Json m_root;
    std::vector<Frame> m_stack;
    int m_depth = 0;
    int m_maxDepth;
    std::string m_error;
    std::size_t m_errorPosition = 0;
};

} // namespace

Result<Json> StrictJson::parse(std::string_view text, const JsonLimits &limits)
{
    if (text.size() > limits.maxBytes)
        return Error(ErrorCode::InvalidArgument,
                     "message is " + std::to_string(text.size()) + " bytes; the limit is "
                         + std::to_string(limits.maxBytes));
    StrictBuilder builder(limits.maxDepth);
    bool ok = false;
    try {
        ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json, true);
    } catch (const std::exception &) {
        ok = false; // SAX reports through parse_error; anything else is a malformed document
    }
    if (!ok) {
        std::string msg = builder.error().empty() ? std::string("malformed JSON") : builder.error();
        return Error(ErrorCode::InvalidArgument, msg);
    }
    return builder.takeRoot();
}

std::string StrictJson::dump(const Json &value)
{
    return value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

} // namespace warden
