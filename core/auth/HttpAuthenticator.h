#pragma once

#include "policy/Principal.h"

#include <QByteArray>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace warden::auth {

class ApiKeyVerifier;

// Why an HTTP request was not authenticated, in RFC 6750 terms. Nothing here quotes the
// credential: descriptions are fixed sentences, safe for the caller and the audit trail.
struct AuthFailure
{
    int status = 401;        // 400 invalid_request, 401 (none or invalid_token), 503 busy
    std::string error;       // "invalid_request", "invalid_token", or empty (no credentials sent)
    std::string description; // error_description: what is wrong and what to do
    std::string reason;      // stable name for the audit trail and tests, e.g. "expired"
    std::string scheme;      // what was presented: "none", "bearer-jwt", "api-key", "unsupported"
};

using AuthResult = std::variant<Principal, AuthFailure>;

// Resolves the principal of one HTTP request from its Authorization header (RFC 6750
// section 2.1 only: tokens in the query or body are refused). An API key ("wk_...") goes to
// the key store; any other bearer token to the OAuth token check. With neither credential,
// anonymous callers act as the configured principal, in development mode only.
class HttpAuthenticator : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const AuthResult &)>;
    // Checks a bearer token (OAuth JWT) and calls back, possibly later (JWKS refresh).
    using TokenCheck = std::function<void(const std::string &token, Done done)>;

    struct Options
    {
        std::shared_ptr<ApiKeyVerifier> apiKeys; // null: API keys are off
        TokenCheck tokens;                       // empty: OAuth is off
        bool anonymous = false;                  // development mode, explicitly chosen
        Principal anonymousPrincipal;            // authMethod becomes "anonymous-dev"
    };

    explicit HttpAuthenticator(Options options, QObject *parent = nullptr);

    // Whether callers have to present credentials (false only for anonymous development).
    bool required() const { return !m_options.anonymous; }
    bool oauthEnabled() const { return bool(m_options.tokens); }

    // `authorization` holds every Authorization header the request carried; `queryHasToken`
    // whether its URL carried access_token. Calls `done` on this thread, maybe at once.
    void authenticate(const QList<QByteArray> &authorization, bool queryHasToken, Done done);

    // The identity two requests must share to use one session: who, for which tenant, how.
    static bool sameCaller(const Principal &a, const Principal &b);

private:
    Options m_options;
};

} // namespace warden::auth
