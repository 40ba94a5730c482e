#include "OAuthSettingsForm.h"

#include "auth/JwsAlgorithm.h"
#include "secrets/SecretValue.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace warden {
namespace {

const Json &oauthOf(const Json &document)
{
    static const Json empty = Json::object();
    const auto auth = document.find("auth");
    if (auth == document.end() || !auth->is_object())
        return empty;
    const auto oauth = auth->find("oauth");
    return oauth != auth->end() && oauth->is_object() ? *oauth : empty;
}

QStringList strings(const Json &object, const char *key)
{
    QStringList list;
    const auto it = object.find(key);
    if (it != object.end() && it->is_array())
        for (const Json &item : *it)
            if (item.is_string())
                list.append(QString::fromStdString(item.get<std::string>()));
    return list;
}

Json array(const QStringList &items)
{
    Json out = Json::array();
    for (const QString &item : items)
        out.push_back(item.toStdString());
    return out;
}

void setOrErase(Json &object, const char *key, const QString &value)
{
    if (value.trimmed().isEmpty())
        object.erase(key);
    else
        object[key] = value.trimmed().toStdString();
}

} // namespace

QStringList OAuthSettingsForm::allAlgorithms()
{
    QStringList names;
    for (const auth::JwsAlgorithm algorithm : auth::allAlgorithms())
        names.append(QString::fromLatin1(auth::algorithmName(algorithm).data(),
                                         qsizetype(auth::algorithmName(algorithm).size())));
    return names;
}

QString OAuthSettingsForm::defaultSecretReference()
{
    return QStringLiteral("keychain:warden/oauth-hs256");
}

void OAuthSettingsForm::setValues(const Values &values)
{
    if (values == m_values)
        return;
    m_values = values;
    valuesChanged();
}

bool OAuthSettingsForm::isConfigured() const
{
    return !oauthOf(storedDocument()).empty();
}

QString OAuthSettingsForm::secretReference() const
{
    return text(oauthOf(storedDocument()), "hs256_secret");
}

QString OAuthSettingsForm::fieldName(const std::string &pointer)
{
    // Keys under /auth/oauth and the fields the panel edits them in.
    static const struct
    {
        const char *key;
        const char *label;
    } fields[] = {
        { "/issuer", QT_TR_NOOP("Issuer") },
        { "/resource", QT_TR_NOOP("Resource (audience)") },
        { "/jwks_uri", QT_TR_NOOP("JWKS URL") },
        { "/algorithms", QT_TR_NOOP("Algorithms") },
        { "/hs256_secret", QT_TR_NOOP("HS256 secret") },
        { "/claims/user", QT_TR_NOOP("User claim") },
        { "/claims/tenant", QT_TR_NOOP("Tenant claim") },
        { "/claims/roles", QT_TR_NOOP("Roles claim") },
        { "/claims/scopes", QT_TR_NOOP("Scope claims") },
    };
    const std::string prefix = "/auth/oauth";
    if (pointer.rfind(prefix, 0) != 0)
        return {};
    const std::string key = pointer.substr(prefix.size());
    for (const auto &field : fields) {
        const std::string name(field.key);
        if (key == name || key.rfind(name + "/", 0) == 0)
            return tr(field.label);
    }
    return {};
}

Result<auth::OAuthConfig> OAuthSettingsForm::enteredConfig() const
{
    const QString path = configPath();
    const QString baseDir = path.isEmpty() ? QString() : QFileInfo(path).absolutePath();
    auto config = auth::OAuthConfig::fromJson(oauthOf(document()), "/auth/oauth", baseDir);
    if (config)
        return config;
    const Json &problems = config.error().details.value("problems", Json::array());
    if (!problems.is_array() || problems.empty())
        return config;
    const Json &first = problems.front();
    const std::string pointer = first.value("pointer", std::string());
    const QString sentence = QString::fromStdString(first.value("message", std::string()));
    const QString field = fieldName(pointer);
    QString message = field.isEmpty()
        ? tr("Fix %1 in the configuration file: %2").arg(QString::fromStdString(pointer), sentence)
        : tr("Fix the %1 field: %2").arg(field, sentence);
    if (problems.size() > 1)
        message += QLatin1Char(' ')
            + tr("(%n more problem(s) after that)", nullptr, int(problems.size() - 1));
    return Error(ErrorCode::ConfigInvalid, message.toStdString(), {}, config.error().details);
}

void OAuthSettingsForm::readValues(const Json &document)
{
    const Json &oauth = oauthOf(document);
    const Json &claims = member(oauth, "claims");
    Values v;
    v.issuer = text(oauth, "issuer");
    v.resource = text(oauth, "resource");
    v.jwksUri = text(oauth, "jwks_uri");
    v.algorithms = oauth.contains("algorithms")
        ? strings(oauth, "algorithms")
        : QStringList { QStringLiteral("RS256"), QStringLiteral("PS256"), QStringLiteral("ES256"),
                        QStringLiteral("EdDSA") };
    v.userClaim = claims.contains("user") ? text(claims, "user") : QStringLiteral("sub");
    v.tenantClaim = text(claims, "tenant");
    v.rolesClaim = text(claims, "roles");
    v.scopeClaims = claims.contains("scopes") ? strings(claims, "scopes").join(QStringLiteral(", "))
                                              : QStringLiteral("scope, scp");
    m_values = v;
    m_saved = v;
}

void OAuthSettingsForm::writeValues(Json &doc) const
{
    const bool untouched = !isConfigured() && m_values == m_saved;
    if (untouched) // no section and nothing typed: do not add one
        return;
    Json &oauth = objectAt(objectAt(doc, "auth"), "oauth");
    oauth["issuer"] = m_values.issuer.trimmed().toStdString();
    oauth["resource"] = m_values.resource.trimmed().toStdString();
    setOrErase(oauth, "jwks_uri", m_values.jwksUri);
    oauth["algorithms"] = array(m_values.algorithms);
    Json &claims = objectAt(oauth, "claims");
    claims["user"] = m_values.userClaim.trimmed().toStdString();
    setOrErase(claims, "tenant", m_values.tenantClaim);
    setOrErase(claims, "roles", m_values.rolesClaim);
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    claims["scopes"] = array(m_values.scopeClaims.split(separators, Qt::SkipEmptyParts));
    const bool hs256 = m_values.algorithms.contains(QStringLiteral("HS256"));
    if (!hs256)
        oauth.erase("hs256_secret");
    else if (!m_values.hs256Secret.isEmpty()
             && !secretReference().startsWith(QLatin1String("keychain:")))
        oauth["hs256_secret"] = defaultSecretReference().toStdString();
    else if (!secretReference().isEmpty())
        oauth["hs256_secret"] = secretReference().toStdString();
}

std::vector<PendingSecret> OAuthSettingsForm::typedSecrets(const Json &document) const
{
    if (m_values.hs256Secret.isEmpty() || !m_values.algorithms.contains(QStringLiteral("HS256")))
        return {};
    // A copy of its own: the service wipes it, the form keeps what was typed for a retry.
    return { { text(oauthOf(document), "hs256_secret"),
               QString(m_values.hs256Secret.constData(), m_values.hs256Secret.size()) } };
}

void OAuthSettingsForm::markSaved()
{
    SecretValue::wipe(m_values.hs256Secret);
    m_saved = m_values;
}

} // namespace warden
