#pragma once

// A real audit trail for the audit viewer's tests: a store written by AuditLog with a known
// key (from the environment, as a server reads it), the configuration that names it, and the
// embedded audit service over it. The store is SQLite, or PostgreSQL when
// WARDEN_TEST_AUDIT_STORE=postgres: every viewer test is registered a second time as
// "<test>.postgres" with the postgres fixture (tests/CMakeLists.txt), so one test body proves
// both stores behave the same. Without the fixture a PostgreSQL run fails; it never skips.

#include "AuditQueryFixture.h"
#include "PgAuditTestDb.h"
#include "TestTempRoot.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "config/ServerConfig.h"
#include "server/EmbeddedAuditService.h"
#include "server/Server.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <atomic>
#include <memory>

namespace warden::test {

// Whether this run's viewer tests use the PostgreSQL store.
inline bool auditTestsOnPostgres()
{
    return qEnvironmentVariable("WARDEN_TEST_AUDIT_STORE") == QLatin1String("postgres");
}

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
        if (auditTestsOnPostgres())
            usePostgres();
    }

    QString dir() const { return m_dir.path(); }
    bool onPostgres() const { return config.audit.store == AuditConfig::Store::Postgres; }
    // What the service's store description names: the file, or the database.
    QString location() const { return onPostgres() ? config.audit.postgres.dbname : path; }

    // A configuration naming a trail that does not exist, and what the viewer then says to do.
    std::pair<ServerConfig, QString> missingTrail() const
    {
        ServerConfig missing = config;
        if (onPostgres()) {
            missing.audit.chain = QStringLiteral("nobody");
            return { missing, QStringLiteral("check audit.chain") };
        }
        missing.audit.path = dir() + QStringLiteral("/none/audit.db");
        return { missing, QStringLiteral("start the server once") };
    }

    // Opens the writer (creating the store).
    bool open()
    {
        if (!m_problem.isEmpty()) {
            qWarning("%s", qPrintable(m_problem));
            return false;
        }
        audit::AuditLog::Options o;
        o.path = path;
        if (onPostgres())
            o.openStore = [c = config] { return Server::openAuditStore(c, true); };
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
        auto q = Server::openAuditQuery(config);
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

    // Runs SQL on the store behind the writer's back (tampering; PostgreSQL as the superuser);
    // link SQLite::SQLite3.
    bool tamper(const char *sql) const
    {
        if (onPostgres()) {
            const QString why = m_pg.superuser(sql);
            if (!why.isEmpty())
                qWarning("%s", qPrintable(why));
            return why.isEmpty();
        }
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
    // A fresh database and role of the fixture's cluster for this world, its password in a
    // variable of its own (several worlds live at once), and the chain "viewer" in it.
    void usePostgres()
    {
        static int worlds = 0;
        const std::string n = std::to_string(++worlds);
        m_problem = m_pg.create("warden_viewer_" + QCoreApplication::applicationName().toLower().toStdString()
                                + "_" + n);
        if (!m_problem.isEmpty())
            return;
        const QByteArray variable = QByteArrayLiteral("WARDEN_TEST_AUDIT_PG_PASSWORD_") + QByteArray::fromStdString(n);
        qputenv(variable.constData(), QByteArray::fromStdString(m_pg.password()));
        config.audit.store = AuditConfig::Store::Postgres;
        config.audit.postgres = m_pg.config();
        config.audit.postgres.passwordRef = QStringLiteral("env:") + QString::fromLatin1(variable);
        config.audit.chain = QStringLiteral("viewer");
    }

    QTemporaryDir m_dir;
    PgAuditTestDb m_pg;
    QString m_problem;
};

} // namespace warden::test
