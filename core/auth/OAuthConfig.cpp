#include "OAuthConfig.h"

#include "common/JsonChecker.h"
#include "common/JsonPointer.h"
#include "secrets/SecretRef.h"

#include <QDir>
#include <QUrl>

#include <algorithm>

namespace warden::auth {
namespace {

using Presence = JsonChecker::Presence;
using Keys = std::vector<std::string_view>;

const Keys kRootKeys = { "issuer",
                         "resource",
                         "jwks_uri",
                         "jwks_ca_file",
                         "algorithms",
                         "token_types",
                         "leeway_seconds",
                         "max_token_bytes",
                         "hs256_secret",
                         "claims",
                         "jwks",
                         "scopes_supported",
                         "authorization_servers" };
const Keys kClaimKeys = { "user", "tenant", "roles", "scopes" };
const Keys kJwksKeys = { "refresh_interval_s", "cooldown_s", "max_staleness_s", "timeout_ms",
                         "max_bytes" };

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxClaimNameBytes = 256;

enum class UrlKind { HttpOrHttps, HttpsOnly };

// An absolute http(s) URL with a host, no user info and no fragment. Returns the problem.
std::optional<std::string> urlProblem(const std::string &text, UrlKind kind)
{
    const QUrl url(QString::fromStdString(text), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.isRelative() || url.host().isEmpty()
        || (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return kind == UrlKind::HttpsOnly ? "must be an absolute https:// URL"
                                          : "must be an absolute http:// or https:// URL";
    if (kind == UrlKind::HttpsOnly && scheme != QLatin1String("https"))
        return std::string(
            "must use https: keys fetched over plain http could be replaced by anyone on "
            "the network path");
    if (!url.userInfo().isEmpty())
        return std::string("must not carry a user name or password");
    if (url.hasFragment())
        return std::string("must not have a fragment (#...)");
    return std::nullopt;
}

class Reader
{
public:
    Reader(const Json &object, const QString &baseDir)
        : m_object(object)
        , m_baseDir(baseDir)
        , m_check(object)
    {
    }

    // Pointers below are relative to the object ("" is the object itself); failure() puts the
    // caller's pointer in front, so problems still sort in document order.
    Result<OAuthConfig> read(const std::string &pointer)
    {
        OAuthConfig config;
        if (!m_check.checkObject(m_object, "", kRootKeys))
            return failure(pointer);
        config.issuer = url("issuer", Presence::Required, UrlKind::HttpOrHttps).value_or("");
        config.resource = url("resource", Presence::Required, UrlKind::HttpOrHttps).value_or("");
        readAlgorithms(config);
        config.jwksUri =
            url("jwks_uri", config.usesJwks() ? Presence::Required : Presence::Optional,
                UrlKind::HttpsOnly)
                .value_or("");
        if (auto file = m_check.string(m_object, "", "jwks_ca_file"))
            config.jwksCaFile = m_baseDir.isEmpty()
                ? *file
                : QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(QString::fromStdString(*file)))
                      .toStdString();
        if (auto types =
                m_check.stringArray(m_object, "", "token_types", Presence::Optional, { 1, 16 }))
            config.tokenTypes = std::move(*types);
        if (auto leeway =
                m_check.integer(m_object, "", "leeway_seconds", 0, JwtValidator::kMaxLeewaySeconds,
                                Presence::Optional, "seconds"))
            config.leewaySeconds = *leeway;
        if (auto bytes = m_check.integer(m_object, "", "max_token_bytes", 1024, 64 * 1024,
                                         Presence::Optional, "bytes"))
            config.maxTokenBytes = *bytes;
        readSecret(config);
        readClaims(config.claims);
        readJwks(config.jwks);
        if (auto scopes = m_check.stringArray(m_object, "", "scopes_supported"))
            config.scopesSupported = std::move(*scopes);
        readAuthorizationServers(config);
        if (!m_check.ok())
            return failure(pointer);
        return config;
    }

private:
    std::optional<std::string> url(std::string_view key, Presence presence, UrlKind kind)
    {
        auto text = m_check.string(m_object, "", key, presence, { false, false, kMaxUrlBytes });
        if (!text)
            return std::nullopt;
        if (auto problem = urlProblem(*text, kind)) {
            m_check.addProblem(jsonPointerJoin("", key),
                               *problem + ", got " + JsonChecker::describe(Json(*text)));
            return std::nullopt;
        }
        return text;
    }

    void readAlgorithms(OAuthConfig &config)
    {
        auto names = m_check.stringArray(m_object, "", "algorithms", Presence::Optional, { 1, 0 });
        if (!names)
            return;
        Keys choices;
        for (const JwsAlgorithm algorithm : allAlgorithms())
            choices.push_back(algorithmName(algorithm));
        std::vector<JwsAlgorithm> algorithms;
        for (std::size_t i = 0; i < names->size(); ++i) {
            if (const auto algorithm = algorithmFromName((*names)[i])) {
                algorithms.push_back(*algorithm);
                continue;
            }
            std::string message = "must be one of " + JsonChecker::joinList(choices, " or ", true)
                + ", got " + JsonChecker::describe(Json((*names)[i]));
            if (const auto near = JsonChecker::suggest((*names)[i], choices))
                message += "; did you mean \"" + *near + "\"?";
            m_check.addProblem(jsonPointerJoin("/algorithms", i), std::move(message));
        }
        if (algorithms.size() == names->size())
            config.algorithms = std::move(algorithms);
    }

    // A secret reference, never the secret: a value that is not one is not quoted back.
    void readSecret(OAuthConfig &config)
    {
        const bool wantsHs256 =
            std::find(config.algorithms.begin(), config.algorithms.end(), JwsAlgorithm::HS256)
            != config.algorithms.end();
        const Json *value = m_check.member(m_object, "", "hs256_secret");
        if (!value) {
            if (wantsHs256)
                m_check.addProblem("/hs256_secret",
                                   "required when algorithms lists \"HS256\"; add a secret "
                                   "reference such as env:WARDEN_OAUTH_HS256 or remove HS256");
            return;
        }
        const std::string form =
            "a secret reference such as env:WARDEN_OAUTH_HS256 or keychain:warden/oauth-hs256";
        if (!value->is_string()) {
            m_check.addProblem("/hs256_secret",
                               "must be " + form + ", got " + JsonChecker::describe(*value, true));
            return;
        }
        const QString text = QString::fromStdString(value->get<std::string>());
        auto ref = SecretRef::parse(text);
        if (!ref) {
            m_check.addProblem(
                "/hs256_secret",
                SecretRef::hasKnownScheme(text)
                    ? "is not a valid secret reference: " + ref.error().message
                    : "must be " + form
                        + ", not the secret itself (the value is not shown); put "
                          "the secret in the environment or the OS keychain and reference it here");
            return;
        }
        if (!wantsHs256) {
            m_check.addProblem("/hs256_secret",
                               "is set but algorithms does not list \"HS256\"; add HS256 to "
                               "algorithms or remove this key");
            return;
        }
        config.hs256SecretRef = ref->toString().toStdString();
    }

    void readClaims(ClaimMapping &claims)
    {
        const Json *object = m_check.objectMember(m_object, "", "claims", kClaimKeys);
        if (!object)
            return;
        const JsonChecker::StringRule name { false, false, kMaxClaimNameBytes };
        if (auto user = m_check.string(*object, "/claims", "user", Presence::Optional, name))
            claims.user = *user;
        if (auto tenant = m_check.string(*object, "/claims", "tenant", Presence::Optional, name))
            claims.tenant = *tenant;
        if (auto roles = m_check.string(*object, "/claims", "roles", Presence::Optional, name))
            claims.roles = *roles;
        if (auto scopes =
                m_check.stringArray(*object, "/claims", "scopes", Presence::Optional, { 0, 8 }))
            claims.scopes = std::move(*scopes);
    }

    void readJwks(OAuthConfig::Jwks &jwks)
    {
        const Json *object = m_check.objectMember(m_object, "", "jwks", kJwksKeys);
        if (!object)
            return;
        const std::string at = "/jwks";
        if (auto s = m_check.integer(*object, at, "refresh_interval_s", 60, 24 * 3600,
                                     Presence::Optional, "seconds"))
            jwks.refreshIntervalS = *s;
        // At least 6 s: no more than ten unknown-kid refetches a minute (docs/auth.md).
        if (auto s =
                m_check.integer(*object, at, "cooldown_s", 6, 3600, Presence::Optional, "seconds"))
            jwks.cooldownS = *s;
        if (auto s = m_check.integer(*object, at, "max_staleness_s", 60, 7 * 24 * 3600,
                                     Presence::Optional, "seconds"))
            jwks.maxStalenessS = *s;
        if (auto ms = m_check.integer(*object, at, "timeout_ms", 100, 60000, Presence::Optional,
                                      "milliseconds"))
            jwks.timeoutMs = *ms;
        if (auto bytes = m_check.integer(*object, at, "max_bytes", 1024, 4 * 1024 * 1024,
                                         Presence::Optional, "bytes"))
            jwks.maxBytes = *bytes;
        if (jwks.maxStalenessS < jwks.refreshIntervalS)
            m_check.addProblem(at + "/max_staleness_s",
                               "must be at least refresh_interval_s ("
                                   + std::to_string(jwks.refreshIntervalS)
                                   + "), or the key set would be dropped between two refreshes");
    }

    void readAuthorizationServers(OAuthConfig &config)
    {
        auto servers = m_check.stringArray(m_object, "", "authorization_servers",
                                           Presence::Optional, { 1, 0 });
        if (!servers) {
            if (!config.issuer.empty() && !m_object.contains("authorization_servers"))
                config.authorizationServers = { config.issuer };
            return;
        }
        bool good = true;
        for (std::size_t i = 0; i < servers->size(); ++i) {
            if (auto problem = urlProblem((*servers)[i], UrlKind::HttpOrHttps)) {
                m_check.addProblem(jsonPointerJoin("/authorization_servers", i),
                                   *problem + ", got "
                                       + JsonChecker::describe(Json((*servers)[i])));
                good = false;
            }
        }
        if (good)
            config.authorizationServers = std::move(*servers);
    }

    Error failure(const std::string &pointer) const
    {
        Json problems = Json::array();
        std::string report;
        for (const JsonProblem &problem : m_check.problems()) {
            const JsonProblem absolute { pointer + problem.pointer, problem.message };
            problems.push_back(
                { { "pointer", absolute.pointer }, { "message", absolute.message } });
            report += (report.empty() ? "" : "\n") + absolute.toString();
        }
        return Error(ErrorCode::ConfigInvalid, std::move(report), {},
                     Json { { "problems", std::move(problems) } });
    }

    const Json &m_object;
    QString m_baseDir;
    JsonChecker m_check;
};

Json stringArray(const std::vector<std::string> &items)
{
    Json array = Json::array();
    for (const std::string &item : items)
        array.push_back(item);
    return array;
}

} // namespace

Result<OAuthConfig> OAuthConfig::fromJson(const Json &object, const std::string &pointer,
                                          const QString &baseDir)
{
    return Reader(object, baseDir).read(pointer);
}

Json OAuthConfig::toJson() const
{
    Json root = Json::object();
    root["issuer"] = issuer;
    root["resource"] = resource;
    if (!jwksUri.empty())
        root["jwks_uri"] = jwksUri;
    if (!jwksCaFile.empty())
        root["jwks_ca_file"] = jwksCaFile;
    Json names = Json::array();
    for (const JwsAlgorithm algorithm : algorithms)
        names.push_back(std::string(algorithmName(algorithm)));
    root["algorithms"] = std::move(names);
    root["token_types"] = stringArray(tokenTypes);
    root["leeway_seconds"] = leewaySeconds;
    root["max_token_bytes"] = maxTokenBytes;
    if (!hs256SecretRef.empty())
        root["hs256_secret"] = hs256SecretRef;
    Json mapping = Json::object();
    mapping["user"] = claims.user;
    if (!claims.tenant.empty())
        mapping["tenant"] = claims.tenant;
    if (!claims.roles.empty())
        mapping["roles"] = claims.roles;
    mapping["scopes"] = stringArray(claims.scopes);
    root["claims"] = std::move(mapping);
    root["jwks"] = Json { { "refresh_interval_s", jwks.refreshIntervalS },
                          { "cooldown_s", jwks.cooldownS },
                          { "max_staleness_s", jwks.maxStalenessS },
                          { "timeout_ms", jwks.timeoutMs },
                          { "max_bytes", jwks.maxBytes } };
    root["scopes_supported"] = stringArray(scopesSupported);
    root["authorization_servers"] = stringArray(authorizationServers);
    return root;
}

bool OAuthConfig::usesJwks() const
{
    return std::any_of(algorithms.begin(), algorithms.end(),
                       [](JwsAlgorithm algorithm) { return algorithm != JwsAlgorithm::HS256; });
}

JwtRules OAuthConfig::jwtRules() const
{
    JwtRules rules;
    rules.issuer = issuer;
    rules.audience = resource;
    rules.algorithms = algorithms;
    rules.tokenTypes = tokenTypes;
    rules.leewaySeconds = leewaySeconds;
    rules.maxTokenBytes = static_cast<std::size_t>(maxTokenBytes);
    rules.claims = claims;
    return rules;
}

JwksOptions OAuthConfig::jwksOptions() const
{
    JwksOptions options;
    options.url = QUrl(QString::fromStdString(jwksUri));
    options.caFile = QString::fromStdString(jwksCaFile);
    options.refreshInterval = std::chrono::seconds(jwks.refreshIntervalS);
    options.cooldown = std::chrono::seconds(jwks.cooldownS);
    options.maxStaleness = std::chrono::seconds(jwks.maxStalenessS);
    options.timeout = std::chrono::milliseconds(jwks.timeoutMs);
    options.maxBytes = jwks.maxBytes;
    return options;
}

} // namespace warden::auth
