#include "ServerSettingsForm.h"

#include "secrets/SecretValue.h"

namespace warden {
namespace {

const char *const kPostgresOnly[] = {
    "host", "port", "dbname", "user", "password", "sslmode", "connect_timeout_ms"
};

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

void ServerSettingsForm::setValues(const Values &values)
{
    if (values == m_values)
        return;
    m_values = values;
    valuesChanged();
}

QString ServerSettingsForm::passwordReference() const
{
    return text(member(storedDocument(), "database"), "password");
}

void ServerSettingsForm::readValues(const Json &document)
{
    const Json &http = member(member(document, "transports"), "http");
    const Json &db = member(document, "database");
    Values v;
    v.httpEnabled = http.value("enabled", false);
    const QString listen = text(http, "listen");
    const qsizetype colon = listen.lastIndexOf(u':');
    v.address =
        colon < 0 ? QStringLiteral("127.0.0.1") : listen.left(colon).remove(u'[').remove(u']');
    v.port =
        colon < 0 ? (listen.isEmpty() ? QStringLiteral("8765") : listen) : listen.mid(colon + 1);
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
}

void ServerSettingsForm::writeValues(Json &doc) const
{
    Json &http = objectAt(objectAt(doc, "transports"), "http");
    http["enabled"] = m_values.httpEnabled;
    http["listen"] = listenText(m_values.address, m_values.port).toStdString();

    Json &db = objectAt(doc, "database");
    if (!m_values.postgres) {
        db["driver"] = "sqlite";
        db["path"] = m_values.path.trimmed().toStdString();
        for (const char *key : kPostgresOnly)
            db.erase(key);
        return;
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
}

std::vector<PendingSecret> ServerSettingsForm::typedSecrets(const Json &document) const
{
    if (!m_values.postgres || m_values.password.isEmpty())
        return {};
    // A copy of its own: the service wipes it, the form keeps what was typed for a retry.
    return { { text(member(document, "database"), "password"),
               QString(m_values.password.constData(), m_values.password.size()) } };
}

void ServerSettingsForm::markSaved()
{
    SecretValue::wipe(m_values.password);
    m_saved = m_values;
}

} // namespace warden
