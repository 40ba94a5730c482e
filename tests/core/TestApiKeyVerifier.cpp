// ApiKeyVerifier against a real key store written by a second connection (as the CLI does):
// slow check off the main thread, then the cached fast path; revocation seen at once; a
// bounded queue of slow checks; nothing delivered after the verifier is gone.
#include "TestTempRoot.h"
#include "auth/ApiKeyVerifier.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace warden;
using namespace warden::auth;

namespace {

struct Captured
{
    bool called = false;
    ApiKeyVerifier::Outcome outcome;
};

} // namespace

class TestApiKeyVerifier : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<ApiKeyStore> m_cli; // the "other process"
    QString path() const { return m_tmp->filePath(QStringLiteral("keys.db")); }

    std::string makeKey(const std::string &user, std::string *id = nullptr)
    {
        ApiKeyRequest r;
        r.principal.userId = user;
        r.principal.tenantId = "t1";
        r.principal.scopes = { "warden.read" };
        ApiKeyRecord created;
        auto key = m_cli->create(r, &created);
        if (!key)
            qFatal("create failed");
        if (id)
            *id = created.id;
        return *key;
    }

    static std::shared_ptr<Captured> verify(ApiKeyVerifier &v, const std::string &key)
    {
        auto c = std::make_shared<Captured>();
        v.verify(key, [c](const ApiKeyVerifier::Outcome &o) {
            c->called = true;
            c->outcome = o;
        });
        return c;
    }

    // The key with one character of its secret changed: still well formed (the last character
    // of base64url text also carries padding bits, so the change is made in the middle).
    static std::string withOtherSecret(std::string key)
    {
        const std::size_t at = key.size() - 20;
        key[at] = key[at] == 'A' ? 'B' : 'A';
        return key;
    }

    static ApiKeyVerifier::Refusal::Reason reasonOf(const Captured &c)
    {
        return std::get<ApiKeyVerifier::Refusal>(c.outcome).reason;
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>(test::tempRoot() + QStringLiteral("/verifier-XXXXXX"));
        auto store = ApiKeyStore::open(path(), ApiKeyStore::Access::ReadWrite);
        QVERIFY(store.ok());
        m_cli = std::move(store).value();
    }
    void cleanup() { m_cli.reset(); }

    void slowThenCached()
    {
        ApiKeyVerifier v(path(), {});
        QVERIFY(v.open().ok());
        const std::string key = makeKey("svc-a"); // made after the verifier opened the store

        auto first = verify(v, key);
        QVERIFY(!first->called); // the scrypt check runs on a worker, never inline
        QTRY_VERIFY_WITH_TIMEOUT(first->called, 10000);
        const auto *principal = std::get_if<Principal>(&first->outcome);
        QVERIFY(principal);
        QCOMPARE(principal->userId, std::string("svc-a"));
        QCOMPARE(principal->tenantId, std::string("t1"));
        QCOMPARE(principal->authMethod, std::string("api-key"));
        QCOMPARE(principal->scopes, std::vector<std::string>{ "warden.read" });

        auto second = verify(v, key);
        QVERIFY(second->called); // remembered: answered at once
        QVERIFY(std::holds_alternative<Principal>(second->outcome));

        // A different secret for the same id is not let in by the cache.
        auto third = verify(v, withOtherSecret(key));
        QTRY_VERIFY_WITH_TIMEOUT(third->called, 10000);
        QCOMPARE(reasonOf(*third), ApiKeyVerifier::Refusal::Reason::WrongSecret);
    }

    void revocationIsSeenAtOnce()
    {
        ApiKeyVerifier v(path(), {});
        QVERIFY(v.open().ok());
        std::string id;
        const std::string key = makeKey("svc-b", &id);
        auto ok = verify(v, key);
        QTRY_VERIFY_WITH_TIMEOUT(ok->called, 10000);
        QVERIFY(std::holds_alternative<Principal>(ok->outcome));
        QVERIFY(m_cli->revoke(id).ok());
        auto after = verify(v, key);
        QVERIFY(after->called);
        QCOMPARE(reasonOf(*after), ApiKeyVerifier::Refusal::Reason::Revoked);
    }

    void refusalsNeedNoHash()
    {
        ApiKeyVerifier v(path(), {});
        QVERIFY(v.open().ok());
        auto malformed = verify(v, "wk_nothing");
        QVERIFY(malformed->called);
        QCOMPARE(reasonOf(*malformed), ApiKeyVerifier::Refusal::Reason::Malformed);
        auto unknown = verify(v, "wk_0123456789abcdef_" + std::string(43, 'A'));
        QVERIFY(unknown->called);
        QCOMPARE(reasonOf(*unknown), ApiKeyVerifier::Refusal::Reason::Unknown);

        ApiKeyRequest r;
        r.principal.userId = "old";
        r.expiresAt = QDateTime::currentSecsSinceEpoch() - 10;
        auto expired = m_cli->create(r);
        QVERIFY(expired.ok());
        auto e = verify(v, *expired);
        QVERIFY(e->called);
        QCOMPARE(reasonOf(*e), ApiKeyVerifier::Refusal::Reason::Expired);
    }

    void slowChecksAreBounded()
    {
        ApiKeyVerifier::Options options;
        options.maxPendingChecks = 2;
        ApiKeyVerifier v(path(), options);
        QVERIFY(v.open().ok());
        const std::string key = makeKey("svc-c");
        const std::string wrong = withOtherSecret(key);
        auto a = verify(v, wrong);
        auto b = verify(v, wrong);
        auto c = verify(v, key);
        QVERIFY(c->called);
        QCOMPARE(reasonOf(*c), ApiKeyVerifier::Refusal::Reason::Busy);
        QTRY_VERIFY_WITH_TIMEOUT(a->called && b->called, 10000);
        auto d = verify(v, key); // room again
        QTRY_VERIFY_WITH_TIMEOUT(d->called, 10000);
        QVERIFY(std::holds_alternative<Principal>(d->outcome));
    }

    void nothingArrivesAfterTheVerifierIsGone()
    {
        auto v = std::make_unique<ApiKeyVerifier>(path(), ApiKeyVerifier::Options {});
        QVERIFY(v->open().ok());
        auto pending = verify(*v, makeKey("svc-d"));
        v.reset();
        QTest::qWait(600); // long enough for the scrypt run to finish and post back
        QVERIFY(!pending->called);
    }
};

QTEST_GUILESS_MAIN(TestApiKeyVerifier)
#include "TestApiKeyVerifier.moc"
