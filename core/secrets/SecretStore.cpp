#include "SecretStore.h"

#include "EnvSecretStore.h"
#include "KeychainSecretStore.h"

namespace warden {

std::unique_ptr<SecretStore> SecretStore::create(SecretRef::Scheme scheme)
{
    switch (scheme) {
    case SecretRef::Scheme::Env:
        return std::make_unique<EnvSecretStore>();
    case SecretRef::Scheme::Keychain:
        return std::make_unique<KeychainSecretStore>();
    }
    return nullptr;
}

Result<SecretValue> resolveSecret(const SecretRef &ref)
{
    const auto store = SecretStore::create(ref.scheme());
    if (!store)
        return Error(ErrorCode::Internal, "no secret store handles this reference scheme");
    return store->read(ref);
}

Result<SecretValue> resolveSecret(QStringView reference)
{
    auto ref = SecretRef::parse(reference);
    if (!ref)
        return ref.takeError();
    return resolveSecret(*ref);
}

} // namespace warden
