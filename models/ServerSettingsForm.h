#pragma once

#include "ConfigForm.h"

namespace warden {

// The Server panel's editable settings: HTTP on/off and where it listens, and the database
// connection (SQLite file, or PostgreSQL host, port, database, user and a password that goes
// to the OS keychain under a reference the file keeps).
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

protected:
    void readValues(const Json &document) override;
    void writeValues(Json &document) const override;
    std::vector<PendingSecret> typedSecrets(const Json &document) const override;
    void markSaved() override;
    void restoreSaved() override { m_values = m_saved; }

private:
    Values m_values;
    Values m_saved;
};

} // namespace warden
