#pragma once

#include "OAuthService.h"

#include <memory>

namespace warden {

class SecretValue;
class Server;

// OAuthService over the embedded server's live token validator and its JWKS cache (present
// while the server runs with auth.oauth over HTTP), and trials of settings not applied yet on
// a JwksCache / TokenValidator of their own. Owned by Server for its whole life; announces
// activeChanged() as the server starts and stops.
class EmbeddedOAuthService final : public OAuthService
{
    Q_OBJECT
public:
    explicit EmbeddedOAuthService(Server &server, QObject *parent = nullptr);

    bool isActive() const override;
    void fetchKeys(QObject *context, KeysDone done) override;
    void testToken(const QString &token, QObject *context, TokenDone done) override;
    std::optional<auth::OAuthConfig> activeConfig() const override;
    void fetchKeysWith(const OAuthTrial &trial, QObject *context, KeysDone done) override;
    void testTokenWith(const OAuthTrial &trial, const QString &token, QObject *context,
                       TokenDone done) override;

private:
    Error inactive() const;
    using SecretDone = std::function<void(Result<std::shared_ptr<const SecretValue>>)>;
    // The trial's HS256 secret: typed, or read from its reference without blocking.
    void trialSecret(const OAuthTrial &trial, QObject *context, SecretDone done) const;
    // Keeps a trial's object until it is done, or `context` goes (which cancels it).
    void own(QObject *trial, QObject *context);

    Server &m_server;
    bool m_active = false;
};

} // namespace warden
