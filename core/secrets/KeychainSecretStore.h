#pragma once

#include "SecretStore.h"

#include <QByteArray>
#include <QObject>

#include <chrono>
#include <functional>

namespace warden {

// Secrets in the OS keychain (keychain:SERVICE/KEY) through QtKeychain: the Secret Service
// (gnome-keyring, KWallet) on Linux, Keychain on macOS, Credential Manager on Windows.
//
// QtKeychain jobs are asynchronous; each call here runs one job in a local event loop and
// gives up after a timeout, so it needs a QCoreApplication and must not run where
// re-entering the event loop would hurt (resolve at start-up). The insecure plain-file
// fallback is never enabled: when no keychain answers, calls fail with Unavailable and a
// message that says to start a Secret Service or use an env: reference.
class KeychainSecretStore final : public SecretStore
{
public:
    explicit KeychainSecretStore(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    SecretRef::Scheme scheme() const override { return SecretRef::Scheme::Keychain; }
    // Probes with a lookup of an entry that does not exist.
    Status availability() override;
    bool isWritable() const override { return true; }

    Result<SecretValue> read(const SecretRef &ref) override;
    Status write(const SecretRef &ref, std::string_view secret) override;
    Status remove(const SecretRef &ref) override;

    // The same without a nested event loop, for the console's GUI thread: `done` runs on this
    // thread once the keychain answers or the timeout passes (at once when the reference or
    // the application is unusable), and only while `context` lives.
    void availabilityAsync(QObject *context, std::function<void(Status)> done) const;
    void writeAsync(const SecretRef &ref, QByteArray secret, QObject *context,
                    std::function<void(Status)> done) const;
    void readAsync(const SecretRef &ref, QObject *context,
                   std::function<void(Result<SecretValue>)> done) const;

private:
    std::chrono::milliseconds m_timeout;
};

} // namespace warden
