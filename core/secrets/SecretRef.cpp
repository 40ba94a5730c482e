#include "SecretRef.h"

namespace warden {
namespace {

constexpr qsizetype kMaxNameLength = 255;
constexpr qsizetype kMaxServiceLength = 128;
constexpr qsizetype kMaxKeyLength = 255;

bool isEnvName(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxNameLength)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name[i].unicode();
        const bool letter = (c >= u'A' && c <= u'Z') || c == u'_';
        const bool digit = c >= u'0' && c <= u'9';
        if (!(letter || (digit && i > 0)))
            return false;
    }
    return true;
}

bool isPlainChar(char16_t c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')
        || c == u'.' || c == u'_' || c == u'-';
}

bool isService(QStringView service)
{
    if (service.isEmpty() || service.size() > kMaxServiceLength)
        return false;
    for (QChar c : service) {
        if (!isPlainChar(c.unicode()))
            return false;
    }
    return true;
}

bool isKey(QStringView key)
{
    if (key.isEmpty() || key.size() > kMaxKeyLength)
        return false;
    for (QChar c : key) {
        if (!isPlainChar(c.unicode()) && c != u'/' && c != u'@')
            return false;
    }
    return true;
}

Error envError()
{
    return Error(ErrorCode::InvalidArgument,
                 "an env: reference needs a variable name of capital letters, digits and "
                 "underscores that does not start with a digit, for example "
                 "env:WARDEN_DB_PASSWORD");
}

Error keychainError()
{
    return Error(ErrorCode::InvalidArgument,
                 "a keychain: reference needs the form keychain:SERVICE/KEY, where SERVICE is "
                 "letters, digits, '.', '_' or '-' and KEY may also contain '/' and '@', for "
                 "example keychain:warden/db-main");
}

const QLatin1String kEnvPrefix("env:");
const QLatin1String kKeychainPrefix("keychain:");

} // namespace

Result<SecretRef> SecretRef::parse(QStringView text)
{
    if (text.startsWith(kEnvPrefix))
        return env(text.mid(kEnvPrefix.size()).toString());
    if (text.startsWith(kKeychainPrefix)) {
        const QStringView rest = text.mid(kKeychainPrefix.size());
        const qsizetype slash = rest.indexOf(u'/');
        if (slash < 0)
            return keychainError();
        return keychain(rest.left(slash).toString(), rest.mid(slash + 1).toString());
    }
    return Error(ErrorCode::InvalidArgument,
                 "must be a secret reference such as env:WARDEN_DB_PASSWORD or "
                 "keychain:warden/db-main; secrets themselves never go into configuration");
}

Result<SecretRef> SecretRef::env(const QString &name)
{
    if (!isEnvName(name))
        return envError();
    SecretRef ref;
    ref.m_scheme = Scheme::Env;
    ref.m_name = name;
    return ref;
}

Result<SecretRef> SecretRef::keychain(const QString &service, const QString &key)
{
    if (!isService(service) || !isKey(key))
        return keychainError();
    SecretRef ref;
    ref.m_scheme = Scheme::Keychain;
    ref.m_service = service;
    ref.m_key = key;
    return ref;
}

bool SecretRef::hasKnownScheme(QStringView text)
{
    return text.startsWith(kEnvPrefix) || text.startsWith(kKeychainPrefix);
}

QString SecretRef::toString() const
{
    if (m_scheme == Scheme::Env)
        return kEnvPrefix + m_name;
    return kKeychainPrefix + m_service + u'/' + m_key;
}

} // namespace warden
