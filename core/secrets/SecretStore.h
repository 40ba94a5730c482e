#pragma once

#include "SecretRef.h"
#include "SecretValue.h"

#include "common/Result.h"

#include <memory>
#include <string_view>

namespace warden {

// Where secrets live. Configuration holds SecretRefs; a SecretStore turns one into the
// secret, or stores one. Backends: EnvSecretStore (read-only, for headless servers) and
// KeychainSecretStore (the OS keychain through QtKeychain). Calls are synchronous and may
// block briefly (the keychain answers over D-Bus): resolve secrets at start-up or on a
// worker, not on a hot path.
class SecretStore
{
public:
    virtual ~SecretStore() = default;

    // The reference scheme this store serves; other references are refused.
    virtual SecretRef::Scheme scheme() const = 0;
    // Ok when the backend can be used now; otherwise an Unavailable error that says what
    // to start or set up.
    virtual Status availability() = 0;
    virtual bool isWritable() const = 0;

    // NotFound when nothing is stored under the reference, Unavailable when the backend
    // cannot be reached. Messages name the reference, never the secret.
    virtual Result<SecretValue> read(const SecretRef &ref) = 0;
    // Creates or replaces the secret.
    virtual Status write(const SecretRef &ref, std::string_view secret) = 0;
    // NotFound when nothing was stored.
    virtual Status remove(const SecretRef &ref) = 0;

    // A store for a scheme with default settings.
    static std::unique_ptr<SecretStore> create(SecretRef::Scheme scheme);
};

// Reads the secret a reference names, from the store its scheme selects.
Result<SecretValue> resolveSecret(const SecretRef &ref);
// Parses the reference first; parse errors never quote the text.
Result<SecretValue> resolveSecret(QStringView reference);

} // namespace warden
