#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "policy/Principal.h"
#include "server/ServerInterface.h"

#include <QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace warden {

namespace audit { class AuditLog; }

class CallGate;
class McpSession;
class PromptCatalog;
class ResourceCatalog;
class ToolRegistry;

// The MCP engine shared by every session and transport: server identity, capabilities,
// the tool, resource and prompt catalogues, list pagination, and request counters.
class McpServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::string name = "warden";
        std::string title = "Warden";
        std::string version = WARDEN_VERSION;
        std::string instructions;
        std::size_t pageSize = 50;   // items per tools/list, resources/list ... page
    };

    McpServer(Options options, std::unique_ptr<ToolRegistry> tools,
              std::unique_ptr<ResourceCatalog> resources, std::unique_ptr<PromptCatalog> prompts,
              QObject *parent = nullptr);
    ~McpServer() override;

    const Options &options() const { return m_options; }
    ToolRegistry &tools() { return *m_tools; }
    ResourceCatalog &resources() { return *m_resources; }
    PromptCatalog &prompts() { return *m_prompts; }

    Json capabilities() const;
    Json serverInfo() const;

    std::unique_ptr<McpSession> createSession(const QString &transport, const Principal &principal,
                                              std::string sessionId = {});

    // Opaque, MAC'd list cursors: a client can neither forge nor edit one.
    std::string encodeListCursor(const std::string &list, std::size_t offset) const;
    std::optional<std::size_t> decodeListCursor(const std::string &list, const std::string &cursor) const;
    // Slices `items` per the request's cursor; false if the cursor is invalid.
    bool paginate(const std::vector<Json> &items, const Json &params, const std::string &list,
                  const char *key, Json &result) const;

    // Audit: with a log set, every tools/call, resources/read and prompts/get gets a request
    // record before it runs and an outcome record before its response is released.
    void setAudit(std::shared_ptr<audit::AuditLog> log, std::function<std::string()> policyVersion);
    std::shared_ptr<audit::AuditLog> auditLog() const { return m_audit; }
    std::string policyVersion() const { return m_policyVersion ? m_policyVersion() : std::string(); }

    // Admission before dispatch (scopes, rate limits); none: every request is admitted.
    void setGate(std::shared_ptr<CallGate> gate) { m_gate = std::move(gate); }
    CallGate *gate() const { return m_gate.get(); }
    // Told about every tools/call that ran (rows returned, estimated cost), for usage budgets.
    using UsageRecorder = std::function<void(const Principal &, std::int64_t rows, double cost)>;
    void setUsageRecorder(UsageRecorder recorder) { m_usageRecorder = std::move(recorder); }
    const UsageRecorder &usageRecorder() const { return m_usageRecorder; }

    quint64 requestCount() const { return m_requests.load(); }
    quint64 errorCount() const { return m_errors.load(); }
    void countRequest(bool error);

    // Cryptographically random identifier (session ids and the like): 256 bits, base64url.
    static std::string randomToken();

Q_SIGNALS:
    void requestCompleted(const warden::RequestEvent &event);

private:
    Options m_options;
    std::unique_ptr<ToolRegistry> m_tools;
    std::unique_ptr<ResourceCatalog> m_resources;
    std::unique_ptr<PromptCatalog> m_prompts;
    std::string m_cursorKey;
    std::shared_ptr<audit::AuditLog> m_audit;
    std::function<std::string()> m_policyVersion;
    std::shared_ptr<CallGate> m_gate;
    UsageRecorder m_usageRecorder;
    std::atomic<quint64> m_requests{0};
    std::atomic<quint64> m_errors{0};
};

} // namespace warden
