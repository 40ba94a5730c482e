#pragma once

#include "JsonRpc.h"
#include "LogLevel.h"
#include "common/Error.h"
#include "common/Json.h"
#include "policy/Principal.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace warden {

namespace audit { class AuditLog; }
class McpSession;
class McpServer;
class Outbound;
class SessionLink;

// One in-flight request. Tools receive it, may hand it to worker threads, and must end it
// with exactly one respond*() call (later calls are ignored). Every method marked
// thread-safe may be called from any thread; the message is delivered on the session's
// thread, in call order, and dropped if the session has gone.
class RequestContext : public std::enable_shared_from_this<RequestContext>
{
public:
    using ClientReply = std::function<void(const Json &result, const Json &error)>;

    RequestContext(std::shared_ptr<SessionLink> link, rpc::Message message,
                   std::shared_ptr<Outbound> out, Principal principal, std::string protocolVersion);

    const Json &id() const { return m_message.id; }
    const std::string &method() const { return m_message.method; }
    const Json &params() const { return m_message.params; }
    const rpc::Message &message() const { return m_message; }
    const Principal &principal() const { return m_principal; }
    std::chrono::steady_clock::time_point started() const { return m_started; }

    // Thread-safe.
    void progress(double value, std::optional<double> total = std::nullopt, std::string message = {});
    void log(LogLevel level, std::string logger, Json data);
    bool isCancelled() const { return m_cancelled.load(std::memory_order_acquire); }
    bool isFinished() const { return m_finished.load(std::memory_order_acquire); }
    // Runs `handler` once when the request is cancelled (at once if it already was).
    void setCancelHandler(std::function<void()> handler);
    void respond(Json result);
    void respondError(int code, std::string message, Json data = nullptr);
    // A tools/call result: {content, structuredContent, isError}.
    void respondToolResult(Json structured, std::string text = {});
    void respondToolError(const Error &error);

    // Thread-safe: adds a field to this call's outcome record (tables, sql_fingerprint,
    // rows, decisions...). Values must hold no secret and no row data.
    void noteForAudit(const std::string &key, Json value);
    // Thread-safe: a field noted so far (null when none).
    Json auditNote(const std::string &key) const;

    // Session thread, before the call runs: its request record is committed as `requestSeq`;
    // the outcome record (base fields + outcome + notes) is committed before the response is
    // released, and if it cannot be, the result is withheld and AUDIT_UNAVAILABLE sent instead.
    void bindAudit(std::shared_ptr<audit::AuditLog> log, Json baseFields, std::int64_t requestSeq);

    // Session thread only: sends a request to the client on this request's stream and calls
    // `reply` with its result or error (or with error -32000 if the session closes first).
    void requestClient(const std::string &method, Json params, ClientReply reply);

    // Session side (session thread).
    // Keeps an admission ticket (a concurrency slot) until the response is delivered.
    void holdTicket(std::shared_ptr<void> ticket) { m_ticket = std::move(ticket); }
    void releaseTicket() { m_ticket.reset(); }
    void cancel();
    void markDelivered() { m_delivered = true; }
    bool isDelivered() const { return m_delivered; }
    const std::string &protocolVersion() const { return m_protocolVersion; }
    const std::shared_ptr<Outbound> &outbound() const { return m_out; }

private:
    void finish(Json response, std::string outcome);

    std::shared_ptr<SessionLink> m_link;
    std::string m_protocolVersion;
    bool m_delivered = false;       // session thread only
    rpc::Message m_message;
    std::shared_ptr<Outbound> m_out;
    Principal m_principal;
    Json m_progressToken;
    std::chrono::steady_clock::time_point m_started;
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_finished{false};
    mutable std::mutex m_mutex;
    std::function<void()> m_cancelHandler;
    double m_lastProgress = -1e300; // guarded by m_mutex
    Json m_auditNotes = Json::object(); // guarded by m_mutex
    std::shared_ptr<audit::AuditLog> m_audit; // set before the call runs, then read-only
    Json m_auditBase;
    std::int64_t m_auditRequestSeq = 0;
    std::shared_ptr<void> m_ticket; // session thread only
};

} // namespace warden
