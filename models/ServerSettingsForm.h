#pragma once

#include "common/Json.h"
#include "server/ServerSettingsService.h"

#include <QObject>
#include <QPointer>
#include <QString>

namespace warden {


// The Server panel's editable settings: HTTP on/off and where it listens, and the database
// connection. Keeps the configuration file's document as loaded and edits only these keys in
// it, so everything else (relative paths, other sections) is written back untouched. Every
// edit is validated with the server's own parser at once; apply() puts a typed password in
// the OS keychain under a reference and writes the file, never the password.
class ServerSettingsForm : public QObject
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

    explicit ServerSettingsForm(ServerSettingsService *service, QObject *parent = nullptr);

    bool isAvailable() const { return m_service != nullptr; }
    // Reads the file (asynchronously): loaded() or failed().
    void load();
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_busy; }

    const Values &values() const { return m_values; }
    void setValues(const Values &values);
    bool isModified() const { return m_loaded && m_values != m_saved; }

    // The password reference the file holds (never the password), or empty.
    QString passwordReference() const;
    // The parser's message for the edited document ("/transports/http/listen: ..."), or empty.
    QString validationError() const { return m_error; }
    QString configPath() const;

    // The file's document with the edited values in it.
    Json document() const;

    // Stores a typed password in the keychain, then writes the file; applied() or failed().
    void apply(bool restartAfterwards);
    void revert();

Q_SIGNALS:
    void loaded();
    void changed(); // values, validation or busy state
    void applied(bool restartRequested);
    void failed(const QString &message);

private:
    void revalidate();
    void setBusy(bool busy);

    QPointer<ServerSettingsService> m_service;
    Json m_document;
    Values m_values;
    Values m_saved;
    QString m_error;
    bool m_loaded = false;
    bool m_busy = false;
};

} // namespace warden
