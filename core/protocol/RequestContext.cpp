#include "RequestContext.h"

#include "McpSession.h"
#include "Outbound.h"
#include "SessionLink.h"
#include "audit/AuditLog.h"
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

void RequestContext::noteForAudit(const std::string &key, Json value)
{
    std::lock_guard lock(m_mutex);
    m_auditNotes[key] = std::move(value);
}

void RequestContext::bindAudit(std::shared_ptr<audit::AuditLog> log, Json baseFields, std::int64_t requestSeq)
{
    m_audit = std::move(log);
    m_auditBase = std::move(baseFields);
    m_auditRequestSeq = requestSeq;
}

namespace {

// The error code an outcome record names: the tool's stable code, or the JSON-RPC code.
std::string auditErrorCode(const Json &response, const std::string &outcome)
{
    if (const auto e = response.find("error"); e != response.end() && e->is_object())
        return "RPC_" + std::to_string(e->value("code", 0));
    if (outcome != "ok")
        return outcome;
    const auto result = response.find("result");
    if (result != response.end() && result->value("isError", false)) {
        const Json *structured = result->contains("structuredContent") ? &(*result)["structuredContent"] : nullptr;
        if (structured && structured->contains("error") && (*structured)["error"].contains("code")
            && (*structured)["error"]["code"].is_string())
            return (*structured)["error"]["code"].get<std::string>();
        return "TOOL_ERROR";
    }
    return {};
}

} // namespace

void RequestContext::finish(Json response, std::string outcome)
{
    if (m_finished.exchange(true))
        return;
    auto self = shared_from_this();
    if (!m_audit || m_auditRequestSeq == 0) {
        m_link->post([self, response = std::move(response), outcome = std::move(outcome)](McpSession &s) {
            s.deliverResponse(*self, response, outcome);
        });
        return;
    }
    Json record = m_auditBase;
    record["kind"] = std::string(audit::kind::Outcome);
    record["request_seq"] = m_auditRequestSeq;
    const std::string errorCode = auditErrorCode(response, outcome);
    record["outcome"] = errorCode.empty() ? "ok" : "error";
    if (!errorCode.empty())
        record["error_code"] = errorCode;
    record["duration_us"] = std::int64_t(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - m_started).count());
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_auditNotes.begin(); it != m_auditNotes.end(); ++it)
            record[it.key()] = it.value();
    }
    // The result is released only once its outcome record is durable; otherwise it is
    // withheld and the caller learns why.
    m_audit->append(std::move(record), [self, response = std::move(response), outcome = std::move(outcome)](
                                           const Result<std::int64_t> &committed) mutable {
        if (!committed) {
            if (self->method() == "tools/call") {
                Json result = toolschema::errorResult(Error(ErrorCode::AuditUnavailable, audit::kRefusalForCallers));
                if (self->protocolVersion() < "2025-06-18")
                    result.erase("structuredContent");
                response = rpc::makeResult(self->id(), std::move(result));
            } else {
                response = rpc::makeError(self->id(), rpc::InternalError, audit::kRefusalForCallers,
                                          Json{{"code", std::string(errorCodeName(ErrorCode::AuditUnavailable))}});
            }
            outcome = std::string(errorCodeName(ErrorCode::AuditUnavailable));
        }
        self->m_link->post([self, response = std::move(response), outcome = std::move(outcome)](McpSession &s) {
            s.deliverResponse(*self, response, outcome);
        });
    });
}

Json RequestContext::auditNote(const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_auditNotes.find(key);
    return it == m_auditNotes.end() ? Json() : *it;
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
