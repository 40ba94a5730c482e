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
#include <QStandardPaths>
#include <QTableWidget>
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

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_idp = std::make_unique<test::JwksTestServer>(m_identity);
        QVERIFY(m_idp->listen());
        m_idp->setBody(QByteArray::fromStdString(test::jwks({ &m_key }).dump()));
    }

    void init() { QSettings().clear(); }

    void fetchKeysAndTestTokens()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("the keychain run checks the secret only");
        test::ServerWorld world(Json { { "mode", "production" }, { "auth", oauthConfig() } });
        QVERIFY2(world.server->startNow().ok(), qPrintable(world.server->lastError()));
        OAuthPanel panel(world.server.get());
        panel.resize(1280, 820);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
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
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("fetchKeysButton"))
                     ->isEnabled()); // not running
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
        panel.resize(1280, 820);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
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
    }
};

QTEST_MAIN(TestOAuthPanel)
#include "TestOAuthPanel.moc"
