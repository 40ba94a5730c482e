#include "AuditDetailController.h"

#include "common/JsonPointer.h"

#include <QByteArray>

namespace warden {

namespace {

constexpr std::string_view kHmacPrefix = "hmac-sha256:";

bool isRedacted(const Json &value)
{
    return value.is_string() && value.get_ref<const std::string &>().starts_with(kHmacPrefix);
}

// Visits every redacted value with its JSON pointer.
template<typename Fn> void walkRedacted(const Json &value, const std::string &pointer, const Fn &fn)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            walkRedacted(it.value(), jsonPointerJoin(pointer, it.key()), fn);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            walkRedacted(value[i], jsonPointerJoin(pointer, i), fn);
    } else if (isRedacted(value)) {
        fn(pointer, value.get_ref<const std::string &>());
    }
}

QString hex(const std::string &bytes)
{
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toHex());
}

} // namespace

AuditDetailController::AuditDetailController(AuditService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

void AuditDetailController::showRecord(std::int64_t seq)
{
    if (seq == m_seq && (m_record || m_recordId))
        return;
    if (m_service && m_recordId)
        m_service->cancel(m_recordId);
    if (m_service && m_checkId)
        m_service->cancel(m_checkId);
    m_recordId = m_checkId = 0;
    m_seq = seq;
    m_record.reset();
    m_error.clear();
    setCheck(Check::None, {});
    Q_EMIT recordChanged();
    if (seq <= 0 || !m_service)
        return;
    m_recordId = m_service->fetchRecord(
        seq, this, [this](const Result<std::optional<audit::AuditRecord>> &r) {
            m_recordId = 0;
            if (!r)
                m_error = QString::fromStdString(r.error().message);
            else if (!*r)
                m_error = tr("Record %1 is no longer in the trail (retention may have removed it).")
                              .arg(m_seq);
            else
                m_record = **r;
            Q_EMIT recordChanged();
        });
}

QString AuditDetailController::text() const
{
    if (!m_record)
        return {};
    QString out = QString::fromStdString(m_record->body.dump(2));
    out += QLatin1String("\n\n") + tr("Chain") + QLatin1Char('\n');
    out += tr("seq: %1").arg(m_record->seq) + QLatin1Char('\n');
    out += tr("hash: %1").arg(hex(m_record->hash)) + QLatin1Char('\n');
    out += tr("previous hash: %1").arg(hex(m_record->prevHash)) + QLatin1Char('\n');
    out += tr("MAC: %1").arg(hex(m_record->mac));
    return out;
}

QString AuditDetailController::session() const
{
    if (!m_record)
        return {};
    const auto it = m_record->body.find("session");
    return it != m_record->body.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                         : QString();
}

QStringList AuditDetailController::redactedValues() const
{
    QStringList out;
    if (m_record)
        walkRedacted(m_record->body, {},
                     [&out](const std::string &pointer, const std::string &value) {
                         out << QString::fromStdString(pointer + " = " + value);
                     });
    return out;
}

QStringList AuditDetailController::pathsOf(const Json &body, const std::string &hmac)
{
    QStringList out;
    walkRedacted(body, {}, [&out, &hmac](const std::string &pointer, const std::string &value) {
        if (value == hmac)
            out << QString::fromStdString(pointer);
    });
    return out;
}

void AuditDetailController::checkValue(const QString &value)
{
    if (!m_record || !m_service)
        return;
    if (m_checkId)
        m_service->cancel(m_checkId);
    if (redactedValues().isEmpty()) {
        setCheck(Check::NoMatch, tr("This record holds no redacted values to check against."));
        return;
    }
    setCheck(Check::Checking, tr("Checking…"));
    m_checkId = m_service->hashValue(value, this, [this](const Result<std::string> &hmac) {
        m_checkId = 0;
        if (!hmac) {
            setCheck(
                Check::Failed,
                tr("Cannot check the value: %1").arg(QString::fromStdString(hmac.error().message)));
            return;
        }
        const QStringList paths = m_record ? pathsOf(m_record->body, *hmac) : QStringList();
        if (paths.isEmpty())
            setCheck(Check::NoMatch,
                     tr("No match: the value is none of this record's redacted values."));
        else
            setCheck(Check::Match,
                     tr("Match: the value is the one stored redacted at %1.")
                         .arg(paths.join(QStringLiteral(", "))));
    });
}

void AuditDetailController::setCheck(Check check, const QString &text)
{
    m_check = check;
    m_checkText = text;
    Q_EMIT checkChanged();
}

} // namespace warden
