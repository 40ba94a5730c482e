#include "ServerCommandLine.h"

#include "common/Log.h"
#include "common/Resources.h"
#include "config/ServerConfig.h"
#include "db/DatabasePool.h"
#include "demo/DemoDataset.h"
#include "common/StrictJson.h"
#include "approvals/ApprovalStore.h"
#include "audit/ArgumentSanitizer.h"
#include "audit/AuditExport.h"
#include "audit/AuditKeys.h"
#include "audit/AuditQuery.h"
#include "audit/AuditStore.h"
#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"
#include "audit/CheckpointFile.h"
#include "auth/ApiKeyStore.h"
#include "policy/Policy.h"
#include "policy/PolicyDiff.h"
#include "server/PolicyHistory.h"
#include "server/Server.h"
#include "transport/StdioTransport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <optional>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace warden {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char *kUsage =
    "Usage:\n"
    "  warden-server [--config FILE] --stdio                 serve one client over stdio\n"
    "  warden-server [--config FILE] --http [ADDR:]PORT      serve Streamable HTTP at /mcp (ADDR defaults to 127.0.0.1)\n"
    "          [--conformance-fixtures] [--dev]              fixture tools for the conformance suite; development mode\n"
    "          [--allow-anonymous]                           development mode only: HTTP callers need no credentials\n"
    "  warden-server demo create PATH [--postgres CONNINFO] [--overwrite] [--reader-role ROLE]\n"
    "                                                        write the demo database, policy and config\n"
    "  warden-server policy check FILE [--config FILE]       validate a policy, print errors with JSON pointers\n"
    "  warden-server policy diff OLD NEW [--json] [--config FILE]\n"
    "                                                        what changed between two policies (files or history versions)\n"
    "  warden-server policy history [--config FILE]          the versions the configured policy has had\n"
    "  warden-server audit verify [--checkpoints FILE] [--chain NAME] [--config FILE]\n"
    "                                                        check the audit trail: \"intact\" or where it breaks\n"
    "  warden-server audit checkpoints [--output FILE]       export the signed checkpoints (appends to FILE)\n"
    "  warden-server audit purge --keep-days N | --keep-records N\n"
    "                                                        remove old whole segments, leaving a signed checkpoint\n"
    "  warden-server audit hash VALUE [--config FILE]        the HMAC a sensitive VALUE is stored as in the trail\n"
    "  warden-server audit export [--format jsonl|csv] [--output FILE] [--chain NAME] [--config FILE]\n"
    "          [--principal P] [--tenant T] [--tool X] [--outcome ok|error] [--error-code C]\n"
    "          [--session S] [--kind K] [--since TIME] [--until TIME] [--text S]\n"
    "                                                        the filtered trail (TIME: ISO 8601, UTC; S: a record's\n"
    "                                                        session fingerprint; K: request, outcome, denial, ...)\n"
    "  warden-server keys create --user ID [--tenant T] [--role R]... [--scope S]... [--name N] [--expires-days D]\n"
    "                                                        make an API key for a service account (shown once)\n"
    "  warden-server keys list [--json]                      the API keys: id, name, principal, state\n"
    "  warden-server keys revoke ID                          revoke an API key (servers refuse it from the next request)\n"
    "  warden-server approvals list [--all] [--json]          writes waiting for an operator (--all: every approval)\n"
    "  warden-server approvals approve|deny ID [--as NAME] [--reason TEXT]\n"
    "                                                        decide one; the agent's identical retry runs once\n"
    "  warden-server --version | --help\n"
    "\n"
    "Without --config, the bundled demo in the user's data folder is used (created on first use).\n"
    "Exit codes: 0 success, 2 bad usage or configuration, 1 anything else.\n";

int usageError(const std::string &message)
{
    std::cerr << "warden-server: " << message << "\n\n" << kUsage;
    return kExitUsage;
}

QString defaultDemoConfig()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo/warden.json");
}

// The configuration to use: --config, or the bundled demo (created if missing).
Result<ServerConfig> loadConfig(const QString &path)
{
    QString file = path;
    if (file.isEmpty()) {
        file = defaultDemoConfig();
        if (!QFileInfo::exists(file)) {
            QDir().mkpath(QFileInfo(file).absolutePath());
            DemoOptions demo;
            demo.databasePath = QFileInfo(file).absolutePath() + QStringLiteral("/shop.db");
            demo.overwrite = true;
            std::cerr << "warden-server: creating the demo database in " << demo.databasePath.toStdString() << "\n";
            auto made = DemoDataset::create(demo);
            if (!made)
                return made.takeError();
        }
    }
    return ServerConfig::load(file);
}

int demoCommand(const QStringList &args)
{
    // demo create PATH [--postgres CONNINFO] [--overwrite] [--reader-role ROLE]
    if (args.size() < 2 || args[0] != QLatin1String("create"))
        return usageError("usage: warden-server demo create PATH [--postgres CONNINFO]");
    QString path;
    QString conninfo;
    QString readerRole;
    bool overwrite = false;
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--postgres") && i + 1 < args.size())
            conninfo = args[++i];
        else if (a == QLatin1String("--reader-role") && i + 1 < args.size())
            readerRole = args[++i];
        else if (a == QLatin1String("--overwrite"))
            overwrite = true;
        else if (a.startsWith(QLatin1String("--")))
            return usageError("unknown option " + a.toStdString() + " for demo create");
        else if (path.isEmpty())
            path = a;
        else
            return usageError("demo create takes one PATH");
    }
    if (path.isEmpty())
        return usageError("demo create needs a PATH for the SQLite database (or the config folder with --postgres)");
    auto progress = [](int percent, std::string_view stage) {
        std::cerr << "\r" << percent << "% " << stage << "          " << std::flush;
    };
    if (!conninfo.isEmpty()) {
        DemoPostgresOptions o;
        o.conninfo = conninfo.toStdString();
        o.overwrite = overwrite;
        o.readerRole = readerRole.toStdString();
        o.configDir = path;
        o.progress = progress;
        auto r = DemoDataset::loadPostgres(o);
        std::cerr << "\n";
        if (!r) {
            std::cerr << "warden-server: " << r.error().message << "\n";
            return kExitFailure;
        }
        std::cout << "Loaded the demo into PostgreSQL in " << r->elapsedMs << " ms";
        if (!r->configPath.isEmpty())
            std::cout << "; config " << r->configPath.toStdString();
        std::cout << "\n";
        return kExitOk;
    }
    DemoOptions o;
    o.databasePath = QFileInfo(path).absoluteFilePath();
    o.overwrite = overwrite;
    o.progress = progress;
    auto r = DemoDataset::create(o);
    std::cerr << "\n";
    if (!r) {
        std::cerr << "warden-server: " << r.error().message << "\n";
        return r.error().code == ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::cout << "Wrote " << r->databasePath.toStdString() << " (" << r->rows("orders") << " orders) in "
              << r->elapsedMs << " ms\n";
    if (!r->configPath.isEmpty())
        std::cout << "Config: " << r->configPath.toStdString() << "\nPolicy: " << r->policyPath.toStdString() << "\n";
    return kExitOk;
}

// The history of the configured policy file; nullptr with a message when there is none yet.
std::unique_ptr<PolicyHistory> openHistory(const ServerConfig &config)
{
    const QString path = config.policyHistoryPath.isEmpty() ? PolicyHistory::defaultPath() : config.policyHistoryPath;
    if (!QFileInfo::exists(path)) {
        std::cerr << "warden-server: no policy history at " << path.toStdString()
                  << " yet; a server records one when it loads the policy\n";
        return nullptr;
    }
    auto history = PolicyHistory::open(path, config.policyPath);
    if (!history) {
        std::cerr << "warden-server: " << history.error().message << "\n";
        return nullptr;
    }
    return std::move(history).value();
}

int policyHistoryCommand(const QString &configPath)
{
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return kExitUsage;
    }
    const auto history = openHistory(*config);
    if (!history)
        return kExitFailure;
    const auto versions = history->versions();
    std::cout << "Policy " << config->policyPath.toStdString() << ": " << versions.size() << " version"
              << (versions.size() == 1 ? "" : "s") << " in " << history->databasePath().toStdString() << "\n";
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const auto &v = versions[i];
        std::cout << "  " << v.hash.substr(0, 16) << "  " << v.loadedAt.toString(Qt::ISODateWithMs).toStdString() << "  "
                  << v.source.toStdString();
        if (i > 0) {
            const auto n = PolicyDiff::compare(versions[i - 1].document, v.document).size();
            std::cout << "  (" << n << (n == 1 ? " change)" : " changes)");
        }
        std::cout << "\n";
    }
    return kExitOk;
}

int policyDiffCommand(const QStringList &args, const QString &configPath)
{
    // diff OLD NEW [--json]: each side a policy file or a version (hash prefix) from the history
    QStringList sides;
    bool json = false;
    for (const QString &a : args) {
        if (a == QLatin1String("--json"))
            json = true;
        else if (a.startsWith(QLatin1String("--")))
            return usageError("unknown option " + a.toStdString() + " for policy diff");
        else
            sides << a;
    }
    if (sides.size() != 2)
        return usageError("usage: warden-server policy diff OLD NEW [--json] [--config FILE]");
    std::unique_ptr<PolicyHistory> history;
    Json documents[2];
    for (int i = 0; i < 2; ++i) {
        const QString &side = sides[i];
        if (QFileInfo::exists(side)) {
            QFile file(side);
            if (!file.open(QIODevice::ReadOnly)) {
                std::cerr << "warden-server: cannot read " << side.toStdString() << ": " << file.errorString().toStdString() << "\n";
                return kExitFailure;
            }
            auto doc = StrictJson::parse(file.readAll().toStdString());
            if (!doc) {
                std::cerr << "warden-server: " << side.toStdString() << " is not valid JSON: " << doc.error().message << "\n";
                return kExitUsage;
            }
            documents[i] = std::move(doc).value();
            continue;
        }
        if (!history) {
            auto config = loadConfig(configPath);
            if (!config) {
                std::cerr << "warden-server: " << config.error().message << "\n";
                return kExitUsage;
            }
            history = openHistory(*config);
            if (!history)
                return kExitUsage;
        }
        auto version = history->find(side.toStdString());
        if (!version) {
            std::cerr << "warden-server: " << side.toStdString() << " is neither a file nor a known version: "
                      << version.error().message << "\n";
            return kExitUsage;
        }
        documents[i] = version->document;
    }
    const auto changes = PolicyDiff::compare(documents[0], documents[1]);
    if (json)
        std::cout << PolicyDiff::toJson(changes).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    else
        std::cout << PolicyDiff::render(changes);
    return kExitOk;
}

int auditExportCommand(const QStringList &args, const QString &configPath)
{
    audit::AuditFilter filter;
    audit::AuditExport::Format format = audit::AuditExport::Format::Jsonl;
    QString output, chain;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (i + 1 >= args.size())
            return usageError(a.toStdString() + " needs a value");
        const QString value = args[++i];
        const std::string v = value.toStdString();
        auto time = [&](std::optional<std::int64_t> &into) {
            const QDateTime t = QDateTime::fromString(value, Qt::ISODateWithMs);
            if (!t.isValid())
                return false;
            into = t.toMSecsSinceEpoch();
            return true;
        };
        if (a == QLatin1String("--format")) {
            if (value == QLatin1String("csv"))
                format = audit::AuditExport::Format::Csv;
            else if (value != QLatin1String("jsonl"))
                return usageError("--format is jsonl or csv");
        } else if (a == QLatin1String("--output")) {
            output = value;
        } else if (a == QLatin1String("--chain")) {
            chain = value;
        } else if (a == QLatin1String("--principal")) {
            filter.principal = v;
        } else if (a == QLatin1String("--tenant")) {
            filter.tenant = v;
        } else if (a == QLatin1String("--tool")) {
            filter.tool = v;
        } else if (a == QLatin1String("--outcome")) {
            filter.outcome = v;
        } else if (a == QLatin1String("--error-code")) {
            filter.errorCode = v;
        } else if (a == QLatin1String("--text")) {
            filter.text = v;
        } else if (a == QLatin1String("--session")) {
            filter.session = v;
        } else if (a == QLatin1String("--kind")) {
            if (!audit::isRecordKind(v))
                return usageError("--kind is one of " + audit::recordKindList());
            filter.kind = v;
        } else if (a == QLatin1String("--since")) {
            if (!time(filter.fromMs))
                return usageError("--since needs an ISO 8601 time, e.g. 2026-11-22T10:00:00Z");
        } else if (a == QLatin1String("--until")) {
            if (!time(filter.toMs))
                return usageError("--until needs an ISO 8601 time, e.g. 2026-11-23T00:00:00Z");
        } else {
            return usageError("unknown option " + a.toStdString() + " for audit export");
        }
    }
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return kExitUsage;
    }
    if (!chain.isEmpty() && config->audit.store != AuditConfig::Store::Postgres)
        return usageError("--chain applies to the PostgreSQL audit store only (audit.store)");
    auto query = [&]() -> Result<std::unique_ptr<audit::AuditQuery>> {
        if (config->audit.store == AuditConfig::Store::Sqlite)
            return audit::AuditQuery::open(Server::auditPath(*config));
        auto store = Server::openPgAuditStore(*config, false, chain);
        if (!store)
            return store.takeError();
        return audit::AuditQuery::open(std::move(*store));
    }();
    if (!query) {
        std::cerr << "warden-server: " << query.error().message << "\n";
        return kExitFailure;
    }
    QFile out;
    if (output.isEmpty() ? !out.open(stdout, QIODevice::WriteOnly) : !(out.setFileName(output), out.open(QIODevice::WriteOnly | QIODevice::Truncate))) {
        std::cerr << "warden-server: cannot write " << (output.isEmpty() ? std::string("standard output") : output.toStdString()) << "\n";
        return kExitFailure;
    }
    auto written = audit::AuditExport::write(**query, filter, format, out);
    out.close();
    if (!written) {
        std::cerr << "warden-server: " << written.error().message << "\n";
        if (!output.isEmpty())
            QFile::remove(output); // no partial export left behind
        return kExitFailure;
    }
    std::cerr << "exported " << *written << " records\n";
    return kExitOk;
}

// The audit subcommands that need the configuration and the audit key.
struct AuditContext
{
    ServerConfig config;
    audit::AuditKeys keys;
    QString path; // SQLite only
};

// The configured store (or, with `chain`, another server's chain in the PostgreSQL store);
// nullptr after saying why.
std::unique_ptr<audit::AuditBackend> openAuditStore(const AuditContext &ctx, bool writer, const QString &chain = {})
{
    auto store = Server::openAuditStore(ctx.config, writer, chain);
    if (!store) {
        std::cerr << "warden-server: " << store.error().message << "\n";
        return nullptr;
    }
    return std::move(*store);
}

std::optional<AuditContext> auditContext(const QString &configPath, bool mustExist, int &exitCode)
{
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    auto keys = Server::auditKeys(*config);
    if (!keys) {
        std::cerr << "warden-server: " << keys.error().message << "\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    const QString path = Server::auditPath(*config);
    if (mustExist && config->audit.store == AuditConfig::Store::Sqlite && !QFileInfo::exists(path)) {
        std::cerr << "warden-server: no audit trail at " << path.toStdString() << " yet\n";
        exitCode = kExitFailure;
        return std::nullopt;
    }
    return AuditContext { std::move(*config), std::move(*keys), path };
}

int auditVerifyCommand(const AuditContext &ctx, const QString &checkpointsFile, const QString &chain)
{
    std::vector<audit::Checkpoint> anchors;
    if (!checkpointsFile.isEmpty()) {
        QFile f(checkpointsFile);
        if (!f.open(QIODevice::ReadOnly)) {
            std::cerr << "warden-server: cannot read " << checkpointsFile.toStdString() << "\n";
            return kExitUsage;
        }
        auto read = audit::CheckpointFile::read(f);
        if (!read) {
            std::cerr << "warden-server: " << read.error().message << "\n";
            return kExitUsage;
        }
        anchors = std::move(*read);
    }
    const auto store = openAuditStore(ctx, false, chain);
    if (!store)
        return kExitFailure;
    std::int64_t lastShown = 0;
    auto report = audit::AuditVerifier::verify(
        *store, ctx.keys,
        [&lastShown](std::int64_t done, std::int64_t total) {
            if (done - lastShown >= 200000 || done == total) {
                std::cerr << "verified " << done << " of " << total << " records\n";
                lastShown = done;
            }
            return true;
        },
        anchors);
    if (!report) {
        std::cerr << "warden-server: " << report.error().message << "\n";
        return kExitFailure;
    }
    if (report->intact) {
        std::cout << "intact: " << report->records << " records (" << report->firstSeq << " to " << report->lastSeq
                  << "), " << report->checkpoints << " signed checkpoints";
        if (!anchors.empty())
            std::cout << ", " << anchors.size() << " exported checkpoints matched";
        std::cout << "\n";
        return kExitOk;
    }
    std::cout << "broken at record " << report->firstBadSeq << ": " << report->problem << "\n";
    return kExitFailure;
}

int auditCheckpointsCommand(const AuditContext &ctx, const QString &output)
{
    const auto store = openAuditStore(ctx, false);
    if (!store)
        return kExitFailure;
    auto checkpoints = store->checkpoints();
    if (!checkpoints) {
        std::cerr << "warden-server: " << checkpoints.error().message << "\n";
        return kExitFailure;
    }
    QFile out;
    const bool opened = output.isEmpty() ? out.open(stdout, QIODevice::WriteOnly)
                                         : (out.setFileName(output), out.open(QIODevice::WriteOnly | QIODevice::Append));
    if (!opened) {
        std::cerr << "warden-server: cannot write " << output.toStdString() << "\n";
        return kExitFailure;
    }
    if (auto s = audit::CheckpointFile::write(*checkpoints, out); !s) {
        std::cerr << "warden-server: " << s.error().message << "\n";
        return kExitFailure;
    }
    std::cerr << "exported " << checkpoints->size() << " checkpoints\n";
    return kExitOk;
}

int auditPurgeCommand(const AuditContext &ctx, const QString &option, const QString &value)
{
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < 1)
        return usageError(option.toStdString() + " needs a whole number of at least 1");
    const auto store = openAuditStore(ctx, true);
    if (!store)
        return kExitFailure;
    std::int64_t cutoff = 0;
    Json details = Json::object();
    if (option == QLatin1String("--keep-days")) {
        const std::int64_t before = QDateTime::currentMSecsSinceEpoch() - n * 24 * 60 * 60 * 1000;
        auto seq = store->lastSeqBefore(before);
        if (!seq) {
            std::cerr << "warden-server: " << seq.error().message << "\n";
            return kExitFailure;
        }
        cutoff = *seq;
        details["keep_days"] = n;
    } else {
        auto tail = store->readTail();
        if (!tail) {
            std::cerr << "warden-server: " << tail.error().message << "\n";
            return kExitFailure;
        }
        cutoff = tail->seq - n;
        details["keep_records"] = n;
    }
    Json record = Json::object();
    record["kind"] = std::string(audit::kind::Retention);
    record["details"] = std::move(details);
    audit::stamp(record, "warden-cli", ctx.keys.keyId());
    auto purged = store->purge(cutoff, ctx.keys, std::move(record));
    if (!purged) {
        std::cerr << "warden-server: " << purged.error().message << "\n";
        return kExitFailure;
    }
    if (purged->throughSeq == 0) {
        std::cout << "nothing to purge: no whole segment is old enough\n";
        return kExitOk;
    }
    std::cout << "purged " << purged->removed << " records (through " << purged->throughSeq
              << "); retention record " << purged->recordSeq << "\n";
    return kExitOk;
}

int auditCommand(const QStringList &args, const QString &configPath)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("export"))
        return auditExportCommand(args.mid(1), configPath);
    int exitCode = kExitOk;
    if (sub == QLatin1String("hash") && args.size() == 2) {
        auto ctx = auditContext(configPath, false, exitCode);
        if (!ctx)
            return exitCode;
        std::cout << audit::ArgumentSanitizer::hmacOf(Json(args[1].toStdString()), ctx->keys) << "\n";
        return kExitOk;
    }
    // verify [--checkpoints FILE] [--chain NAME], in either order
    QString checkpointsFile, chain;
    bool verify = sub == QLatin1String("verify") && args.size() % 2 == 1;
    for (int i = 1; verify && i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--checkpoints"))
            checkpointsFile = args[i + 1];
        else if (args[i] == QLatin1String("--chain"))
            chain = args[i + 1];
        else
            verify = false;
    }
    const bool checkpoints = sub == QLatin1String("checkpoints")
                             && (args.size() == 1 || (args.size() == 3 && args[1] == QLatin1String("--output")));
    const bool purge = sub == QLatin1String("purge") && args.size() == 3
                       && (args[1] == QLatin1String("--keep-days") || args[1] == QLatin1String("--keep-records"));
    if (!verify && !checkpoints && !purge)
        return usageError("usage: warden-server audit verify [--checkpoints FILE] [--chain NAME] | hash VALUE | export ... | "
                          "checkpoints [--output FILE] | purge --keep-days N|--keep-records N  [--config FILE]");
    auto ctx = auditContext(configPath, true, exitCode);
    if (!ctx)
        return exitCode;
    if (!chain.isEmpty() && ctx->config.audit.store != AuditConfig::Store::Postgres)
        return usageError("--chain applies to the PostgreSQL audit store only (audit.store); an SQLite store holds "
                          "one chain");
    if (verify)
        return auditVerifyCommand(*ctx, checkpointsFile, chain);
    if (checkpoints)
        return auditCheckpointsCommand(*ctx, args.value(2));
    return auditPurgeCommand(*ctx, args[1], args[2]);
}

int policyCommand(const QStringList &args, const QString &configPath)
{
    if (!args.isEmpty() && args[0] == QLatin1String("diff"))
        return policyDiffCommand(args.mid(1), configPath);
    if (args.size() == 1 && args[0] == QLatin1String("history"))
        return policyHistoryCommand(configPath);
    if (args.size() != 2 || args[0] != QLatin1String("check"))
        return usageError("usage: warden-server policy check|diff|history ... (see --help)");
    // The policy is checked against the schema of the configured database.
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return kExitUsage;
    }
    auto pool = db::DatabasePool::open(config->database, {}, 1);
    if (!pool) {
        std::cerr << "warden-server: " << pool.error().message << "\n";
        return kExitFailure;
    }
    auto policy = Policy::load(args[1].toStdString(), pool.value()->schema());
    if (!policy) {
        std::cerr << policy.error().message << "\n";
        return kExitUsage;
    }
    std::cout << "policy " << args[1].toStdString() << " is valid (version " << policy.value()->versionHash().substr(0, 16)
              << ", profile " << policy.value()->profile() << ")\n";
    return kExitOk;
}

QString apiKeyStorePath(const ServerConfig &config)
{
    return config.auth.apiKeys.path.isEmpty() ? auth::ApiKeyStore::defaultPath() : config.auth.apiKeys.path;
}

std::string keyState(const auth::ApiKeyRecord &key)
{
    if (key.revokedAt)
        return "revoked " + QDateTime::fromSecsSinceEpoch(*key.revokedAt, Qt::UTC).toString(Qt::ISODate).toStdString();
    if (!key.usableAt(QDateTime::currentSecsSinceEpoch()))
        return "expired";
    return key.expiresAt
        ? "active until " + QDateTime::fromSecsSinceEpoch(*key.expiresAt, Qt::UTC).toString(Qt::ISODate).toStdString()
        : std::string("active");
}

int keysCreateCommand(const QStringList &args, auth::ApiKeyStore &store, const ServerConfig &config)
{
    auth::ApiKeyRequest request;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (i + 1 >= args.size())
            return usageError(a.toStdString() + " needs a value");
        const std::string value = args[++i].toStdString();
        if (value.empty())
            return usageError(a.toStdString() + " needs a non-empty value");
        if (a == QLatin1String("--user"))
            request.principal.userId = value;
        else if (a == QLatin1String("--tenant"))
            request.principal.tenantId = value;
        else if (a == QLatin1String("--role"))
            request.principal.roles.push_back(value);
        else if (a == QLatin1String("--scope"))
            request.principal.scopes.push_back(value);
        else if (a == QLatin1String("--name"))
            request.name = value;
        else if (a == QLatin1String("--expires-days")) {
            bool ok = false;
            const int days = args[i].toInt(&ok);
            if (!ok || days < 1 || days > 3650)
                return usageError("--expires-days needs a number of days from 1 to 3650");
            request.expiresAt = QDateTime::currentSecsSinceEpoch() + qint64(days) * 86400;
        } else
            return usageError("unknown option " + a.toStdString() + " for keys create");
    }
    if (request.principal.userId.empty())
        return usageError("keys create needs --user ID: the principal the key acts as");
    auth::ApiKeyRecord created;
    auto key = store.create(request, &created);
    if (!key) {
        std::cerr << "warden-server: " << key.error().message << "\n";
        return kExitFailure;
    }
    // The key on stdout alone, so scripts can capture it; everything else on stderr.
    std::cerr << "API key " << created.id << " for user " << created.principal.userId
              << (created.principal.tenantId.empty() ? std::string() : ", tenant " + created.principal.tenantId)
              << ". It is shown only now: store it in the client's secret store.\n";
    if (!config.auth.apiKeys.enabled)
        std::cerr << "Note: API keys are not enabled in this configuration; set auth.api_keys.enabled to true.\n";
    std::cout << *key << std::endl;
    return kExitOk;
}

int keysCommand(const QStringList &args, const QString &configPath)
{
    const QString sub = args.value(0);
    const bool create = sub == QLatin1String("create");
    const bool list = sub == QLatin1String("list") && (args.size() == 1 || (args.size() == 2 && args[1] == QLatin1String("--json")));
    const bool revoke = sub == QLatin1String("revoke") && args.size() == 2;
    if (!create && !list && !revoke)
        return usageError("usage: warden-server keys create --user ID ... | list [--json] | revoke ID  [--config FILE]");
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return kExitUsage;
    }
    const auto access = list ? auth::ApiKeyStore::Access::ReadOnly : auth::ApiKeyStore::Access::ReadWrite;
    auto store = auth::ApiKeyStore::open(apiKeyStorePath(*config), access);
    if (!store && list && store.error().code == ErrorCode::NotFound) {
        std::cerr << "warden-server: no API keys yet; create one with `warden-server keys create`\n";
        return kExitOk;
    }
    if (!store) {
        std::cerr << "warden-server: " << store.error().message << "\n";
        return kExitFailure;
    }
    if (create)
        return keysCreateCommand(args.mid(1), **store, *config);
    if (revoke) {
        if (auto s = (*store)->revoke(args[1].toStdString()); !s) {
            std::cerr << "warden-server: " << s.error().message << "\n";
            return s.error().code == ErrorCode::NotFound ? kExitUsage : kExitFailure;
        }
        std::cerr << "API key " << args[1].toStdString() << " revoked\n";
        return kExitOk;
    }
    auto keys = (*store)->list();
    if (!keys) {
        std::cerr << "warden-server: " << keys.error().message << "\n";
        return kExitFailure;
    }
    const bool json = args.size() == 2;
    Json all = Json::array();
    for (const auto &k : *keys) {
        if (!json) {
            std::cout << k.id << "  " << (k.name.empty() ? "-" : k.name) << "  user=" << k.principal.userId
                      << (k.principal.tenantId.empty() ? "" : " tenant=" + k.principal.tenantId) << "  "
                      << keyState(k) << "\n";
            continue;
        }
        Json item = {{"id", k.id}, {"name", k.name}, {"user_id", k.principal.userId}, {"tenant_id", k.principal.tenantId},
                     {"roles", k.principal.roles}, {"scopes", k.principal.scopes}, {"created_at", k.createdAt},
                     {"expires_at", k.expiresAt ? Json(*k.expiresAt) : Json()},
                     {"revoked_at", k.revokedAt ? Json(*k.revokedAt) : Json()}, {"state", keyState(k)}};
        all.push_back(std::move(item));
    }
    if (json)
        std::cout << all.dump(2) << "\n";
    return kExitOk;
}

int approvalsCommand(const QStringList &args, const QString &configPath)
{
    const QString sub = args.value(0);
    const bool list = sub == QLatin1String("list");
    const bool decide = (sub == QLatin1String("approve") || sub == QLatin1String("deny")) && args.size() >= 2;
    if (!list && !decide)
        return usageError("usage: warden-server approvals list [--all] [--json] | approve|deny ID [--as NAME] "
                          "[--reason TEXT]  [--config FILE]");
    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return kExitUsage;
    }
    auto store = approvals::ApprovalStore::open(approvals::ApprovalStore::pathNextTo(Server::auditPath(*config)));
    if (!store) {
        std::cerr << "warden-server: " << store.error().message << "\n";
        return kExitFailure;
    }
    if (decide) {
        std::string decider = "cli:" + qEnvironmentVariable("USER", QStringLiteral("operator")).toStdString();
        std::string reason;
        const QStringList options = args.mid(2);
        for (qsizetype i = 0; i < options.size(); i += 2) {
            const bool as = options[i] == QLatin1String("--as"), why = options[i] == QLatin1String("--reason");
            if ((!as && !why) || i + 1 >= options.size() || options[i + 1].isEmpty())
                return usageError("approvals " + sub.toStdString()
                                  + " takes an ID and optionally --as NAME and --reason TEXT");
            (as ? decider : reason) = options[i + 1].toStdString();
        }
        // The server that files the approval records the decision in the audit trail.
        auto decided = (*store)->decide(args[1].toStdString(), sub == QLatin1String("approve"), decider, reason);
        if (!decided) {
            std::cerr << "warden-server: " << decided.error().message << "\n";
            return decided.error().code == ErrorCode::NotFound ? kExitUsage : kExitFailure;
        }
        std::cerr << "approval " << decided->id << " " << approvals::approvalStateName(decided->state) << " by "
                  << decider << "\n";
        return kExitOk;
    }
    bool all = false, json = false;
    for (const QString &a : args.mid(1)) {
        if (a == QLatin1String("--all"))
            all = true;
        else if (a == QLatin1String("--json"))
            json = true;
        else
            return usageError("unknown option " + a.toStdString() + " for approvals list");
    }
    auto items = (*store)->list(!all);
    if (!items) {
        std::cerr << "warden-server: " << items.error().message << "\n";
        return kExitFailure;
    }
    Json out = Json::array();
    for (const auto &a : *items) {
        const Json j = a.toJson();
        if (json)
            out.push_back(j);
        else
            std::cout << a.id << "  " << approvals::approvalStateName(a.state) << "  " << a.tool << " " << a.table
                      << "  user=" << a.principal << (a.tenant.empty() ? "" : " tenant=" + a.tenant) << "  expires "
                      << j["expires_at"].get<std::string>() << "  "
                      << StrictJson::dump(a.arguments.is_null() ? a.summary : a.arguments) << "\n";
    }
    if (json)
        std::cout << out.dump(2) << "\n";
    return kExitOk;
}

} // namespace

int ServerCommandLine::run(QCoreApplication &app)
{
    QStringList args = app.arguments();
    args.removeFirst();

    QString configPath;
    QString httpListen;
    bool stdio = false;
    bool fixtures = false;
    bool dev = false;
    bool anonymous = false;
    QStringList positional;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            std::cout << kUsage;
            return kExitOk;
        }
        if (a == QLatin1String("--version")) {
            std::cout << "warden-server " << WARDEN_VERSION << "\n";
            return kExitOk;
        }
        if (a == QLatin1String("--config")) {
            if (++i >= args.size())
                return usageError("--config needs a FILE");
            configPath = args[i];
        } else if (a == QLatin1String("--http")) {
            if (++i >= args.size())
                return usageError("--http needs [ADDR:]PORT, e.g. --http 8765 or --http 127.0.0.1:8765");
            httpListen = args[i];
        } else if (a == QLatin1String("--stdio")) {
            stdio = true;
        } else if (a == QLatin1String("--conformance-fixtures")) {
            fixtures = true;
        } else if (a == QLatin1String("--dev")) {
            dev = true;
        } else if (a == QLatin1String("--allow-anonymous")) {
            anonymous = true;
        } else if (a.startsWith(QLatin1String("--")) && positional.isEmpty()) {
            return usageError("unknown option " + a.toStdString());
        } else {
            positional.push_back(a);
        }
    }

    if (!positional.isEmpty()) {
        const QString command = positional.takeFirst();
        // Options after a subcommand belong to it; re-read them from the raw list.
        const qsizetype at = args.indexOf(command);
        QStringList rest = args.mid(at + 1);
        if (command == QLatin1String("demo"))
            return demoCommand(rest);
        if (command == QLatin1String("audit")) {
            rest.removeAll(QStringLiteral("--config"));
            rest.removeAll(configPath);
            return auditCommand(rest, configPath);
        }
        if (command == QLatin1String("policy")) {
            rest.removeAll(QStringLiteral("--config"));
            rest.removeAll(configPath);
            return policyCommand(rest, configPath);
        }
        if (command == QLatin1String("keys")) {
            rest.removeAll(QStringLiteral("--config"));
            rest.removeAll(configPath);
            return keysCommand(rest, configPath);
        }
        if (command == QLatin1String("approvals")) {
            rest.removeAll(QStringLiteral("--config"));
            rest.removeAll(configPath);
            return approvalsCommand(rest, configPath);
        }
        return usageError("unknown command " + command.toStdString());
    }

    if (!stdio && httpListen.isEmpty())
        return usageError("choose a transport: --stdio or --http [ADDR:]PORT");

    auto config = loadConfig(configPath);
    if (!config) {
        std::cerr << "warden-server: " << config.error().message << "\n";
        return config.error().code == ErrorCode::IoError || config.error().code == ErrorCode::ConfigInvalid ? kExitUsage
                                                                                                            : kExitFailure;
    }
    if (dev)
        config->mode = ServerConfig::Mode::Development;
    if (anonymous)
        config->auth.anonymous = true; // refused at start unless in development mode
    if (!httpListen.isEmpty()) {
        if (auto s = config->applyHttpOverride(httpListen); !s)
            return usageError(s.error().message);
    }
    log::setLevel(config->logLevel);

    Server::Options options;
    options.http = !httpListen.isEmpty();
    options.stdio = stdio;
    options.conformanceFixtures = fixtures;
    Server server(std::move(config).value(), options);
    if (auto s = server.startNow(); !s) {
        std::cerr << "warden-server: " << s.error().message << "\n";
        return s.error().code == ErrorCode::ConfigInvalid ? kExitUsage : kExitFailure;
    }
    if (options.http)
        std::cerr << "warden-server: listening on " << server.endpoint().toStdString() << std::endl;
    if (stdio)
        QObject::connect(&server, &Server::stdioFinished, &app, [] { QCoreApplication::exit(kExitOk); });
    return app.exec();
}

} // namespace warden
