#pragma once

#include "server/AuditService.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <optional>

namespace warden {

// One audit record in full for the viewer's detail pane: its fields, its place in the chain,
// the values stored redacted (as keyed HMACs), and "check a value": the HMAC of a value the
// operator types, compared with every redacted value of the record. The value never leaves
// this process and is not kept.
class AuditDetailController : public QObject
{
    Q_OBJECT
public:
    enum class Check { None, Checking, Match, NoMatch, Failed };
    Q_ENUM(Check)

    explicit AuditDetailController(AuditService *service, QObject *parent = nullptr);

    // Shows the record `seq` (0: none).
    void showRecord(std::int64_t seq);
    std::int64_t seq() const { return m_seq; }
    bool hasRecord() const { return m_record.has_value(); }
    const std::optional<audit::AuditRecord> &record() const { return m_record; }

    // The record as indented JSON, then its chain fields (seq, hash, previous hash, MAC).
    QString text() const;
    // The MCP session the record belongs to (the fingerprint it carries), or empty.
    QString session() const;
    // "<JSON pointer> = hmac-sha256:…" for every redacted value, in document order.
    QStringList redactedValues() const;
    QString errorText() const { return m_error; }

    void checkValue(const QString &value);
    Check checkState() const { return m_check; }
    // What the check found, in words.
    QString checkText() const { return m_checkText; }

    // Where a value with this HMAC text sits in a body (JSON pointers).
    static QStringList pathsOf(const Json &body, const std::string &hmac);

Q_SIGNALS:
    void recordChanged();
    void checkChanged();

private:
    void setCheck(Check check, const QString &text);

    QPointer<AuditService> m_service;
    std::int64_t m_seq = 0;
    std::optional<audit::AuditRecord> m_record;
    QString m_error;
    AuditService::RequestId m_recordId = 0, m_checkId = 0;
    Check m_check = Check::None;
    QString m_checkText;
};

} // namespace warden
