#pragma once

#include "PolicyService.h"

#include <QPointer>

namespace warden {

class PolicyStore;
class Server;

// PolicyService over an in-process Server's PolicyStore. Owned by the Server for its whole
// life; available while the server runs, and announces when its store comes and goes (start,
// stop, restart). Validation runs on the global thread pool against a copy of the schema;
// apply and revert run on the store's (GUI) thread, after the request has returned.
class EmbeddedPolicyService : public PolicyService
{
    Q_OBJECT
public:
    explicit EmbeddedPolicyService(Server *server);
    ~EmbeddedPolicyService() override;

    bool isAvailable() const override;
    void fetchCurrent(QObject *context, Callback<Result<PolicySnapshot>> done) override;
    void validate(const Json &document, QObject *context, Callback<PolicyCheck> done) override;
    void apply(const Json &document, QObject *context, Callback<Result<QString>> done) override;
    void fetchVersions(QObject *context,
                       Callback<Result<std::vector<PolicyVersion>>> done) override;
    void diff(const QString &oldHash, const QString &newHash, QObject *context,
              Callback<Result<std::vector<PolicyChange>>> done) override;
    void revert(const QString &hash, QObject *context, Callback<Result<QString>> done) override;

private:
    void onServerStateChanged();
    // Runs `work` on this thread after the caller returns and hands its answer to `done` on
    // the context's thread, unless the context is gone.
    template<typename T>
    void answerLater(QObject *context, std::function<T(PolicyStore *)> work, Callback<T> done);

    Server *m_server;
    QPointer<PolicyStore> m_store;
    std::shared_ptr<const db::Schema> m_schema;
};

} // namespace warden
