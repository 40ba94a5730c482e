// The embedded server's settings and OAuth services (EmbeddedServerSettingsService,
// EmbeddedOAuthService) and Server::restart, over a real configuration file.

#include "../AwaitAnswer.h"
#include "../ServerWorld.h"
#include "server/OAuthService.h"
#include "server/ServerSettingsService.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <optional>

using namespace warden;
using warden::test::await;

class TestServerSettingsService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void readValidateAndApply()
    {
        test::ServerWorld world;
        ServerSettingsService *service = world.server->serverSettingsService();
        QVERIFY(service);
        QCOMPARE(service, world.server->serverSettingsService()); // one for the server's life
        QCOMPARE(service->configPath(), world.path("warden.json"));

        auto document = await<Result<Json>>(
            [service](QObject *c, auto done) { service->readDocument(c, done); });
        QVERIFY(document && document->ok());
        Json doc = document->value();
        QVERIFY(doc == world.readJson("warden.json"));
        QVERIFY(service->validate(doc).ok());

        // The rules for serving HTTP are part of validation: anonymous callers need development.
        doc["mode"] = "production";
        const Status exposed = service->validate(doc);
        QVERIFY(!exposed);
        QVERIFY2(exposed.error().message.find("auth.anonymous") != std::string::npos,
                 exposed.error().message.c_str());

        // An invalid document is not written, whatever apply is asked.
        const QByteArray before = world.read("warden.json");
        QSignalSpy written(service, &ServerSettingsService::configurationWritten);
        auto refused =
            await<Status>([&](QObject *c, auto done) { service->apply(doc, {}, c, done); });
        QVERIFY(refused && !*refused);
        QCOMPARE(world.read("warden.json"), before);
        QCOMPARE(written.count(), 0);

        // A valid one is, and a restart serves it.
        doc["mode"] = "development";
        doc["transports"]["http"]["enabled"] = false;
        auto applied =
            await<Status>([&](QObject *c, auto done) { service->apply(doc, {}, c, done); });
        QVERIFY(applied && *applied);
        QCOMPARE(written.count(), 1);
        QVERIFY(world.readJson("warden.json") == doc);
        QVERIFY(world.server->startNow().ok());
        QVERIFY(!world.server->endpoint().isEmpty()); // the configuration it started with
        world.server->restart();
        QCOMPARE(world.server->state(), ServerInterface::State::Running);
        QVERIFY(world.server->endpoint().isEmpty()); // HTTP off now
    }

    void restartWithABrokenFileFails()
    {
        test::ServerWorld world;
        QVERIFY(world.server->startNow().ok());
        Json doc = world.readJson("warden.json");
        doc["database"]["pool_size"] = 0;
        world.write("warden.json", doc);
        world.server->restart();
        QCOMPARE(world.server->state(), ServerInterface::State::Failed);
        QVERIFY2(world.server->lastError().contains(QStringLiteral("/database/pool_size")),
                 qPrintable(world.server->lastError()));
    }

    void healthOfAGoodConfiguration()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("runs without a keychain");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        test::ServerWorld world;
        ServerSettingsService *service = world.server->serverSettingsService();
        auto checks = await<QList<HealthCheck>>(
            [service](QObject *c, auto done) { service->checkHealth(c, done); });
        QVERIFY(checks);
        QCOMPARE(checks->size(), 3);
        QVERIFY2(checks->at(0).ok(), qPrintable(checks->at(0).detail));
        QVERIFY(checks->at(0).fix.isEmpty());
        QVERIFY(checks->at(1).ok());
        QVERIFY(!checks->at(2).ok()); // no D-Bus session here
        QVERIFY(!checks->at(2).fix.isEmpty());
    }

    void oauthServiceWithoutOAuth()
    {
        test::ServerWorld world;
        OAuthService *oauth = world.server->oauthService();
        QVERIFY(oauth);
        QVERIFY(!oauth->isActive());
        auto keys =
            await<KeysFetched>([oauth](QObject *c, auto done) { oauth->fetchKeys(c, done); });
        QVERIFY(keys && !keys->status);
        QVERIFY(keys->status.error().message.find("OAuth is not configured") != std::string::npos);
        auto tested = await<Result<auth::TokenDiagnosis>>(
            [oauth](QObject *c, auto done) { oauth->testToken(QStringLiteral("a.b.c"), c, done); });
        QVERIFY(tested && !tested->ok());
    }
};

QTEST_GUILESS_MAIN(TestServerSettingsService)
#include "TestServerSettingsService.moc"
