#include "ApiKeyVerifier.h"

#include "crypto/Crypto.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QThreadPool>

#include <spdlog/spdlog.h>

namespace warden::auth {
namespace {

QThreadPool &hashingPool()
{
    // scrypt is memory-hard (32 MiB a run): two at a time is plenty and bounds memory.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool();
        p->setMaxThreadCount(2);
        return p;
    }();
    return *pool;
}

} // namespace

ApiKeyVerifier::ApiKeyVerifier(QString storePath, Options options, QObject *parent)
    : QObject(parent)
    , m_path(std::move(storePath))
    , m_options(options)
{
}

ApiKeyVerifier::~ApiKeyVerifier() = default;

std::string_view ApiKeyVerifier::reasonName(Refusal::Reason reason)
{
    switch (reason) {
    case Refusal::Reason::Malformed: return "malformed_key";
    case Refusal::Reason::Unknown: return "unknown_key";
    case Refusal::Reason::Revoked: return "revoked_key";
    case Refusal::Reason::Expired: return "expired_key";
    case Refusal::Reason::WrongSecret: return "wrong_secret";
    case Refusal::Reason::Busy: return "busy";
    case Refusal::Reason::StoreUnavailable: return "store_unavailable";
    }
    return "unknown_key";
}

Status ApiKeyVerifier::open()
{
    auto store = ApiKeyStore::open(m_path, ApiKeyStore::Access::ReadWrite);
    if (!store)
        return store.error();
    m_store = std::move(store).value();
    m_seenChange = -1;
    refreshIfChanged();
    return {};
}

void ApiKeyVerifier::refreshIfChanged()
{
    if (!m_store)
        return;
    // PRAGMA data_version costs a microsecond or two: ask on every check, so a new key works
    // and a revoked one stops at once.
    const std::int64_t change = m_store->changeCounter();
    if (change == m_seenChange)
        return;
    auto entries = m_store->entries();
    if (!entries) {
        // Keep serving what we know; a revocation made meanwhile is missed until the store
        // reads again, so say so loudly.
        spdlog::error("API keys: {}", entries.error().message);
        return;
    }
    std::unordered_map<std::string, Known> fresh;
    for (auto &entry : *entries) {
        Known known;
        const auto old = m_keys.find(entry.record.id);
        // A remembered check stays valid only while the stored hash is the same.
        if (old != m_keys.end() && old->second.entry.hash == entry.hash)
            known.verifiedSecretDigest = old->second.verifiedSecretDigest;
        known.entry = std::move(entry);
        fresh.emplace(known.entry.record.id, std::move(known));
    }
    m_keys = std::move(fresh);
    m_seenChange = change;
}

void ApiKeyVerifier::verify(std::string_view presented, Callback done)
{
    const auto refuse = [&](Refusal::Reason reason, std::string text) { done(Refusal { reason, std::move(text) }); };
    const auto key = ApiKeyText::parse(presented);
    if (!key)
        return refuse(Refusal::Reason::Malformed, "the API key is malformed; use the whole key that "
                                                  "`warden-server keys create` printed");
    if (!m_store)
        return refuse(Refusal::Reason::StoreUnavailable, "API keys are not available on this server");
    refreshIfChanged();
    const auto it = m_keys.find(key->id);
    if (it == m_keys.end())
        return refuse(Refusal::Reason::Unknown, "the API key is not known to this server");
    const ApiKeyRecord &record = it->second.entry.record;
    if (record.revokedAt)
        return refuse(Refusal::Reason::Revoked, "the API key was revoked");
    if (!record.usableAt(QDateTime::currentSecsSinceEpoch()))
        return refuse(Refusal::Reason::Expired, "the API key has expired");
    const std::string digest = crypto::sha256(key->secret);
    if (!it->second.verifiedSecretDigest.empty()) {
        if (crypto::constantTimeEqual(digest, it->second.verifiedSecretDigest))
            return done(record.principal);
        // A different secret for a known id: fall through to the slow check, which decides.
    }
    if (m_pending >= m_options.maxPendingChecks)
        return refuse(Refusal::Reason::Busy, "the server is busy checking API keys; retry in a moment");
    ++m_pending;
    std::weak_ptr<bool> alive = m_alive;
    hashingPool().start([this, alive, id = key->id, secret = key->secret, hash = it->second.entry.hash, digest,
                         done = std::move(done)]() mutable {
        const bool matched = ApiKeyStore::secretMatches(secret, hash);
        // Back to the main thread; the weak pointer tells whether the verifier still exists.
        QMetaObject::invokeMethod(QCoreApplication::instance(),
                                  [this, alive, id = std::move(id), digest = std::move(digest), matched,
                                   done = std::move(done)] {
                                      if (alive.lock())
                                          finishSlowCheck(id, digest, matched, done);
                                  },
                                  Qt::QueuedConnection);
    });
}

void ApiKeyVerifier::finishSlowCheck(const std::string &id, const std::string &digest, bool matched,
                                     const Callback &done)
{
    --m_pending;
    // Revoked or removed while the hash ran: the store's current word wins.
    refreshIfChanged();
    const auto it = m_keys.find(id);
    if (it == m_keys.end() || !it->second.entry.record.usableAt(QDateTime::currentSecsSinceEpoch())) {
        done(Refusal { Refusal::Reason::Revoked, "the API key was revoked" });
        return;
    }
    Known &known = it->second;
    if (!matched) {
        done(Refusal { Refusal::Reason::WrongSecret, "the API key is not valid" });
        return;
    }
    known.verifiedSecretDigest = digest;
    done(known.entry.record.principal);
}

} // namespace warden::auth
