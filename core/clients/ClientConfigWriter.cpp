#include "ClientConfigWriter.h"

#include "UnifiedDiff.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <optional>

namespace warden::clients {
namespace {

constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024; // a client configuration is a few KB

struct FileText
{
    bool exists = false;
    QString text;
};

Error ioError(const QString &message)
{
    return Error(ErrorCode::IoError, message.toStdString());
}

// What the file holds now; an error when it is there but cannot be read.
Result<FileText> readText(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return FileText {};
    if (file.size() > kMaxFileBytes)
        return ioError(ClientConfigWriter::tr("%1 is larger than %2 MB, which no client "
                                              "configuration is; check that it is the right file.")
                           .arg(QDir::toNativeSeparators(path))
                           .arg(kMaxFileBytes / (1024 * 1024)));
    if (!file.open(QIODevice::ReadOnly))
        return ioError(ClientConfigWriter::tr("%1 cannot be read (%2); check its permissions.")
                           .arg(QDir::toNativeSeparators(path), file.errorString()));
    return FileText { true, QString::fromUtf8(file.readAll()) };
}

// JSONC (VS Code's settings dialect) as plain JSON: comments and trailing commas removed,
// strings left alone. `changed` tells whether there was anything to remove.
std::string stripJsonc(const std::string &in, bool &changed)
{
    std::string out;
    out.reserve(in.size());
    changed = false;
    const std::size_t n = in.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = in[i];
        if (c == '"') { // a string, escapes included, copied as it is
            out += c;
            for (++i; i < n; ++i) {
                out += in[i];
                if (in[i] == '\\' && i + 1 < n)
                    out += in[++i];
                else if (in[i] == '"')
                    break;
            }
        } else if (c == '/' && i + 1 < n && in[i + 1] == '/') {
            changed = true;
            while (i < n && in[i] != '\n')
                ++i;
            if (i < n)
                out += '\n';
        } else if (c == '/' && i + 1 < n && in[i + 1] == '*') {
            changed = true;
            i += 2;
            while (i + 1 < n && !(in[i] == '*' && in[i + 1] == '/')) {
                if (in[i] == '\n')
                    out += '\n'; // keep line numbers for error messages
                ++i;
            }
            ++i;
        } else if (c == ',') {
            std::size_t j = i + 1; // a comma before a closing bracket (only blanks between)
            while (j < n && (in[j] == ' ' || in[j] == '\t' || in[j] == '\r' || in[j] == '\n'))
                ++j;
            if (j < n && (in[j] == '}' || in[j] == ']'))
                changed = true;
            else
                out += c;
        } else {
            out += c;
        }
    }
    return out;
}

// Line and column (from 1) of a byte offset, for "fix line 3, column 7".
std::pair<int, int> lineColumn(const std::string &text, std::size_t offset)
{
    int line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return { line, column };
}

// The indentation the file already uses (the first indented line's), so the rewrite changes
// only the lines that must change. Two spaces for a new file.
std::pair<int, char> indentationOf(const QString &text)
{
    for (const QStringView line : QStringView(text).split(QLatin1Char('\n'))) {
        qsizetype width = 0;
        while (width < line.size() && (line[width] == QLatin1Char(' ') || line[width] == QLatin1Char('\t')))
            ++width;
        if (width > 0 && width < line.size())
            return { int(width), line[0] == QLatin1Char('\t') ? '\t' : ' ' };
    }
    return { 2, ' ' };
}

QString quotePosix(const QString &arg)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    bool plain = !arg.isEmpty();
    for (const QChar c : arg)
        plain = plain && (c.isLetterOrNumber() || safe.contains(c)) && c.unicode() < 128;
    if (plain)
        return arg;
    QString quoted = arg;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString quoteWindows(const QString &arg)
{
    if (!arg.isEmpty() && !arg.contains(QLatin1Char(' ')) && !arg.contains(QLatin1Char('"'))
        && !arg.contains(QLatin1Char('\t')))
        return arg;
    QString quoted = arg;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString uniqueBackupPath(const QString &path)
{
    const QString base = path + QStringLiteral(".warden-backup-")
        + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString candidate = base;
    for (int n = 2; QFileInfo::exists(candidate); ++n)
        candidate = base + QLatin1Char('-') + QString::number(n);
    return candidate;
}

} // namespace

StdioLaunch StdioLaunch::forConfig(const QString &serverProgram, const QString &configPath)
{
    auto absolute = [](const QString &path) {
        return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    };
    return { absolute(serverProgram),
             { QStringLiteral("--stdio"), QStringLiteral("--config"), absolute(configPath) } };
}

QString StdioLaunch::findServerProgram(const QString &folder)
{
#if defined(Q_OS_WIN)
    const QString name = QStringLiteral("warden-server.exe");
#else
    const QString name = QStringLiteral("warden-server");
#endif
    const QFileInfo beside(QDir(folder).filePath(name));
    if (beside.isFile() && beside.isExecutable())
        return beside.absoluteFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("warden-server"));
}

QString StdioLaunch::commandLine(bool windows) const
{
    QStringList parts;
    const QString native = windows ? QDir::toNativeSeparators(program) : program;
    parts << (windows ? quoteWindows(native) : quotePosix(native));
    for (const QString &arg : arguments)
        parts << (windows ? quoteWindows(QDir::toNativeSeparators(arg)) : quotePosix(arg));
    return parts.join(QLatin1Char(' '));
}

ClientConfigWriter::Environment ClientConfigWriter::Environment::current()
{
    Environment env;
#if defined(Q_OS_WIN)
    env.platform = Platform::Windows;
#elif defined(Q_OS_MACOS)
    env.platform = Platform::MacOS;
#else
    env.platform = Platform::Linux;
#endif
    env.home = QDir::homePath();
    env.appData = qEnvironmentVariable("APPDATA");
    env.configHome = qEnvironmentVariable("XDG_CONFIG_HOME");
    return env;
}

ClientConfigWriter::ClientConfigWriter(Environment environment)
    : m_env(std::move(environment))
{
}

QString ClientConfigWriter::clientName(Client client)
{
    switch (client) {
    case Client::ClaudeDesktop:
        return tr("Claude Desktop");
    case Client::Cursor:
        return tr("Cursor");
    case Client::VsCode:
        return tr("VS Code");
    }
    return {};
}

QString ClientConfigWriter::configPath(Client client) const
{
    // The folder where desktop applications keep per-user settings on this platform.
    QString settings;
    switch (m_env.platform) {
    case Platform::Linux:
        settings = m_env.configHome.isEmpty() ? m_env.home + QStringLiteral("/.config") : m_env.configHome;
        break;
    case Platform::MacOS:
        settings = m_env.home + QStringLiteral("/Library/Application Support");
        break;
    case Platform::Windows:
        settings = m_env.appData.isEmpty() ? m_env.home + QStringLiteral("/AppData/Roaming") : m_env.appData;
        break;
    }
    QString path;
    switch (client) {
    case Client::ClaudeDesktop:
        path = settings + QStringLiteral("/Claude/claude_desktop_config.json");
        break;
    case Client::Cursor:
        path = m_env.home + QStringLiteral("/.cursor/mcp.json");
        break;
    case Client::VsCode:
        path = settings + QStringLiteral("/Code/User/mcp.json");
        break;
    }
    if (m_env.platform == Platform::Windows) // %APPDATA% as Windows spells it, on any host
        path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    return QDir::cleanPath(path);
}

const char *ClientConfigWriter::serversKey(Client client)
{
    return client == Client::VsCode ? "servers" : "mcpServers";
}

Json ClientConfigWriter::serverEntry(Client client, const StdioLaunch &launch)
{
    Json entry = Json::object();
    if (client == Client::VsCode)
        entry["type"] = "stdio";
    entry["command"] = launch.program.toStdString();
    Json args = Json::array();
    for (const QString &a : launch.arguments)
        args.push_back(a.toStdString());
    entry["args"] = std::move(args);
    return entry;
}

Result<ClientConfigWriter::Plan> ClientConfigWriter::plan(Client client, const StdioLaunch &launch) const
{
    Plan plan;
    plan.client = client;
    plan.path = configPath(client);
    const QString shownPath = QDir::toNativeSeparators(plan.path);
    auto current = readText(plan.path);
    if (!current)
        return current.takeError();
    plan.exists = current->exists;
    plan.oldText = current->text;

    Json document = Json::object();
    if (!plan.oldText.trimmed().isEmpty()) {
        std::string text = plan.oldText.toStdString();
        bool jsonc = false;
        if (client == Client::VsCode)
            text = stripJsonc(text, jsonc);
        try {
            document = Json::parse(text);
        } catch (const Json::parse_error &e) {
            const auto [line, column] = lineColumn(text, e.byte > 0 ? e.byte - 1 : 0);
            return Error(ErrorCode::ConfigInvalid,
                         tr("%1 is not valid JSON (line %2, column %3), so Warden leaves it alone. "
                            "Fix it in an editor (a missing comma or quote, or a stray character "
                            "near there), or move it aside, then preview again.")
                             .arg(shownPath)
                             .arg(line)
                             .arg(column)
                             .toStdString());
        }
        if (jsonc)
            plan.notice = tr("This file has comments or trailing commas. The rewritten file is "
                             "plain JSON without them; the backup keeps the original.");
    }
    if (!document.is_object())
        return Error(ErrorCode::ConfigInvalid,
                     tr("%1 does not hold a JSON object at the top level, so Warden leaves it "
                        "alone. Make it an object ({ ... }) or move it aside, then preview again.")
                         .arg(shownPath)
                         .toStdString());
    const char *key = serversKey(client);
    Json &servers = document[key];
    if (servers.is_null())
        servers = Json::object();
    plan.hadEntry = servers.is_object() && servers.contains(kServerName);
    if (!servers.is_object())
        return Error(ErrorCode::ConfigInvalid,
                     tr("In %1, \"%2\" is not an object, so Warden leaves the file alone. Make it "
                        "an object of servers ({\"name\": {...}}), then preview again.")
                         .arg(shownPath, QLatin1String(key))
                         .toStdString());
    servers[kServerName] = serverEntry(client, launch);

    const auto [width, fill] = indentationOf(plan.oldText);
    plan.newText = QString::fromStdString(document.dump(width, fill, false, Json::error_handler_t::replace))
        + QLatin1Char('\n');
    if (plan.oldText.contains(QStringLiteral("\r\n")))
        plan.newText.replace(QLatin1Char('\n'), QStringLiteral("\r\n"));
    if (plan.exists && plan.oldText != plan.newText)
        plan.diff = unifiedDiff(plan.oldText, plan.newText, shownPath,
                                shownPath + QStringLiteral(" (with Warden)"));
    else if (!plan.exists)
        plan.diff = unifiedDiff(QString(), plan.newText, QStringLiteral("/dev/null"), shownPath);
    return plan;
}

Result<ClientConfigWriter::Written> ClientConfigWriter::write(const Plan &plan) const
{
    Written written;
    written.path = plan.path;
    const QString shownPath = QDir::toNativeSeparators(plan.path);
    auto current = readText(plan.path);
    if (!current)
        return current.takeError();
    if (current->exists != plan.exists || current->text != plan.oldText)
        return Error(ErrorCode::ConfigInvalid,
                     tr("%1 changed since the preview (another program wrote it); nothing was "
                        "written. Preview again to see the change against its new content.")
                         .arg(shownPath)
                         .toStdString());
    if (!plan.changes())
        return written;

    const QFileInfo info(plan.path);
    if (!QDir().mkpath(info.absolutePath()))
        return ioError(tr("The folder %1 cannot be created; check its permissions.")
                           .arg(QDir::toNativeSeparators(info.absolutePath())));
    if (plan.exists) {
        written.backupPath = uniqueBackupPath(plan.path);
        if (!QFile::copy(plan.path, written.backupPath))
            return ioError(tr("The backup %1 cannot be written, so %2 was left as it was; check "
                              "the folder's permissions and free space.")
                               .arg(QDir::toNativeSeparators(written.backupPath), shownPath));
    }
    QSaveFile file(plan.path); // a new file renamed over the old one: never half written
    const QByteArray bytes = plan.newText.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return ioError(tr("%1 cannot be written (%2); it was left as it was. Check its "
                          "permissions and free space.")
                           .arg(shownPath, file.errorString()));
    return written;
}

} // namespace warden::clients
