#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QUrl>

namespace warden::test {

// A Streamable HTTP POST to an MCP endpoint, as the official clients send it: JSON body,
// both media types accepted, and once the session exists its id and the protocol version.
inline QNetworkRequest mcpPostRequest(const QUrl &url, const QByteArray &session)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json, text/event-stream");
    if (!session.isEmpty()) {
        request.setRawHeader("Mcp-Session-Id", session);
        request.setRawHeader("MCP-Protocol-Version", "2025-11-25");
    }
    return request;
}

} // namespace warden::test
