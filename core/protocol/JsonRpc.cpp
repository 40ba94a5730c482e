#include "JsonRpc.h"

namespace warden::rpc {
namespace {

bool isValidId(const Json &id)
{
    return id.is_string() || id.is_number_integer();
}

bool fail(Json &errorResponse, const Json &id, int code, std::string_view message)
{
    errorResponse = makeError(id, code, message);
    return false;
}

} // namespace

bool classify(const Json &value, Message &out, Json &errorResponse)
{
    if (value.is_array())
        return fail(errorResponse, nullptr, InvalidRequest,
                    "JSON-RPC batches are not supported; send one message per request");
    if (!value.is_object())
        return fail(errorResponse, nullptr, InvalidRequest, "a JSON-RPC message must be a JSON object");

    // The id, when readable, is echoed in errors about the rest of the envelope.
    Json id = nullptr;
    const auto idIt = value.find("id");
    const bool hasId = idIt != value.end();
    if (hasId && isValidId(*idIt))
        id = *idIt;

    const auto ver = value.find("jsonrpc");
    if (ver == value.end() || !ver->is_string() || *ver != "2.0")
        return fail(errorResponse, id, InvalidRequest, "\"jsonrpc\" must be \"2.0\"");

    if (hasId && !isValidId(*idIt))
        return fail(errorResponse, nullptr, InvalidRequest, "\"id\" must be a string or an integer, never null");

    const auto methodIt = value.find("method");
    if (methodIt != value.end()) {
        if (!methodIt->is_string() || methodIt->get_ref<const std::string &>().empty())
            return fail(errorResponse, id, InvalidRequest, "\"method\" must be a non-empty string");
        for (auto it = value.begin(); it != value.end(); ++it) {
            const std::string &k = it.key();
            if (k != "jsonrpc" && k != "id" && k != "method" && k != "params")
                return fail(errorResponse, id, InvalidRequest,
                            "unknown member \"" + k + "\" in a JSON-RPC request");
        }
        const auto paramsIt = value.find("params");
        if (paramsIt != value.end() && !paramsIt->is_object())
            return fail(errorResponse, id, InvalidRequest, "\"params\" must be an object");
        out.kind = hasId ? Message::Kind::Request : Message::Kind::Notification;
        out.id = id;
        out.method = methodIt->get<std::string>();
        out.params = paramsIt != value.end() ? *paramsIt : Json(nullptr);
        out.result = nullptr;
        out.error = nullptr;
        return true;
    }

    const auto resultIt = value.find("result");
    const auto errorIt = value.find("error");
    if (resultIt != value.end() || errorIt != value.end()) {
        if (!hasId)
            return fail(errorResponse, nullptr, InvalidRequest, "a JSON-RPC response needs an \"id\"");
        if ((resultIt != value.end()) == (errorIt != value.end()))
            return fail(errorResponse, id, InvalidRequest, "a response has exactly one of \"result\" and \"error\"");
        for (auto it = value.begin(); it != value.end(); ++it) {
            const std::string &k = it.key();
            if (k != "jsonrpc" && k != "id" && k != "result" && k != "error")
                return fail(errorResponse, id, InvalidRequest,
                            "unknown member \"" + k + "\" in a JSON-RPC response");
        }
        if (errorIt != value.end()
            && (!errorIt->is_object() || !errorIt->contains("code") || !(*errorIt)["code"].is_number_integer()))
            return fail(errorResponse, id, InvalidRequest, "\"error\" must be an object with an integer \"code\"");
        out.kind = Message::Kind::Response;
        out.id = id;
        out.method.clear();
        out.params = nullptr;
        out.result = resultIt != value.end() ? *resultIt : Json(nullptr);
        out.error = errorIt != value.end() ? *errorIt : Json(nullptr);
        return true;
    }
    return fail(errorResponse, id, InvalidRequest, "a JSON-RPC message needs \"method\", \"result\" or \"error\"");
}

Json makeResult(const Json &id, Json result)
{
    Json j = Json::object();
    j["jsonrpc"] = "2.0";
    j["id"] = id;
    j["result"] = std::move(result);
    return j;
}

Json makeError(const Json &id, int code, std::string_view message, Json data)
{
    Json err = Json::object();
    err["code"] = code;
    err["message"] = std::string(message);
    if (!data.is_null())
        err["data"] = std::move(data);
    Json j = Json::object();
    j["jsonrpc"] = "2.0";
    j["id"] = id;
    j["error"] = std::move(err);
    return j;
}

Json makeNotification(std::string_view method, Json params)
{
    Json j = Json::object();
    j["jsonrpc"] = "2.0";
    j["method"] = std::string(method);
    if (!params.is_null())
        j["params"] = std::move(params);
    return j;
}

Json makeRequest(const Json &id, std::string_view method, Json params)
{
    Json j = Json::object();
    j["jsonrpc"] = "2.0";
    j["id"] = id;
    j["method"] = std::string(method);
    if (!params.is_null())
        j["params"] = std::move(params);
    return j;
}

} // namespace warden::rpc
