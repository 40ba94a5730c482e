#pragma once

#include "common/Json.h"
#include "server/ServerSettingsService.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <vector>

namespace warden {

// What the console's settings forms share: the configuration file's document as loaded
// (ServerSettingsService::readDocument), edits of a few keys in it, validation with the
// server's own parser after every edit, and apply: typed secrets to the OS keychain, then the
// file written atomically. Keys a form does not edit are written back untouched.
class ConfigForm : public QObject
{
    Q_OBJECT
public:
    explicit ConfigForm(ServerSettingsService *service, QObject *parent = nullptr);

    bool isAvailable() const { return m_service != nullptr; }
    QString configPath() const;
    // Reads the file (asynchronously): loaded() or failed().
    void load();
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_busy; }
    virtual bool isModified() const = 0;

    // The parser's message for the edited document ("/transports/http/listen: ..."), or empty.
    QString validationError() const { return m_error; }
    // The file's document with the edits in it.
    Json document() const;

    // Stores typed secrets in the keychain, then writes the file; applied() or failed().
    void apply(bool restartAfterwards);
    // Back to the values as last loaded or saved.
    void revert();

Q_SIGNALS:
    void loaded();
    void changed(); // values, validation or busy state
    void applied(bool restartRequested);
    void failed(const QString &message);

protected:
    // Reads the form's values from the stored document; they become the saved ones.
    virtual void readValues(const Json &document) = 0;
    virtual void writeValues(Json &document) const = 0;
    // The secrets typed since the last save, under the references `document` names.
    virtual std::vector<PendingSecret> typedSecrets(const Json &document) const = 0;
    // After a successful apply: typed secrets forgotten, values become the saved ones.
    virtual void markSaved() = 0;
    virtual void restoreSaved() = 0;

    const Json &storedDocument() const { return m_document; }
    // Call after each change of values: revalidates and announces it.
    void valuesChanged();

    // A member of an object as text ("" when missing, numbers as digits); an object member
    // (an empty object when missing or not an object).
    static QString text(const Json &object, const char *key);
    static const Json &member(const Json &object, const char *key);
    // object[key] as an object, created when missing or not one.
    static Json &objectAt(Json &object, const char *key);

private:
    void setBusy(bool busy);

    QPointer<ServerSettingsService> m_service;
    Json m_document;
    QString m_error;
    bool m_loaded = false;
    bool m_busy = false;
};

} // namespace warden
