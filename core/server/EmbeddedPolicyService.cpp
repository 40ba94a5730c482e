#include "EmbeddedPolicyService.h"

#include "PolicyStore.h"
#include "Server.h"
#include "policy/Policy.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThread>
#include <QThreadPool>

namespace warden {
namespace {

Error unavailable()
{
    return Error(ErrorCode::Unavailable,
                 "the server is not running; start it to edit the policy in force");
}

// Calls done(value) on the context's thread, unless the context is destroyed first.
template<typename T>
void deliver(const QPointer<QObject> &context, const PolicyService::Callback<T> &done, T value)
{
    if (!context)
        return;
    if (context->thread() == QThread::currentThread()) {
        done(value);
        return;
    }
    QMetaObject::invokeMethod(
        context.data(), [done, value = std::move(value)] { done(value); }, Qt::QueuedConnection);
}

} // namespace

EmbeddedPolicyService::EmbeddedPolicyService(Server *server)
    : PolicyService(server)
    , m_server(server)
{
    connect(server, &ServerInterface::stateChanged, this,
            &EmbeddedPolicyService::onServerStateChanged);
    onServerStateChanged();
}

EmbeddedPolicyService::~EmbeddedPolicyService() = default;

bool EmbeddedPolicyService::isAvailable() const
{
    return m_store && m_store->current();
}

void EmbeddedPolicyService::onServerStateChanged()
{
    PolicyStore *store =
        m_server->state() == ServerInterface::State::Running ? m_server->policyStore() : nullptr;
    if (store == m_store.data())
        return;
    const bool wasAvailable = !m_store.isNull();
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    m_schema.reset();
    if (store) {
        if (const auto policy = store->current())
            m_schema = std::make_shared<const db::Schema>(policy->schema());
        connect(store, &PolicyStore::policyChanged, this, &PolicyService::policyChanged);
        connect(store, &PolicyStore::reloadFailed, this, &PolicyService::reloadFailed);
    }
    if (wasAvailable != isAvailable())
        Q_EMIT availabilityChanged(isAvailable());
}

template<typename T>
void EmbeddedPolicyService::answerLater(QObject *context, std::function<T(PolicyStore *)> work,
                                        Callback<T> done)
{
    QMetaObject::invokeMethod(
        this,
        [this, context = QPointer<QObject>(context), work = std::move(work),
         done = std::move(done)] {
            if (!context)
                return;
            if (!m_store)
                deliver<T>(context, done, T(unavailable()));
            else
                deliver<T>(context, done, work(m_store.data()));
        },
        Qt::QueuedConnection);
}

void EmbeddedPolicyService::fetchCurrent(QObject *context, Callback<Result<PolicySnapshot>> done)
{
    answerLater<Result<PolicySnapshot>>(
        context,
        [this](PolicyStore *store) -> Result<PolicySnapshot> {
            const auto policy = store->current();
            if (!policy || !m_schema)
                return unavailable();
            return PolicySnapshot { policy->document(),
                                    QString::fromStdString(policy->versionHash()), m_schema,
                                    store->filePath() };
        },
        std::move(done));
}

void EmbeddedPolicyService::validate(const Json &document, QObject *context,
                                     Callback<PolicyCheck> done)
{
    auto *watcher = new QFutureWatcher<PolicyCheck>(context);
    connect(watcher, &QFutureWatcher<PolicyCheck>::finished, context,
            [watcher, done = std::move(done)] {
                done(watcher->result());
                watcher->deleteLater();
            });
    auto promise = std::make_shared<QPromise<PolicyCheck>>();
    watcher->setFuture(promise->future());
    promise->start();
    if (!m_schema) {
        // Still asynchronous: the watcher reports the finished future from the event loop.
        promise->addResult(PolicyCheck::fromStatus(unavailable()));
        promise->finish();
        return;
    }
    QThreadPool::globalInstance()->start([promise, document, schema = m_schema] {
        auto policy = Policy::fromJson(document, *schema);
        promise->addResult(PolicyCheck::fromStatus(policy ? Status() : Status(policy.error())));
        promise->finish();
    });
}

void EmbeddedPolicyService::apply(const Json &document, QObject *context,
                                  Callback<Result<QString>> done)
{
    answerLater<Result<QString>>(
        context,
        [document](PolicyStore *store) -> Result<QString> {
            if (auto s = store->apply(document); !s)
                return s.error();
            return store->currentHash();
        },
        std::move(done));
}

void EmbeddedPolicyService::fetchVersions(QObject *context,
                                          Callback<Result<std::vector<PolicyVersion>>> done)
{
    answerLater<Result<std::vector<PolicyVersion>>>(
        context,
        [](PolicyStore *store) -> Result<std::vector<PolicyVersion>> { return store->versions(); },
        std::move(done));
}

void EmbeddedPolicyService::diff(const QString &oldHash, const QString &newHash, QObject *context,
                                 Callback<Result<std::vector<PolicyChange>>> done)
{
    answerLater<Result<std::vector<PolicyChange>>>(
        context,
        [oldHash, newHash](PolicyStore *store) {
            return store->diff(oldHash.toStdString(), newHash.toStdString());
        },
        std::move(done));
}

void EmbeddedPolicyService::revert(const QString &hash, QObject *context,
                                   Callback<Result<QString>> done)
{
    answerLater<Result<QString>>(
        context,
        [hash](PolicyStore *store) -> Result<QString> {
            const auto version = store->version(hash.toStdString());
            if (!version)
                return Error(ErrorCode::NotFound,
                             "no recorded policy version " + hash.toStdString());
            if (auto s = store->apply(version->document); !s)
                return s.error();
            return store->currentHash();
        },
        std::move(done));
}

} // namespace warden
