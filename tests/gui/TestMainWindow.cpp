#include "FakeServer.h"
#include "Screenshot.h"
#include "Appearance.h"
#include "MainWindow.h"
#include "ServerPanel.h"
#include "StateIndicator.h"
#include "UnavailablePanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTimer>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QTranslator>

using namespace warden;
using warden::test::FakeServer;
using Panel = MainWindow::Panel;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    static void screenshot(QWidget *widget, const QString &name)
    {
        QVERIFY(!test::saveScreenshot(widget, name).isEmpty());
    }

    static bool showActive(MainWindow &window)
    {
        window.show();
        window.activateWindow();
        return QTest::qWaitForWindowActive(&window);
    }

    static void collectActions(const QList<QAction *> &actions, QList<QAction *> &out)
    {
        for (QAction *action : actions) {
            if (action->isSeparator())
                continue;
            out.append(action);
            if (action->menu())
                collectActions(action->menu()->actions(), out);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("WardenTest"));
        QCoreApplication::setApplicationName(QStringLiteral("warden-test-mainwindow"));
        // Test mode must keep us away from the user's real settings.
        QVERIFY(QSettings().fileName().contains(QStringLiteral("qttest")));
    }

    void init()
    {
        QSettings().clear();
        QSettings().sync();
    }

    void shortcutsSwitchPanels()
    {
        FakeServer server;
        MainWindow window(&server);
        QVERIFY(showActive(window));
        auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("sidebar"));
        auto *stack = window.findChild<QStackedWidget *>(QStringLiteral("panelStack"));
        QVERIFY(sidebar && stack);
        QCOMPARE(sidebar->count(), MainWindow::PanelCount);
        QCOMPARE(stack->count(), MainWindow::PanelCount);
        QCOMPARE(window.currentPanel(), Panel::Server);

        for (int i = MainWindow::PanelCount - 1; i >= 0; --i) {
            QTest::keyClick(&window, static_cast<Qt::Key>(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(static_cast<int>(window.currentPanel()), i);
            QCOMPARE(sidebar->currentRow(), i);
            QCOMPARE(stack->currentIndex(), i);
            QWidget *page = stack->currentWidget();
            if (i == 0) {
                QCOMPARE(page, window.serverPanel());
                continue;
            }
            // Every other panel works, or says honestly that it is not there and offers nothing
            // to click.
            auto *unavailable = qobject_cast<UnavailablePanel *>(page);
            if (!unavailable) {
                QVERIFY(!sidebar->item(i)->toolTip().contains(QStringLiteral("Not available")));
                continue;
            }
            QCOMPARE(unavailable->title(), MainWindow::panelTitle(static_cast<Panel>(i)));
            auto *message = page->findChild<QLabel *>(QStringLiteral("unavailableMessage"));
            QVERIFY(message);
            QVERIFY(message->text().contains(QStringLiteral("not available in this version")));
            QVERIFY(message->text().contains(MainWindow::panelTitle(static_cast<Panel>(i))));
            QVERIFY(page->findChildren<QAbstractButton *>().isEmpty());
        }
        screenshot(&window, QStringLiteral("main-window-server"));
        QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(window.currentPanel(), Panel::Policy);
        screenshot(&window, QStringLiteral("main-window-unavailable-panel"));
    }

    void sidebarIsKeyboardNavigable()
    {
        FakeServer server;
        MainWindow window(&server);
        QVERIFY(showActive(window));
        auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("sidebar"));
        QCOMPARE(sidebar->focusPolicy(), Qt::StrongFocus);

        window.serverPanel()->findChild<QWidget *>(QStringLiteral("endpointEdit"))->setFocus();
        QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier);
        QTRY_VERIFY(sidebar->hasFocus());
        QTest::keyClick(sidebar, Qt::Key_Down);
        QCOMPARE(window.currentPanel(), Panel::DesktopClients);
        QTest::keyClick(sidebar, Qt::Key_End);
        QCOMPARE(window.currentPanel(), Panel::Approvals);
        QTest::keyClick(sidebar, Qt::Key_Home);
        QCOMPARE(window.currentPanel(), Panel::Server);

        // Tab leaves the sidebar for the panel's first control.
        QTest::keyClick(sidebar, Qt::Key_Tab);
        QVERIFY(!sidebar->hasFocus());
        QVERIFY(window.serverPanel()->isAncestorOf(QApplication::focusWidget()));
    }

    void everyActionHasAShortcutOrMnemonic()
    {
        FakeServer server;
        MainWindow window(&server);
        QList<QAction *> actions;
        collectActions(window.menuBar()->actions(), actions);
        QVERIFY(actions.size() >= 4 + 2 + 2 + MainWindow::PanelCount);
        for (QAction *action : std::as_const(actions)) {
            const bool mnemonic = action->text().contains(QLatin1Char('&'));
            QVERIFY2(mnemonic || !action->shortcut().isEmpty(), qPrintable(action->text()));
        }
        auto *quit = window.findChild<QAction *>(QStringLiteral("quitAction"));
        QCOMPARE(quit->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
    }

    void serverMenuAndStatusBarFollowTheServer()
    {
        FakeServer server;
        MainWindow window(&server);
        QVERIFY(showActive(window));
        auto *start = window.findChild<QAction *>(QStringLiteral("startAction"));
        auto *stop = window.findChild<QAction *>(QStringLiteral("stopAction"));
        auto *state = window.findChild<StateIndicator *>(QStringLiteral("statusState"));
        auto *endpoint = window.findChild<QLabel *>(QStringLiteral("statusEndpoint"));
        auto *traffic = window.findChild<QLabel *>(QStringLiteral("statusTraffic"));
        QVERIFY(start && stop && state && endpoint && traffic);

        QVERIFY(start->isEnabled());
        QVERIFY(!stop->isEnabled());
        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QCOMPARE(endpoint->text(), QStringLiteral("Not listening"));

        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(server.startCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Running"));
        QCOMPARE(endpoint->text(), QStringLiteral("http://127.0.0.1:8765/mcp"));
        QVERIFY(!start->isEnabled());
        QVERIFY(stop->isEnabled());

        RequestEvent e;
        e.time = QDateTime::currentDateTimeUtc();
        e.transport = QStringLiteral("http");
        e.method = QStringLiteral("tools/call");
        e.target = QStringLiteral("db_query");
        e.outcome = QStringLiteral("ok");
        e.durationUs = 5000;
        for (int i = 0; i < 3; ++i)
            server.complete(e);
        QTRY_VERIFY(traffic->text().startsWith(QStringLiteral("Requests: 3")));
        screenshot(&window, QStringLiteral("main-window-running"));

        QTest::keyClick(&window, Qt::Key_F5, Qt::ShiftModifier);
        QCOMPARE(server.stopCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QVERIFY(traffic->text().isEmpty());

        server.fail(
            QStringLiteral("Port 8765 is in use: choose another port or stop the other program"));
        QCOMPARE(state->text(), QStringLiteral("Failed"));
        QVERIFY(start->isEnabled());
    }

    void ctrlQQuits()
    {
        FakeServer server;
        MainWindow window(&server);
        QVERIFY(showActive(window));
        QTest::keyClick(&window, Qt::Key_Q, Qt::ControlModifier);
        QTRY_VERIFY(!window.isVisible());
    }

    void mnemonicsDoNotCollide_data()
    {
        QTest::addColumn<QString>("language");
        QTest::newRow("en") << QString();
        QTest::newRow("de") << QStringLiteral("de");
    }

    // Alt+letter must reach exactly one thing: a top-level menu or a control on the Server panel,
    // and within a menu each entry has its own letter. Checked in every shipped language.
    void mnemonicsDoNotCollide()
    {
        QFETCH(QString, language);
        QTranslator translator;
        if (!language.isEmpty()) {
            QVERIFY(translator.load(
                QStringLiteral(WARDEN_BUILD_DIR "/app/console/warden_%1.qm").arg(language)));
            QCoreApplication::installTranslator(&translator);
        }
        FakeServer server;
        MainWindow window(&server);

        QMap<QKeySequence, QString> windowWide;
        const auto claim = [&](QMap<QKeySequence, QString> &seen, const QString &text) {
            const QKeySequence key = QKeySequence::mnemonic(text);
            if (key.isEmpty())
                return;
            QVERIFY2(!seen.contains(key),
                     qPrintable(text + QStringLiteral(" collides with ") + seen.value(key)));
            seen.insert(key, text);
        };
        for (QAction *menu : window.menuBar()->actions()) {
            claim(windowWide, menu->text());
            QMap<QKeySequence, QString> inMenu;
            for (QAction *entry : menu->menu()->actions())
                claim(inMenu, entry->text());
        }
        for (QAbstractButton *button : window.serverPanel()->findChildren<QAbstractButton *>())
            claim(windowWide, button->text());
        for (QLabel *label : window.serverPanel()->findChildren<QLabel *>()) {
            if (label->buddy())
                claim(windowWide, label->text());
        }
        QVERIFY(windowWide.size() >= 4 + 5);
        QCoreApplication::removeTranslator(&translator);
    }

    void germanTranslation()
    {
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(WARDEN_BUILD_DIR "/app/console/warden_de.qm")));
        QCoreApplication::installTranslator(&translator);
        {
            FakeServer server;
            MainWindow window(&server);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("sidebar"));
            QCOMPARE(sidebar->item(static_cast<int>(Panel::Policy))->text(),
                     QStringLiteral("Richtlinie"));
            QCOMPARE(window.menuBar()->actions().constFirst()->text(), QStringLiteral("&Datei"));
            server.start();
            QCOMPARE(window.findChild<StateIndicator *>(QStringLiteral("statusState"))->text(),
                     QStringLiteral("Läuft"));
            screenshot(&window, QStringLiteral("main-window-de"));
            window.setCurrentPanel(Panel::AuditLog);
            const auto *message = window.findChild<QStackedWidget *>(QStringLiteral("panelStack"))
                                      ->currentWidget()
                                      ->findChild<QLabel *>(QStringLiteral("unavailableMessage"));
            QCOMPARE(message->text(),
                     QStringLiteral("Der Bereich „Prüfprotokoll“ ist in dieser Version von Warden "
                                    "noch nicht verfügbar."));
        }
        QCoreApplication::removeTranslator(&translator);
    }

    void geometryIsSavedOnlyWhenChanged()
    {
        FakeServer server;
        const QSize size(760, 540);
        {
            MainWindow window(&server);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(size);
            QTRY_COMPARE(window.size(), size);
            window.setCurrentPanel(Panel::AuditLog);
            window.close();
        }
        QSettings settings;
        QVERIFY(settings.contains(QStringLiteral("MainWindow/geometry")));
        QCOMPARE(settings.value(QStringLiteral("MainWindow/panel")).toInt(),
                 static_cast<int>(Panel::AuditLog));
        const QString file = settings.fileName();
        const QDateTime written = QFileInfo(file).lastModified();

        {
            MainWindow window(&server);
            QCOMPARE(window.currentPanel(), Panel::AuditLog);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QCOMPARE(window.size(), size);
            QTest::qWait(50); // a later write would get a later modification time
            window.close();
        }
        QCOMPARE(QFileInfo(file).lastModified(), written);

        // A change is written.
        const QSize smaller(700, 500);
        {
            MainWindow window(&server);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.resize(smaller);
            QTRY_COMPARE(window.size(), smaller);
            window.close();
        }
        {
            MainWindow window(&server);
            QCOMPARE(window.size(), smaller);
        }
    }

    void appearanceMenuSwitchesLightAndDark()
    {
        FakeServer server;
        MainWindow window(&server);
        auto *menu = window.findChild<QMenu *>(QStringLiteral("appearanceMenu"));
        QVERIFY(menu);
        QVERIFY(!menu->isEnabled()); // nothing to switch without an Appearance
        Appearance appearance;
        window.setAppearance(&appearance);
        QVERIFY(menu->isEnabled());
        QCOMPARE(menu->actions().size(), 3);
        QVERIFY(showActive(window));

        auto isDark = [&window] { return window.palette().color(QPalette::Window).lightness() < 128; };
        window.findChild<QAction *>(QStringLiteral("appearanceAction2"))->trigger();
        QVERIFY(appearance.isDark());
        QTRY_VERIFY(isDark());
        QVERIFY(window.findChild<QAction *>(QStringLiteral("appearanceAction2"))->isChecked());
        // The sidebar is drawn from the new palette too, not left light.
        auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("sidebar"));
        const QImage shot = sidebar->grab().toImage();
        QVERIFY(QColor(shot.pixel(shot.width() / 2, shot.height() - 4)).lightness() < 128);
        screenshot(&window, QStringLiteral("main-window-dark"));
        window.findChild<QAction *>(QStringLiteral("appearanceAction1"))->trigger();
        QTRY_VERIFY(!isDark());
        window.findChild<QAction *>(QStringLiteral("appearanceAction0"))->trigger();
        QCOMPARE(appearance.scheme(), Appearance::Scheme::System);
    }

    void languageChoiceIsKeptForTheNextStart()
    {
        QSettings().remove(QStringLiteral("Console/language"));
        FakeServer server;
        MainWindow window(&server);
        QVERIFY(window.findChild<QAction *>(QStringLiteral("languageAction_system"))->isChecked());
        QString told;
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&told] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                if (auto *box = qobject_cast<QMessageBox *>(w); box && box->isVisible()) {
                    told = box->text();
                    box->accept();
                }
            }
        });
        closer.start(10);
        window.findChild<QAction *>(QStringLiteral("languageAction_de"))->trigger();
        closer.stop();
        QCOMPARE(told, QStringLiteral("Warden will use Deutsch the next time it starts."));
        QCOMPARE(MainWindow::savedLanguage(), QStringLiteral("de"));
        MainWindow next(&server);
        QVERIFY(next.findChild<QAction *>(QStringLiteral("languageAction_de"))->isChecked());
        QSettings().remove(QStringLiteral("Console/language"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
