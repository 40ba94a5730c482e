#pragma once

#include "common/Json.h"

#include <string>
#include <string_view>

namespace warden::rpc {

// JSON-RPC 2.0 error codes used by MCP (schema.ts); the numbers are the wire contract.
enum ErrorCodes : int {
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    ResourceNotFound = -32002,
    ConnectionClosed = -32000,
};

// One classified inbound message. `id` is null for notifications.
struct Message
{
    enum class Kind { Request, Notification, Response };
    Kind kind = Kind::Request;
    Json id;          // string or integer
    std::string method;
    Json params;      // object or null (absent)
    Json result;      // Response: result object, or null if `error` is set
    Json error;       // Response: error object, or null
};

// Checks the JSON-RPC envelope strictly (object, "jsonrpc":"2.0", id string|integer,
// params object, no batches, no unknown members). On failure fills `errorResponse` with the
// complete error message to send back (id null when it could not be read) and returns false.
bool classify(const Json &value, Message &out, Json &errorResponse);

Json makeResult(const Json &id, Json result);
Json makeError(const Json &id, int code, std::string_view message, Json data = nullptr);
Json makeNotification(std::string_view method, Json params);
Json makeRequest(const Json &id, std::string_view method, Json params);

} // namespace warden::rpc
