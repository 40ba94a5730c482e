#include "DesktopClientsPanel.h"
#include "FindChild.h"
#include "Screenshot.h"
#include "TestFiles.h"
#include "TestTempRoot.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace warden;
using namespace warden::clients;
using warden::test::readFile;
using warden::test::writeFile;

class TestDesktopClientsPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir { warden::test::tempRoot() + QStringLiteral("/desktop-clients-XXXXXX") };

    ClientConfigWriter::Environment environment(const QString &home) const
    {
        ClientConfigWriter::Environment env;
        env.platform = ClientConfigWriter::Platform::Linux;
        env.home = home;
        return env;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // The whole path a user takes: see the clients' state, preview Claude Desktop's change as
    // a diff, write it from the keyboard, and find the file merged and backed up.
    void previewAndWriteMergesWithBackup()
    {
        const QString home = m_dir.filePath(QStringLiteral("home"));
        const QString configPath = m_dir.filePath(QStringLiteral("srv/warden.json"));
        QVERIFY(writeFile(configPath, "{}"));
        const ClientConfigWriter writer(environment(home));
        const QString claudePath = writer.configPath(Client::ClaudeDesktop);
        const QByteArray original = "{\n  \"mcpServers\": {\n    \"files\": {\n      \"command\": \"npx\"\n"
                                    "    }\n  },\n  \"theme\": \"dark\"\n}\n";
        QVERIFY(writeFile(claudePath, original));

        const StdioLaunch launch = StdioLaunch::forConfig(QStringLiteral(WARDEN_SERVER_BINARY), configPath);
        DesktopClientsPanel panel(launch, environment(home));
        panel.resize(900, 760);
        panel.show();
        QVERIFY(QTest::qWaitForWindowActive(&panel));

        auto *claudeState = test::findChild<QLabel>(panel, "state0");
        auto *cursorState = test::findChild<QLabel>(panel, "state1");
        QTRY_COMPARE(claudeState->text(), QStringLiteral("Not set up yet."));
        QTRY_VERIFY(cursorState->text().contains(QStringLiteral("does not exist yet")));
        QCOMPARE(test::findChild<QLabel>(panel, "path0")->text(), QDir::toNativeSeparators(claudePath));
        QVERIFY(!test::findChild<QLabel>(panel, "launchProblem")->isVisible());

        // The command line for any other stdio client, and its copy button (Alt+Y).
        auto *command = test::findChild<QLineEdit>(panel, "commandLine");
        QCOMPARE(command->text(), launch.commandLine(false));
        QVERIFY(command->text().endsWith(QStringLiteral(" --stdio --config ") + QFileInfo(configPath).absoluteFilePath()));
        QTest::keyClick(&panel, Qt::Key_Y, Qt::AltModifier);
        QTRY_COMPARE(QApplication::clipboard()->text(), command->text()); // buttons click 100 ms after their mnemonic

        // Preview (Alt+C): the diff shows Warden's entry added; nothing is written yet.
        auto *write = test::findChild<QPushButton>(panel, "writeButton");
        QVERIFY(!write->isEnabled());
        QTest::keyClick(&panel, Qt::Key_C, Qt::AltModifier);
        auto *diff = test::findChild<QPlainTextEdit>(panel, "diffView");
        QTRY_VERIFY(write->isEnabled());
        const QString shownDiff = diff->toPlainText();
        QVERIFY2(shownDiff.contains(QStringLiteral("+    \"warden\": {")), qPrintable(shownDiff));
        QVERIFY(shownDiff.contains(QStringLiteral("+      \"command\": \"") + launch.program + QLatin1Char('"')));
        QVERIFY(shownDiff.startsWith(QStringLiteral("--- ") + claudePath));
        QVERIFY(test::findChild<QLabel>(panel, "previewTitle")->text().contains(QStringLiteral("a backup is made first")));
        QCOMPARE(readFile(claudePath).toUtf8(), original);
        QVERIFY(write->hasFocus());
        warden::test::saveScreenshot(&panel, QStringLiteral("desktop-clients-preview"));

        // Write with the keyboard (the focused Write button).
        QTest::keyClick(write, Qt::Key_Space);
        auto *result = test::findChild<QLabel>(panel, "resultLabel");
        QTRY_VERIFY(result->text().startsWith(QStringLiteral("Written to")));
        const QStringList backups = QDir(QFileInfo(claudePath).absolutePath())
                                        .entryList({ QStringLiteral("claude_desktop_config.json.warden-backup-*") });
        QCOMPARE(backups.size(), 1);
        QVERIFY(result->text().contains(backups.first()));
        QCOMPARE(readFile(QFileInfo(claudePath).absolutePath() + QLatin1Char('/') + backups.first()).toUtf8(), original);
        const Json merged = Json::parse(readFile(claudePath).toStdString());
        QCOMPARE(merged["mcpServers"]["files"]["command"].get<std::string>(), std::string("npx"));
        QCOMPARE(merged["theme"].get<std::string>(), std::string("dark"));
        QVERIFY(merged["mcpServers"]["warden"] == ClientConfigWriter::serverEntry(Client::ClaudeDesktop, launch));
        QTRY_VERIFY(claudeState->text().startsWith(QStringLiteral("Set up")));
        QVERIFY(!write->isEnabled());
        warden::test::saveScreenshot(&panel, QStringLiteral("desktop-clients-written"));

        // A broken file is refused, with where it is broken; Alt+A checks again.
        const QString cursorPath = writer.configPath(Client::Cursor);
        QVERIFY(writeFile(cursorPath, "{\"mcpServers\": {,}}"));
        QTest::keyClick(&panel, Qt::Key_A, Qt::AltModifier);
        QTRY_VERIFY(cursorState->text().startsWith(QStringLiteral("Cannot be set up")));
        QVERIFY(cursorState->text().contains(QStringLiteral("not valid JSON (line 1")));
        QTest::keyClick(&panel, Qt::Key_U, Qt::AltModifier);
        auto *notice = test::findChild<QLabel>(panel, "previewNotice");
        QTRY_VERIFY(notice->text().contains(QStringLiteral("not valid JSON")));
        QVERIFY(!write->isEnabled());
        QCOMPARE(readFile(cursorPath), QStringLiteral("{\"mcpServers\": {,}}"));
        warden::test::saveScreenshot(&panel, QStringLiteral("desktop-clients-invalid"));
    }

    // Without a configuration file to point at, nothing can be written, and the panel says why.
    void unknownConfigurationDisablesWriting()
    {
        const QString home = m_dir.filePath(QStringLiteral("home2"));
        DesktopClientsPanel panel(StdioLaunch::forConfig(QStringLiteral(WARDEN_SERVER_BINARY), QString()),
                                  environment(home));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *problem = test::findChild<QLabel>(panel, "launchProblem");
        QVERIFY(problem->isVisible());
        QVERIFY(problem->text().contains(QStringLiteral("--config")));
        QTRY_VERIFY(!test::findChild<QLabel>(panel, "state0")->text().startsWith(QStringLiteral("Checking")));
        QVERIFY(!test::findChild<QPushButton>(panel, "preview0")->isEnabled());
        QVERIFY(test::findChild<QLineEdit>(panel, "commandLine")->text().isEmpty());
    }
};

QTEST_MAIN(TestDesktopClientsPanel)
#include "TestDesktopClientsPanel.moc"
