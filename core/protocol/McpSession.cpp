#include "McpSession.h"

#include "audit/ArgumentSanitizer.h"
#include "audit/AuditLog.h"
#include "crypto/Crypto.h"

#include "CallGate.h"
#include "McpServer.h"
#include "Outbound.h"
#include "PromptCatalog.h"
#include "RequestContext.h"
#include "ResourceCatalog.h"
#include "SessionLink.h"
#include "common/StrictJson.h"
#include "tools/ToolRegistry.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden {
namespace {

// A JSON-RPC error to return from a synchronous handler.
struct RpcFailure
{
    int code;
    std::string message;
    Json data;
};

std::string stringParam(const Json &params, const char *key)
{
    const auto it = params.find(key);
    return it != params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

McpSession::McpSession(McpServer &server, QString transport, Principal principal, std::string id,
                       QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_transport(std::move(transport))
    , m_principal(std::move(principal))
    , m_id(std::move(id))
    // The session id is a capability over HTTP: the trail keeps a fingerprint that links a
    // session's records without being usable to join the session.
    , m_auditSession(crypto::toHex(crypto::sha256("warden-session\n" + m_id)).substr(0, 16))
    , m_link(std::make_shared<SessionLink>(this, this))
    , m_lastActivity(std::chrono::steady_clock::now())
{
}

McpSession::~McpSession()
{
    m_link->clear();
    close();
}

const std::vector<std::string> &McpSession::supportedVersions()
{
    static const std::vector<std::string> versions{"2025-11-25", "2025-06-18", "2025-03-26"};
    return versions;
}

const std::string &McpSession::latestVersion()
{
    return supportedVersions().front();
}

std::string McpSession::idKey(const Json &id)
{
    // "s:" and "n:" keep the string "1" and the number 1 apart.
    return id.is_string() ? "s:" + id.get<std::string>() : "n:" + id.dump();
}

void McpSession::setStandalone(std::shared_ptr<Outbound> channel)
{
    if (m_standalone && m_standalone != channel)
        m_standalone->abandon();
    m_standalone = std::move(channel);
}

bool McpSession::hasStandalone() const
{
    return m_standalone && m_standalone->isOpen();
}

void McpSession::notify(const std::string &method, Json params)
{
    if (hasStandalone())
        m_standalone->send(rpc::makeNotification(method, std::move(params)));
}

void McpSession::close()
{
    if (m_closed)
        return;
    m_closed = true;
    auto inFlight = std::move(m_inFlight);
    m_inFlight.clear();
    for (auto &[key, ctx] : inFlight) {
        ctx->markDelivered();
        ctx->cancel();
        if (ctx->outbound())
            ctx->outbound()->abandon();
    }
    auto pending = std::move(m_pendingClient);
    m_pendingClient.clear();
    const Json closed = {{"code", rpc::ConnectionClosed}, {"message", "the session ended"}};
    for (auto &[key, p] : pending)
        if (p.reply)
            p.reply(nullptr, closed);
    if (m_standalone) {
        m_standalone->abandon();
        m_standalone.reset();
    }
}

void McpSession::handle(rpc::Message message, std::shared_ptr<Outbound> out)
{
    m_lastActivity = std::chrono::steady_clock::now();
    switch (message.kind) {
    case rpc::Message::Kind::Request:
        if (m_closed) {
            if (out)
                out->finish(rpc::makeError(message.id, rpc::ConnectionClosed, "the session has ended; initialize a new one"));
            return;
        }
        handleRequest(std::move(message), std::move(out));
        return;
    case rpc::Message::Kind::Notification:
        if (!m_closed)
            handleNotification(message);
        return;
    case rpc::Message::Kind::Response:
        if (!m_closed)
            handleResponse(message);
        return;
    }
}

void McpSession::answer(const std::shared_ptr<Outbound> &out, const rpc::Message &request, const Json &response,
                        const std::string &outcome, std::chrono::steady_clock::time_point started,
                        const CallRefusal *refusal)
{
    if (out) {
        if (refusal)
            out->refuse(response, *refusal);
        else
            out->finish(response);
    }
    const bool isError = outcome != "ok";
    m_server.countRequest(isError);
    RequestEvent ev;
    ev.time = QDateTime::currentDateTimeUtc();
    ev.transport = m_transport;
    ev.method = QString::fromStdString(request.method);
    ev.outcome = QString::fromStdString(outcome);
    ev.durationUs = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    if (request.params.is_object()) {
        const std::string target = request.method == "resources/read" ? stringParam(request.params, "uri")
                                                                       : stringParam(request.params, "name");
        ev.target = QString::fromStdString(target);
    }
    Q_EMIT requestCompleted(ev);
    Q_EMIT m_server.requestCompleted(ev);
}

void McpSession::handleRequest(rpc::Message m, std::shared_ptr<Outbound> out)
{
    const auto started = std::chrono::steady_clock::now();
    const std::string &method = m.method;
    auto fail = [&](int code, const std::string &msg, Json data = nullptr) {
        answer(out, m, rpc::makeError(m.id, code, msg, std::move(data)), "rpc " + std::to_string(code), started);
    };

    if (method == "ping") {
        answer(out, m, rpc::makeResult(m.id, Json::object()), "ok", started);
        return;
    }
    if (method == "initialize") {
        if (m_initialized) {
            fail(rpc::InvalidRequest, "the session is already initialized");
            return;
        }
        bool ok = true;
        Json result = onInitialize(m.params.is_object() ? m.params : Json::object(), ok);
        if (!ok) {
            fail(result.value("code", int(rpc::InvalidParams)), result.value("message", std::string()), result.value("data", Json()));
            return;
        }
        answer(out, m, rpc::makeResult(m.id, std::move(result)), "ok", started);
        return;
    }
    if (!m_initialized) {
        fail(rpc::InvalidRequest, "the session is not initialized: send \"initialize\" first");
        return;
    }
    const std::string key = idKey(m.id);
    if (m_inFlight.count(key)) {
        fail(rpc::InvalidRequest, "request id " + m.id.dump() + " is already in use by a request in flight");
        return;
    }

    // Scopes and rate limits, before anything runs or is recorded as a call.
    std::shared_ptr<void> ticket;
    if (CallGate *gate = m_server.gate()) {
        auto admission = gate->admit(m_principal, method, method == "tools/call" ? stringParam(m.params, "name") : "");
        if (admission.refusal) {
            refuse(out, m, *admission.refusal, started);
            return;
        }
        ticket = std::move(admission.ticket);
    }

    // The calls the audit trail records: each runs only once its request record is durable.
    if (method == "tools/call" || method == "resources/read" || method == "prompts/get") {
        auto ctx = std::make_shared<RequestContext>(m_link, m, out, m_principal, m_protocolVersion);
        ctx->holdTicket(std::move(ticket));
        m_inFlight.emplace(key, ctx);
        startAudited(ctx, method == "tools/call" ? &McpSession::onToolsCall : &McpSession::runSimpleCall);
        return;
    }

    using Handler = Json (McpSession::*)(const Json &, bool &);
    static const std::map<std::string, Handler> handlers{
        {"tools/list", &McpSession::onToolsList},
        {"resources/list", &McpSession::onResourcesList},
        {"resources/templates/list", &McpSession::onResourceTemplatesList},
        {"prompts/list", &McpSession::onPromptsList},
        {"completion/complete", &McpSession::onComplete},
        {"logging/setLevel", &McpSession::onSetLevel},
    };
    const Json params = m.params.is_object() ? m.params : Json::object();
    bool ok = true;
    Json result;
    if (method == "resources/subscribe" || method == "resources/unsubscribe") {
        result = onSubscribe(params, method == "resources/subscribe", ok);
    } else {
        const auto h = handlers.find(method);
        if (h == handlers.end()) {
            fail(rpc::MethodNotFound, "Method not found: " + method);
            return;
        }
        try {
            result = (this->*(h->second))(params, ok);
        } catch (const std::exception &e) {
            spdlog::error("internal error in {}: {}", method, e.what());
            fail(rpc::InternalError, "internal error");
            return;
        }
    }
    if (!ok) {
        fail(result.value("code", int(rpc::InvalidParams)), result.value("message", std::string()), result.value("data", Json()));
        return;
    }
    answer(out, m, rpc::makeResult(m.id, std::move(result)), "ok", started);
}

void McpSession::refuse(const std::shared_ptr<Outbound> &out, const rpc::Message &request, const CallRefusal &refusal,
                        std::chrono::steady_clock::time_point started)
{
    const std::string code(errorCodeName(refusal.code));
    Error error(refusal.code, refusal.message, refusal.hints, refusal.details);
    Json response;
    if (request.method == "tools/call") {
        Json result = toolschema::errorResult(error);
        if (m_protocolVersion < "2025-06-18")
            result.erase("structuredContent");
        response = rpc::makeResult(request.id, std::move(result));
    } else {
        Json data = refusal.details;
        data["code"] = code;
        response = rpc::makeError(request.id, rpc::ConnectionClosed, refusal.message, std::move(data));
    }
    if (const auto log = m_server.auditLog()) {
        // Recorded without waiting: nothing ran and nothing is released but the refusal.
        Json record = auditBase(request);
        record["kind"] = std::string(audit::kind::Denial);
        record["outcome"] = "error";
        record["error_code"] = code;
        record["details"] = refusal.details;
        log->append(std::move(record), [code](const Result<std::int64_t> &r) {
            if (!r)
                spdlog::error("audit: a {} refusal could not be recorded: {}", code, r.error().message);
        });
    }
    answer(out, request, response, code, started, &refusal);
}

static Json rpcFailure(int code, std::string message, Json data = nullptr)
{
    Json j = Json::object();
    j["code"] = code;
    j["message"] = std::move(message);
    if (!data.is_null())
        j["data"] = std::move(data);
    return j;
}

Json McpSession::onInitialize(const Json &params, bool &ok)
{
    const auto pv = params.find("protocolVersion");
    if (pv == params.end() || !pv->is_string()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "initialize needs \"protocolVersion\" (a string such as \"" + latestVersion() + "\")",
                          Json{{"supported", supportedVersions()}});
    }
    const auto caps = params.find("capabilities");
    if (caps != params.end() && !caps->is_object()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "\"capabilities\" must be an object");
    }
    const auto info = params.find("clientInfo");
    if (info != params.end() && (!info->is_object() || (info->contains("name") && !(*info)["name"].is_string()))) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "\"clientInfo\" must be an object with a string \"name\"");
    }
    const std::string requested = pv->get<std::string>();
    const auto &versions = supportedVersions();
    m_protocolVersion = std::find(versions.begin(), versions.end(), requested) != versions.end() ? requested : latestVersion();
    m_clientCapabilities = caps != params.end() ? *caps : Json::object();
    m_clientInfo = info != params.end() ? *info : Json::object();
    m_initialized = true;

    Json result = Json::object();
    result["protocolVersion"] = m_protocolVersion;
    result["capabilities"] = m_server.capabilities();
    result["serverInfo"] = m_server.serverInfo();
    if (!m_server.options().instructions.empty())
        result["instructions"] = m_server.options().instructions;
    return result;
}

Json McpSession::onToolsList(const Json &params, bool &ok)
{
    std::vector<Json> defs;
    for (const auto &t : m_server.tools().all()) {
        Json d = t->definition();
        if (m_protocolVersion < "2025-06-18")
            d.erase("outputSchema");
        defs.push_back(std::move(d));
    }
    Json result = Json::object();
    if (!m_server.paginate(defs, params, "tools", "tools", result)) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "invalid cursor: pass back a nextCursor from this server unchanged");
    }
    return result;
}

namespace {

std::string stringOr(const Json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

Json McpSession::auditBase(const RequestContext &ctx) const
{
    return auditBase(ctx.message());
}

Json McpSession::auditBase(const rpc::Message &request) const
{
    Json base = Json::object();
    base["session"] = m_auditSession;
    base["transport"] = m_transport.toStdString();
    base["client"] = Json{{"name", audit::capString(stringOr(m_clientInfo, "name"), 128)},
                          {"version", audit::capString(stringOr(m_clientInfo, "version"), 64)}};
    Json roles = Json::array();
    for (const auto &r : m_principal.roles)
        roles.push_back(audit::capString(r, 128));
    base["principal"] = Json{{"user", audit::capString(m_principal.userId, 256)},
                             {"tenant", audit::capString(m_principal.tenantId, 256)},
                             {"roles", std::move(roles)},
                             {"auth", m_principal.authMethod}};
    if (!m_principal.impersonatedBy.empty())
        base["impersonated_by"] = Json{{"user", audit::capString(m_principal.impersonatedBy, 256)}, {"auth", "console"}};
    base["method"] = request.method;
    // The JSON-RPC id, as the client sent it: ties a client's log to the trail.
    base["rpc_id"] = audit::capString(request.id.is_string() ? request.id.get<std::string>() : request.id.dump(), 128);
    base["target"] = audit::capString(stringOr(request.params, request.method == "resources/read" ? "uri" : "name"), 256);
    base["policy_version"] = m_server.policyVersion();
    return base;
}

Json McpSession::auditArguments(const RequestContext &ctx, const audit::AuditKeys &keys) const
{
    const Json &params = ctx.params();
    if (ctx.method() == "resources/read")
        return Json::object(); // the uri is the target
    const auto a = params.is_object() ? params.find("arguments") : params.end();
    const Json arguments = a != params.end() ? *a : Json::object();
    if (ctx.method() == "tools/call") {
        Tool *tool = m_server.tools().find(stringOr(params, "name"));
        const Principal principal = m_principal;
        return audit::ArgumentSanitizer::sanitize(
            arguments,
            [&](const std::string &field) { return tool && tool->auditsInClear(arguments, principal, field); }, keys);
    }
    // Prompt arguments name tables and topics, not column values; credentials still hidden.
    return audit::ArgumentSanitizer::sanitize(arguments, [](const std::string &) { return true; }, keys);
}

void McpSession::startAudited(const std::shared_ptr<RequestContext> &ctx, Runner run)
{
    const std::shared_ptr<audit::AuditLog> log = m_server.auditLog();
    if (!log) {
        (this->*run)(ctx);
        return;
    }
    Json base = auditBase(*ctx);
    Json request = base;
    request["kind"] = std::string(audit::kind::Request);
    request["arguments"] = auditArguments(*ctx, log->keys());
    auto link = m_link;
    log->append(std::move(request), [link, ctx, run, log, base = std::move(base)](const Result<std::int64_t> &seq) {
        link->post([ctx, run, log, base, seq](McpSession &s) {
            if (ctx->isCancelled() || ctx->isDelivered())
                return; // cancelled while its record was written: nothing runs
            if (!seq) {
                if (ctx->method() == "tools/call")
                    ctx->respondToolError(Error(ErrorCode::AuditUnavailable, audit::kRefusalForCallers));
                else
                    ctx->respondError(rpc::InternalError, audit::kRefusalForCallers,
                                      Json{{"code", std::string(errorCodeName(ErrorCode::AuditUnavailable))}});
                return;
            }
            ctx->bindAudit(log, base, *seq);
            (s.*run)(ctx);
        });
    });
}

void McpSession::runSimpleCall(const std::shared_ptr<RequestContext> &ctx)
{
    const Json params = ctx->params().is_object() ? ctx->params() : Json::object();
    bool ok = true;
    Json result;
    try {
        result = ctx->method() == "resources/read" ? onResourcesRead(params, ok) : onPromptsGet(params, ok);
    } catch (const std::exception &e) {
        spdlog::error("internal error in {}: {}", ctx->method(), e.what());
        ctx->respondError(rpc::InternalError, "internal error");
        return;
    }
    if (!ok) {
        ctx->respondError(result.value("code", int(rpc::InvalidParams)), result.value("message", std::string()),
                          result.value("data", Json()));
        return;
    }
    ctx->respond(std::move(result));
}

void McpSession::onToolsCall(const std::shared_ptr<RequestContext> &ctx)
{
    const Json &params = ctx->params();
    if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
        ctx->respondError(rpc::InvalidParams, "tools/call needs \"name\" (a string)");
        return;
    }
    const std::string name = params["name"].get<std::string>();
    Json arguments = Json::object();
    if (const auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
        if (!a->is_object()) {
            ctx->respondError(rpc::InvalidParams, "\"arguments\" must be an object");
            return;
        }
        arguments = *a;
    }
    Tool *tool = m_server.tools().find(name);
    if (!tool) {
        ctx->respondError(rpc::InvalidParams, "Unknown tool: " + name, Json{{"name", name}});
        return;
    }
    try {
        tool->call(ctx, arguments);
    } catch (const std::exception &e) {
        // A tool must not throw; if one does, the caller gets a stable code, not the text.
        spdlog::error("tool {} threw: {}", name, e.what());
        ctx->respondToolError(Error(ErrorCode::Internal, "the tool failed unexpectedly; the server log has details"));
    }
}

Json McpSession::onResourcesList(const Json &params, bool &ok)
{
    Json result = Json::object();
    if (!m_server.paginate(m_server.resources().list(m_principal), params, "resources", "resources", result)) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "invalid cursor: pass back a nextCursor from this server unchanged");
    }
    return result;
}

Json McpSession::onResourceTemplatesList(const Json &params, bool &ok)
{
    Json result = Json::object();
    if (!m_server.paginate(m_server.resources().templates(), params, "templates", "resourceTemplates", result)) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "invalid cursor: pass back a nextCursor from this server unchanged");
    }
    return result;
}

Json McpSession::onResourcesRead(const Json &params, bool &ok)
{
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "resources/read needs \"uri\" (a string)");
    }
    auto contents = m_server.resources().read(uri->get<std::string>(), m_principal);
    if (!contents) {
        ok = false;
        return rpcFailure(rpc::ResourceNotFound, "Resource not found", Json{{"uri", *uri}});
    }
    Json result = Json::object();
    result["contents"] = std::move(*contents);
    return result;
}

Json McpSession::onSubscribe(const Json &params, bool subscribe, bool &ok)
{
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "\"uri\" (a string) is required");
    }
    const std::string u = uri->get<std::string>();
    if (subscribe) {
        if (!m_server.resources().read(u, m_principal)) {
            ok = false;
            return rpcFailure(rpc::ResourceNotFound, "Resource not found", Json{{"uri", u}});
        }
        m_subscriptions.insert(u);
    } else {
        m_subscriptions.erase(u);
    }
    return Json::object();
}

Json McpSession::onPromptsList(const Json &params, bool &ok)
{
    Json result = Json::object();
    if (!m_server.paginate(m_server.prompts().list(), params, "prompts", "prompts", result)) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "invalid cursor: pass back a nextCursor from this server unchanged");
    }
    return result;
}

Json McpSession::onPromptsGet(const Json &params, bool &ok)
{
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "prompts/get needs \"name\" (a string)");
    }
    auto r = m_server.prompts().get(name->get<std::string>(), params.value("arguments", Json()), m_principal);
    if (!r) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, r.error().message);
    }
    return std::move(r).value();
}

Json McpSession::onComplete(const Json &params, bool &ok)
{
    const auto ref = params.find("ref");
    const auto arg = params.find("argument");
    if (ref == params.end() || !ref->is_object() || arg == params.end() || !arg->is_object()
        || !arg->contains("name") || !(*arg)["name"].is_string()) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "completion/complete needs \"ref\" and \"argument\" {name, value}");
    }
    const std::string argName = (*arg)["name"].get<std::string>();
    const std::string prefix = arg->contains("value") && (*arg)["value"].is_string() ? (*arg)["value"].get<std::string>() : std::string();
    const std::string type = stringParam(*ref, "type");
    std::optional<std::vector<std::string>> values;
    if (type == "ref/prompt")
        values = m_server.prompts().complete(stringParam(*ref, "name"), argName, prefix, m_principal);
    else if (type == "ref/resource")
        values = m_server.resources().complete(stringParam(*ref, "uri"), argName, prefix, m_principal);
    if (!values) {
        ok = false;
        return rpcFailure(rpc::InvalidParams, "nothing to complete for this \"ref\": name a prompt or a resource template of this server");
    }
    constexpr std::size_t kMax = 100; // the spec caps a completion answer at 100 values
    const std::size_t total = values->size();
    if (values->size() > kMax)
        values->resize(kMax);
    Json completion = Json::object();
    completion["values"] = *values;
    completion["total"] = total;
    completion["hasMore"] = total > kMax;
    return Json{{"completion", completion}};
}

Json McpSession::onSetLevel(const Json &params, bool &ok)
{
    const auto level = params.find("level");
    const auto parsed = level != params.end() && level->is_string() ? parseLogLevel(level->get<std::string>()) : std::nullopt;
    if (!parsed) {
        ok = false;
        return rpcFailure(rpc::InvalidParams,
                          "\"level\" must be one of debug, info, notice, warning, error, critical, alert, emergency");
    }
    m_logLevel = *parsed;
    return Json::object();
}

void McpSession::handleNotification(const rpc::Message &m)
{
    if (m.method == "notifications/cancelled") {
        if (!m.params.is_object() || !m.params.contains("requestId"))
            return; // invalid cancellations are ignored silently (spec)
        const auto it = m_inFlight.find(idKey(m.params["requestId"]));
        if (it == m_inFlight.end())
            return; // unknown or finished: a race the spec tells us to tolerate
        auto ctx = it->second;
        m_inFlight.erase(it);
        ctx->markDelivered();
        ctx->cancel();
        if (ctx->outbound())
            ctx->outbound()->abandon();
        m_server.countRequest(false);
        RequestEvent ev;
        ev.time = QDateTime::currentDateTimeUtc();
        ev.transport = m_transport;
        ev.method = QString::fromStdString(ctx->method());
        ev.outcome = QStringLiteral("cancelled");
        Q_EMIT requestCompleted(ev);
        Q_EMIT m_server.requestCompleted(ev);
        return;
    }
    // notifications/initialized, roots/list_changed, progress from the client: nothing to do.
}

void McpSession::handleResponse(const rpc::Message &m)
{
    const auto it = m_pendingClient.find(idKey(m.id));
    if (it == m_pendingClient.end())
        return;
    auto reply = std::move(it->second.reply);
    m_pendingClient.erase(it);
    if (reply)
        reply(m.result, m.error);
}

void McpSession::deliverResponse(RequestContext &ctx, const Json &response, const std::string &outcome)
{
    ctx.releaseTicket();
    // Usage: every tool call that was let in counts (a budget refusal counted itself).
    if (ctx.method() == "tools/call" && outcome != errorCodeName(ErrorCode::BudgetExceeded))
        if (const auto &record = m_server.usageRecorder()) {
            const Json rows = ctx.auditNote("rows");
            const Json cost = ctx.auditNote("estimated_cost");
            record(ctx.principal(), rows.is_number_integer() ? rows.get<std::int64_t>() : 0,
                   cost.is_number() ? cost.get<double>() : 0.0);
        }
    if (ctx.isDelivered())
        return; // cancelled or the session closed: no response (spec: SHOULD NOT respond)
    ctx.markDelivered();
    m_inFlight.erase(idKey(ctx.id()));
    answer(ctx.outbound(), ctx.message(), response, outcome, ctx.started());
}

void McpSession::deliverRelated(RequestContext &ctx, const Json &message)
{
    if (ctx.isDelivered() || !ctx.outbound() || !ctx.outbound()->isOpen())
        return;
    ctx.outbound()->send(message);
}

void McpSession::sendClientRequest(RequestContext &ctx, const std::string &method, Json params,
                                   std::function<void(const Json &, const Json &)> reply)
{
    if (ctx.isDelivered() || !ctx.outbound() || !ctx.outbound()->isOpen()) {
        if (reply)
            reply(nullptr, Json{{"code", rpc::ConnectionClosed}, {"message", "the request's stream is closed"}});
        return;
    }
    const std::string id = "warden-" + std::to_string(m_nextClientRequestId++);
    m_pendingClient[idKey(Json(id))] = PendingClientRequest{std::move(reply), ctx.weak_from_this()};
    ctx.outbound()->send(rpc::makeRequest(Json(id), method, std::move(params)));
}

} // namespace warden
