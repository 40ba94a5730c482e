#include "DemoDataset.h"

#include "DemoGenerator.h"
#include "DemoPostgresLoader.h"
#include "DemoProgressReporter.h"
#include "DemoSqliteWriter.h"

#include "common/Resources.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

#include <fcntl.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace warden {

namespace {

const QString kPolicyFileName = QStringLiteral("policy.json");
const QString kConfigFileName = QStringLiteral("warden.json");

Error cancelledError()
{
    return Error(ErrorCode::Cancelled, "Creating the demo was cancelled.");
}

std::string display(const QString &path)
{
    return QDir::toNativeSeparators(path).toStdString();
}

// Refuses to replace an existing file unless allowed; a folder in the way is never replaced.
Status checkTarget(const QString &path, bool overwrite)
{
    const QFileInfo info(path);
    if (info.isDir())
        return Error(ErrorCode::IoError, "'" + display(path) + "' is a folder.");
    if (info.exists() && !overwrite) {
        return Error(ErrorCode::InvalidArgument,
                     "'" + display(path)
                         + "' already exists; choose another path or allow "
                           "overwriting.");
    }
    return {};
}

Status writeFile(const QString &path, const QByteArray &content)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()
        || !file.commit()) {
        spdlog::debug("demo: writing {} failed: {}", display(path),
                      file.errorString().toStdString());
        return Error(ErrorCode::IoError, "Could not write '" + display(path) + "'.");
    }
    return {};
}

QByteArray jsonBytes(const Json &document)
{
    return QByteArray::fromStdString(document.dump(2) + "\n");
}

Status writeConfigFiles(const QDir &dir, const Json &config)
{
    auto policy = DemoDataset::policyDocument();
    if (!policy)
        return policy.takeError();
    if (auto s = writeFile(dir.filePath(kPolicyFileName), policy.value()); !s)
        return s;
    return writeFile(dir.filePath(kConfigFileName), jsonBytes(config));
}

Json serverConfig(Json database)
{
    Json config = Json::object();
    config["version"] = 1;
    config["mode"] = "production";
    config["log_level"] = "info";
    config["database"] = std::move(database);
    config["policy"] = kPolicyFileName.toStdString();
    config["transports"] = { { "http", { { "enabled", true }, { "listen", "127.0.0.1:8765" } } } };
    // HTTP callers authenticate with API keys (`warden-server keys create`), kept next to it.
    config["auth"] = { { "api_keys", { { "enabled", true }, { "path", "api-keys.db" } } } };
    // Tenant keys are the tenants table's integer ids; 1 is Acme Corporation.
    config["local_principal"] = { { "user_id", "local" },
                                  { "tenant_id", "1" },
                                  { "roles", Json::array({ "analyst" }) },
                                  { "scopes", Json::array({ "warden.read" }) } };
    return config;
}

std::vector<std::pair<std::string, std::int64_t>> rowCounts(const DemoGenerator &generator)
{
    std::vector<std::pair<std::string, std::int64_t>> counts;
    const auto &tables = DemoGenerator::tables();
    for (std::size_t t = 0; t < tables.size(); ++t)
        counts.emplace_back(tables[t].name, static_cast<std::int64_t>(generator.rowCount(t)));
    return counts;
}

// Creates an empty, uniquely named file "<dir>/.<name>.<random>.partial". Unlike
// QTemporaryFile (always 0600), the mode is 0666 less the umask, so the finished database gets
// the permissions any new file of this user gets, as policy.json and warden.json do.
Result<QString> createTemporaryFile(const QDir &dir, const QString &name)
{
    for (int attempt = 0; attempt < 16; ++attempt) {
        const QString path =
            dir.filePath(QLatin1Char('.') + name + QLatin1Char('.')
                         + QString::number(QRandomGenerator::global()->generate(), 36)
                         + QStringLiteral(".partial"));
        const int fd = ::open(QFile::encodeName(path).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            return path;
        }
        if (errno != EEXIST) {
            spdlog::debug("demo: cannot create a temporary file: {}", std::strerror(errno));
            break;
        }
    }
    return Error(ErrorCode::IoError, "Cannot create files in '" + display(dir.path()) + "'.");
}

// Removes the temporary database (and a journal SQLite may have left) unless released.
class TemporaryDatabase
{
public:
    explicit TemporaryDatabase(QString path)
        : m_path(std::move(path))
    {
    }
    ~TemporaryDatabase()
    {
        if (!m_path.isEmpty()) {
            QFile::remove(m_path);
            QFile::remove(m_path + QStringLiteral("-journal"));
        }
    }
    TemporaryDatabase(const TemporaryDatabase &) = delete;
    TemporaryDatabase &operator=(const TemporaryDatabase &) = delete;

    const QString &path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    QString m_path;
};

} // namespace

std::int64_t DemoSummary::rows(std::string_view table) const
{
    for (const auto &[name, count] : rowCounts) {
        if (name == table)
            return count;
    }
    return 0;
}

std::vector<std::string> DemoDataset::tableNames()
{
    std::vector<std::string> names;
    for (const DemoTableSpec &table : DemoGenerator::tables())
        names.emplace_back(table.name);
    return names;
}

Result<QByteArray> DemoDataset::policyDocument()
{
    initResources();
    QFile file(QStringLiteral(":/warden/demo/policy.json"));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::Internal, "The embedded demo policy is missing.");
    return file.readAll();
}

Json DemoDataset::sqliteServerConfig(const QString &databaseFileName)
{
    return serverConfig({ { "driver", "sqlite" }, { "path", databaseFileName.toStdString() } });
}

Json DemoDataset::postgresServerConfig(const DemoPostgresTarget &target)
{
    // The password is a reference resolved at start-up, never the secret itself.
    return serverConfig({ { "driver", "postgres" },
                          { "host", target.host },
                          { "port", target.port },
                          { "dbname", target.dbname },
                          { "user", target.user },
                          { "password", "env:WARDEN_DB_PASSWORD" } });
}

Result<DemoPostgresTarget> DemoDataset::parseConninfo(const std::string &conninfo)
{
    // The parser's message may quote part of the string, which may hold a password: it is
    // neither returned nor logged.
    char *message = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &message);
    if (message)
        PQfreemem(message);
    if (!options) {
        return Error(ErrorCode::InvalidArgument,
                     "The PostgreSQL connection string could not be parsed.");
    }
    DemoPostgresTarget target;
    std::string port;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val || !*o->val)
            continue;
        const std::string_view key = o->keyword;
        if (key == "host")
            target.host = o->val;
        else if (key == "port")
            port = o->val;
        else if (key == "dbname")
            target.dbname = o->val;
        else if (key == "user")
            target.user = o->val;
    }
    PQconninfoFree(options);
    if (!port.empty()) {
        int value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535)
            return Error(ErrorCode::InvalidArgument, "The PostgreSQL port must be 1 to 65535.");
        target.port = value;
    }
    return target;
}

Result<DemoSummary> DemoDataset::create(const DemoOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    DemoProgressReporter progress(options.progress);
    auto cancelled = [&options] {
        return options.cancel && options.cancel->load(std::memory_order_relaxed);
    };

    if (options.databasePath.isEmpty())
        return Error(ErrorCode::InvalidArgument, "No path was given for the demo database.");
    const QFileInfo target(options.databasePath);
    const QString targetPath = target.absoluteFilePath();
    const QDir dir = target.absoluteDir();
    if (!dir.exists())
        return Error(ErrorCode::IoError,
                     "The folder '" + display(dir.path()) + "' does not exist.");
    if (options.writeConfigFiles
        && (target.fileName() == kPolicyFileName || target.fileName() == kConfigFileName)) {
        return Error(ErrorCode::InvalidArgument,
                     "The demo database cannot be named policy.json or warden.json.");
    }
    if (auto s = checkTarget(targetPath, options.overwrite); !s)
        return s.takeError();
    if (options.writeConfigFiles) {
        for (const QString &name : { kPolicyFileName, kConfigFileName }) {
            if (auto s = checkTarget(dir.filePath(name), options.overwrite); !s)
                return s.takeError();
        }
    }

    progress.report(0, "generating");
    DemoGenerator generator;
    if (!generator.generate(options.cancel))
        return cancelledError();
    progress.report(10, "generating");

    // The database is built under a temporary name beside the target (same file system, so
    // the final rename is atomic) and only moved into place once complete.
    auto temporaryPath = createTemporaryFile(dir, target.fileName());
    if (!temporaryPath)
        return temporaryPath.takeError();
    TemporaryDatabase temporary(temporaryPath.value());

    if (auto s = DemoSqliteWriter::write(temporary.path(), generator, progress, options.cancel);
        !s) {
        return s.takeError();
    }
    if (cancelled())
        return cancelledError();

    DemoSummary summary;
    summary.rowCounts = rowCounts(generator);
    if (options.writeConfigFiles) {
        progress.report(97, "files");
        if (auto s = writeConfigFiles(dir, sqliteServerConfig(target.fileName())); !s)
            return s.takeError();
        summary.policyPath = dir.filePath(kPolicyFileName);
        summary.configPath = dir.filePath(kConfigFileName);
    }

    // SQLite's side files of whatever database had this name (a read-only reader of a WAL
    // database leaves -wal/-shm behind) belong to that database: SQLite would replay an old
    // WAL onto the new file and corrupt it.
    for (const char *suffix : { "-wal", "-shm", "-journal" })
        QFile::remove(targetPath + QLatin1String(suffix));

    // QFile::rename never replaces an existing file, which keeps the no-overwrite promise
    // even if the target appeared meanwhile; std::filesystem::rename replaces atomically.
    bool renamed = false;
    if (options.overwrite) {
        std::error_code ec;
        std::filesystem::rename(QFile::encodeName(temporary.path()).toStdString(),
                                QFile::encodeName(targetPath).toStdString(), ec);
        renamed = !ec;
    } else {
        renamed = QFile::rename(temporary.path(), targetPath);
    }
    if (!renamed)
        return Error(ErrorCode::IoError,
                     "Could not move the demo database to '" + display(targetPath) + "'.");
    temporary.release();

    summary.databasePath = targetPath;
    summary.elapsedMs = timer.elapsed();
    progress.report(100, "done");
    spdlog::debug("demo: wrote {} in {} ms", display(targetPath), summary.elapsedMs);
    return summary;
}

Result<DemoSummary> DemoDataset::loadPostgres(const DemoPostgresOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    DemoProgressReporter progress(options.progress);

    DemoPostgresTarget configTarget = options.configTarget;
    QDir configDir;
    if (!options.configDir.isEmpty()) {
        configDir = QDir(QFileInfo(options.configDir).absoluteFilePath());
        if (!configDir.exists()) {
            return Error(ErrorCode::IoError,
                         "The folder '" + display(configDir.path()) + "' does not exist.");
        }
        for (const QString &name : { kPolicyFileName, kConfigFileName }) {
            if (auto s = checkTarget(configDir.filePath(name), options.overwrite); !s)
                return s.takeError();
        }
        if (configTarget.dbname.empty() || configTarget.user.empty()) {
            auto parsed = parseConninfo(options.conninfo);
            if (!parsed)
                return parsed.takeError();
            if (configTarget.dbname.empty()) {
                configTarget.host = parsed->host;
                configTarget.port = parsed->port;
                configTarget.dbname = parsed->dbname;
            }
            if (configTarget.user.empty())
                configTarget.user = parsed->user;
        }
    }

    progress.report(0, "generating");
    DemoGenerator generator;
    if (!generator.generate(options.cancel))
        return cancelledError();

    DemoPostgresLoader::Options loadOptions;
    loadOptions.conninfo = options.conninfo;
    loadOptions.overwrite = options.overwrite;
    loadOptions.readerRole = options.readerRole;
    loadOptions.cancel = options.cancel;
    if (auto s = DemoPostgresLoader::load(loadOptions, generator, progress); !s)
        return s.takeError();

    DemoSummary summary;
    summary.rowCounts = rowCounts(generator);
    if (!options.configDir.isEmpty()) {
        progress.report(98, "files");
        if (auto s = writeConfigFiles(configDir, postgresServerConfig(configTarget)); !s)
            return s.takeError();
        summary.policyPath = configDir.filePath(kPolicyFileName);
        summary.configPath = configDir.filePath(kConfigFileName);
    }
    summary.elapsedMs = timer.elapsed();
    progress.report(100, "done");
    return summary;
}

} // namespace warden
