#include "EnvSecretStore.h"

#include <QByteArray>

namespace warden {
namespace {

Error wrongScheme()
{
    return Error(ErrorCode::InvalidArgument,
                 "the environment secret store only serves env: references");
}

Error readOnly(const SecretRef &ref)
{
    return Error(ErrorCode::InvalidArgument,
                 "environment secrets are read-only; set " + ref.name().toStdString()
                     + " in the server's environment instead, or use a keychain: reference");
}

} // namespace

Result<SecretValue> EnvSecretStore::read(const SecretRef &ref)
{
    if (ref.scheme() != SecretRef::Scheme::Env)
        return wrongScheme();
    const std::string name = ref.name().toStdString();
    // qgetenv reads under Qt's environment lock and returns an unshared copy we can wipe.
    QByteArray bytes = qgetenv(name.c_str());
    if (bytes.isEmpty()) {
        const bool unset = bytes.isNull();
        SecretValue::wipe(bytes);
        return Error(ErrorCode::NotFound,
                     "environment variable " + name + (unset ? " is not set" : " is empty")
                         + "; export it in the server's environment before starting Warden");
    }
    SecretValue secret(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    SecretValue::wipe(bytes);
    return secret;
}

Status EnvSecretStore::write(const SecretRef &ref, std::string_view)
{
    if (ref.scheme() != SecretRef::Scheme::Env)
        return wrongScheme();
    return readOnly(ref);
}

Status EnvSecretStore::remove(const SecretRef &ref)
{
    if (ref.scheme() != SecretRef::Scheme::Env)
        return wrongScheme();
    return readOnly(ref);
}

} // namespace warden
