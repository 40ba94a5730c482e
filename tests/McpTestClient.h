#pragma once

#include "McpHttpRequest.h"
#include "common/Json.h"
#include "common/StrictJson.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace warden::test {

// A minimal MCP client over Streamable HTTP (JSON responses).
class McpClient
{
public:
    explicit McpClient(quint16 port, QByteArray authorization = {})
        : m_url(QStringLiteral("http://127.0.0.1:%1/mcp").arg(port))
        , m_authorization(std::move(authorization))
    {
    }

    // The HTTP status and Retry-After header of the last exchange.
    int lastStatus() const { return m_status; }
    QByteArray lastRetryAfter() const { return m_retryAfter; }

    bool open()
    {
        const Json init = post(Json{{"jsonrpc", "2.0"},
                                    {"id", 0},
                                    {"method", "initialize"},
                                    {"params", Json{{"protocolVersion", "2025-11-25"},
                                                    {"capabilities", Json::object()},
                                                    {"clientInfo", Json{{"name", "TestServer"}, {"version", "1"}}}}}});
        if (!init.contains("result") || m_session.isEmpty())
            return false;
        post(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
        return true;
    }

    // structuredContent of a tool result (an {"error": ...} object for tool errors).
    Json callTool(const std::string &name, const Json &arguments)
    {
        const Json reply = post(Json{{"jsonrpc", "2.0"},
                                     {"id", ++m_id},
                                     {"method", "tools/call"},
                                     {"params", Json{{"name", name}, {"arguments", arguments}}}});
        if (!reply.contains("result"))
            return Json{{"protocol_error", reply}};
        return reply["result"].value("structuredContent", Json::object());
    }

private:
    Json post(const Json &message)
    {
        QNetworkRequest request = test::mcpPostRequest(m_url, m_session);
        if (!m_authorization.isEmpty())
            request.setRawHeader("Authorization", m_authorization);
        QNetworkReply *reply = m_nam.post(request, QByteArray::fromStdString(message.dump()));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        if (m_session.isEmpty())
            m_session = reply->rawHeader("Mcp-Session-Id");
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_retryAfter = reply->rawHeader("Retry-After");
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        auto json = StrictJson::parse(body.toStdString());
        return json ? *json : Json::object();
    }

    QNetworkAccessManager m_nam;
    QUrl m_url;
    QByteArray m_authorization;
    QByteArray m_session;
    int m_id = 0;
    int m_status = 0;
    QByteArray m_retryAfter;
};

} // namespace warden::test
