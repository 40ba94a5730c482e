#include "ServerSettingsForm.h"

#include "server/ServerSettingsService.h"

namespace warden {
namespace {

const char *const kPostgresOnly[] = {
    "host", "port", "dbname", "user", "password", "sslmode", "connect_timeout_ms"
};

QString text(const Json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end())
        return {};
    if (it->is_string())
        return QString::fromStdString(it->get<std::string>());
    if (it->is_number_integer())
        return QString::number(it->get<std::int64_t>());
    return {};
}

const Json &member(const Json &object, const char *key)
{
    static const Json empty = Json::object();
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : empty;
}

// "[ADDR:]PORT" as the file writes it; an IPv6 address gets its brackets.
QString listenText(QString address, const QString &port)
{
    address = address.trimmed();
    if (address.contains(u':') && !address.startsWith(u'['))
        address = u'[' + address + u']';
    return address.isEmpty() ? port.trimmed() : address + u':' + port.trimmed();
}

// An integer when the text is one, else the text itself, so the parser names the key.
Json number(const QString &value)
{
    bool ok = false;
    const int n = value.trimmed().toInt(&ok);
    return ok ? Json(n) : Json(value.toStdString());
}

} // namespace

QString ServerSettingsForm::defaultPasswordReference()
{
    return QStringLiteral("keychain:warden/db-password");
}

ServerSettingsForm::ServerSettingsForm(ServerSettingsService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

QString ServerSettingsForm::configPath() const
{
    return m_service ? m_service->configPath() : QString();
}

void ServerSettingsForm::load()
{
    if (!m_service || m_busy)
        return;
    setBusy(true);
    m_service->readDocument(this, [this](Result<Json> document) {
        setBusy(false);
        if (!document) {
            Q_EMIT failed(tr("The configuration cannot be read: %1")
                              .arg(QString::fromStdString(document.error().message)));
            return;
        }
        m_document = std::move(document).value();
        const Json &http = member(member(m_document, "transports"), "http");
        const Json &db = member(m_document, "database");
        Values v;
        v.httpEnabled = http.value("enabled", false);
        const QString listen = text(http, "listen");
        const qsizetype colon = listen.lastIndexOf(u':');
        v.address =
            colon < 0 ? QStringLiteral("127.0.0.1") : listen.left(colon).remove(u'[').remove(u']');
        v.port = colon < 0 ? (listen.isEmpty() ? QStringLiteral("8765") : listen)
                           : listen.mid(colon + 1);
        v.postgres = text(db, "driver") == QLatin1String("postgres");
        v.path = text(db, "path");
        v.host = text(db, "host");
        v.pgPort = text(db, "port");
        if (v.pgPort.isEmpty())
            v.pgPort = QStringLiteral("5432");
        v.dbname = text(db, "dbname");
        v.user = text(db, "user");
        m_values = v;
        m_saved = v;
        m_loaded = true;
        revalidate();
        Q_EMIT loaded();
        Q_EMIT changed();
    });
}

void ServerSettingsForm::setValues(const Values &values)
{
    if (values == m_values)
        return;
    m_values = values;
    revalidate();
    Q_EMIT changed();
}

QString ServerSettingsForm::passwordReference() const
{
    return text(member(m_document, "database"), "password");
}

Json ServerSettingsForm::document() const
{
    Json doc = m_document;
    if (!doc.is_object())
        return doc;
    if (!doc.contains("transports") || !doc["transports"].is_object())
        doc["transports"] = Json::object();
    Json &transports = doc["transports"];
    if (!transports.contains("http") || !transports["http"].is_object())
        transports["http"] = Json::object();
    Json &http = transports["http"];
    http["enabled"] = m_values.httpEnabled;
    http["listen"] = listenText(m_values.address, m_values.port).toStdString();

    if (!doc.contains("database") || !doc["database"].is_object())
        doc["database"] = Json::object();
    Json &db = doc["database"];
    if (!m_values.postgres) {
        db["driver"] = "sqlite";
        db["path"] = m_values.path.trimmed().toStdString();
        for (const char *key : kPostgresOnly)
            db.erase(key);
        return doc;
    }
    db["driver"] = "postgres";
    db.erase("path");
    db["host"] = m_values.host.trimmed().toStdString();
    db["port"] = number(m_values.pgPort);
    db["dbname"] = m_values.dbname.trimmed().toStdString();
    db["user"] = m_values.user.trimmed().toStdString();
    // A typed password goes to the keychain; the file keeps (or gets) a keychain reference.
    if (!m_values.password.isEmpty() && !passwordReference().startsWith(QLatin1String("keychain:")))
        db["password"] = defaultPasswordReference().toStdString();
    return doc;
}

void ServerSettingsForm::revalidate()
{
    QString error;
    if (m_service && m_loaded) {
        if (const Status status = m_service->validate(document()); !status)
            error = QString::fromStdString(status.error().message);
    }
    m_error = error;
}

void ServerSettingsForm::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT changed();
}

void ServerSettingsForm::apply(bool restartAfterwards)
{
    if (!m_service || !m_loaded || m_busy)
        return;
    if (!m_error.isEmpty()) {
        Q_EMIT failed(tr("Nothing was saved: %1").arg(m_error));
        return;
    }
    const Json doc = document();
    std::vector<PendingSecret> secrets;
    if (m_values.postgres && !m_values.password.isEmpty())
        secrets.push_back({ text(doc["database"], "password"), m_values.password });
    setBusy(true);
    m_service->apply(doc, std::move(secrets), this, [this, doc, restartAfterwards](Status status) {
        setBusy(false);
        if (!status) {
            Q_EMIT failed(
                tr("Nothing was saved: %1").arg(QString::fromStdString(status.error().message)));
            return;
        }
        m_document = doc;
        m_values.password.clear();
        m_saved = m_values;
        Q_EMIT changed();
        Q_EMIT applied(restartAfterwards);
    });
}

void ServerSettingsForm::revert()
{
    if (!m_loaded)
        return;
    setValues(m_saved);
}

} // namespace warden
