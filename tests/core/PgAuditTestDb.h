#pragma once

// A fresh PostgreSQL database and login role per test, in the throwaway cluster of
// tests/scripts/pg-fixture.sh (ctest fixture "postgres"): the role owns its database, so the
// audit store creates its tables as an application would; the superuser (trusted over the
// cluster's Unix socket) tampers with rows, cuts connections and locks the role out.

#include "audit/AuditVerifier.h"
#include "audit/PgAuditStore.h"
#include "config/ServerConfig.h"
#include "crypto/Crypto.h"

#include <libpq-fe.h>

#include <QFile>
#include <QString>

#include <map>
#include <string>

namespace warden::test {

// The audit key of the PostgreSQL audit tests.
inline const audit::AuditKeys &pgAuditKeys()
{
    static const audit::AuditKeys keys("pg-audit-test-secret-0123456789abcdef");
    return keys;
}

class PgAuditTestDb
{
public:
    // Reads pg.env and creates database and role `name` (dropping leftovers of an earlier
    // run). Empty on success, else why not.
    QString create(const std::string &name)
    {
        const QString path = qEnvironmentVariable("WARDEN_TEST_TMP") + QStringLiteral("/pg.env");
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("the PostgreSQL fixture is missing (%1); run the test through ctest so that "
                                  "fixture.pg.start runs")
                .arg(path);
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            const auto eq = line.indexOf('=');
            if (eq > 0)
                m_env[line.left(eq).toStdString()] = line.mid(eq + 1).toStdString();
        }
        m_name = name;
        m_password = crypto::toHex(crypto::randomBytes(16));
        for (const std::string &sql : { "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "DROP ROLE IF EXISTS " + name,
                                        "CREATE ROLE " + name + " LOGIN PASSWORD '" + m_password + "'",
                                        "CREATE DATABASE " + name + " OWNER " + name }) {
            if (QString why = superuser(sql, "postgres"); !why.isEmpty())
                return why;
        }
        return {};
    }

    // The connection the audit store uses: TCP with a password, like a deployment.
    DatabaseConfig config() const
    {
        DatabaseConfig c;
        c.driver = DatabaseConfig::Driver::Postgres;
        c.host = QString::fromStdString(m_env.at("WARDEN_PG_HOST"));
        c.port = std::stoi(m_env.at("WARDEN_PG_PORT"));
        c.dbname = QString::fromStdString(m_name);
        c.user = QString::fromStdString(m_name);
        c.sslmode = QStringLiteral("disable");
        c.connectTimeoutMs = 2000;
        return c;
    }
    const std::string &password() const { return m_password; }
    const std::string &name() const { return m_name; }

    // `chain` in this database; nullptr (and a warning saying why) when it does not open.
    std::unique_ptr<audit::PgAuditStore> open(const std::string &chain,
                                              audit::AuditBackend::Mode mode = audit::AuditBackend::Mode::Writer) const
    {
        auto store = audit::PgAuditStore::open(config(), m_password, chain, mode);
        if (!store)
            qWarning("cannot open chain %s: %s", chain.c_str(), store.error().message.c_str());
        return store ? std::move(*store) : nullptr;
    }

    // AuditVerifier over `chain` with pgAuditKeys(); a verifier that cannot run is fatal.
    audit::AuditVerifier::Report verify(const std::string &chain,
                                        const std::vector<audit::Checkpoint> &anchors = {}) const
    {
        auto reader = open(chain, audit::AuditBackend::Mode::Reader);
        if (!reader)
            qFatal("cannot read chain %s", chain.c_str());
        auto report = audit::AuditVerifier::verify(*reader, pgAuditKeys(), {}, anchors);
        if (!report)
            qFatal("verify failed to run: %s", report.error().message.c_str());
        return *report;
    }

    // Runs `sql` as the superuser in `database` (default: the test's); empty on success.
    QString superuser(const std::string &sql, const std::string &database = {}) const
    {
        PGconn *conn = connectAsSuperuser(database.empty() ? m_name : database);
        QString why;
        if (PQstatus(conn) != CONNECTION_OK) {
            why = QString::fromUtf8(PQerrorMessage(conn));
        } else {
            PGresult *r = PQexec(conn, sql.c_str());
            const auto status = PQresultStatus(r);
            if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
                why = QString::fromStdString(sql) + QStringLiteral(": ") + QString::fromUtf8(PQresultErrorMessage(r));
            PQclear(r);
        }
        PQfinish(conn);
        return why;
    }

    // The first column of the first row of `sql` as the superuser (-1 on failure).
    long long scalar(const std::string &sql) const
    {
        PGconn *conn = connectAsSuperuser(m_name);
        long long n = -1;
        PGresult *r = PQexec(conn, sql.c_str());
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
            n = std::atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(conn);
        return n;
    }

    // Drops every connection the role has: the audit store sees its connection die.
    QString cutConnections() const
    {
        return superuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + m_name + "'");
    }
    QString allowLogin(bool allow) const
    {
        return superuser("ALTER ROLE " + m_name + (allow ? " LOGIN" : " NOLOGIN"), "postgres");
    }

private:
    PGconn *connectAsSuperuser(const std::string &database) const
    {
        const std::string port = m_env.at("WARDEN_PG_PORT");
        const char *keys[] = { "host", "port", "dbname", "user", nullptr };
        const char *values[] = { m_env.at("WARDEN_PG_SOCKET_DIR").c_str(), port.c_str(), database.c_str(),
                                 m_env.at("WARDEN_PG_SUPERUSER").c_str(), nullptr };
        return PQconnectdbParams(keys, values, 0);
    }

    std::map<std::string, std::string> m_env;
    std::string m_name, m_password;
};

} // namespace warden::test
