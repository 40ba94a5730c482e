#pragma once

#include "common/Result.h"

#include <QString>
#include <QStringView>

namespace warden {

// A pointer to a secret, the only form a secret may take in a configuration file:
//   env:NAME             an environment variable; NAME matches [A-Z_][A-Z0-9_]*
//   keychain:SERVICE/KEY an entry in the OS keychain; SERVICE is [A-Za-z0-9._-]+,
//                        KEY is [A-Za-z0-9._@/-]+ (it may contain further slashes)
// Parse errors never quote the rejected text: it may be a password typed in the wrong
// place.
class SecretRef
{
public:
    enum class Scheme { Env, Keychain };

    static Result<SecretRef> parse(QStringView text);
    static Result<SecretRef> env(const QString &name);
    static Result<SecretRef> keychain(const QString &service, const QString &key);

    // Whether the text starts with a scheme this class knows ("env:" or "keychain:"),
    // valid or not; used to tell a malformed reference from a literal secret.
    static bool hasKnownScheme(QStringView text);

    Scheme scheme() const { return m_scheme; }
    QString name() const { return m_name; } // env: the variable
    QString service() const { return m_service; } // keychain: the service
    QString key() const { return m_key; } // keychain: the key
    // The canonical text form, "env:NAME" or "keychain:SERVICE/KEY".
    QString toString() const;

    bool operator==(const SecretRef &) const = default;

private:
    SecretRef() = default;

    Scheme m_scheme = Scheme::Env;
    QString m_name;
    QString m_service;
    QString m_key;
};

} // namespace warden
