// EmbeddedOAuthService's trials: "fetch keys now" and "test a token" on OAuth settings that
// are not applied, with the embedded server stopped, against a real HTTPS identity provider on
// 127.0.0.1 (a throwaway CA). Each failure names what to fix; a trial leaves nothing behind.

#include "../AwaitAnswer.h"
#include "../ServerWorld.h"
#include "JwksTestServer.h"
#include "JwtTestKit.h"

#include "auth/JwksCache.h"
#include "auth/TokenValidator.h"
#include "server/OAuthService.h"

#include <QDateTime>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <optional>

using namespace warden;
using Step = auth::TokenCheck::Step;
using Outcome = auth::TokenCheck::Outcome;
using Mode = test::JwksTestServer::Mode;
using warden::test::await;

namespace {

const std::string kIssuer = "https://idp.test.example/";
const std::string kResource = "https://mcp.test.example/mcp";
const QByteArray kSecret = "an HS256 secret of comfortably more than 32 bytes";

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

class TestEmbeddedOAuthService : public QObject
{
    Q_OBJECT

    test::TlsIdentity m_identity = test::TlsIdentity::make();
    test::TestKey m_key = test::TestKey::rsa("idp-key-1");
    std::unique_ptr<test::JwksTestServer> m_idp;
    QTemporaryDir m_dir;
    QString m_caFile;
    std::unique_ptr<test::ServerWorld> m_world;

    OAuthService *oauth() const { return m_world->server->oauthService(); }

    // The settings an operator would enter, parsed as the server would; `extra` replaces keys.
    auth::OAuthConfig config(const Json &extra = Json::object()) const
    {
        Json object { { "issuer", kIssuer },
                      { "resource", kResource },
                      { "jwks_uri", m_idp->url().toString().toStdString() },
                      { "jwks_ca_file", m_caFile.toStdString() },
                      { "algorithms", Json::array({ "RS256" }) } };
        for (auto it = extra.begin(); it != extra.end(); ++it) {
            if (it.value().is_null())
                object.erase(it.key());
            else
                object[it.key()] = it.value();
        }
        auto parsed = auth::OAuthConfig::fromJson(object, "/auth/oauth");
        if (!parsed)
            qFatal("test settings refused: %s", parsed.error().message.c_str());
        return *parsed;
    }

    Json claims() const
    {
        const std::int64_t now = QDateTime::currentSecsSinceEpoch();
        return Json { { "iss", kIssuer },
                      { "aud", kResource },
                      { "sub", "alice" },
                      { "exp", now + 300 },
                      { "iat", now - 10 } };
    }

    // HS256 only, the secret under `reference`.
    auth::OAuthConfig hs256Config(const std::string &reference) const
    {
        return config(Json { { "algorithms", Json::array({ "HS256" }) },
                             { "jwks_uri", nullptr },
                             { "jwks_ca_file", nullptr },
                             { "hs256_secret", reference } });
    }

    std::string hs256Token() const
    {
        return test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})", claims().dump(),
                               kSecret.toStdString());
    }

    std::optional<KeysFetched> fetch(const OAuthTrial &trial) const
    {
        OAuthService *service = oauth();
        return await<KeysFetched>(
            [service, trial](QObject *c, auto done) { service->fetchKeysWith(trial, c, done); });
    }

    std::optional<Result<auth::TokenDiagnosis>> test(const OAuthTrial &trial,
                                                     const std::string &token) const
    {
        OAuthService *service = oauth();
        return await<Result<auth::TokenDiagnosis>>([service, trial, token](QObject *c, auto done) {
            service->testTokenWith(trial, q(token), c, done);
        });
    }

    // Trials own their cache or validator only while they run.
    int trialsAlive() const
    {
        return int(oauth()->findChildren<auth::JwksCache *>().size()
                   + oauth()->findChildren<auth::TokenValidator *>().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_idp = std::make_unique<test::JwksTestServer>(m_identity);
        QVERIFY(m_idp->listen());
        m_caFile = m_identity.writeCa(m_dir.path());
        m_world = std::make_unique<test::ServerWorld>(); // no OAuth, never started
    }

    void init()
    {
        m_idp->setMode(Mode::Serve);
        m_idp->setBody(QByteArray::fromStdString(test::jwks({ &m_key }).dump()));
    }

    void cleanup() { QTRY_COMPARE(trialsAlive(), 0); }

    void fetchKeysWithTheServerStopped()
    {
        QCOMPARE(m_world->server->state(), ServerInterface::State::Stopped);
        QVERIFY(!oauth()->isActive());
        QVERIFY(!oauth()->activeConfig());
        const int before = m_idp->requests();
        auto fetched = fetch({ config(), {} });
        QVERIFY(fetched);
        QVERIFY2(fetched->status.ok(),
                 fetched->status.ok() ? "" : fetched->status.error().message.c_str());
        QCOMPARE(m_idp->requests(), before + 1);
        QCOMPARE(fetched->source, m_idp->url().toString());
        QCOMPARE(fetched->keys.keys.size(), std::size_t(1));
        QCOMPARE(q(fetched->keys.keys.front().kid), QStringLiteral("idp-key-1"));
        QCOMPARE(q(fetched->keys.keys.front().algorithm), QStringLiteral("RS256"));
        // Nothing is left refreshing in the background.
        QTRY_COMPARE(trialsAlive(), 0);
        QTest::qWait(50);
        QCOMPARE(m_idp->requests(), before + 1);
    }

    void fetchFailuresSayWhatToFix_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("untrusted certificate")
            << "untrusted" << QStringList { QStringLiteral("TLS"), QStringLiteral("jwks_ca_file") };
        QTest::newRow("not JSON") << "html"
                                  << QStringList { QStringLiteral("not valid JSON"),
                                                   QStringLiteral("jwks_uri") };
        QTest::newRow("no keys") << "empty"
                                 << QStringList { QStringLiteral("no usable signing key"),
                                                  QStringLiteral("check the JWKS URL") };
        QTest::newRow("HTTP 404") << "404"
                                  << QStringList { QStringLiteral("HTTP 404"),
                                                   QStringLiteral("check the JWKS URL") };
        QTest::newRow("unreachable") << "closed"
                                     << QStringList { QStringLiteral("could not be fetched"),
                                                      QStringLiteral("check the JWKS URL") };
        QTest::newRow("no answer")
            << "hang" << QStringList { QStringLiteral("did not answer within 200 ms") };
        QTest::newRow("HS256 only")
            << "hs256" << QStringList { QStringLiteral("no key set to fetch") };
    }

    void fetchFailuresSayWhatToFix()
    {
        QFETCH(QString, problem);
        QFETCH(QStringList, expected);
        Json extra = Json::object();
        if (problem == QLatin1String("untrusted"))
            extra["jwks_ca_file"] = nullptr;
        if (problem == QLatin1String("html"))
            m_idp->setBody("<html>sign in</html>");
        if (problem == QLatin1String("empty"))
            m_idp->setBody(R"({"keys":[]})");
        if (problem == QLatin1String("404")) {
            m_idp->setMode(Mode::Status);
            m_idp->setStatus(404);
        }
        if (problem == QLatin1String("closed")) {
            quint16 port = 0;
            {
                QTcpServer probe; // a free port, closed again: nothing listens there
                QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
                port = probe.serverPort();
            }
            extra["jwks_uri"] = "https://127.0.0.1:" + std::to_string(port) + "/jwks";
        }
        if (problem == QLatin1String("hang")) {
            m_idp->setMode(Mode::Hang);
            extra["jwks"] = Json { { "timeout_ms", 200 } };
        }
        if (problem == QLatin1String("hs256")) {
            extra["algorithms"] = Json::array({ "HS256" });
            extra["hs256_secret"] = "env:WARDEN_TEST_TRIAL_HS256";
        }
        auto fetched = fetch({ config(extra), {} });
        QVERIFY(fetched);
        QVERIFY(!fetched->status.ok());
        const QString message = q(fetched->status.error().message);
        for (const QString &part : expected)
            QVERIFY2(message.contains(part), qPrintable(message));
        QVERIFY(fetched->keys.keys.empty());
    }

    void testTokensWithTheServerStopped()
    {
        const OAuthTrial trial { config(), {} };
        auto valid = test(trial, test::mint(claims(), m_key));
        QVERIFY(valid && valid->ok());
        QVERIFY2((*valid)->ok(), (*valid)->ok() ? "" : (*valid)->error->description.c_str());
        for (const auth::TokenCheck &check : (*valid)->checks)
            QVERIFY(check.outcome == Outcome::Passed);

        Json expired = claims();
        expired["exp"] = QDateTime::currentSecsSinceEpoch() - 3600;
        auto refused = test(trial, test::mint(expired, m_key));
        QVERIFY(refused && refused->ok());
        QVERIFY(!(*refused)->ok());
        QCOMPARE((*refused)->error->reason, auth::TokenError::Reason::Expired);

        // The same token under an audience the operator is about to enter.
        auto elsewhere = test({ config(Json { { "resource", "https://other.example/mcp" } }), {} },
                              test::mint(claims(), m_key));
        QVERIFY(elsewhere && elsewhere->ok());
        QCOMPARE((*elsewhere)->error->reason, auth::TokenError::Reason::WrongAudience);
    }

    void aTokenTestNamesAFailedFetch()
    {
        auto tested =
            test({ config(Json { { "jwks_ca_file", nullptr } }), {} }, test::mint(claims(), m_key));
        QVERIFY(tested);
        QVERIFY(!tested->ok());
        const QString message = q(tested->error().message);
        QVERIFY2(message.contains(QStringLiteral("could not be fetched, so the signature")),
                 qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("TLS")));
    }

    void hs256WithTheTypedSecret()
    {
        const auth::OAuthConfig hs256 = hs256Config("keychain:warden-test/never-stored");
        const std::string token = hs256Token();
        const int before = m_idp->requests();
        auto valid = test({ hs256, QString::fromLatin1(kSecret) }, token);
        QVERIFY(valid && valid->ok());
        QVERIFY2((*valid)->ok(), (*valid)->ok() ? "" : (*valid)->error->description.c_str());
        QCOMPARE(m_idp->requests(), before); // no key set involved

        auto wrong = test(
            { hs256, QString::fromLatin1(kSecret).replace(0, 2, QStringLiteral("AN")) }, token);
        QVERIFY(wrong && wrong->ok());
        QCOMPARE((*wrong)->error->reason, auth::TokenError::Reason::BadSignature);

        auto tooShort = test({ hs256, QStringLiteral("short") }, token);
        QVERIFY(tooShort && !tooShort->ok());
        QVERIFY2(q(tooShort->error().message).contains(QStringLiteral("at least 32")),
                 tooShort->error().message.c_str());
    }

    void hs256FromTheReference()
    {
        const auth::OAuthConfig hs256 = hs256Config("env:WARDEN_TEST_TRIAL_HS256");
        const std::string token = hs256Token();
        qputenv("WARDEN_TEST_TRIAL_HS256", kSecret);
        auto valid = test({ hs256, {} }, token);
        QVERIFY(valid && valid->ok() && (*valid)->ok());
        qunsetenv("WARDEN_TEST_TRIAL_HS256");
        auto missing = test({ hs256, {} }, token);
        QVERIFY(missing && !missing->ok());
        QVERIFY2(q(missing->error().message).contains(QStringLiteral("auth.oauth.hs256_secret")),
                 missing->error().message.c_str());
    }

    // Destroying the context cancels a fetch in flight: no answer, nothing left running.
    void cancelledWithItsContext()
    {
        m_idp->setMode(Mode::Hang);
        bool answered = false;
        {
            QObject context;
            oauth()->fetchKeysWith({ config(), {} }, &context,
                                   [&answered](const KeysFetched &) { answered = true; });
            oauth()->testTokenWith(
                { config(), {} }, q(test::mint(claims(), m_key)), &context,
                [&answered](const Result<auth::TokenDiagnosis> &) { answered = true; });
            QCOMPARE(trialsAlive(), 2);
        }
        QTRY_COMPARE(trialsAlive(), 0);
        QTest::qWait(50);
        QVERIFY(!answered);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedOAuthService)
#include "TestEmbeddedOAuthService.moc"
