#include "RequestContext.h"

#include "McpSession.h"
#include "Outbound.h"
#include "SessionLink.h"
#include "tools/Tool.h"

namespace warden {

RequestContext::RequestContext(std::shared_ptr<SessionLink> link, rpc::Message message,
                               std::shared_ptr<Outbound> out, Principal principal,
                               std::string protocolVersion)
    : m_link(std::move(link))
    , m_protocolVersion(std::move(protocolVersion))
    , m_message(std::move(message))
    , m_out(std::move(out))
    , m_principal(std::move(principal))
    , m_started(std::chrono::steady_clock::now())
{
    if (m_message.params.is_object()) {
        const auto meta = m_message.params.find("_meta");
        if (meta != m_message.params.end() && meta->is_object()) {
            const auto tok = meta->find("progressToken");
            if (tok != meta->end() && (tok->is_string() || tok->is_number_integer()))
                m_progressToken = *tok;
        }
    }
}

void RequestContext::progress(double value, std::optional<double> total, std::string message)
{
    if (m_progressToken.is_null() || isFinished() || isCancelled())
        return;
    {
        // The spec requires progress to increase with every notification.
        std::lock_guard lock(m_mutex);
        if (value <= m_lastProgress)
            return;
        m_lastProgress = value;
    }
    Json params = Json::object();
    params["progressToken"] = m_progressToken;
    params["progress"] = value;
    if (total)
        params["total"] = *total;
    if (!message.empty())
        params["message"] = std::move(message);
    Json note = rpc::makeNotification("notifications/progress", std::move(params));
    auto self = shared_from_this();
    m_link->post([self, note = std::move(note)](McpSession &s) { s.deliverRelated(*self, note); });
}

void RequestContext::log(LogLevel level, std::string logger, Json data)
{
    auto self = shared_from_this();
    m_link->post([self, level, logger = std::move(logger), data = std::move(data)](McpSession &s) mutable {
        if (level < s.logLevel())
            return;
        Json params = Json::object();
        params["level"] = logLevelName(level);
        if (!logger.empty())
            params["logger"] = std::move(logger);
        params["data"] = std::move(data);
        s.deliverRelated(*self, rpc::makeNotification("notifications/message", std::move(params)));
    });
}

void RequestContext::setCancelHandler(std::function<void()> handler)
{
    {
        std::lock_guard lock(m_mutex);
        if (!isCancelled()) {
            m_cancelHandler = std::move(handler);
            return;
        }
    }
    if (handler)
        handler();
}

void RequestContext::cancel()
{
    if (m_cancelled.exchange(true))
        return;
    std::function<void()> handler;
    {
        std::lock_guard lock(m_mutex);
        handler = std::move(m_cancelHandler);
    }
    if (handler)
        handler();
}

void RequestContext::finish(Json response, std::string outcome)
{
    if (m_finished.exchange(true))
        return;
    auto self = shared_from_this();
    m_link->post([self, response = std::move(response), outcome = std::move(outcome)](McpSession &s) {
        s.deliverResponse(*self, response, outcome);
    });
}

void RequestContext::respond(Json result)
{
    finish(rpc::makeResult(m_message.id, std::move(result)), "ok");
}

void RequestContext::respondError(int code, std::string message, Json data)
{
    finish(rpc::makeError(m_message.id, code, message, std::move(data)), "rpc " + std::to_string(code));
}

void RequestContext::respondToolResult(Json structured, std::string text)
{
    Json result = toolschema::successResult(structured, std::move(text));
    // structuredContent arrived with 2025-06-18; older clients get the text block only.
    if (m_protocolVersion < "2025-06-18")
        result.erase("structuredContent");
    finish(rpc::makeResult(m_message.id, std::move(result)), "ok");
}

void RequestContext::respondToolError(const Error &error)
{
    Json result = toolschema::errorResult(error);
    if (m_protocolVersion < "2025-06-18")
        result.erase("structuredContent");
    finish(rpc::makeResult(m_message.id, std::move(result)), std::string(errorCodeName(error.code)));
}

void RequestContext::requestClient(const std::string &method, Json params, ClientReply reply)
{
    auto self = shared_from_this();
    m_link->post([self, method, params = std::move(params), reply = std::move(reply)](McpSession &s) mutable {
        s.sendClientRequest(*self, method, std::move(params), std::move(reply));
    });
}

} // namespace warden
