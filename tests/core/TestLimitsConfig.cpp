#include "JsonCompare.h"
#include "common/JsonChecker.h"
#include "config/ServerConfig.h"
#include "limits/LimitsConfig.h"

#include <QDir>
#include <QTest>

using namespace warden;
using namespace warden::limits;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QStringList pointersOf(const Error &error)
{
    QStringList out;
    for (const auto &p : error.details.value("problems", Json::array()))
        out << q(p.at("pointer").get<std::string>());
    return out;
}

const QString kBase = QStringLiteral("/etc/warden");

Json fullDocument()
{
    return Json::parse(R"({
        "principal": {"per_minute": 100, "burst": 7},
        "tenant": {"per_minute": 1000, "burst": 50},
        "tools": {"db_query": {"per_minute": 120, "burst": 20}, "db_sql": {"per_minute": 0, "burst": 1}},
        "max_in_flight_per_principal": 4,
        "max_in_flight": 64,
        "max_keys": 5000,
        "budgets": {
            "principal": {"hour": {"calls": 1000, "rows": 100000, "cost": 1e6},
                          "day": {"calls": 10000, "rows": 0, "cost": 2.5}},
            "tenant": {"hour": {"calls": 0, "rows": 0, "cost": 0},
                       "day": {"calls": 50000, "rows": 5000000, "cost": 0}}
        },
        "usage_store": {"driver": "postgres", "host": "db.internal", "port": 5433, "dbname": "warden",
                        "user": "usage_writer", "password": "env:WARDEN_USAGE_PASSWORD",
                        "sslmode": "require", "connect_timeout_ms": 3000,
                        "flush_interval_ms": 2000, "retention_days": 30}
    })");
}

} // namespace

class TestLimitsConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        auto r = LimitsConfig::fromJson(Json::object(), "/limits", kBase);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const LimitsConfig &c = *r;
        QVERIFY(c == LimitsConfig());
        QCOMPARE(c.principal, (Rate { 600, 60 }));
        QCOMPARE(c.tenant, (Rate { 3000, 300 }));
        QVERIFY(c.tools.empty());
        QCOMPARE(c.maxInFlightPerPrincipal, 8);
        QCOMPARE(c.maxInFlight, 256);
        QCOMPARE(c.maxKeys, std::int64_t(100000));
        QVERIFY(c.principalBudgets.unlimited() && c.tenantBudgets.unlimited());
        QCOMPARE(c.usageStore.driver, UsageStoreConfig::Driver::Sqlite);
        QVERIFY(c.usageStore.path.isEmpty());
        QCOMPARE(c.usageStore.flushIntervalMs, std::int64_t(1000));
        QCOMPARE(c.usageStore.retentionDays, 8);
    }

    void readsEveryKey()
    {
        auto r = LimitsConfig::fromJson(fullDocument(), "/limits", kBase);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const LimitsConfig &c = *r;
        QCOMPARE(c.principal, (Rate { 100, 7 }));
        QCOMPARE(c.tenant, (Rate { 1000, 50 }));
        QCOMPARE(c.tools.size(), std::size_t(2));
        QCOMPARE(c.tools.at("db_query"), (Rate { 120, 20 }));
        QVERIFY(c.tools.at("db_sql").unlimited());
        QCOMPARE(c.maxInFlightPerPrincipal, 4);
        QCOMPARE(c.maxInFlight, 64);
        QCOMPARE(c.maxKeys, std::int64_t(5000));
        QCOMPARE(c.principalBudgets.hour, (BudgetLimits { 1000, 100000, 1e6 }));
        QCOMPARE(c.principalBudgets.day, (BudgetLimits { 10000, 0, 2.5 }));
        QVERIFY(c.tenantBudgets.hour.unlimited());
        QCOMPARE(c.tenantBudgets.day, (BudgetLimits { 50000, 5000000, 0 }));
        QCOMPARE(&c.budgets(SubjectKind::Tenant), &c.tenantBudgets);
        const UsageStoreConfig &s = c.usageStore;
        QCOMPARE(s.driver, UsageStoreConfig::Driver::Postgres);
        QCOMPARE(s.host, QStringLiteral("db.internal"));
        QCOMPARE(s.port, 5433);
        QCOMPARE(s.dbname, QStringLiteral("warden"));
        QCOMPARE(s.user, QStringLiteral("usage_writer"));
        QCOMPARE(s.passwordRef, QStringLiteral("env:WARDEN_USAGE_PASSWORD"));
        QCOMPARE(s.sslmode, QStringLiteral("require"));
        QCOMPARE(s.connectTimeoutMs, 3000);
        QCOMPARE(s.flushIntervalMs, std::int64_t(2000));
        QCOMPARE(s.retentionDays, 30);

        const DatabaseConfig db = s.toDatabaseConfig();
        QCOMPARE(db.driver, DatabaseConfig::Driver::Postgres);
        QCOMPARE(db.host, s.host);
        QCOMPARE(db.port, 5433);
        QCOMPARE(db.passwordRef, s.passwordRef);
        QCOMPARE(db.connectTimeoutMs, 3000);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::newRow("defaults") << QByteArray("{}");
        QTest::newRow("everything, postgres") << QByteArray::fromStdString(fullDocument().dump());
        QTest::newRow("sqlite with a path")
            << QByteArray(R"({"usage_store": {"driver": "sqlite", "path": "state/usage.db"}})");
        QTest::newRow("unlimited rates") << QByteArray(
            R"({"principal": {"per_minute": 0}, "tenant": {"per_minute": 0}, "max_in_flight": 0, "max_in_flight_per_principal": 0})");
    }

    void roundTrip()
    {
        QFETCH(QByteArray, document);
        auto first = LimitsConfig::fromJson(Json::parse(document.toStdString()), "/limits", kBase);
        QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
        const Json written = first->toJson();
        auto second = LimitsConfig::fromJson(written, "/limits", QStringLiteral("/elsewhere"));
        QVERIFY2(second.ok(), second.ok() ? "" : second.error().message.c_str());
        QVERIFY(*first == *second);
        JCOMPARE(second->toJson(), written);
    }

    void pathsAndBursts()
    {
        auto r = LimitsConfig::fromJson(
            Json::parse(R"({"principal": {"per_minute": 100}, "tenant": {"per_minute": 5},
                            "usage_store": {"path": "state/usage.db"}})"),
            "/limits", kBase);
        QVERIFY(r.ok());
        QCOMPARE(r->principal, (Rate { 100, 10 })); // a tenth of the rate when no burst is given
        QCOMPARE(r->tenant, (Rate { 5, 1 }));
        QCOMPARE(r->usageStore.path, QStringLiteral("/etc/warden/state/usage.db"));
        QCOMPARE(r->usageStore.effectivePath(QStringLiteral("/var/lib/x/audit.db")),
                 r->usageStore.path);

        UsageStoreConfig unset;
        QCOMPARE(unset.effectivePath(QStringLiteral("/var/lib/warden/audit.db")),
                 QStringLiteral("/var/lib/warden/usage.db"));
        QVERIFY(unset.effectivePath({}).endsWith(QStringLiteral("/usage.db")));
    }

    void badValuesNameTheirPointer_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QStringList>("pointers");
        QTest::addColumn<QString>("says"); // a fragment of the first message

        const auto row = [](const char *name, const char *doc,
                            std::initializer_list<const char *> pointers, const char *says) {
            QStringList list;
            for (const char *p : pointers)
                list << QString::fromUtf8(p);
            QTest::newRow(name) << QByteArray(doc) << list << QString::fromUtf8(says);
        };
        row("not an object", "[]", { "/limits" }, "must be an object");
        row("unknown root key", R"({"rate": 5})", { "/limits/rate" }, "unknown key");
        row("typo suggests", R"({"max_inflight": 5})", { "/limits/max_inflight" },
            "did you mean \"max_in_flight\"");
        row("negative rate", R"({"principal": {"per_minute": -1}})",
            { "/limits/principal/per_minute" }, "from 0 to 10000000");
        row("rate as string", R"({"principal": {"per_minute": "600"}})",
            { "/limits/principal/per_minute" }, "got \"600\"");
        row("zero burst", R"({"tenant": {"burst": 0}})", { "/limits/tenant/burst" }, "from 1 to");
        row("unknown rate key", R"({"principal": {"per_second": 5}})",
            { "/limits/principal/per_second" }, "allowed keys are per_minute, burst");
        row("rate not an object", R"({"tenant": 5})", { "/limits/tenant" }, "must be an object");
        row("tools not an object", R"({"tools": []})", { "/limits/tools" },
            "maps tool names to rates");
        row("bad tool name", R"({"tools": {"db.query": {"per_minute": 1}}})",
            { "/limits/tools/db.query" }, "not a tool name");
        row("tool without rate", R"({"tools": {"db_query": {"burst": 1}}})",
            { "/limits/tools/db_query/per_minute" }, "required");
        row("tool unknown key", R"({"tools": {"db_query": {"per_minute": 1, "cost": 1}}})",
            { "/limits/tools/db_query/cost" }, "unknown key");
        row("negative in-flight", R"({"max_in_flight": -1})", { "/limits/max_in_flight" },
            "from 0 to");
        row("fractional in-flight", R"({"max_in_flight_per_principal": 1.5})",
            { "/limits/max_in_flight_per_principal" }, "got 1.5");
        row("per principal above global",
            R"({"max_in_flight": 4, "max_in_flight_per_principal": 8})",
            { "/limits/max_in_flight_per_principal" }, "larger than max_in_flight");
        row("too few keys", R"({"max_keys": 5})", { "/limits/max_keys" }, "from 100 to");
        row("unknown budget kind", R"({"budgets": {"group": {}}})", { "/limits/budgets/group" },
            "allowed keys are principal, tenant");
        row("unknown window", R"({"budgets": {"principal": {"week": {}}}})",
            { "/limits/budgets/principal/week" }, "allowed keys are hour, day");
        row("unknown metric", R"({"budgets": {"principal": {"hour": {"bytes": 1}}}})",
            { "/limits/budgets/principal/hour/bytes" }, "allowed keys are calls, rows, cost");
        row("negative calls", R"({"budgets": {"tenant": {"hour": {"calls": -5}}}})",
            { "/limits/budgets/tenant/hour/calls" }, "0 is unlimited");
        row("fractional rows", R"({"budgets": {"tenant": {"day": {"rows": 2.5}}}})",
            { "/limits/budgets/tenant/day/rows" }, "got 2.5");
        row("cost as text", R"({"budgets": {"principal": {"day": {"cost": "lots"}}}})",
            { "/limits/budgets/principal/day/cost" }, "must be a number");
        row("negative cost", R"({"budgets": {"principal": {"day": {"cost": -1}}}})",
            { "/limits/budgets/principal/day/cost" }, "from 0 (unlimited)");
        row("unknown driver", R"({"usage_store": {"driver": "mysql"}})",
            { "/limits/usage_store/driver" }, "\"sqlite\" or \"postgres\"");
        row("postgres key on sqlite", R"({"usage_store": {"driver": "sqlite", "host": "db"}})",
            { "/limits/usage_store/host" }, "only applies when driver is \"postgres\"");
        row("path on postgres",
            R"({"usage_store": {"driver": "postgres", "path": "x", "dbname": "d", "user": "u"}})",
            { "/limits/usage_store/path" }, "only applies when driver is \"sqlite\"");
        row("postgres without dbname", R"({"usage_store": {"driver": "postgres", "user": "u"}})",
            { "/limits/usage_store/dbname" }, "required when driver is \"postgres\"");
        row("postgres without user", R"({"usage_store": {"driver": "postgres", "dbname": "d"}})",
            { "/limits/usage_store/user" }, "required when driver is \"postgres\"");
        row("bad port",
            R"({"usage_store": {"driver": "postgres", "dbname": "d", "user": "u", "port": 0}})",
            { "/limits/usage_store/port" }, "from 1 to 65535");
        row("bad sslmode",
            R"({"usage_store": {"driver": "postgres", "dbname": "d", "user": "u", "sslmode": "on"}})",
            { "/limits/usage_store/sslmode" }, "must be one of");
        row("bad password reference",
            R"({"usage_store": {"driver": "postgres", "dbname": "d", "user": "u", "password": "env:lower"}})",
            { "/limits/usage_store/password" }, "not a valid secret reference");
        row("flush too often", R"({"usage_store": {"flush_interval_ms": 10}})",
            { "/limits/usage_store/flush_interval_ms" }, "from 100 to 60000 (milliseconds)");
        row("retention too short", R"({"usage_store": {"retention_days": 1}})",
            { "/limits/usage_store/retention_days" }, "from 2 to 3650 (days)");
        row("several at once, in document order",
            R"({"tenant": {"burst": 0}, "principal": {"per_minute": -1}, "max_keys": 1})",
            { "/limits/tenant/burst", "/limits/principal/per_minute", "/limits/max_keys" },
            "from 1 to");
    }

    void badValuesNameTheirPointer()
    {
        QFETCH(QByteArray, document);
        QFETCH(QStringList, pointers);
        QFETCH(QString, says);
        auto r = LimitsConfig::fromJson(Json::parse(document.toStdString()), "/limits", kBase);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::ConfigInvalid);
        QCOMPARE(pointersOf(r.error()), pointers);
        const std::string first =
            r.error().details.at("problems").at(0).at("message").get<std::string>();
        QVERIFY2(q(first).contains(says), first.c_str());
        // The message text names the pointer too, one line per problem.
        QVERIFY2(q(r.error().message).startsWith(pointers.first() + QStringLiteral(": ")),
                 r.error().message.c_str());
        QCOMPARE(q(r.error().message).count(u'\n'), pointers.size() - 1);
    }

    void passwordIsNeverQuoted()
    {
        for (const char *value :
             { "\"hunter2-secret\"", "12345678", "{\"x\": \"hunter2-secret\"}" }) {
            const std::string doc =
                std::string(
                    R"({"usage_store": {"driver": "postgres", "dbname": "d", "user": "u", "password": )")
                + value + "}}";
            auto r = LimitsConfig::fromJson(Json::parse(doc), "/limits", kBase);
            QVERIFY(!r.ok());
            QCOMPARE(pointersOf(r.error()),
                     QStringList { QStringLiteral("/limits/usage_store/password") });
            QVERIFY2(r.error().message.find("hunter2") == std::string::npos,
                     r.error().message.c_str());
            QVERIFY2(r.error().message.find("12345678") == std::string::npos,
                     r.error().message.c_str());
            QVERIFY(r.error().message.find("secret reference") != std::string::npos);
        }
    }

    void readIntoCallersChecker()
    {
        // The lead's ServerConfig reads "/limits" with its own checker: one report for the file.
        const Json document =
            Json::parse(R"({"version": 1, "limits": {"max_keys": 1, "tenant": {"burst": 0}}})");
        JsonChecker check(document);
        LimitsConfig::read(check, document.at("limits"), "/limits", kBase);
        QVERIFY(!check.ok());
        QStringList pointers;
        for (const JsonProblem &p : check.problems())
            pointers << q(p.pointer);
        QCOMPARE(pointers,
                 (QStringList { QStringLiteral("/limits/max_keys"),
                                QStringLiteral("/limits/tenant/burst") }));
    }
};

QTEST_GUILESS_MAIN(TestLimitsConfig)
#include "TestLimitsConfig.moc"
