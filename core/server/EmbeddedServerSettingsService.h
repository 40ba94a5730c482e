#pragma once

#include "ServerSettingsService.h"

#include <QThread>

namespace warden {

class Server;

// ServerSettingsService over the embedded server's configuration file. File and database work
// runs on a worker thread of its own; keychain jobs run asynchronously on the GUI thread,
// where QtKeychain answers (KeychainSecretStore::writeAsync). Owned by Server.
class EmbeddedServerSettingsService final : public ServerSettingsService
{
    Q_OBJECT
public:
    explicit EmbeddedServerSettingsService(const Server &server, QObject *parent = nullptr);
    ~EmbeddedServerSettingsService() override;

    QString configPath() const override;
    void readDocument(QObject *context, DocumentDone done) override;
    Status validate(const Json &document) const override;
    void apply(const Json &document, std::vector<PendingSecret> secrets, QObject *context,
               StatusDone done) override;
    void checkKeychain(QObject *context, StatusDone done) override;
    void checkHealth(QObject *context, HealthDone done) override;

private:
    // Runs `work` on the worker thread and hands its result to `done` on this object's
    // thread, while `context` lives.
    template<typename T>
    void run(QObject *context, std::function<T()> work, std::function<void(T)> done);

    const Server &m_server;
    QThread m_thread;
    QObject *m_worker; // lives in m_thread
};

} // namespace warden
