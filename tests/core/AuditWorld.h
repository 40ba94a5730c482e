#pragma once

// A real audit trail for the audit viewer's tests: an SQLite store written by AuditLog with a
// known key (from the environment, as a server reads it), the configuration that names it,
// and the embedded audit service over it.

#include "AuditQueryFixture.h"
#include "TestTempRoot.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "config/ServerConfig.h"
#include "server/EmbeddedAuditService.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <atomic>
#include <memory>

namespace warden::test {

inline constexpr const char *kAuditKeyVariable = "WARDEN_TEST_AUDIT_VIEWER_KEY";
inline constexpr const char *kAuditSecret = "audit-viewer-test-secret-0123456789";
// The value record bodies hold redacted (every 7th record, under arguments/email).
inline constexpr const char *kRedactedValue = "ada@example.com";

inline const audit::AuditKeys &auditTestKeys()
{
    static const audit::AuditKeys keys(kAuditSecret);
    return keys;
}

// fixtureBody() (principal, tenant, tool, outcome, error code vary) plus a redacted value.
inline Json viewerBody(int i)
{
    Json body = fixtureBody(i);
    if (i % 7 == 0)
        body["arguments"]["email"] = auditTestKeys().valueHmac(kRedactedValue);
    return body;
}

class AuditWorld
{
public:
    AuditWorld()
        : m_dir(tempRoot() + QStringLiteral("/audit-viewer-XXXXXX"))
    {
        qputenv(kAuditKeyVariable, kAuditSecret);
        path = m_dir.filePath(QStringLiteral("audit.db"));
        config = ServerConfig::defaults();
        config.audit.path = path;
        config.secrets.auditKeyRef =
            QString::fromLatin1("env:") + QString::fromLatin1(kAuditKeyVariable);
    }

    QString dir() const { return m_dir.path(); }

    // Opens the writer (creating the store).
    bool open()
    {
        audit::AuditLog::Options o;
        o.path = path;
        o.instance = "viewer-test";
        o.checkpointEveryRecords = 100;
        o.writeTimeoutMs = 20000;
        auto log = audit::AuditLog::open(o, auditTestKeys());
        if (!log)
            return false;
        this->log = std::shared_ptr<audit::AuditLog>(std::move(*log));
        return true;
    }

    // Appends bodies `from`..`from + count - 1` of viewerBody() in group commits; true once
    // all are durable.
    bool write(int from, int count, const std::function<Json(int)> &body = viewerBody)
    {
        auto pending = std::make_shared<std::atomic<int>>(count);
        auto failed = std::make_shared<std::atomic<bool>>(false);
        for (int i = from; i < from + count; ++i)
            log->append(body(i), [pending, failed](const Result<std::int64_t> &r) {
                if (!r)
                    failed->store(true);
                --*pending;
            });
        return QTest::qWaitFor([&] { return pending->load() == 0; }, 60000) && !failed->load();
    }

    // Every record as stored, oldest first (the reference answers).
    std::vector<audit::AuditRecord> all() const
    {
        std::vector<audit::AuditRecord> out;
        auto q = audit::AuditQuery::open(path);
        if (!q)
            return out;
        std::optional<std::int64_t> after;
        do {
            auto page = (*q)->page({}, after, audit::AuditQuery::kMaxPageSize,
                                   audit::AuditQuery::Order::OldestFirst);
            if (!page)
                return {};
            out.insert(out.end(), page->records.begin(), page->records.end());
            after = page->next;
        } while (after);
        return out;
    }

    // Runs SQL on the store behind the writer's back (tampering); link SQLite::SQLite3.
    bool tamper(const char *sql) const
    {
        sqlite3 *db = nullptr;
        if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK)
            return false;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        sqlite3_close(db);
        return rc == SQLITE_OK;
    }

    QString path;
    ServerConfig config;
    std::shared_ptr<audit::AuditLog> log;

private:
    QTemporaryDir m_dir;
};

} // namespace warden::test
