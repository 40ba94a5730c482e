#include "JwksTestServer.h"
#include "JwtTestKit.h"

#include "auth/JwksCache.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace warden;
using namespace warden::auth;
using warden::test::JwksTestServer;
using warden::test::TestKey;
using warden::test::TlsIdentity;
using Mode = JwksTestServer::Mode;
using namespace std::chrono_literals;

namespace {

QByteArray jwksBody(std::initializer_list<const TestKey *> keys)
{
    return QByteArray::fromStdString(test::jwks(keys).dump());
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

class TestJwksCache : public QObject
{
    Q_OBJECT
private:
    TestKey m_a;
    TestKey m_b;
    TlsIdentity m_tls;
    QTemporaryDir m_dir;
    QString m_caFile;
    std::unique_ptr<JwksTestServer> m_server;
    std::int64_t m_now = 1800000000000; // the injected clock, ms

    JwksOptions options() const
    {
        JwksOptions o;
        o.url = m_server->url();
        o.caFile = m_caFile;
        o.timeout = 3s;
        return o;
    }

    std::unique_ptr<JwksCache> make(const JwksOptions &o)
    {
        auto cache = JwksCache::create(o, [this] { return m_now; });
        if (!cache.ok())
            qFatal("JwksCache::create failed: %s", cache.error().message.c_str());
        return std::move(*cache);
    }

    // A cache that has fetched the set with key A once.
    std::unique_ptr<JwksCache> started(const JwksOptions &o)
    {
        auto cache = make(o);
        cache->start();
        if (!QTest::qWaitFor([&] { return cache->current() != nullptr; }, 5000))
            qFatal("the first JWKS fetch did not finish: %s", cache->status().lastError.c_str());
        return cache;
    }

    // Runs refreshNow and waits for its outcome.
    Status refresh(JwksCache &cache)
    {
        std::optional<Status> outcome;
        cache.refreshNow([&](Status s) { outcome = std::move(s); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
            qFatal("refreshNow never finished");
        return *outcome;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_a = TestKey::rsa("key-a");
        m_b = TestKey::ec("key-b");
        m_tls = TlsIdentity::make();
        m_caFile = m_tls.writeCa(m_dir.path());
    }

    void init()
    {
        m_server = std::make_unique<JwksTestServer>(m_tls);
        QVERIFY(m_server->listen());
        m_server->setBody(jwksBody({ &m_a }));
    }

    void cleanup() { m_server.reset(); }

    void firstFetch()
    {
        auto cache = make(options());
        QSignalSpy changed(cache.get(), &JwksCache::keysChanged);
        QVERIFY(!cache->current());
        QVERIFY(!cache->status().available);
        cache->start();
        QVERIFY(cache->status().fetching);
        QTRY_VERIFY(cache->current());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_server->requests(), 1);
        QVERIFY(cache->current()->find("key-a"));
        const JwksStatus status = cache->status();
        QVERIFY(status.available);
        QVERIFY(!status.fetching);
        QCOMPARE(status.lastSuccessMs, std::optional<std::int64_t>(m_now));
        QCOMPARE(status.stalenessMs, std::optional<std::int64_t>(0));
        QVERIFY(status.lastError.empty());
        QCOMPARE(status.keys.size(), std::size_t(1));
        QCOMPARE(status.keys[0].kid, std::string("key-a"));
        QCOMPARE(status.keys[0].algorithm, std::string("RS256"));
        QCOMPARE(status.keys[0].keyType, std::string("RSA"));
        QCOMPARE(status.keys[0].bits, 2048);
    }

    void httpUrlRefused()
    {
        JwksOptions o = options();
        o.url = QUrl(QStringLiteral("http://127.0.0.1:%1/jwks.json").arg(m_server->port()));
        const Status status = JwksCache::checkOptions(o);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::ConfigInvalid);
        QVERIFY2(q(status.error().message).contains(QLatin1String("https")),
                 status.error().message.c_str());
        QVERIFY(!JwksCache::create(o).ok());
        o.url = QUrl(QStringLiteral("jwks.json"));
        QVERIFY(!JwksCache::checkOptions(o).ok());
        o.url = QUrl(QStringLiteral("https://user:pw@idp.example.com/jwks"));
        QVERIFY(!JwksCache::checkOptions(o).ok());
        QCOMPARE(m_server->requests(), 0);
    }

    void badCaFileRefused()
    {
        JwksOptions o = options();
        o.caFile = m_dir.filePath(QStringLiteral("missing.pem"));
        auto missing = JwksCache::create(o);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::IoError);
        QFile junk(m_dir.filePath(QStringLiteral("junk.pem")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a certificate\n");
        junk.close();
        o.caFile = junk.fileName();
        auto empty = JwksCache::create(o);
        QVERIFY(!empty.ok());
        QVERIFY(q(empty.error().message).contains(QLatin1String("no PEM certificate")));
    }

    // Key rotation: a token names a kid the cached set lacks; one refetch brings it in.
    void unknownKidRefetchesOnce()
    {
        auto cache = started(options());
        QSignalSpy changed(cache.get(), &JwksCache::keysChanged);
        m_server->setBody(jwksBody({ &m_a, &m_b }));
        m_now += 31000; // past the cooldown since the first fetch
        bool done = false;
        cache->whenKeyKnown("key-b", [&] { done = true; });
        QVERIFY(!done);
        QTRY_VERIFY(done);
        QCOMPARE(m_server->requests(), 2);
        QVERIFY(cache->current()->find("key-b"));
        QCOMPARE(changed.count(), 1);
        // Known now: answered at once, no fetch.
        bool again = false;
        cache->whenKeyKnown("key-b", [&] { again = true; });
        QVERIFY(again);
        QCOMPARE(m_server->requests(), 2);
    }

    void cooldownRespected()
    {
        auto cache = started(options()); // fetch 1 at m_now
        int answered = 0;
        for (int i = 0; i < 20; ++i)
            cache->whenKeyKnown("forged-" + std::to_string(i), [&] { ++answered; });
        QCOMPARE(answered, 20); // all at once: no refetch within the cooldown
        QTest::qWait(200);
        QCOMPARE(m_server->requests(), 1);

        m_now += 29999;
        cache->whenKeyKnown("forged", [&] { ++answered; });
        QCOMPARE(answered, 21);
        QCOMPARE(m_server->requests(), 1);

        m_now += 1; // 30 s after the last fetch started
        bool done = false;
        cache->whenKeyKnown("forged", [&] { done = true; });
        QVERIFY(!done);
        QTRY_VERIFY(done);
        QCOMPARE(m_server->requests(), 2);
        // And the cooldown starts again from that fetch.
        bool immediate = false;
        cache->whenKeyKnown("forged", [&] { immediate = true; });
        QVERIFY(immediate);
        QTest::qWait(100);
        QCOMPARE(m_server->requests(), 2);
    }

    void waitersShareOneFetch()
    {
        auto cache = started(options());
        m_server->setBody(jwksBody({ &m_a, &m_b }));
        m_now += 60000;
        int done = 0;
        for (int i = 0; i < 5; ++i)
            cache->whenKeyKnown("key-b", [&] { ++done; });
        std::optional<Status> forced;
        cache->refreshNow([&](Status s) { forced = std::move(s); });
        QCOMPARE(done, 0);
        QTRY_COMPARE(done, 5);
        QVERIFY(forced && forced->ok());
        QCOMPARE(m_server->requests(), 2);
    }

    void outageKeepsLastGoodSet()
    {
        auto cache = started(options());
        const auto before = cache->current();
        QSignalSpy failed(cache.get(), &JwksCache::fetchFailed);
        QSignalSpy changed(cache.get(), &JwksCache::keysChanged);
        m_server->setMode(Mode::Status);
        m_server->setStatus(503);
        m_now += 3600000;
        const Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::Unavailable);
        QVERIFY2(q(status.error().message).contains(QLatin1String("HTTP 503")),
                 status.error().message.c_str());
        QCOMPARE(failed.count(), 1);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(cache->current(), before); // the same set, still in use
        const JwksStatus s = cache->status();
        QVERIFY(s.available);
        QCOMPARE(s.stalenessMs, std::optional<std::int64_t>(3600000));
        QVERIFY(q(s.lastError).contains(QLatin1String("HTTP 503")));
        // The server comes back: the next fetch clears the error, and the same set is no change.
        m_server->setMode(Mode::Serve);
        QVERIFY(refresh(*cache).ok());
        QVERIFY(cache->status().lastError.empty());
        QCOMPARE(changed.count(), 0);
    }

    void maxStalenessDropsSet()
    {
        JwksOptions o = options();
        o.maxStaleness = 2h;
        auto cache = started(o);
        QSignalSpy changed(cache.get(), &JwksCache::keysChanged);
        m_server->setMode(Mode::Status);
        m_now += 2 * 3600000; // exactly the limit: still in use
        QVERIFY(cache->current());
        m_now += 1;
        QVERIFY(!cache->current()); // fail closed at once, before any fetch
        QVERIFY(!cache->status().available);
        QVERIFY(!refresh(*cache).ok());
        QCOMPARE(changed.count(), 1); // dropped
        QVERIFY(!cache->current());
        // Recovery: a good fetch puts a set back.
        m_server->setMode(Mode::Serve);
        QVERIFY(refresh(*cache).ok());
        QVERIFY(cache->current());
        QCOMPARE(changed.count(), 2);
    }

    void oversizeResponseRefused()
    {
        JwksOptions o = options();
        o.maxBytes = 4096;
        auto cache = make(o);
        m_server->setMode(Mode::Oversize);
        m_server->setOversizeBytes(100000);
        Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("4096-byte cap")),
                 status.error().message.c_str());
        QVERIFY(!cache->current());
    }

    // No Content-Length and a response that never ends: the cap, not the timeout, ends it.
    void oversizeStreamAbortedAtTheCap()
    {
        JwksOptions o = options();
        o.maxBytes = 4096;
        o.timeout = 10s;
        auto cache = make(o);
        m_server->setMode(Mode::OversizeStream);
        m_server->setOversizeBytes(64 * 1024);
        QElapsedTimer clock;
        clock.start();
        const Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("larger than the 4096-byte cap")),
                 status.error().message.c_str());
        QVERIFY2(clock.elapsed() < 5000, "the client waited for the end of an oversize response");
    }

    void slowServerTimesOut()
    {
        JwksOptions o = options();
        o.timeout = 300ms;
        auto cache = make(o);
        m_server->setMode(Mode::Hang);
        QElapsedTimer clock;
        clock.start();
        const Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("did not answer within 300 ms")),
                 status.error().message.c_str());
        QVERIFY(clock.elapsed() >= 290);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(m_server->requests(), 1);
    }

    void badDocumentsKeepTheOldSet_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("invalid JSON")
            << QByteArray("{\"keys\": [") << QStringLiteral("not valid JSON");
        QTest::newRow("duplicate member")
            << QByteArray(R"({"keys":[],"keys":[]})") << QStringLiteral("duplicate key");
        const TestKey clash = TestKey::ed25519("key-a");
        QTest::newRow("duplicate kids")
            << jwksBody({ &m_a, &clash }) << QStringLiteral("same \"kid\"");
        QTest::newRow("no usable key") << QByteArray(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})")
                                       << QStringLiteral("no usable signing key");
        QTest::newRow("HTML error page")
            << QByteArray("<html>oops</html>") << QStringLiteral("not valid JSON");
    }

    void badDocumentsKeepTheOldSet()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, fragment);
        auto cache = started(options());
        const auto before = cache->current();
        m_server->setBody(body);
        const Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(fragment), status.error().message.c_str());
        QCOMPARE(cache->current(), before);
    }

    void untrustedCertificateRefused()
    {
        // System CAs only: the test CA is not among them.
        JwksOptions o = options();
        o.caFile.clear();
        auto cache = make(o);
        Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("TLS")),
                 status.error().message.c_str());
        // Another CA, trusted for nothing this server shows.
        o.caFile =
            TlsIdentity::make("Another CA").writeCa(m_dir.path(), QStringLiteral("other.pem"));
        auto other = make(o);
        status = refresh(*other);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("TLS")),
                 status.error().message.c_str());
        QCOMPARE(m_server->requests(), 0);
        QVERIFY(!other->current());
    }

    void redirectNotFollowed()
    {
        auto cache = make(options());
        m_server->setMode(Mode::Redirect);
        const Status status = refresh(*cache);
        QVERIFY(!status.ok());
        QVERIFY2(q(status.error().message).contains(QLatin1String("redirect (HTTP 302)")),
                 status.error().message.c_str());
        QCOMPARE(m_server->requests(), 1); // the target was never asked
    }

    void refreshesInTheBackground()
    {
        JwksOptions o = options();
        o.refreshInterval = 1s;
        auto cache = started(o);
        QSignalSpy changed(cache.get(), &JwksCache::keysChanged);
        m_server->setBody(jwksBody({ &m_a, &m_b }));
        QTRY_VERIFY_WITH_TIMEOUT(m_server->requests() >= 2, 5000);
        QTRY_VERIFY(cache->current()->find("key-b"));
        QCOMPARE(changed.count(), 1);
    }

    void failedBackgroundFetchRetriesAfterCooldown()
    {
        JwksOptions o = options();
        o.refreshInterval = 1h;
        o.cooldown = 200ms;
        m_server->setMode(Mode::Status);
        auto cache = make(o);
        QSignalSpy failed(cache.get(), &JwksCache::fetchFailed);
        // The server recovers the moment the first fetch has failed.
        connect(cache.get(), &JwksCache::fetchFailed, this,
                [this] { m_server->setMode(Mode::Serve); });
        cache->start();
        QTRY_COMPARE(failed.count(), 1);
        // No caller asked: the retry after the cooldown brings the keys.
        QTRY_VERIFY_WITH_TIMEOUT(cache->current() != nullptr, 5000);
        QCOMPARE(m_server->requests(), 2);
    }

    void destroyedWhileFetching()
    {
        m_server->setMode(Mode::Hang);
        bool called = false;
        {
            auto cache = make(options());
            cache->whenKeyKnown("x", [&] { called = true; });
            QTRY_COMPARE(m_server->requests(), 1);
        }
        QTest::qWait(50);
        QVERIFY(!called); // dropped with the cache, never called on a dead object
    }
};

QTEST_GUILESS_MAIN(TestJwksCache)
#include "TestJwksCache.moc"
