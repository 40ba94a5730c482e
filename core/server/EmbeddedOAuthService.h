#pragma once

#include "OAuthService.h"

namespace warden {

class Server;

// OAuthService over the embedded server's live token validator and its JWKS cache (present
// while the server runs with auth.oauth over HTTP). Owned by Server for its whole life;
// announces activeChanged() as the server starts and stops.
class EmbeddedOAuthService final : public OAuthService
{
    Q_OBJECT
public:
    explicit EmbeddedOAuthService(Server &server, QObject *parent = nullptr);

    bool isActive() const override;
    void fetchKeys(QObject *context, KeysDone done) override;
    void testToken(const QString &token, QObject *context, TokenDone done) override;

private:
    Error inactive() const;

    Server &m_server;
    bool m_active = false;
};

} // namespace warden
