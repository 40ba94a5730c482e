#include "EmbeddedServerSettingsService.h"

#include "Server.h"
#include "config/ServerConfig.h"
#include "db/Connection.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretValue.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QTemporaryFile>

#include <chrono>

namespace warden {
namespace {

constexpr std::chrono::seconds kKeychainTimeout(10);

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EmbeddedServerSettingsService)
};

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

// Core messages start in lower case (they continue a "warden-server: " prefix); a line of
// its own starts with a capital.
QString sentence(const std::string &text)
{
    QString out = q(text);
    if (!out.isEmpty())
        out[0] = out[0].toUpper();
    return out;
}

Error noFile()
{
    return Error(ErrorCode::IoError,
                 "the server was started without a configuration file, so there is nothing to "
                 "change; start the console with --config FILE");
}

Result<Json> readFile(const QString &path)
{
    if (path.isEmpty())
        return noFile();
    return ServerConfig::readDocument(path);
}

Status validateDocument(const Json &document, const QString &path)
{
    auto config = ServerConfig::fromJson(document, QFileInfo(path).absolutePath());
    if (!config)
        return config.takeError();
    return config->checkHttpExposure();
}

Status writeFile(const QString &path, const Json &document)
{
    QSaveFile file(path);
    const QByteArray bytes = QByteArray::fromStdString(document.dump(2)) + '\n';
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error(ErrorCode::IoError,
                     "cannot write the configuration file " + path.toStdString() + ": "
                         + file.errorString().toStdString()
                         + "; check that its folder is writable");
    return {};
}

// Stores the secrets one after the other on the calling (GUI) thread without blocking it;
// `done` gets the first failure, or success once all are stored. Every value is wiped.
void storeSecrets(std::shared_ptr<std::vector<PendingSecret>> secrets, std::size_t next,
                  QObject *context, std::function<void(Status)> done)
{
    if (next == secrets->size()) {
        done({});
        return;
    }
    PendingSecret &secret = (*secrets)[next];
    auto ref = SecretRef::parse(secret.reference);
    if (ref && ref->scheme() != SecretRef::Scheme::Keychain)
        ref = Error(ErrorCode::InvalidArgument,
                    "only keychain: references can be stored from the console");
    if (!ref) {
        for (PendingSecret &left : *secrets)
            SecretValue::wipe(left.value);
        done(ref.takeError());
        return;
    }
    QByteArray bytes = secret.value.toUtf8();
    SecretValue::wipe(secret.value);
    KeychainSecretStore(kKeychainTimeout)
        .writeAsync(*ref, std::move(bytes), context,
                    [secrets, next, context, done = std::move(done)](Status status) {
                        if (!status) {
                            for (PendingSecret &left : *secrets)
                                SecretValue::wipe(left.value);
                            done(status);
                            return;
                        }
                        storeSecrets(secrets, next + 1, context, done);
                    });
}

HealthCheck check(const QString &name, const Status &status, const QString &okDetail,
                  const QString &fix)
{
    if (status)
        return { name, HealthCheck::Outcome::Ok, okDetail, {} };
    return { name, HealthCheck::Outcome::Problem, sentence(status.error().message), fix };
}

// Connects as the server would and runs one trivial statement.
Status reach(const DatabaseConfig &database, const QString &passwordKey)
{
    std::string password;
    if (!database.passwordRef.isEmpty()) {
        auto secret = resolveSecret(QStringView(database.passwordRef));
        if (!secret)
            return Error(secret.error().code,
                         passwordKey.toStdString() + ": " + secret.error().message);
        password = std::string(secret->view());
    }
    auto connection = db::openConnection(database, password);
    SecretValue::wipe(password);
    if (!connection)
        return connection.takeError();
    auto rows = (*connection)->query("SELECT 1", {}, db::QueryOptions {});
    if (!rows)
        return rows.takeError();
    return {};
}

QString describe(const DatabaseConfig &database)
{
    if (database.driver == DatabaseConfig::Driver::Sqlite)
        return Tr::tr("SQLite database %1").arg(QDir::toNativeSeparators(database.path));
    return Tr::tr("PostgreSQL database %1 on %2:%3 as %4")
        .arg(database.dbname, database.host)
        .arg(database.port)
        .arg(database.user);
}

HealthCheck databaseHealth(const ServerConfig &config)
{
    const DatabaseConfig &db = config.database;
    const QString fix = db.driver == DatabaseConfig::Driver::Sqlite
        ? Tr::tr("Check the database file path: the file must exist and be readable by this user. "
                 "To make the demo database, run \"warden-server demo create PATH\".")
        : Tr::tr(
              "Check that PostgreSQL runs at %1:%2 and accepts connections, that the database "
              "\"%3\" "
              "exists and that \"%4\" may connect. If the password is wrong or missing, enter it "
              "again and apply: it is kept in the OS keychain.")
              .arg(db.host)
              .arg(db.port)
              .arg(db.dbname, db.user);
    return check(Tr::tr("Database reachable"), reach(db, QStringLiteral("database.password")),
                 Tr::tr("Connected to the %1.").arg(describe(db)), fix);
}

HealthCheck auditHealth(const ServerConfig &config)
{
    const QString name = Tr::tr("Audit trail writable");
    if (config.audit.store == AuditConfig::Store::Postgres)
        return check(
            name, reach(config.audit.postgres, QStringLiteral("audit.postgres.password")),
            Tr::tr("Connected to the audit %1.").arg(describe(config.audit.postgres)),
            Tr::tr("Check audit.postgres: the audit database must be reachable with its user and "
                   "password. Every call is refused while the audit trail cannot be written."));
    const QString path = Server::auditPath(config);
    const QFileInfo file(path);
    const QString folder = file.absolutePath();
    const QString fix =
        Tr::tr("Make %1 writable for this user, or point audit.path at a writable folder. "
               "Every call is refused while the audit trail cannot be written.")
            .arg(QDir::toNativeSeparators(file.exists() ? path : folder));
    Status status;
    if (file.exists() && (!file.isFile() || !file.isWritable())) {
        status =
            Error(ErrorCode::IoError, "the audit file " + path.toStdString() + " is not writable");
    } else if (!file.exists()) {
        if (!QDir().mkpath(folder)) {
            status = Error(ErrorCode::IoError,
                           "the audit folder " + folder.toStdString() + " cannot be created");
        } else {
            QTemporaryFile probe(folder + QStringLiteral("/.warden-probe-XXXXXX"));
            if (!probe.open())
                status = Error(ErrorCode::IoError,
                               "the audit folder " + folder.toStdString()
                                   + " is not writable: " + probe.errorString().toStdString());
        }
    }
    return check(name, status,
                 Tr::tr("The audit file %1 can be written.").arg(QDir::toNativeSeparators(path)),
                 fix);
}

HealthCheck keychainHealth(const Status &status)
{
    return check(
        Tr::tr("Keychain available"), status,
        Tr::tr("The OS keychain answers; secrets are stored there."),
        Tr::tr("Start a Secret Service such as GNOME Keyring or KWallet and unlock it, then check "
               "again. Until then passwords cannot be saved from the console; a headless server "
               "can read them from the environment (env:NAME references) instead."));
}

} // namespace

EmbeddedServerSettingsService::EmbeddedServerSettingsService(const Server &server, QObject *parent)
    : ServerSettingsService(parent)
    , m_server(server)
    , m_worker(new QObject)
{
    m_thread.setObjectName(QStringLiteral("warden-settings"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

EmbeddedServerSettingsService::~EmbeddedServerSettingsService()
{
    m_thread.quit();
    m_thread.wait();
}

template<typename T>
void EmbeddedServerSettingsService::run(QObject *context, std::function<T()> work,
                                        std::function<void(T)> done)
{
    QPointer<QObject> alive(context);
    QMetaObject::invokeMethod(
        m_worker, [this, alive, work = std::move(work), done = std::move(done)]() mutable {
            auto result = std::make_shared<T>(work());
            QMetaObject::invokeMethod(
                this,
                [alive, result, done = std::move(done)] {
                    if (alive)
                        done(std::move(*result));
                },
                Qt::QueuedConnection);
        });
}

QString EmbeddedServerSettingsService::configPath() const
{
    return m_server.config().filePath;
}

void EmbeddedServerSettingsService::readDocument(QObject *context, DocumentDone done)
{
    run<Result<Json>>(
        context, [path = configPath()] { return readFile(path); }, std::move(done));
}

Status EmbeddedServerSettingsService::validate(const Json &document) const
{
    if (configPath().isEmpty())
        return noFile();
    return validateDocument(document, configPath());
}

void EmbeddedServerSettingsService::apply(const Json &document, std::vector<PendingSecret> secrets,
                                          QObject *context, StatusDone done)
{
    const QString path = configPath();
    QPointer<QObject> alive(context);
    auto finish = [this, alive, done = std::move(done)](Status status) {
        if (status)
            Q_EMIT configurationWritten();
        if (alive)
            done(std::move(status));
    };
    Status valid = validate(document);
    if (!valid) {
        for (PendingSecret &secret : secrets)
            SecretValue::wipe(secret.value);
        QMetaObject::invokeMethod(
            this, [finish, valid] { finish(valid); }, Qt::QueuedConnection);
        return;
    }
    // Secrets first, on this thread (QtKeychain answers here); the file only when all are in.
    auto pending = std::make_shared<std::vector<PendingSecret>>(std::move(secrets));
    storeSecrets(pending, 0, this, [this, path, document, finish](Status stored) {
        if (!stored) {
            finish(Error(stored.error().code,
                         stored.error().message + "; the configuration was not changed"));
            return;
        }
        run<Status>(
            this, [path, document] { return writeFile(path, document); }, finish);
    });
}

void EmbeddedServerSettingsService::checkKeychain(QObject *context, StatusDone done)
{
    QPointer<QObject> alive(context);
    KeychainSecretStore(kKeychainTimeout)
        .availabilityAsync(this, [alive, done = std::move(done)](Status status) {
            if (alive)
                done(std::move(status));
        });
}

void EmbeddedServerSettingsService::checkHealth(QObject *context, HealthDone done)
{
    run<QList<HealthCheck>>(
        context,
        [path = configPath()] {
            QList<HealthCheck> checks;
            auto config =
                path.isEmpty() ? Result<ServerConfig>(noFile()) : ServerConfig::load(path);
            if (!config) {
                checks.append({ Tr::tr("Configuration readable"), HealthCheck::Outcome::Problem,
                                sentence(config.error().message),
                                Tr::tr("Correct the configuration file named above; its message "
                                       "names the key.") });
            } else {
                checks.append(databaseHealth(*config));
                checks.append(auditHealth(*config));
            }
            return checks;
        },
        [this, context, done = std::move(done)](QList<HealthCheck> checks) {
            checkKeychain(context, [checks, done](Status keychain) mutable {
                checks.append(keychainHealth(keychain));
                done(checks);
            });
        });
}

} // namespace warden
