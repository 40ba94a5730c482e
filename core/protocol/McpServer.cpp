#include "McpServer.h"

#include "audit/AuditLog.h"

#include "McpSession.h"
#include "PromptCatalog.h"
#include "ResourceCatalog.h"
#include "crypto/Crypto.h"
#include "tools/ToolRegistry.h"

namespace warden {

McpServer::McpServer(Options options, std::unique_ptr<ToolRegistry> tools,
                     std::unique_ptr<ResourceCatalog> resources, std::unique_ptr<PromptCatalog> prompts,
                     QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_tools(tools ? std::move(tools) : std::make_unique<ToolRegistry>())
    , m_resources(resources ? std::move(resources) : std::make_unique<ResourceCatalog>())
    , m_prompts(prompts ? std::move(prompts) : std::make_unique<PromptCatalog>())
    , m_cursorKey(crypto::randomBytes(32))
{
}

McpServer::~McpServer() = default;

Json McpServer::capabilities() const
{
    Json caps = Json::object();
    caps["tools"] = Json{{"listChanged", true}};
    caps["resources"] = Json{{"subscribe", true}, {"listChanged", true}};
    caps["prompts"] = Json{{"listChanged", true}};
    caps["logging"] = Json::object();
    caps["completions"] = Json::object();
    return caps;
}

Json McpServer::serverInfo() const
{
    Json info = Json::object();
    info["name"] = m_options.name;
    info["title"] = m_options.title;
    info["version"] = m_options.version;
    return info;
}

std::unique_ptr<McpSession> McpServer::createSession(const QString &transport, const Principal &principal,
                                                     std::string sessionId)
{
    if (sessionId.empty())
        sessionId = randomToken();
    return std::make_unique<McpSession>(*this, transport, principal, std::move(sessionId));
}

std::string McpServer::randomToken()
{
    return crypto::base64UrlEncode(crypto::randomBytes(32));
}

void McpServer::setAudit(std::shared_ptr<audit::AuditLog> log, std::function<std::string()> policyVersion)
{
    m_audit = std::move(log);
    m_policyVersion = std::move(policyVersion);
}

std::string McpServer::encodeListCursor(const std::string &list, std::size_t offset) const
{
    const std::string payload = list + ":" + std::to_string(offset);
    const std::string mac = crypto::hmacSha256(m_cursorKey, payload).substr(0, 16);
    return crypto::base64UrlEncode(payload) + "." + crypto::base64UrlEncode(mac);
}

std::optional<std::size_t> McpServer::decodeListCursor(const std::string &list, const std::string &cursor) const
{
    const auto dot = cursor.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    std::string payload, mac;
    if (!crypto::base64UrlDecode(std::string_view(cursor).substr(0, dot), payload)
        || !crypto::base64UrlDecode(std::string_view(cursor).substr(dot + 1), mac))
        return std::nullopt;
    if (!crypto::constantTimeEqual(mac, crypto::hmacSha256(m_cursorKey, payload).substr(0, 16)))
        return std::nullopt;
    // Base64 leaves unused bits in the last character: only the spelling we issued counts,
    // so an edited cursor is refused even when it decodes to the same bytes.
    if (cursor != crypto::base64UrlEncode(payload) + "." + crypto::base64UrlEncode(mac))
        return std::nullopt;
    const std::string prefix = list + ":";
    if (payload.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    try {
        return static_cast<std::size_t>(std::stoull(payload.substr(prefix.size())));
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

bool McpServer::paginate(const std::vector<Json> &items, const Json &params, const std::string &list,
                         const char *key, Json &result) const
{
    std::size_t offset = 0;
    if (const auto c = params.find("cursor"); c != params.end() && !c->is_null()) {
        if (!c->is_string())
            return false;
        const auto decoded = decodeListCursor(list, c->get<std::string>());
        if (!decoded || *decoded > items.size())
            return false;
        offset = *decoded;
    }
    const std::size_t page = std::max<std::size_t>(1, m_options.pageSize);
    const std::size_t end = std::min(items.size(), offset + page);
    Json arr = Json::array();
    for (std::size_t i = offset; i < end; ++i)
        arr.push_back(items[i]);
    result[key] = std::move(arr);
    if (end < items.size())
        result["nextCursor"] = encodeListCursor(list, end);
    return true;
}

void McpServer::countRequest(bool error)
{
    ++m_requests;
    if (error)
        ++m_errors;
}

} // namespace warden
