// The OAuth panel against a real embedded server whose token validator fetches its keys over
// HTTPS from a local test identity provider (a throwaway CA, 127.0.0.1): fetch the keys, test
// valid and refused tokens, and keep the HS256 secret in the OS keychain, never in the file.

#include "../ServerWorld.h"
#include "../core/JwksTestServer.h"
#include "../core/JwtTestKit.h"
#include "OAuthPanel.h"
#include "OAuthSettingsForm.h"
#include "Screenshot.h"
#include "TokenCheckModel.h"
#include "auth/Jwk.h"
#include "secrets/KeychainSecretStore.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTest>

using namespace warden;
using Step = auth::TokenCheck::Step;
using Outcome = auth::TokenCheck::Outcome;

namespace {

const std::string kIssuer = "https://idp.test.example/";
const std::string kResource = "https://mcp.test.example/mcp";

Json withClaim(Json claims, const std::string &name, Json value)
{
    claims[name] = std::move(value);
    return claims;
}

} // namespace

class TestOAuthPanel : public QObject
{
    Q_OBJECT

    test::TlsIdentity m_identity = test::TlsIdentity::make();
    test::TestKey m_key = test::TestKey::rsa("idp-key-1");
    std::unique_ptr<test::JwksTestServer> m_idp;
    QTemporaryDir m_caDir;

    Json oauthConfig() const
    {
        return Json { { "oauth",
                        Json {
                            { "issuer", kIssuer },
                            { "resource", kResource },
                            { "jwks_uri", m_idp->url().toString().toStdString() },
                            { "jwks_ca_file", m_identity.writeCa(m_caDir.path()).toStdString() },
                            { "algorithms", Json::array({ "RS256" }) },
                            { "claims", Json { { "tenant", "org" }, { "roles", "roles" } } } } } };
    }

    Json claims() const
    {
        const std::int64_t now = QDateTime::currentSecsSinceEpoch();
        return Json { { "iss", kIssuer },
                      { "aud", kResource },
                      { "sub", "alice" },
                      { "org", "acme" },
                      { "roles", Json::array({ "analyst" }) },
                      { "scope", "db.read" },
                      { "exp", now + 300 },
                      { "iat", now - 10 } };
    }

    static QString q(const std::string &text) { return QString::fromStdString(text); }

    // Pastes `token` into the token box and runs the checks from the keyboard.
    static void testToken(OAuthPanel &panel, const std::string &token)
    {
        auto *edit = panel.findChild<QPlainTextEdit *>(QStringLiteral("tokenEdit"));
        edit->setFocus();
        QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
        QGuiApplication::clipboard()->setText(q(token));
        QTest::keyClick(edit, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(edit->toPlainText(), q(token));
        panel.findChild<QLabel *>(QStringLiteral("verdictLabel"))->clear();
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(!panel.findChild<QLabel *>(QStringLiteral("verdictLabel"))->text().isEmpty()
                    && !panel.findChild<QLabel *>(QStringLiteral("verdictLabel"))
                            ->text()
                            .startsWith(QStringLiteral("Checking")));
    }

    // Shows the panel at screenshot size once its settings are loaded.
    static void showLoaded(OAuthPanel &panel)
    {
        panel.resize(1280, 820);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
    }

    static QLabel *label(const OAuthPanel &panel, const char *name)
    {
        return panel.findChild<QLabel *>(QLatin1String(name));
    }

    // Types into an empty or filled line edit, as an operator would.
    static void retype(OAuthPanel &panel, const char *name, const std::string &text)
    {
        auto *edit = panel.findChild<QLineEdit *>(QLatin1String(name));
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, q(text));
    }

    // Enters the identity provider's settings in a panel showing a file without OAuth.
    void enterSettings(OAuthPanel &panel) const
    {
        retype(panel, "issuerEdit", kIssuer);
        retype(panel, "resourceEdit", kResource);
        retype(panel, "jwksEdit", m_idp->url().toString().toStdString());
        retype(panel, "tenantClaimEdit", "org");
        retype(panel, "rolesClaimEdit", "roles");
        QVERIFY2(!label(panel, "oauthErrorLabel")->isVisible(),
                 qPrintable(label(panel, "oauthErrorLabel")->text()));
    }

    // Presses "Fetch keys now" from the keyboard and waits for the answer.
    static void fetchKeys(OAuthPanel &panel)
    {
        auto *button = panel.findChild<QPushButton *>(QStringLiteral("fetchKeysButton"));
        QVERIFY(button->isEnabled());
        button->setFocus();
        QTest::keyClick(button, Qt::Key_Space);
        QTRY_VERIFY(button->isEnabled());
        QVERIFY(!label(panel, "keysStatusLabel")->text().startsWith(QStringLiteral("Fetching")));
    }

    // With the settings entered and not applied: keys, a valid token, refused tokens.
    void checkEnteredSettings(OAuthPanel &panel, const QString &screenshotPrefix)
    {
        const QString entered = QStringLiteral("the settings as entered — not applied yet");
        QVERIFY2(label(panel, "checkSourceLabel")->text().contains(entered),
                 qPrintable(label(panel, "checkSourceLabel")->text()));

        const int before = m_idp->requests();
        fetchKeys(panel);
        auto *keys = panel.findChild<QTableWidget *>(QStringLiteral("keysTable"));
        QCOMPARE(m_idp->requests(), before + 1);
        QVERIFY2(label(panel, "keysStatusLabel")->text().startsWith(QStringLiteral("1 key")),
                 qPrintable(label(panel, "keysStatusLabel")->text()));
        QCOMPARE(keys->rowCount(), 1);
        QCOMPARE(keys->item(0, 0)->text(), QStringLiteral("idp-key-1"));
        QCOMPARE(keys->item(0, 2)->text(), QStringLiteral("RS256"));
        QVERIFY(label(panel, "keysSourceLabel")->text().contains(entered));
        if (!screenshotPrefix.isEmpty())
            test::saveScreenshot(&panel, screenshotPrefix + QStringLiteral("-keys"));

        TokenCheckModel *checks = panel.checks();
        testToken(panel, test::mint(claims(), m_key));
        for (const Step step : auth::TokenCheck::allSteps())
            QVERIFY2(checks->outcome(step) == Outcome::Passed,
                     qPrintable(TokenCheckModel::stepTitle(step)));
        QVERIFY2(label(panel, "verdictLabel")->text().startsWith(QStringLiteral("Valid")),
                 qPrintable(label(panel, "verdictLabel")->text()));
        QVERIFY(label(panel, "verdictLabel")->text().contains(QStringLiteral("tenant \"acme\"")));
        QVERIFY(label(panel, "tokenSourceLabel")->text().contains(entered));

        testToken(panel,
                  test::mint(withClaim(claims(), "exp", QDateTime::currentSecsSinceEpoch() - 3600),
                             m_key));
        QCOMPARE(checks->outcome(Step::Expiry), Outcome::Failed);
        QCOMPARE(label(panel, "verdictLabel")->text(),
                 QStringLiteral("Refused: The token has expired."));

        testToken(panel,
                  test::mint(withClaim(claims(), "aud", "https://elsewhere.example/"), m_key));
        QCOMPARE(checks->outcome(Step::Audience), Outcome::Failed);
        QCOMPARE(checks->outcome(Step::Signature), Outcome::Passed);
        QCOMPARE(checks->index(int(Step::Audience), TokenCheckModel::CheckColumn).data().toString(),
                 QStringLiteral("Audience (aud)"));
        QCOMPARE(
            checks->index(int(Step::Audience), TokenCheckModel::ResultColumn).data().toString(),
            QStringLiteral("Failed"));
        QVERIFY(label(panel, "tokenSourceLabel")->text().contains(entered));
        if (!screenshotPrefix.isEmpty())
            test::saveScreenshot(&panel, screenshotPrefix + QStringLiteral("-token"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_idp = std::make_unique<test::JwksTestServer>(m_identity);
        QVERIFY(m_idp->listen());
        m_idp->setBody(QByteArray::fromStdString(test::jwks({ &m_key }).dump()));
        // The panel has no field for jwks_ca_file: settings entered there reach the identity
        // provider as on a machine whose system store trusts its CA.
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(QSslCertificate::fromData(m_identity.caPem, QSsl::Pem));
        QSslConfiguration::setDefaultConfiguration(ssl);
    }

    void init() { QSettings().clear(); }

    void fetchKeysAndTestTokens()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("the keychain run checks the secret only");
        test::ServerWorld world(Json { { "mode", "production" }, { "auth", oauthConfig() } });
        QVERIFY2(world.server->startNow().ok(), qPrintable(world.server->lastError()));
        OAuthPanel panel(world.server.get());
        showLoaded(panel);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(panel.findChild<QLineEdit *>(QStringLiteral("issuerEdit"))->text(), q(kIssuer));
        QCOMPARE(panel.findChild<QLineEdit *>(QStringLiteral("resourceEdit"))->text(),
                 q(kResource));
        QVERIFY(panel.findChild<QCheckBox *>(QStringLiteral("algorithmRS256"))->isChecked());
        QVERIFY(!panel.findChild<QCheckBox *>(QStringLiteral("algorithmES256"))->isChecked());
        QCOMPARE(panel.findChild<QLineEdit *>(QStringLiteral("tenantClaimEdit"))->text(),
                 QStringLiteral("org"));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("activeLabel"))
                    ->text()
                    .contains(QStringLiteral("checks OAuth")));
        QVERIFY(panel.findChild<QWidget *>(QStringLiteral("toolScopesTable")) != nullptr);
        const QString running = QStringLiteral("the running server's settings");
        QVERIFY2(label(panel, "checkSourceLabel")->text().contains(running),
                 qPrintable(label(panel, "checkSourceLabel")->text()));

        // Fetch keys now: one more request to the identity provider, the key listed by its
        // kid and thumbprint, nothing of its material.
        const int before = m_idp->requests();
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("fetchKeysButton")),
                          Qt::LeftButton);
        auto *keys = panel.findChild<QTableWidget *>(QStringLiteral("keysTable"));
        QTRY_COMPARE(keys->rowCount(), 1);
        QVERIFY(m_idp->requests() > before);
        QCOMPARE(keys->item(0, 0)->text(), QStringLiteral("idp-key-1"));
        QCOMPARE(keys->item(0, 1)->text(), QStringLiteral("RSA"));
        QCOMPARE(keys->item(0, 2)->text(), QStringLiteral("RS256"));
        QCOMPARE(keys->item(0, 3)->text(), QStringLiteral("sig"));
        QCOMPARE(keys->item(0, 4)->text(), QStringLiteral("2048"));
        auto jwk = auth::Jwk::fromJson(m_key.jwk());
        QVERIFY(jwk.ok());
        QCOMPARE(keys->item(0, 5)->text(), q(jwk->thumbprint()));
        const std::string modulus = m_key.jwk()["n"].get<std::string>();
        for (int column = 0; column < keys->columnCount(); ++column)
            QVERIFY(!keys->item(0, column)->text().contains(q(modulus.substr(0, 16))));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("keysStatusLabel"))
                    ->text()
                    .contains(QStringLiteral("1 key")));
        QVERIFY(label(panel, "keysSourceLabel")->text().contains(running));

        // A valid token: every check passed, the principal in words.
        TokenCheckModel *checks = panel.checks();
        testToken(panel, test::mint(claims(), m_key));
        QCOMPARE(checks->rowCount(), int(auth::TokenCheck::allSteps().size()));
        for (const Step step : auth::TokenCheck::allSteps())
            QVERIFY2(checks->outcome(step) == Outcome::Passed,
                     qPrintable(TokenCheckModel::stepTitle(step)));
        const QString verdict = panel.findChild<QLabel *>(QStringLiteral("verdictLabel"))->text();
        QVERIFY2(verdict.startsWith(QStringLiteral("Valid: every check passed")),
                 qPrintable(verdict));
        QVERIFY(verdict.contains(QStringLiteral("\"alice\"")));
        QVERIFY(verdict.contains(QStringLiteral("tenant \"acme\"")));
        QVERIFY(verdict.contains(QStringLiteral("analyst")));
        test::saveScreenshot(&panel, QStringLiteral("oauth-panel-valid-token"));

        // Expired.
        testToken(panel,
                  test::mint(withClaim(claims(), "exp", QDateTime::currentSecsSinceEpoch() - 3600),
                             m_key));
        QCOMPARE(checks->outcome(Step::Signature), Outcome::Passed);
        QCOMPARE(checks->outcome(Step::Expiry), Outcome::Failed);
        QCOMPARE(checks->detail(Step::Expiry), QStringLiteral("The token has expired."));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("verdictLabel"))->text(),
                 QStringLiteral("Refused: The token has expired."));

        // For another audience.
        testToken(panel,
                  test::mint(withClaim(claims(), "aud", "https://elsewhere.example/"), m_key));
        QCOMPARE(checks->outcome(Step::Audience), Outcome::Failed);
        QVERIFY(
            checks->detail(Step::Audience).contains(QStringLiteral("not issued for this server")));
        QCOMPARE(checks->outcome(Step::Expiry), Outcome::Passed);
        const QModelIndex row = checks->index(int(Step::Audience), TokenCheckModel::ResultColumn);
        QCOMPARE(row.data().toString(), QStringLiteral("Failed"));
        QCOMPARE(checks->index(int(Step::Audience), TokenCheckModel::CheckColumn).data().toString(),
                 QStringLiteral("Audience (aud)"));

        // Tampered: one character of the claims changed after signing.
        std::string tampered = test::mint(claims(), m_key);
        const std::size_t dot = tampered.find('.');
        tampered[dot + 3] = tampered[dot + 3] == 'A' ? 'B' : 'A';
        testToken(panel, tampered);
        QCOMPARE(checks->outcome(Step::Key), Outcome::Passed);
        QCOMPARE(checks->outcome(Step::Signature), Outcome::Failed);
        QCOMPARE(checks->detail(Step::Signature),
                 QStringLiteral("The token's signature does not verify."));
        QCOMPARE(checks->outcome(Step::Issuer), Outcome::NotChecked);
        test::saveScreenshot(&panel, QStringLiteral("oauth-panel-refused-token"));
        QVERIFY(label(panel, "tokenSourceLabel")->text().contains(running));

        // Different settings entered while the server runs with OAuth: the tools try them, not
        // the running ones. The token the server accepts is for another audience here.
        retype(panel, "resourceEdit", "https://mcp-next.test.example/mcp");
        QVERIFY(label(panel, "checkSourceLabel")->text().contains(QStringLiteral("as entered")));
        testToken(panel, test::mint(claims(), m_key));
        QCOMPARE(checks->outcome(Step::Signature), Outcome::Passed);
        QCOMPARE(checks->outcome(Step::Audience), Outcome::Failed);
        QVERIFY(label(panel, "tokenSourceLabel")->text().contains(QStringLiteral("as entered")));
        QVERIFY(world.server->oauthService()->isActive());
    }

    // The server stopped and its file without OAuth: the operator enters the settings and
    // tries them before applying anything. A form the server would refuse names the field to
    // fix, and nothing is fetched.
    void entersSettingsWithTheServerStopped()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("the keychain run checks the secret only");
        test::ServerWorld world;
        const QByteArray file = world.read("warden.json");
        OAuthPanel panel(world.server.get());
        showLoaded(panel);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(label(panel, "activeLabel")->text().contains(QStringLiteral("not checking")));

        // Nothing entered yet: the issuer is what to fix, and nothing is fetched.
        const int before = m_idp->requests();
        fetchKeys(panel);
        QVERIFY2(label(panel, "keysStatusLabel")
                     ->text()
                     .contains(QStringLiteral("Fix the Issuer field")),
                 qPrintable(label(panel, "keysStatusLabel")->text()));

        enterSettings(panel);
        checkEnteredSettings(panel, QStringLiteral("oauth-offline"));

        // A JWKS URL where nothing answers: the fetch and the token check say what to fix.
        quint16 closedPort = 0;
        {
            QTcpServer probe; // a free port, closed again
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            closedPort = probe.serverPort();
        }
        retype(panel, "jwksEdit", "https://127.0.0.1:" + std::to_string(closedPort) + "/jwks.json");
        fetchKeys(panel);
        const QString unreachable = label(panel, "keysStatusLabel")->text();
        QVERIFY2(unreachable.startsWith(QStringLiteral("The keys could not be fetched")),
                 qPrintable(unreachable));
        QVERIFY(unreachable.contains(QStringLiteral("check the JWKS URL")));
        QCOMPARE(panel.findChild<QTableWidget *>(QStringLiteral("keysTable"))->rowCount(), 0);
        testToken(panel, test::mint(claims(), m_key));
        QVERIFY2(label(panel, "verdictLabel")
                     ->text()
                     .contains(QStringLiteral("signing keys could not be fetched")),
                 qPrintable(label(panel, "verdictLabel")->text()));

        // A JWKS URL the server would refuse: named, nothing fetched, no token checked.
        retype(panel, "jwksEdit", "http://127.0.0.1/jwks.json");
        const int fetched = m_idp->requests();
        fetchKeys(panel);
        const QString keysProblem = label(panel, "keysStatusLabel")->text();
        QVERIFY2(keysProblem.contains(QStringLiteral("Fix the JWKS URL field")),
                 qPrintable(keysProblem));
        QVERIFY(keysProblem.contains(QStringLiteral("https")));
        QCOMPARE(panel.findChild<QTableWidget *>(QStringLiteral("keysTable"))->rowCount(), 0);
        testToken(panel, test::mint(claims(), m_key));
        QVERIFY2(
            label(panel, "verdictLabel")->text().contains(QStringLiteral("Fix the JWKS URL field")),
            qPrintable(label(panel, "verdictLabel")->text()));
        QCOMPARE(panel.checks()->rowCount(), 0);
        QCOMPARE(m_idp->requests(), fetched);
        QVERIFY(fetched > before);

        // Tried, never applied: the file and the server are as they were.
        QCOMPARE(world.read("warden.json"), file);
        QCOMPARE(world.server->state(), ServerInterface::State::Stopped);
    }

    // The server runs without OAuth (anonymous development HTTP): the same, with the
    // settings as entered, and the server keeps running as it was.
    void entersSettingsWhileTheServerRunsWithoutOAuth()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("the keychain run checks the secret only");
        test::ServerWorld world;
        QVERIFY2(world.server->startNow().ok(), qPrintable(world.server->lastError()));
        OAuthPanel panel(world.server.get());
        showLoaded(panel);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(!world.server->oauthService()->isActive());
        QVERIFY(label(panel, "activeLabel")->text().contains(QStringLiteral("not checking")));
        enterSettings(panel);
        checkEnteredSettings(panel, {});
        QCOMPARE(world.server->state(), ServerInterface::State::Running);
        QVERIFY(!world.server->oauthService()->isActive());
    }

    // Each Alt+letter reaches one control, and none takes a letter of the main window's menus
    // (File, Server, View, Help; Datei, Ansicht in German).
    void mnemonicsAreUnique()
    {
        OAuthPanel panel(nullptr);
        QSet<QKeySequence> seen;
        for (const QKeySequence &menu :
             { QKeySequence(Qt::ALT | Qt::Key_F), QKeySequence(Qt::ALT | Qt::Key_S),
               QKeySequence(Qt::ALT | Qt::Key_V), QKeySequence(Qt::ALT | Qt::Key_H),
               QKeySequence(Qt::ALT | Qt::Key_D), QKeySequence(Qt::ALT | Qt::Key_A) })
            seen.insert(menu);
        QStringList texts;
        for (QAbstractButton *button : panel.findChildren<QAbstractButton *>())
            texts.append(button->text());
        for (QLabel *label : panel.findChildren<QLabel *>())
            if (label->buddy())
                texts.append(label->text());
        int mnemonics = 0;
        for (const QString &text : std::as_const(texts)) {
            const QKeySequence key = QKeySequence::mnemonic(text);
            if (key.isEmpty())
                continue;
            ++mnemonics;
            QVERIFY2(!seen.contains(key), qPrintable(text));
            seen.insert(key);
        }
        QVERIFY(mnemonics >= 12);
    }

    // Edits are validated with the server's own parser as they are typed.
    void invalidSettingsAreRefusedAsTyped()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("the keychain run checks the secret only");
        test::ServerWorld world(Json { { "mode", "production" }, { "auth", oauthConfig() } });
        OAuthPanel panel(world.server.get());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
        // Not running, yet the tools work on the settings as entered.
        QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("fetchKeysButton"))->isEnabled());
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("checkSourceLabel"))
                    ->text()
                    .contains(QStringLiteral("as entered")));
        auto *jwks = panel.findChild<QLineEdit *>(QStringLiteral("jwksEdit"));
        jwks->selectAll();
        QTest::keyClicks(jwks, QStringLiteral("http://idp.test.example/jwks"));
        auto *error = panel.findChild<QLabel *>(QStringLiteral("oauthErrorLabel"));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("/auth/oauth/jwks_uri")),
                 qPrintable(error->text()));
        QVERIFY(error->text().contains(QStringLiteral("https")));
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("oauthApplyButton"))->isEnabled());
    }

    // The HS256 secret goes to the OS keychain under the reference the file keeps. Without a
    // keychain (no D-Bus session) the panel says so, and nothing is written anywhere.
    void hs256SecretGoesToTheKeychain()
    {
        const bool keychain = qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX");
        if (!keychain)
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        test::ServerWorld world(Json { { "mode", "production" }, { "auth", oauthConfig() } });
        OAuthPanel panel(world.server.get());
        showLoaded(panel);
        if (QTest::currentTestFailed())
            return;
        auto *banner = panel.findChild<QLabel *>(QStringLiteral("keychainLabel"));
        if (!keychain) {
            QTRY_VERIFY(banner->isVisible());
            QVERIFY2(banner->text().contains(QStringLiteral("keychain is unavailable")),
                     qPrintable(banner->text()));
            QVERIFY(banner->text().contains(QStringLiteral("nothing is written to a file")));
        }
        const QByteArray before = world.read("warden.json");

        QTest::mouseClick(panel.findChild<QCheckBox *>(QStringLiteral("algorithmHS256")),
                          Qt::LeftButton);
        auto *secretEdit = panel.findChild<QLineEdit *>(QStringLiteral("hs256SecretEdit"));
        QVERIFY(secretEdit->isVisible());
        QCOMPARE(secretEdit->echoMode(), QLineEdit::Password);
        const QString secret = QStringLiteral("hs256-shared-secret-%1-0123456789abcdef")
                                   .arg(QCoreApplication::applicationPid());
        QTest::keyClicks(secretEdit, secret);
        auto *error = panel.findChild<QLabel *>(QStringLiteral("oauthErrorLabel"));
        QVERIFY2(!error->isVisible(), qPrintable(error->text()));

        // An HS256 token checks out with the secret as typed, before it is stored anywhere.
        const std::string hs256 = test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})",
                                                  claims().dump(), secret.toStdString());
        testToken(panel, hs256);
        QVERIFY2(label(panel, "verdictLabel")->text().startsWith(QStringLiteral("Valid")),
                 qPrintable(label(panel, "verdictLabel")->text()));
        QVERIFY(label(panel, "tokenSourceLabel")->text().contains(QStringLiteral("as entered")));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("oauthApplyButton")),
                          Qt::LeftButton);

        if (!keychain) {
            QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
            QVERIFY2(error->text().contains(QStringLiteral("keychain is unavailable")),
                     qPrintable(error->text()));
            QVERIFY(error->text().contains(QStringLiteral("not changed")));
            QCOMPARE(world.read("warden.json"), before);
            test::saveScreenshot(&panel, QStringLiteral("oauth-panel-keychain-unavailable"));
            return;
        }
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("oauthStatusLabel"))
                                     ->text()
                                     .contains(QStringLiteral("Saved")),
                                 30000);
        QVERIFY(!banner->isVisible());
        QVERIFY(!world.read("warden.json").contains(secret.toUtf8()));
        const Json file = world.readJson("warden.json");
        QCOMPARE(q(file["auth"]["oauth"]["hs256_secret"].get<std::string>()),
                 OAuthSettingsForm::defaultSecretReference());
        const Json &algorithms = file["auth"]["oauth"]["algorithms"];
        QCOMPARE(algorithms.size(), std::size_t(2));
        QVERIFY(std::find(algorithms.begin(), algorithms.end(), Json("HS256")) != algorithms.end());
        auto ref = SecretRef::parse(OAuthSettingsForm::defaultSecretReference());
        QVERIFY(ref.ok());
        auto stored = KeychainSecretStore().read(*ref);
        QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
        QCOMPARE(QString::fromUtf8(stored->view().data(), qsizetype(stored->size())), secret);

        // Saved and no longer typed: the check reads the secret from the keychain entry.
        QVERIFY(secretEdit->text().isEmpty());
        testToken(panel, hs256);
        QVERIFY2(label(panel, "verdictLabel")->text().startsWith(QStringLiteral("Valid")),
                 qPrintable(label(panel, "verdictLabel")->text()));
        std::string forged = hs256;
        const std::size_t at = forged.rfind('.') + 5; // inside the signature
        forged[at] = forged[at] == 'A' ? 'B' : 'A';
        testToken(panel, forged);
        QCOMPARE(panel.checks()->outcome(Step::Signature), Outcome::Failed);
    }
};

QTEST_MAIN(TestOAuthPanel)
#include "TestOAuthPanel.moc"
