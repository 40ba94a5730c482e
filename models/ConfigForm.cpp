#include "ConfigForm.h"

namespace warden {

ConfigForm::ConfigForm(ServerSettingsService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

QString ConfigForm::configPath() const
{
    return m_service ? m_service->configPath() : QString();
}

QString ConfigForm::text(const Json &object, const char *key)
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

const Json &ConfigForm::member(const Json &object, const char *key)
{
    static const Json empty = Json::object();
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : empty;
}

Json &ConfigForm::objectAt(Json &object, const char *key)
{
    if (!object.contains(key) || !object[key].is_object())
        object[key] = Json::object();
    return object[key];
}

void ConfigForm::load()
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
        readValues(m_document);
        m_loaded = true;
        valuesChanged();
        Q_EMIT loaded();
    });
}

Json ConfigForm::document() const
{
    Json doc = m_document;
    if (doc.is_object())
        writeValues(doc);
    return doc;
}

void ConfigForm::valuesChanged()
{
    QString error;
    if (m_service && m_loaded) {
        if (const Status status = m_service->validate(document()); !status)
            error = QString::fromStdString(status.error().message);
    }
    m_error = error;
    Q_EMIT changed();
}

void ConfigForm::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT changed();
}

void ConfigForm::apply(bool restartAfterwards)
{
    if (!m_service || !m_loaded || m_busy)
        return;
    if (!m_error.isEmpty()) {
        Q_EMIT failed(tr("Nothing was saved: %1").arg(m_error));
        return;
    }
    const Json doc = document();
    setBusy(true);
    m_service->apply(doc, typedSecrets(doc), this, [this, doc, restartAfterwards](Status status) {
        setBusy(false);
        if (!status) {
            Q_EMIT failed(
                tr("Nothing was saved: %1").arg(QString::fromStdString(status.error().message)));
            return;
        }
        m_document = doc;
        markSaved();
        Q_EMIT changed();
        Q_EMIT applied(restartAfterwards);
    });
}

void ConfigForm::revert()
{
    if (!m_loaded)
        return;
    restoreSaved();
    valuesChanged();
}

} // namespace warden
