#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace warden::clients {

// The desktop LLM clients whose configuration Warden can write itself into.
enum class Client { ClaudeDesktop, Cursor, VsCode };

// How a stdio client starts warden-server: an absolute program path and its arguments.
struct StdioLaunch
{
    QString program;
    QStringList arguments;

    // `--stdio --config <absolute config path>` for `serverProgram`.
    static StdioLaunch forConfig(const QString &serverProgram, const QString &configPath);
    // warden-server beside the program in `folder` (they install together), else the one on
    // PATH; empty when there is none.
    static QString findServerProgram(const QString &folder);
    // The whole command line, quoted for a POSIX shell (or cmd.exe on Windows when `windows`).
    QString commandLine(bool windows) const;
};

// Writes Warden's stdio entry into a desktop client's MCP configuration file: the right file
// for the operating system, merged into what is there (other servers and unrelated keys
// kept, an existing "warden" entry replaced), previewed as a unified diff, backed up next to
// the file and written atomically. A file that is not JSON is never touched.
//
// Two steps, so a person sees the change before it happens: plan() reads and merges, write()
// writes a plan once the file still holds what the plan was made from. Plain file IO on small
// files; callers keep it off the GUI thread when the folder may be slow (a network home).
class ClientConfigWriter
{
    Q_DECLARE_TR_FUNCTIONS(ClientConfigWriter)
public:
    enum class Platform { Linux, MacOS, Windows };

    // Where the per-user folders are. Tests inject temporary ones.
    struct Environment
    {
        Platform platform = Platform::Linux;
        QString home;       // the user's home folder
        QString appData;    // Windows: %APPDATA% (home/AppData/Roaming when empty)
        QString configHome; // Linux: $XDG_CONFIG_HOME (home/.config when empty)

        // This process's platform and folders.
        static Environment current();
    };

    // What writing one client's file would do.
    struct Plan
    {
        Client client = Client::ClaudeDesktop;
        QString path;
        bool exists = false;  // the file is there (else it is created, with its folder)
        bool hadEntry = false; // it already lists a "warden" server (replaced by the plan)
        QString oldText;      // what the file holds now (empty when it does not exist)
        QString newText;      // what it will hold
        QString diff;         // unified diff old → new; empty when nothing changes
        QString notice;       // something the user should know before writing, or empty

        bool changes() const { return oldText != newText || !exists; }
    };

    struct Written
    {
        QString path;
        QString backupPath; // empty when there was no file to back up
    };

    static constexpr const char *kServerName = "warden";

    explicit ClientConfigWriter(Environment environment);

    static QString clientName(Client client);
    // The configuration file of `client` in this environment (absolute).
    QString configPath(Client client) const;
    // The key under which the client lists its servers ("mcpServers", VS Code "servers").
    static const char *serversKey(Client client);
    // Warden's entry in that list.
    static Json serverEntry(Client client, const StdioLaunch &launch);

    // Reads the file and merges Warden's entry into it. Refuses (ConfigInvalid, saying what
    // to fix) a file that is not JSON, whose top level is not an object, or whose server list
    // is not an object. VS Code's file may hold comments (JSONC): they are accepted, and the
    // plan's notice says that the rewritten file will not have them.
    Result<Plan> plan(Client client, const StdioLaunch &launch) const;
    // Backs the file up (<name>.warden-backup-<yyyyMMdd-HHmmss>) and writes plan.newText
    // atomically. Refuses when the file changed since the plan was made. A plan without
    // changes writes nothing.
    Result<Written> write(const Plan &plan) const;

private:
    Environment m_env;
};

} // namespace warden::clients
