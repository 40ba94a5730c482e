#include "TestFiles.h"
#include "TestTempRoot.h"
#include "clients/ClientConfigWriter.h"
#include "clients/UnifiedDiff.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace warden;
using namespace warden::clients;
using warden::test::readFile;
using warden::test::writeFile;

namespace {

Json parse(const QString &text)
{
    return Json::parse(text.toStdString());
}

QStringList backupsOf(const QString &path)
{
    const QFileInfo info(path);
    return QDir(info.absolutePath())
        .entryList({ info.fileName() + QStringLiteral(".warden-backup-*") }, QDir::Files);
}

} // namespace

class TestClientConfigWriter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir { warden::test::tempRoot() + QStringLiteral("/clientcfg-XXXXXX") };
    QString m_home;
    StdioLaunch m_launch;

    ClientConfigWriter writer(ClientConfigWriter::Platform platform = ClientConfigWriter::Platform::Linux) const
    {
        ClientConfigWriter::Environment env;
        env.platform = platform;
        env.home = m_home;
        return ClientConfigWriter(env);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_home = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY(QDir().mkpath(m_home));
        m_launch = StdioLaunch::forConfig(QStringLiteral("/opt/warden/bin/warden-server"),
                                          QStringLiteral("/srv/warden/warden.json"));
    }

    void pathsPerPlatform_data()
    {
        QTest::addColumn<int>("platform");
        QTest::addColumn<int>("client");
        QTest::addColumn<QString>("relative");
        using P = ClientConfigWriter::Platform;
        QTest::newRow("linux claude") << int(P::Linux) << int(Client::ClaudeDesktop)
                                      << QStringLiteral(".config/Claude/claude_desktop_config.json");
        QTest::newRow("mac claude") << int(P::MacOS) << int(Client::ClaudeDesktop)
                                    << QStringLiteral("Library/Application Support/Claude/claude_desktop_config.json");
        QTest::newRow("windows claude") << int(P::Windows) << int(Client::ClaudeDesktop)
                                        << QStringLiteral("AppData/Roaming/Claude/claude_desktop_config.json");
        QTest::newRow("linux cursor") << int(P::Linux) << int(Client::Cursor) << QStringLiteral(".cursor/mcp.json");
        QTest::newRow("windows cursor") << int(P::Windows) << int(Client::Cursor) << QStringLiteral(".cursor/mcp.json");
        QTest::newRow("linux vscode") << int(P::Linux) << int(Client::VsCode) << QStringLiteral(".config/Code/User/mcp.json");
        QTest::newRow("mac vscode") << int(P::MacOS) << int(Client::VsCode)
                                    << QStringLiteral("Library/Application Support/Code/User/mcp.json");
        QTest::newRow("windows vscode") << int(P::Windows) << int(Client::VsCode)
                                        << QStringLiteral("AppData/Roaming/Code/User/mcp.json");
    }

    void pathsPerPlatform()
    {
        QFETCH(int, platform);
        QFETCH(int, client);
        QFETCH(QString, relative);
        QCOMPARE(writer(ClientConfigWriter::Platform(platform)).configPath(Client(client)),
                 m_home + QLatin1Char('/') + relative);
    }

    void injectedFoldersWin()
    {
        ClientConfigWriter::Environment env;
        env.home = m_home;
        env.platform = ClientConfigWriter::Platform::Windows;
        env.appData = QStringLiteral("D:\\Profiles\\ada\\AppData\\Roaming");
        QCOMPARE(ClientConfigWriter(env).configPath(Client::ClaudeDesktop),
                 QStringLiteral("D:/Profiles/ada/AppData/Roaming/Claude/claude_desktop_config.json"));
        env.platform = ClientConfigWriter::Platform::Linux;
        env.configHome = m_home + QStringLiteral("/xdg");
        QCOMPARE(ClientConfigWriter(env).configPath(Client::VsCode), m_home + QStringLiteral("/xdg/Code/User/mcp.json"));
    }

    void entriesPerClient()
    {
        const Json claude = ClientConfigWriter::serverEntry(Client::ClaudeDesktop, m_launch);
        QVERIFY(claude == Json::parse("{\"command\": \"/opt/warden/bin/warden-server\", "
                                      "\"args\": [\"--stdio\", \"--config\", \"/srv/warden/warden.json\"]}"));
        const Json vscode = ClientConfigWriter::serverEntry(Client::VsCode, m_launch);
        QCOMPARE(vscode.value("type", ""), std::string("stdio"));
        QVERIFY(vscode["args"] == claude["args"]);
        QCOMPARE(QLatin1String(ClientConfigWriter::serversKey(Client::VsCode)), QLatin1String("servers"));
        QCOMPARE(QLatin1String(ClientConfigWriter::serversKey(Client::Cursor)), QLatin1String("mcpServers"));
    }

    void commandLineQuotes()
    {
        const StdioLaunch spaced = StdioLaunch::forConfig(QStringLiteral("/opt/my apps/warden-server"),
                                                          QStringLiteral("/srv/it's/warden.json"));
        QCOMPARE(spaced.commandLine(false),
                 QStringLiteral("'/opt/my apps/warden-server' --stdio --config '/srv/it'\\''s/warden.json'"));
        QCOMPARE(m_launch.commandLine(false),
                 QStringLiteral("/opt/warden/bin/warden-server --stdio --config /srv/warden/warden.json"));
        QCOMPARE(spaced.commandLine(true),
                 QLatin1Char('"') + QDir::toNativeSeparators(QStringLiteral("/opt/my apps/warden-server"))
                     + QStringLiteral("\" --stdio --config ")
                     + QDir::toNativeSeparators(QStringLiteral("/srv/it's/warden.json")));
    }

    // A missing file is created with its folder; no backup, since there was nothing.
    void createsMissingFile()
    {
        const ClientConfigWriter w = writer();
        auto plan = w.plan(Client::Cursor, m_launch);
        QVERIFY(plan.ok());
        QVERIFY(!plan->exists);
        QVERIFY(plan->changes());
        QVERIFY(plan->diff.contains(QStringLiteral("+    \"warden\": {")));
        auto written = w.write(*plan);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        QVERIFY(written->backupPath.isEmpty());
        const Json doc = parse(readFile(plan->path));
        QVERIFY(doc["mcpServers"]["warden"] == ClientConfigWriter::serverEntry(Client::Cursor, m_launch));
    }

    // Other servers and unrelated keys stay, in their order; a backup holds the old bytes;
    // a second write changes nothing and makes no second backup.
    void mergesBacksUpAndIsIdempotent()
    {
        const ClientConfigWriter w = writer();
        const QString path = w.configPath(Client::ClaudeDesktop);
        const QByteArray original = "{\n    \"globalShortcut\": \"Ctrl+Space\",\n    \"mcpServers\": {\n"
                                    "        \"files\": {\n            \"command\": \"npx\",\n"
                                    "            \"args\": [\n                \"-y\",\n"
                                    "                \"@modelcontextprotocol/server-filesystem\"\n            ]\n"
                                    "        }\n    },\n    \"theme\": \"dark\"\n}\n";
        QVERIFY(writeFile(path, original));

        auto plan = w.plan(Client::ClaudeDesktop, m_launch);
        QVERIFY(plan.ok());
        QVERIFY(plan->exists);
        QCOMPARE(plan->oldText, QString::fromUtf8(original));
        // The diff adds Warden's lines and removes none of the old content.
        QVERIFY(plan->diff.startsWith(QStringLiteral("--- ") + path));
        QVERIFY(plan->diff.contains(QStringLiteral("+        \"warden\": {")));
        QVERIFY(plan->diff.contains(QStringLiteral("@@ ")));
        for (const QString &line : plan->diff.split(QLatin1Char('\n')))
            QVERIFY2(!line.startsWith(QLatin1Char('-')) || line.startsWith(QStringLiteral("---"))
                         || line == QStringLiteral("-        }"),
                     qPrintable(line));

        auto written = w.write(*plan);
        QVERIFY(written.ok());
        QCOMPARE(readFile(written->backupPath).toUtf8(), original);
        QCOMPARE(backupsOf(path).size(), 1);

        const Json doc = parse(readFile(path));
        QCOMPARE(doc["globalShortcut"].get<std::string>(), std::string("Ctrl+Space"));
        QCOMPARE(doc["theme"].get<std::string>(), std::string("dark"));
        QCOMPARE(doc["mcpServers"]["files"]["command"].get<std::string>(), std::string("npx"));
        QVERIFY(doc["mcpServers"]["warden"] == ClientConfigWriter::serverEntry(Client::ClaudeDesktop, m_launch));
        std::vector<std::string> keys;
        for (auto it = doc.begin(); it != doc.end(); ++it)
            keys.push_back(it.key());
        QVERIFY((keys == std::vector<std::string> { "globalShortcut", "mcpServers", "theme" }));
        QVERIFY(readFile(path).contains(QStringLiteral("\n    \"theme\"")));  // the file's indentation

        auto again = w.plan(Client::ClaudeDesktop, m_launch);
        QVERIFY(again.ok());
        QVERIFY(!again->changes());
        QVERIFY(again->diff.isEmpty());
        auto second = w.write(*again);
        QVERIFY(second.ok());
        QVERIFY(second->backupPath.isEmpty());
        QCOMPARE(backupsOf(path).size(), 1);
    }

    // An existing "warden" entry (an older install) is replaced, not duplicated.
    void replacesOldEntry()
    {
        const ClientConfigWriter w = writer();
        const QString path = w.configPath(Client::Cursor);
        QVERIFY(writeFile(path, "{\"mcpServers\": {\"warden\": {\"command\": \"/old/warden-server\", \"args\": []}, "
                                "\"other\": {\"url\": \"https://example.com/mcp\"}}}"));
        auto plan = w.plan(Client::Cursor, m_launch);
        QVERIFY(plan.ok());
        QVERIFY(plan->diff.contains(QStringLiteral("/old/warden-server")));
        QVERIFY(w.write(*plan).ok());
        const Json doc = parse(readFile(path));
        QCOMPARE(doc["mcpServers"].size(), std::size_t(2));
        QCOMPARE(doc["mcpServers"]["warden"]["command"].get<std::string>(),
                 std::string("/opt/warden/bin/warden-server"));
        QVERIFY(doc["mcpServers"].contains("other"));
    }

    void refusesInvalidJson_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("says");
        QTest::newRow("syntax") << QByteArray("{\n  \"mcpServers\": {\n    \"a\": {}\n  \n}\n")
                                << QStringLiteral("not valid JSON (line");
        QTest::newRow("comment in strict file") << QByteArray("{ /* mine */ \"mcpServers\": {} }")
                                                << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("top level");
        QTest::newRow("servers not object") << QByteArray("{\"mcpServers\": [\"x\"]}")
                                            << QStringLiteral("\"mcpServers\" is not an object");
    }

    void refusesInvalidJson()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, says);
        const ClientConfigWriter w = writer();
        const QString path = w.configPath(Client::ClaudeDesktop);
        QVERIFY(writeFile(path, content));
        auto plan = w.plan(Client::ClaudeDesktop, m_launch);
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().code, ErrorCode::ConfigInvalid);
        const QString message = QString::fromStdString(plan.error().message);
        QVERIFY2(message.contains(says), qPrintable(message));
        QVERIFY(message.contains(path));
        QCOMPARE(readFile(path).toUtf8(), content); // untouched
        QVERIFY(backupsOf(path).isEmpty());
    }

    // VS Code's mcp.json is JSONC: comments and trailing commas are read, and the user is told
    // they will not survive the rewrite; strings that look like comments are kept.
    void vscodeJsonc()
    {
        const ClientConfigWriter w = writer();
        const QString path = w.configPath(Client::VsCode);
        const QByteArray jsonc = "{\n\t// my servers\n\t\"servers\": {\n\t\t\"web\": {\"type\": \"http\", "
                                 "\"url\": \"https://example.com/mcp\"},\n\t},\n\t/* inputs */\n"
                                 "\t\"inputs\": [],\n}\n";
        QVERIFY(writeFile(path, jsonc));
        auto plan = w.plan(Client::VsCode, m_launch);
        QVERIFY(plan.ok());
        QVERIFY(!plan->notice.isEmpty());
        QVERIFY(w.write(*plan).ok());
        const Json doc = parse(readFile(path));
        QCOMPARE(doc["servers"]["web"]["url"].get<std::string>(), std::string("https://example.com/mcp"));
        QCOMPARE(doc["servers"]["warden"]["type"].get<std::string>(), std::string("stdio"));
        QVERIFY(doc["inputs"].is_array());
        QVERIFY(readFile(path).contains(QStringLiteral("\n\t\"servers\""))); // tabs kept
    }

    // A file changed after the preview is not overwritten with a stale merge.
    void refusesWhenChangedSincePreview()
    {
        const ClientConfigWriter w = writer();
        const QString path = w.configPath(Client::Cursor);
        QVERIFY(writeFile(path, "{\"mcpServers\": {}}"));
        auto plan = w.plan(Client::Cursor, m_launch);
        QVERIFY(plan.ok());
        QVERIFY(writeFile(path, "{\"mcpServers\": {\"new\": {\"command\": \"x\"}}}"));
        auto written = w.write(*plan);
        QVERIFY(!written.ok());
        QVERIFY(QString::fromStdString(written.error().message).contains(QStringLiteral("changed since the preview")));
        QVERIFY(parse(readFile(path))["mcpServers"].contains("new"));
        QVERIFY(backupsOf(path).isEmpty());
    }

    void diffHunks()
    {
        QString oldText, newText;
        for (int i = 1; i <= 20; ++i) {
            oldText += QStringLiteral("line %1\n").arg(i);
            newText += (i == 10 ? QStringLiteral("changed\n") : QStringLiteral("line %1\n").arg(i));
        }
        newText += QStringLiteral("added\n");
        const QString diff = unifiedDiff(oldText, newText, QStringLiteral("a"), QStringLiteral("b"));
        QCOMPARE(diff,
                 QStringLiteral("--- a\n+++ b\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+changed\n"
                                " line 11\n line 12\n line 13\n@@ -18,3 +18,4 @@\n line 18\n line 19\n"
                                " line 20\n+added\n"));
        QVERIFY(unifiedDiff(oldText, oldText, QStringLiteral("a"), QStringLiteral("b")).isEmpty());
        QCOMPARE(unifiedDiff(QString(), QStringLiteral("x\n"), QStringLiteral("a"), QStringLiteral("b")),
                 QStringLiteral("--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"));
    }
};

QTEST_GUILESS_MAIN(TestClientConfigWriter)
#include "TestClientConfigWriter.moc"
