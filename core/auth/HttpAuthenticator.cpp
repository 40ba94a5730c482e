#include "HttpAuthenticator.h"

#include "ApiKeyStore.h"
#include "ApiKeyVerifier.h"

namespace warden::auth {
namespace {

constexpr qsizetype kMaxCredentialBytes = 16 * 1024;

AuthFailure failure(int status, std::string error, std::string description, std::string reason, std::string scheme)
{
    return AuthFailure { status, std::move(error), std::move(description), std::move(reason), std::move(scheme) };
}

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool isToken68(const QByteArray &text)
{
    qsizetype i = 0;
    const auto isBody = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
            || c == '_' || c == '~' || c == '+' || c == '/';
    };
    while (i < text.size() && isBody(text[i]))
        ++i;
    if (i == 0)
        return false;
    while (i < text.size() && text[i] == '=')
        ++i;
    return i == text.size();
}

} // namespace

HttpAuthenticator::HttpAuthenticator(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_options.anonymousPrincipal.authMethod = "anonymous-dev";
}

bool HttpAuthenticator::sameCaller(const Principal &a, const Principal &b)
{
    return a.userId == b.userId && a.tenantId == b.tenantId && a.authMethod == b.authMethod;
}

void HttpAuthenticator::authenticate(const QList<QByteArray> &authorization, bool queryHasToken, Done done)
{
    if (queryHasToken)
        return done(failure(400, "invalid_request",
                            "send the access token in the Authorization header, never in the URL", "token_in_query",
                            "unsupported"));
    if (authorization.isEmpty()) {
        if (m_options.anonymous)
            return done(m_options.anonymousPrincipal);
        return done(failure(401, "", "authentication required: send Authorization: Bearer <token>", "missing", "none"));
    }
    if (authorization.size() > 1)
        return done(failure(400, "invalid_request", "send exactly one Authorization header", "repeated_header",
                            "unsupported"));
    const QByteArray &header = authorization.front();
    if (header.size() > kMaxCredentialBytes)
        return done(failure(401, "invalid_token", "the credential is too large", "too_large", "unsupported"));
    const qsizetype space = header.indexOf(' ');
    const QByteArray scheme = space < 0 ? header : header.left(space);
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0)
        return done(failure(401, "", "use the Bearer authentication scheme: Authorization: Bearer <token>",
                            "unsupported_scheme", "unsupported"));
    const QByteArray token = header.mid(space + 1);
    if (space < 0 || !isToken68(token))
        return done(failure(400, "invalid_request",
                            "the Authorization header must be \"Bearer\", one space and the token", "malformed_header",
                            "unsupported"));
    const std::string text = token.toStdString();
    if (ApiKeyText::looksLikeKey(text)) {
        if (!m_options.apiKeys)
            return done(failure(401, "invalid_token", "API keys are not accepted by this server", "api_keys_disabled",
                                "api-key"));
        m_options.apiKeys->verify(text, [done](const ApiKeyVerifier::Outcome &outcome) {
            if (const auto *principal = std::get_if<Principal>(&outcome))
                return done(*principal);
            const auto &refusal = std::get<ApiKeyVerifier::Refusal>(outcome);
            const bool busy = refusal.reason == ApiKeyVerifier::Refusal::Reason::Busy;
            done(failure(busy ? 503 : 401, busy ? "" : "invalid_token", refusal.description,
                         std::string(ApiKeyVerifier::reasonName(refusal.reason)), "api-key"));
        });
        return;
    }
    if (!m_options.tokens)
        return done(failure(401, "invalid_token", "this server accepts API keys only; OAuth tokens are not configured",
                            "oauth_disabled", "bearer-jwt"));
    m_options.tokens(text, std::move(done));
}

} // namespace warden::auth
