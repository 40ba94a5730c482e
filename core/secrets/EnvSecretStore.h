#pragma once

#include "SecretStore.h"

namespace warden {

// Secrets from the process environment (env:NAME), the usual way to hand a headless
// server its database password (systemd EnvironmentFile=, container secrets). Read-only:
// a process cannot set its parent's environment, so write and remove are refused.
class EnvSecretStore final : public SecretStore
{
public:
    SecretRef::Scheme scheme() const override { return SecretRef::Scheme::Env; }
    Status availability() override { return {}; }
    bool isWritable() const override { return false; }

    // NotFound when the variable is unset or empty.
    Result<SecretValue> read(const SecretRef &ref) override;
    Status write(const SecretRef &ref, std::string_view secret) override;
    Status remove(const SecretRef &ref) override;
};

} // namespace warden
