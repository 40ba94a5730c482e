#include "JwksTestServer.h"
#include "JwtTestKit.h"

#include "auth/TokenValidator.h"
#include "secrets/SecretValue.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace warden;
using namespace warden::auth;
using warden::test::JwksTestServer;
using warden::test::TestKey;
using warden::test::TlsIdentity;
using Reason = TokenError::Reason;
using namespace std::chrono_literals;

namespace {

const std::string kIssuer = "https://idp.example.com";
const std::string kResource = "https://mcp.example.com/mcp";

QByteArray jwksBody(std::initializer_list<const TestKey *> keys)
{
    return QByteArray::fromStdString(test::jwks(keys).dump());
}

} // namespace

class TestTokenValidator : public QObject
{
    Q_OBJECT
private:
    TestKey m_old;
    TestKey m_new;
    TlsIdentity m_tls;
    QTemporaryDir m_dir;
    QString m_caFile;
    std::unique_ptr<JwksTestServer> m_server;
    std::int64_t m_nowMs = 1800000000000;

    Json claims() const
    {
        const std::int64_t now = m_nowMs / 1000;
        return Json { { "iss", kIssuer },   { "aud", kResource }, { "sub", "alice" },
                      { "exp", now + 600 }, { "iat", now },       { "scope", "db.read" } };
    }

    OAuthConfig config() const
    {
        auto parsed =
            OAuthConfig::fromJson(Json { { "issuer", kIssuer },
                                         { "resource", kResource },
                                         { "jwks_uri", m_server->url().toString().toStdString() },
                                         { "jwks_ca_file", m_caFile.toStdString() } },
                                  "/auth/oauth");
        if (!parsed.ok())
            qFatal("%s", parsed.error().message.c_str());
        return *parsed;
    }

    std::unique_ptr<TokenValidator> make(const OAuthConfig &c)
    {
        auto validator = TokenValidator::create(c, [this] { return m_nowMs; });
        if (!validator.ok())
            qFatal("%s", validator.error().message.c_str());
        return std::move(*validator);
    }

    // validate() and wait for its answer.
    TokenResult check(TokenValidator &validator, const std::string &token)
    {
        std::optional<TokenResult> result;
        validator.validate(token, [&](TokenResult r) { result.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            qFatal("validate never answered");
        return std::move(*result);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_old = TestKey::rsa("2024-01");
        m_new = TestKey::ec("2024-06");
        m_tls = TlsIdentity::make();
        m_caFile = m_tls.writeCa(m_dir.path());
    }

    void init()
    {
        m_server = std::make_unique<JwksTestServer>(m_tls);
        QVERIFY(m_server->listen());
        m_server->setBody(jwksBody({ &m_old }));
    }

    void cleanup() { m_server.reset(); }

    // The first token may arrive before the first fetch has finished: it waits for it.
    void firstTokenWaitsForTheKeys()
    {
        auto validator = make(config());
        QVERIFY(validator->keyCache());
        const TokenResult result = check(*validator, test::mint(claims(), m_old));
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().description.c_str());
        QCOMPARE(result.token().subject, std::string("alice"));
        QCOMPARE(m_server->requests(), 1);
    }

    void keyRotation()
    {
        auto validator = make(config());
        QVERIFY(check(*validator, test::mint(claims(), m_old)).ok());
        // The issuer rotates: the new key signs, the JWKS lists both. One refetch, then valid.
        m_server->setBody(jwksBody({ &m_old, &m_new }));
        m_nowMs += 31000;
        const std::string token = test::mint(claims(), m_new);
        bool synchronous = false;
        std::optional<TokenResult> result;
        validator->validate(token, [&](TokenResult r) { result.emplace(std::move(r)); });
        synchronous = result.has_value();
        QVERIFY(!synchronous); // it waited for the refetch
        QTRY_VERIFY(result.has_value());
        QVERIFY2(result->ok(), result->ok() ? "" : result->error().description.c_str());
        QCOMPARE(m_server->requests(), 2);
        // Known keys are answered at once, without the network.
        std::optional<TokenResult> fast;
        validator->validate(token, [&](TokenResult r) { fast.emplace(std::move(r)); });
        QVERIFY(fast.has_value() && fast->ok());
        QCOMPARE(m_server->requests(), 2);
    }

    void forgedKidsCannotHammerTheIssuer()
    {
        auto validator = make(config());
        QVERIFY(check(*validator, test::mint(claims(), m_old)).ok());
        for (int i = 0; i < 50; ++i) {
            const TestKey forged { m_old.pkey, "forged-" + std::to_string(i), JwsAlgorithm::RS256 };
            const TokenResult r = check(*validator, test::mint(claims(), forged));
            QCOMPARE(r.error().reason, Reason::UnknownKey);
        }
        QCOMPARE(m_server->requests(), 1); // all within the cooldown of the first fetch
        m_nowMs += 30000;
        const TestKey forged { m_old.pkey, "forged", JwsAlgorithm::RS256 };
        QCOMPARE(check(*validator, test::mint(claims(), forged)).error().reason,
                 Reason::UnknownKey);
        QCOMPARE(m_server->requests(), 2);
    }

    void keysUnavailableWhenTheIssuerIsDown()
    {
        m_server->setMode(JwksTestServer::Mode::Status);
        auto validator = make(config());
        const TokenResult r = check(*validator, test::mint(claims(), m_old));
        QCOMPARE(r.error().reason, Reason::KeysUnavailable);
    }

    void otherRefusalsDoNotFetch()
    {
        auto validator = make(config());
        QVERIFY(check(*validator, test::mint(claims(), m_old)).ok());
        m_nowMs += 60000;
        Json c = claims();
        c["aud"] = "https://elsewhere.example.com";
        QCOMPARE(check(*validator, test::mint(c, m_old)).error().reason, Reason::WrongAudience);
        QCOMPARE(check(*validator, "not.a.token").error().reason, Reason::Malformed);
        QCOMPARE(m_server->requests(), 1);
    }

    void hs256FromTheSecretStore()
    {
        const QByteArray secret = "an HS256 secret of comfortably more than 32 bytes";
        qputenv("WARDEN_TEST_OAUTH_HS256", secret);
        auto parsed =
            OAuthConfig::fromJson(Json { { "issuer", kIssuer },
                                         { "resource", kResource },
                                         { "algorithms", Json::array({ "HS256" }) },
                                         { "hs256_secret", "env:WARDEN_TEST_OAUTH_HS256" } },
                                  "/auth/oauth");
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        auto validator = make(*parsed);
        QVERIFY(!validator->keyCache()); // no JWKS needed, none fetched
        const std::string token = test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})",
                                                  claims().dump(), secret.toStdString());
        QVERIFY(check(*validator, token).ok());
        QCOMPARE(check(*validator, test::mint(claims(), m_old)).error().reason,
                 Reason::AlgorithmNotAllowed);

        qputenv("WARDEN_TEST_OAUTH_HS256", "too short");
        auto weak = TokenValidator::create(*parsed);
        QVERIFY(!weak.ok());
        QVERIFY(
            QString::fromStdString(weak.error().message).contains(QLatin1String("at least 32")));
        QVERIFY(weak.error().message.find("too short") == std::string::npos);
        qunsetenv("WARDEN_TEST_OAUTH_HS256");
        auto missing = TokenValidator::create(*parsed);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
    }

    void destroyedWhileWaiting()
    {
        m_server->setMode(JwksTestServer::Mode::Hang);
        bool called = false;
        {
            auto validator = make(config());
            validator->validate(test::mint(claims(), m_old), [&](TokenResult) { called = true; });
            QTRY_COMPARE(m_server->requests(), 1);
        }
        QTest::qWait(50);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestTokenValidator)
#include "TestTokenValidator.moc"
