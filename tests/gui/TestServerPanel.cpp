#include "../ServerWorld.h"
#include "FakeServer.h"
#include "OutcomeDelegate.h"
#include "RequestLogModel.h"
#include "Screenshot.h"
#include "ServerPanel.h"
#include "ServerSettingsForm.h"
#include "ServerStatusController.h"
#include "StateIndicator.h"
#include "secrets/KeychainSecretStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QSet>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFrame>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace warden;
using warden::test::FakeServer;
using State = ServerInterface::State;

namespace {

RequestEvent request(const QString &method, const QString &target, const QString &outcome,
                     qint64 us)
{
    static int n = 0;
    RequestEvent e;
    e.time = QDateTime(QDate(2025, 6, 18), QTime(14, 2, 7), Qt::UTC).addMSecs(137 * ++n);
    e.transport = QStringLiteral("http");
    e.method = method;
    e.target = target;
    e.outcome = outcome;
    e.durationUs = us;
    return e;
}

// How many pixels in `rect` of `image` are close to `color`: text drawn in that colour.
int pixelsNear(const QImage &image, const QRect &rect, const QColor &color)
{
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                    + std::abs(c.blue() - color.blue())
                < 40)
                ++n;
        }
    }
    return n;
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        FakeServer server;
        ServerStatusController status { &server };
        ServerPanel panel { &status };

        template<typename T> T *find(const char *name)
        {
            auto *w = panel.findChild<T *>(QString::fromLatin1(name));
            if (!w)
                qFatal("no widget %s", name);
            return w;
        }
    };

    // The panel over a real embedded server (tests/ServerWorld.h).
    struct RealWorld
    {
        explicit RealWorld(const Json &extra = Json::object())
            : world(extra)
        {
        }
        test::ServerWorld world;
        ServerStatusController status { world.server.get() };
        ServerPanel panel { &status };

        // Shows the panel with the tab `name` (an object name) current.
        bool showTab(const char *name)
        {
            panel.resize(960, 760);
            panel.show();
            if (!QTest::qWaitForWindowExposed(&panel))
                return false;
            auto *tab = panel.findChild<QWidget *>(QString::fromLatin1(name));
            panel.findChild<QTabWidget *>(QStringLiteral("serverTabs"))->setCurrentWidget(tab);
            return tab != nullptr;
        }
    };

    std::unique_ptr<World> makeWorld()
    {
        auto world = std::make_unique<World>();
        world->panel.resize(960, 640);
        world->panel.show();
        if (!QTest::qWaitForWindowExposed(&world->panel))
            return nullptr;
        return world;
    }

    static void screenshot(QWidget *widget, const QString &name)
    {
        QVERIFY(!test::saveScreenshot(widget, name).isEmpty());
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    // Each test starts with the panel as a first start shows it (the Traffic tab).
    void init() { QSettings().clear(); }

    void startAndStopButtonsDriveTheServer()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *start = w->find<QPushButton>("startButton");
        auto *stop = w->find<QPushButton>("stopButton");
        auto *state = w->find<StateIndicator>("stateIndicator");
        auto *endpoint = w->find<QLineEdit>("endpointEdit");
        auto *copy = w->find<QPushButton>("copyEndpointButton");

        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QVERIFY(start->isEnabled());
        QVERIFY(!stop->isEnabled());
        QVERIFY(endpoint->text().isEmpty());
        QVERIFY(!copy->isEnabled());
        QCOMPARE(w->find<QLabel>("databaseLabel")->text(),
                 QStringLiteral("SQLite /home/ada/.local/share/warden/warden/demo/shop.db"));
        screenshot(&w->panel, QStringLiteral("server-panel-stopped"));

        w->server.manualStart = true;
        QTest::mouseClick(start, Qt::LeftButton);
        QCOMPARE(w->server.startCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Starting…"));
        QVERIFY(!start->isEnabled());
        QVERIFY(stop->isEnabled());

        w->server.setState(State::Running);
        QCOMPARE(state->text(), QStringLiteral("Running"));
        QCOMPARE(endpoint->text(), QStringLiteral("http://127.0.0.1:8765/mcp"));
        QVERIFY(endpoint->isReadOnly());
        QVERIFY(copy->isEnabled());
        QVERIFY(!start->isEnabled());

        QTest::mouseClick(stop, Qt::LeftButton);
        QCOMPARE(w->server.stopCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QVERIFY(endpoint->text().isEmpty());
        QVERIFY(start->isEnabled());
    }

    void mnemonicsWork()
    {
        auto w = makeWorld();
        QVERIFY(w);
        w->panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w->panel));
        QTest::keyClick(&w->panel, Qt::Key_T, Qt::AltModifier);
        QTRY_COMPARE(w->server.startCalls, 1);
        QCOMPARE(w->server.state(), State::Running);
        QTest::keyClick(&w->panel, Qt::Key_O, Qt::AltModifier);
        QTRY_COMPARE(w->server.stopCalls, 1);
    }

    void errorsShowInTheBanner()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *banner = w->find<QFrame>("errorBanner");
        auto *label = w->find<QLabel>("errorLabel");
        QVERIFY(!banner->isVisible());

        const QString message =
            QStringLiteral("Port 8765 is in use: choose another port or stop the other program");
        w->server.startFailure = message;
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(banner->isVisible());
        QCOMPARE(label->text(), message);
        QCOMPARE(w->find<StateIndicator>("stateIndicator")->text(), QStringLiteral("Failed"));
        QVERIFY(w->find<QPushButton>("startButton")->isEnabled());
        screenshot(&w->panel, QStringLiteral("server-panel-error"));

        QTest::mouseClick(w->find<QToolButton>("dismissErrorButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());

        // A later error while running shows again; a successful restart clears it.
        w->server.startFailure.clear();
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        Q_EMIT w->server.errorOccurred(
            QStringLiteral("The audit store is unavailable: check disk space"));
        QVERIFY(banner->isVisible());
        QCOMPARE(label->text(), QStringLiteral("The audit store is unavailable: check disk space"));
    }

    // Anonymous development access is announced for as long as the server runs that way,
    // and cannot be dismissed.
    void securityNoticeStaysWhileRunning()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *banner = w->find<QFrame>("securityBanner");
        QVERIFY(!banner->isVisible());
        const QString notice =
            QStringLiteral("Development mode: HTTP callers need no credentials and act as local.");
        w->server.setSecurityNotice(notice);
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(banner->isVisible());
        QCOMPARE(w->find<QLabel>("securityLabel")->text(), notice);
        QVERIFY(!banner->findChild<QToolButton *>());
        QTest::mouseClick(w->find<QPushButton>("stopButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
    }

    void countersAndRequestsFollowTheServer()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *stack = w->find<QStackedWidget>("requestsStack");
        auto *table = w->find<QTableView>("requestTable");
        auto *placeholder = w->find<QLabel>("requestsPlaceholder");
        QCOMPARE(stack->currentWidget(), placeholder);

        w->server.start();
        QVERIFY(placeholder->text().contains(QStringLiteral("No requests yet")));
        w->server.setCounters(0, 0, 2);
        QTRY_COMPARE(w->find<QLabel>("sessionCountLabel")->text(), QStringLiteral("2"));

        const QList<RequestEvent> events = {
            request(QStringLiteral("initialize"), {}, QStringLiteral("ok"), 420),
            request(QStringLiteral("tools/list"), {}, QStringLiteral("ok"), 610),
            request(QStringLiteral("tools/call"), QStringLiteral("db_describe_schema"),
                    QStringLiteral("ok"), 3'800),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"), QStringLiteral("ok"),
                    12'400),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"),
                    QStringLiteral("FIELD_NOT_ALLOWED"), 900),
            request(QStringLiteral("tools/call"), QStringLiteral("db_aggregate"),
                    QStringLiteral("ok"), 48'200),
            request(QStringLiteral("resources/read"), QStringLiteral("warden://schema/orders"),
                    QStringLiteral("ok"), 1'100),
            request(QStringLiteral("tools/call"), QStringLiteral("db_get"),
                    QStringLiteral("NOT_FOUND"), 2'300),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"),
                    QStringLiteral("BUDGET_EXCEEDED"), 650),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"), QStringLiteral("ok"),
                    1'250'000),
        };
        for (const RequestEvent &e : events)
            w->server.complete(e);

        QTRY_COMPARE(w->find<QLabel>("requestCountLabel")->text(), QStringLiteral("10"));
        QCOMPARE(w->find<QLabel>("errorCountLabel")->text(), QStringLiteral("3"));
        QTRY_COMPARE(table->model()->rowCount(), 10);
        QCOMPARE(stack->currentWidget(), table);
        QCOMPARE(table->model()->index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query"));
        QVERIFY(w->find<QPushButton>("clearRequestsButton")->isEnabled());

        // Outcomes are coloured by the delegate from the model's semantic role.
        QCoreApplication::processEvents();
        const QImage shot = table->viewport()->grab().toImage();
        const qreal dpr = shot.devicePixelRatio();
        const auto cell = [&](int row) {
            const QRect r =
                table->visualRect(table->model()->index(row, RequestLogModel::OutcomeColumn));
            return QRect((r.topLeft() * dpr), (r.size() * dpr));
        };
        const QColor red = OutcomeDelegate::errorColor(table->palette());
        const QColor green = OutcomeDelegate::okColor(table->palette());
        QVERIFY(pixelsNear(shot, cell(1), red) > 10); // BUDGET_EXCEEDED
        QCOMPARE(pixelsNear(shot, cell(1), green), 0);
        QVERIFY(pixelsNear(shot, cell(0), green) > 5); // ok
        QCOMPARE(pixelsNear(shot, cell(0), red), 0);

        screenshot(&w->panel, QStringLiteral("server-panel-running"));

        QTest::mouseClick(w->find<QPushButton>("clearRequestsButton"), Qt::LeftButton);
        QCOMPARE(table->model()->rowCount(), 0);
        QCOMPARE(stack->currentWidget(), placeholder);
    }

    void restartStopsAndStarts()
    {
        auto w = makeWorld();
        QVERIFY(w);
        w->server.start();
        QTest::mouseClick(w->find<QPushButton>("restartButton"), Qt::LeftButton);
        QCOMPARE(w->server.stopCalls, 1);
        QCOMPARE(w->server.startCalls, 2);
        QCOMPARE(w->server.state(), State::Running);
        // A server without a settings service: nothing to edit, said so.
        QVERIFY(w->find<QLabel>("configPathLabel")
                    ->text()
                    .contains(QStringLiteral("cannot be changed")));
        QVERIFY(!w->find<QPushButton>("applySettingsButton")->isEnabled());
    }

    // The port is edited with the keyboard; a bad value is refused by the server's own parser
    // with the key named, a good one is written to the file and a restart listens there.
    void editPortApplyAndRestart()
    {
        RealWorld real;
        auto &[world, status, panel] = real;
        QVERIFY(real.showTab("settingsTab"));
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        status.start();
        QCOMPARE(world.server->state(), State::Running);
        const QString firstEndpoint = world.server->endpoint();
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
        auto *port = panel.findChild<QLineEdit *>(QStringLiteral("listenPortEdit"));
        auto *error = panel.findChild<QLabel *>(QStringLiteral("settingsErrorLabel"));
        auto *apply = panel.findChild<QPushButton *>(QStringLiteral("applyRestartButton"));
        QCOMPARE(port->text(), QStringLiteral("0"));
        QVERIFY(!error->isVisible());

        QTest::keyClick(&panel, Qt::Key_P, Qt::AltModifier); // the "Port:" buddy
        QTRY_VERIFY(port->hasFocus());
        port->selectAll();
        QTest::keyClicks(port, QStringLiteral("80x"));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("/transports/http/listen")),
                 qPrintable(error->text()));
        QVERIFY(error->text().contains(QStringLiteral("invalid port")));
        QVERIFY(!apply->isEnabled());
        QVERIFY(
            !panel.findChild<QPushButton *>(QStringLiteral("applySettingsButton"))->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("server-panel-settings-error"));

        quint16 freePort = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            freePort = probe.serverPort();
        }
        port->selectAll();
        QTest::keyClicks(port, QString::number(freePort));
        QVERIFY(!error->isVisible());
        QVERIFY(apply->isEnabled());
        QTest::keyClick(port, Qt::Key_Return, Qt::ControlModifier); // apply and restart
        QTRY_COMPARE(world.server->httpPort(), freePort);
        QCOMPARE(world.server->state(), State::Running);
        QVERIFY(world.server->endpoint() != firstEndpoint);
        const Json file = world.readJson("warden.json");
        QCOMPARE(QString::fromStdString(file["transports"]["http"]["listen"].get<std::string>()),
                 QStringLiteral("127.0.0.1:%1").arg(freePort));
        // The rest of the file is as it was: relative paths stay relative.
        QCOMPARE(QString::fromStdString(file["database"]["path"].get<std::string>()),
                 QStringLiteral("people.db"));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("settingsStatusLabel"))
                    ->text()
                    .contains(QStringLiteral("Saved")));
        QCOMPARE(panel.findChild<QLineEdit *>(QStringLiteral("endpointEdit"))->text(),
                 QStringLiteral("http://127.0.0.1:%1/mcp").arg(freePort));
        test::saveScreenshot(&panel, QStringLiteral("server-panel-settings"));
    }

    // A database that cannot be opened shows as a problem with what to do about it; the
    // audit folder is fine; without a D-Bus session the keychain is reported unavailable.
    void healthShowsABrokenDatabase()
    {
        if (qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"))
            QSKIP("runs without a keychain");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        RealWorld real(Json {
            { "database", Json { { "driver", "sqlite" }, { "path", "missing/gone.db" } } } });
        auto &[world, status, panel] = real;
        QVERIFY(real.showTab("healthTab")); // the checks run when the tab opens
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("healthCheck2")), 30000);
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("healthCheck0"))->text(),
                 QStringLiteral("Database reachable: problem"));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("healthFix0"))
                    ->text()
                    .contains(QStringLiteral("the file must exist and be readable")));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("healthCheck1"))->text(),
                 QStringLiteral("Audit trail writable: OK"));
        QVERIFY(!panel.findChild<QLabel *>(QStringLiteral("healthFix1")));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("healthCheck2"))->text(),
                 QStringLiteral("Keychain available: problem"));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("healthFix2"))
                    ->text()
                    .contains(QStringLiteral("Start a Secret Service")));
        test::saveScreenshot(&panel, QStringLiteral("server-panel-health"));

        // Fixed on disk, checked again: the database is reachable.
        world.write("warden.json", [&] {
            Json doc = world.readJson("warden.json");
            doc["database"]["path"] = "people.db";
            return doc;
        }());
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("checkHealthButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("healthCheck0"))->text(),
                                  QStringLiteral("Database reachable: OK"), 30000);
    }

    // A PostgreSQL password typed in the panel lands in the OS keychain under the reference
    // the file holds, never in the file. Without a keychain nothing is written at all.
    void passwordGoesToTheKeychain()
    {
        const bool keychain = qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX");
        if (!keychain)
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        RealWorld real;
        auto &[world, status, panel] = real;
        QVERIFY(real.showTab("settingsTab"));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
        const QByteArray before = world.read("warden.json");

        auto *driver = panel.findChild<QComboBox *>(QStringLiteral("driverCombo"));
        driver->setFocus();
        QTest::keyClick(driver, Qt::Key_Down); // PostgreSQL
        QCOMPARE(driver->currentIndex(), 1);
        QVERIFY(panel.findChild<QLineEdit *>(QStringLiteral("databaseHostEdit"))->isVisible());
        QVERIFY(!panel.findChild<QLineEdit *>(QStringLiteral("databasePathEdit"))->isVisible());
        QTest::keyClicks(panel.findChild<QLineEdit *>(QStringLiteral("databaseHostEdit")),
                         QStringLiteral("127.0.0.1"));
        QTest::keyClicks(panel.findChild<QLineEdit *>(QStringLiteral("databaseNameEdit")),
                         QStringLiteral("shop"));
        QTest::keyClicks(panel.findChild<QLineEdit *>(QStringLiteral("databaseUserEdit")),
                         QStringLiteral("warden_ro"));
        const QString password =
            QStringLiteral("pg-secret-%1").arg(QCoreApplication::applicationPid());
        auto *passwordEdit = panel.findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        QCOMPARE(passwordEdit->echoMode(), QLineEdit::Password);
        QTest::keyClicks(passwordEdit, password);
        auto *error = panel.findChild<QLabel *>(QStringLiteral("settingsErrorLabel"));
        QVERIFY2(!error->isVisible(), qPrintable(error->text()));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("applySettingsButton")),
                          Qt::LeftButton);

        if (!keychain) {
            QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
            QVERIFY2(error->text().contains(QStringLiteral("keychain is unavailable")),
                     qPrintable(error->text()));
            QVERIFY(error->text().contains(QStringLiteral("Secret Service")));
            QVERIFY(error->text().contains(QStringLiteral("not changed")));
            QCOMPARE(world.read("warden.json"), before);
            test::saveScreenshot(&panel, QStringLiteral("server-panel-keychain-unavailable"));
            return;
        }
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("settingsStatusLabel"))
                                     ->text()
                                     .contains(QStringLiteral("Saved")),
                                 30000);
        const QByteArray after = world.read("warden.json");
        QVERIFY(!after.contains(password.toUtf8()));
        const Json file = world.readJson("warden.json");
        QCOMPARE(QString::fromStdString(file["database"]["password"].get<std::string>()),
                 ServerSettingsForm::defaultPasswordReference());
        QCOMPARE(QString::fromStdString(file["database"]["driver"].get<std::string>()),
                 QStringLiteral("postgres"));
        QVERIFY(!file["database"].contains("path"));
        QVERIFY(passwordEdit->text().isEmpty());
        auto ref = SecretRef::parse(ServerSettingsForm::defaultPasswordReference());
        QVERIFY(ref.ok());
        auto stored = KeychainSecretStore().read(*ref);
        QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
        QCOMPARE(QString::fromUtf8(stored->view().data(), qsizetype(stored->size())), password);
    }

    // The server's keys, generated from the keyboard: 32 random bytes each in the OS keychain
    // under the references the file now holds, distinct, never in the file. Without a
    // keychain nothing is written at all.
    void missingKeysAreGeneratedIntoTheKeychain()
    {
        const bool keychain = qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX");
        if (!keychain)
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        RealWorld real;
        auto &[world, status, panel] = real;
        QVERIFY(real.showTab("settingsTab"));
        QTRY_VERIFY(panel.settingsForm()->isLoaded());
        const QByteArray before = world.read("warden.json");
        auto *auditState = panel.findChild<QLabel *>(QStringLiteral("audit_keyStateLabel"));
        QVERIFY2(auditState->text().contains(QStringLiteral("cannot be authenticated")), qPrintable(auditState->text()));
        auto *generate = panel.findChild<QCheckBox *>(QStringLiteral("generateKeysCheck"));
        QVERIFY(generate->isVisible() && generate->isEnabled());
        QTest::keyClick(&panel, Qt::Key_K, Qt::AltModifier);
        QTRY_VERIFY(generate->isChecked());
        QVERIFY(auditState->text().contains(QStringLiteral("keychain:warden/audit-key")));
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("applySettingsButton")), Qt::LeftButton);

        auto *error = panel.findChild<QLabel *>(QStringLiteral("settingsErrorLabel"));
        if (!keychain) {
            QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
            QVERIFY2(error->text().contains(QStringLiteral("keychain is unavailable")), qPrintable(error->text()));
            QCOMPARE(world.read("warden.json"), before);
            return;
        }
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("settingsStatusLabel"))
                                     ->text()
                                     .contains(QStringLiteral("Saved")),
                                 30000);
        const Json file = world.readJson("warden.json");
        QSet<QByteArray> secrets;
        for (const QString &key : ServerSettingsForm::keyNames()) {
            const QString reference = QString::fromStdString(file["secrets"][key.toStdString()].get<std::string>());
            QCOMPARE(reference, ServerSettingsForm::defaultKeyReference(key));
            auto ref = SecretRef::parse(reference);
            QVERIFY(ref.ok());
            auto stored = KeychainSecretStore().read(*ref);
            QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
            const QByteArray secret(stored->view().data(), qsizetype(stored->size()));
            QCOMPARE(QByteArray::fromBase64(secret).size(), 32);
            QVERIFY(!world.read("warden.json").contains(secret));
            secrets.insert(secret);
        }
        QCOMPARE(secrets.size(), 3);
        // Configured now: said so, and nothing left to generate.
        QTRY_VERIFY(auditState->text().contains(QStringLiteral("configured")));
        QVERIFY(!generate->isVisible());
        QVERIFY(!generate->isChecked());
        test::saveScreenshot(&panel, QStringLiteral("server-panel-keys"));
        // The server starts with them (a missing keychain entry would stop it).
        QVERIFY(ServerConfig::load(world.path("warden.json")).ok());
    }

    // The request columns and the open tab come back as the operator left them.
    void layoutIsRestored()
    {
        int width = 0;
        {
            auto w = makeWorld();
            QVERIFY(w);
            auto *table = w->find<QTableView>("requestTable");
            w->server.start();
            w->server.complete(
                request(QStringLiteral("tools/list"), {}, QStringLiteral("ok"), 500));
            QTRY_VERIFY(table->isVisible());
            width = table->horizontalHeader()->sectionSize(RequestLogModel::MethodColumn) + 40;
            table->horizontalHeader()->resizeSection(RequestLogModel::MethodColumn, width);
            w->find<QTabWidget>("serverTabs")->setCurrentIndex(2);
        }
        auto w = makeWorld();
        QVERIFY(w);
        QCOMPARE(w->find<QTabWidget>("serverTabs")->currentIndex(), 2);
        QCOMPARE(w->find<QTableView>("requestTable")
                     ->horizontalHeader()
                     ->sectionSize(RequestLogModel::MethodColumn),
                 width);
    }

    void copiesTheEndpoint()
    {
        auto w = makeWorld();
        QVERIFY(w);
        w->server.start();
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(w->find<QPushButton>("copyEndpointButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("http://127.0.0.1:8765/mcp"));
    }
};

QTEST_MAIN(TestServerPanel)
#include "TestServerPanel.moc"
