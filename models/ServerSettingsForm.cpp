#include "ServerSettingsForm.h"

#include "crypto/Crypto.h"
#include "secrets/SecretValue.h"

#include <QByteArray>

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

// 32 random bytes in base64, as `openssl rand -base64 32` would make them; nothing else
// keeps a copy.
QString generatedKey()
{
    std::string raw = crypto::randomBytes(32);
    QByteArray bytes = QByteArray::fromStdString(raw);
    SecretValue::wipe(raw);
    QByteArray encoded = bytes.toBase64();
    SecretValue::wipe(bytes);
    QString key = QString::fromLatin1(encoded);
    SecretValue::wipe(encoded);
    return key;
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
    if (!m_values.generateKeys) {
        forgetGeneratedKeys();
    } else {
        // Made once when asked for, so validation and apply see the same secrets.
        for (const QString &key : missingKeys())
            if (!m_generated.contains(key))
                m_generated.insert(key, generatedKey());
    }
    valuesChanged();
}

QStringList ServerSettingsForm::keyNames()
{
    return { QStringLiteral("audit_key"), QStringLiteral("hash_key"), QStringLiteral("cursor_key") };
}

QString ServerSettingsForm::defaultKeyReference(const QString &key)
{
    QString name = key;
    return QStringLiteral("keychain:warden/") + name.replace(u'_', u'-');
}

QString ServerSettingsForm::keyReference(const QString &key) const
{
    return text(member(storedDocument(), "secrets"), key.toLatin1().constData());
}

QStringList ServerSettingsForm::missingKeys() const
{
    QStringList missing;
    for (const QString &key : keyNames())
        if (keyReference(key).isEmpty())
            missing.append(key);
    return missing;
}

void ServerSettingsForm::forgetGeneratedKeys()
{
    for (QString &secret : m_generated)
        SecretValue::wipe(secret);
    m_generated.clear();
}

void ServerSettingsForm::restoreSaved()
{
    m_values = m_saved;
    forgetGeneratedKeys();
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
    forgetGeneratedKeys();
}

void ServerSettingsForm::writeValues(Json &doc) const
{
    // Generated keys: the file gets their keychain references (the secrets go to the keychain).
    for (auto it = m_generated.cbegin(); it != m_generated.cend(); ++it)
        if (keyReference(it.key()).isEmpty())
            objectAt(doc, "secrets")[it.key().toStdString()] =
                defaultKeyReference(it.key()).toStdString();

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
    // Copies of their own: the service wipes them, the form keeps its own for a retry.
    std::vector<PendingSecret> secrets;
    for (auto it = m_generated.cbegin(); it != m_generated.cend(); ++it)
        if (keyReference(it.key()).isEmpty())
            secrets.push_back({ text(member(document, "secrets"), it.key().toLatin1().constData()),
                                QString(it.value().constData(), it.value().size()) });
    if (m_values.postgres && !m_values.password.isEmpty())
        secrets.push_back({ text(member(document, "database"), "password"),
                            QString(m_values.password.constData(), m_values.password.size()) });
    return secrets;
}

void ServerSettingsForm::markSaved()
{
    SecretValue::wipe(m_values.password);
    forgetGeneratedKeys();
    m_values.generateKeys = false;
    m_saved = m_values;
}

} // namespace warden
