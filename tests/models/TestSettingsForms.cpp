// The console's settings forms (ConfigForm, ServerSettingsForm, OAuthSettingsForm) over the
// real ServerSettingsService of an embedded server and a real configuration file.

#include "../ServerWorld.h"
#include "OAuthSettingsForm.h"
#include "ServerSettingsForm.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace warden;

class TestSettingsForms : public QObject
{
    Q_OBJECT

    static bool load(ConfigForm &form)
    {
        form.load();
        return QTest::qWaitFor([&form] { return form.isLoaded(); });
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void serverFormEditsOnlyItsKeys()
    {
        test::ServerWorld world;
        ServerSettingsForm form(world.server->serverSettingsService());
        QVERIFY(load(form));
        ServerSettingsForm::Values v = form.values();
        QVERIFY(v.httpEnabled);
        QCOMPARE(v.address, QStringLiteral("127.0.0.1"));
        QCOMPARE(v.port, QStringLiteral("0"));
        QVERIFY(!v.postgres);
        QCOMPARE(v.path, QStringLiteral("people.db"));
        QVERIFY(!form.isModified());
        QVERIFY(form.validationError().isEmpty());

        // An IPv6 address gets its brackets; the rest of the document is untouched.
        v.address = QStringLiteral("::1");
        v.port = QStringLiteral("9000");
        form.setValues(v);
        QVERIFY(form.isModified());
        QVERIFY2(form.validationError().isEmpty(), qPrintable(form.validationError()));
        Json doc = form.document();
        QCOMPARE(doc["transports"]["http"]["listen"].get<std::string>(), std::string("[::1]:9000"));
        QCOMPARE(doc["policy"].get<std::string>(), std::string("policy.json"));

        // A bad port is named by its key; PostgreSQL without a database name too.
        v.port = QStringLiteral("70000");
        form.setValues(v);
        QVERIFY(form.validationError().startsWith(
            QStringLiteral("/transports/http/listen: has an invalid port")));
        v.port = QStringLiteral("9000");
        v.postgres = true;
        v.host = QStringLiteral("db.internal");
        v.pgPort = QStringLiteral("5433");
        v.user = QStringLiteral("reader");
        form.setValues(v);
        QVERIFY2(form.validationError().contains(QStringLiteral("/database/dbname")),
                 qPrintable(form.validationError()));
        v.dbname = QStringLiteral("shop");
        v.password = QStringLiteral("typed-password");
        form.setValues(v);
        QVERIFY2(form.validationError().isEmpty(), qPrintable(form.validationError()));
        doc = form.document();
        QVERIFY(!doc["database"].contains("path"));
        QCOMPARE(doc["database"]["port"].get<int>(), 5433);
        QCOMPARE(QString::fromStdString(doc["database"]["password"].get<std::string>()),
                 ServerSettingsForm::defaultPasswordReference());
        QVERIFY(doc.dump().find("typed-password") == std::string::npos);

        // Undo goes back to what was loaded.
        form.revert();
        QVERIFY(!form.isModified());
        QVERIFY(form.document() == world.readJson("warden.json"));
    }

    // Keys the file names none for can be generated: the file gets keychain references and
    // never a secret; a configured key is left alone.
    void serverFormGeneratesOnlyMissingKeys()
    {
        test::ServerWorld world;
        Json config = world.readJson("warden.json");
        config["secrets"] = Json { { "audit_key", "env:WARDEN_TEST_AUDIT_KEY" } };
        world.write("warden.json", config);
        ServerSettingsForm form(world.server->serverSettingsService());
        QVERIFY(load(form));
        QCOMPARE(form.keyReference(QStringLiteral("audit_key")), QStringLiteral("env:WARDEN_TEST_AUDIT_KEY"));
        QCOMPARE(form.missingKeys(), (QStringList { QStringLiteral("hash_key"), QStringLiteral("cursor_key") }));
        ServerSettingsForm::Values v = form.values();
        v.generateKeys = true;
        form.setValues(v);
        QVERIFY(form.isModified());
        QVERIFY2(form.validationError().isEmpty(), qPrintable(form.validationError()));
        const Json doc = form.document();
        QCOMPARE(doc["secrets"]["audit_key"].get<std::string>(), std::string("env:WARDEN_TEST_AUDIT_KEY"));
        QCOMPARE(QString::fromStdString(doc["secrets"]["hash_key"].get<std::string>()),
                 QStringLiteral("keychain:warden/hash-key"));
        QCOMPARE(QString::fromStdString(doc["secrets"]["cursor_key"].get<std::string>()),
                 QStringLiteral("keychain:warden/cursor-key"));
        QCOMPARE(doc["secrets"].size(), std::size_t(3));
        // Unticked: back to the file as it was.
        v.generateKeys = false;
        form.setValues(v);
        QVERIFY(!form.isModified());
        QVERIFY(form.document() == world.readJson("warden.json"));
    }

    void serverFormAppliesAtomically()
    {
        test::ServerWorld world;
        ServerSettingsForm form(world.server->serverSettingsService());
        QVERIFY(load(form));
        ServerSettingsForm::Values v = form.values();
        v.httpEnabled = false;
        form.setValues(v);
        QSignalSpy applied(&form, &ConfigForm::applied);
        form.apply(false);
        QVERIFY(applied.wait());
        QCOMPARE(applied.at(0).at(0).toBool(), false);
        QCOMPARE(world.readJson("warden.json")["transports"]["http"]["enabled"].get<bool>(), false);
        QVERIFY(!form.isModified());
        // What was written loads as a configuration again.
        QVERIFY(ServerConfig::load(world.path("warden.json")).ok());
    }

    void oauthFormAddsASectionOnlyWhenFilledIn()
    {
        test::ServerWorld world;
        OAuthSettingsForm form(world.server->serverSettingsService());
        QVERIFY(load(form));
        QVERIFY(!form.isConfigured());
        QVERIFY(!form.document()["auth"].contains("oauth"));
        QCOMPARE(form.values().userClaim, QStringLiteral("sub"));

        OAuthSettingsForm::Values v = form.values();
        v.issuer = QStringLiteral("https://idp.example.com/");
        v.resource = QStringLiteral("https://mcp.example.com/mcp");
        v.algorithms = { QStringLiteral("HS256") };
        form.setValues(v);
        QVERIFY2(form.validationError().contains(QStringLiteral("/auth/oauth/hs256_secret")),
                 qPrintable(form.validationError()));
        v.hs256Secret = QStringLiteral("0123456789abcdef0123456789abcdef-typed");
        v.tenantClaim = QStringLiteral("org.id");
        v.scopeClaims = QStringLiteral("scope scp, permissions");
        form.setValues(v);
        QVERIFY2(form.validationError().isEmpty(), qPrintable(form.validationError()));
        const Json oauth = form.document()["auth"]["oauth"];
        QCOMPARE(QString::fromStdString(oauth["hs256_secret"].get<std::string>()),
                 OAuthSettingsForm::defaultSecretReference());
        QVERIFY(oauth["claims"]["scopes"] == Json::array({ "scope", "scp", "permissions" }));
        QCOMPARE(oauth["claims"]["tenant"].get<std::string>(), std::string("org.id"));
        QVERIFY(form.document().dump().find("typed") == std::string::npos);
    }

    // The settings as entered, read by the server's parser for a trial before applying: a
    // problem names the form field to fix; keys the form does not edit come from the file.
    void oauthFormGivesTheEnteredSettings()
    {
        test::ServerWorld world(
            Json { { "auth",
                     Json { { "anonymous", true },
                            { "oauth",
                              Json { { "issuer", "https://idp.example.com/" },
                                     { "resource", "https://mcp.example.com/" },
                                     { "jwks_uri", "https://idp.example.com/k" },
                                     { "jwks_ca_file", "ca.pem" } } } } } });
        OAuthSettingsForm form(world.server->serverSettingsService());
        QVERIFY(load(form));
        auto entered = form.enteredConfig();
        QVERIFY2(entered.ok(), entered.ok() ? "" : entered.error().message.c_str());
        QCOMPARE(QString::fromStdString(entered->jwksCaFile), world.path("ca.pem"));

        OAuthSettingsForm::Values v = form.values();
        v.resource = QStringLiteral("https://mcp-next.example.com/");
        form.setValues(v);
        entered = form.enteredConfig();
        QVERIFY(entered.ok());
        QCOMPARE(entered->resource, std::string("https://mcp-next.example.com/"));

        v.jwksUri = QStringLiteral("http://idp.example.com/k");
        v.rolesClaim = QStringLiteral("  ");
        form.setValues(v);
        entered = form.enteredConfig();
        QVERIFY(!entered.ok());
        const QString message = QString::fromStdString(entered.error().message);
        QVERIFY2(message.startsWith(QStringLiteral("Fix the JWKS URL field: ")),
                 qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("https")));

        QCOMPARE(OAuthSettingsForm::fieldName("/auth/oauth/claims/tenant"),
                 QStringLiteral("Tenant claim"));
        QCOMPARE(OAuthSettingsForm::fieldName("/auth/oauth/algorithms/0"),
                 QStringLiteral("Algorithms"));
        QVERIFY(OAuthSettingsForm::fieldName("/auth/oauth/jwks/timeout_ms").isEmpty());
        QVERIFY(OAuthSettingsForm::fieldName("/auth/oauthx").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSettingsForms)
#include "TestSettingsForms.moc"
