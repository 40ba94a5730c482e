#pragma once

#include "ConfigForm.h"

#include <QMap>
#include <QStringList>

namespace warden {

// The Server panel's editable settings: HTTP on/off and where it listens, the database
// connection (SQLite file, or PostgreSQL host, port, database, user and a password that goes
// to the OS keychain under a reference the file keeps), and the server's keys ("secrets":
// audit_key, hash_key, cursor_key): those not configured yet can be generated, 32 random
// bytes each, straight into the keychain. A configured key is never replaced from here:
// records and hashes made with it would no longer check.
class ServerSettingsForm : public ConfigForm
{
    Q_OBJECT
public:
    struct Values
    {
        bool httpEnabled = false;
        QString address; // IPv4, localhost or IPv6 (brackets optional)
        QString port; // as typed; the parser judges it
        bool postgres = false;
        QString path; // sqlite
        QString host; // postgres
        QString pgPort;
        QString dbname;
        QString user;
        QString password; // typed now; empty keeps the stored one
        bool generateKeys = false; // generate the keys the file names none for

        bool operator==(const Values &) const = default;
    };

    // The keychain entry a password typed here goes to when the file names none yet.
    static QString defaultPasswordReference();

    using ConfigForm::ConfigForm;

    const Values &values() const { return m_values; }
    void setValues(const Values &values);
    bool isModified() const override { return isLoaded() && m_values != m_saved; }
    // The password reference the file holds (never the password), or empty.
    QString passwordReference() const;

    // The server's keys, as the file's "secrets" names them.
    static QStringList keyNames();
    // The keychain entry a generated key goes to ("keychain:warden/audit-key").
    static QString defaultKeyReference(const QString &key);
    // The reference the file holds for `key` (never the secret), or empty: not configured.
    QString keyReference(const QString &key) const;
    // The keys generateKeys would generate: those the file names no reference for.
    QStringList missingKeys() const;

protected:
    void readValues(const Json &document) override;
    void writeValues(Json &document) const override;
    std::vector<PendingSecret> typedSecrets(const Json &document) const override;
    void markSaved() override;
    void restoreSaved() override;

private:
    void forgetGeneratedKeys();

    Values m_values;
    Values m_saved;
    QMap<QString, QString> m_generated; // key name → generated secret, until saved or dropped
};

} // namespace warden
