// resources/schema/policy.schema.json against the validator it documents (Policy::fromJson):
// the same keys at every level, the same enums and budget ranges, and the same verdict on the
// demo policy and on broken ones, the schema's verdict given by Python's jsonschema.

#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "db/DatabasePool.h"
#include "demo/DemoSchema.h"
#include "policy/Policy.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <functional>
#include <set>

using namespace warden;

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

Json readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    auto doc = StrictJson::parse(f.readAll().toStdString());
    if (!doc)
        qFatal("%s does not parse: %s", qPrintable(path), doc.error().message.c_str());
    return *doc;
}

std::set<std::string> propertyNames(const Json &schemaObject)
{
    std::set<std::string> names;
    for (auto it = schemaObject.at("properties").begin(); it != schemaObject.at("properties").end(); ++it)
        names.insert(it.key());
    return names;
}

std::set<std::string> enumOf(const Json &node)
{
    std::set<std::string> out;
    for (const auto &v : node.at("enum"))
        out.insert(v.get<std::string>());
    return out;
}

const char *const kValidator = R"PY(
import json, os, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(path))))
    name = os.path.basename(path)
    if errors:
        print("FAIL", name, *sorted({"/" + "/".join(str(p) for p in e.absolute_path) for e in errors}))
    else:
        print("OK", name)
)PY";

} // namespace

class TestPolicySchema : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Json m_schema;
    Json m_demo;
    db::Schema m_db; // the demo shop's tables, introspected from an empty SQLite file

    // A problem list when Policy::fromJson refuses the document, empty when it accepts it.
    std::string policyProblems(const Json &doc) const
    {
        auto p = Policy::fromJson(doc, m_db);
        return p ? std::string() : p.error().message;
    }

    // The keys Policy.cpp allows where `pointer` points: an unknown key there makes the
    // validator list them ("...: unknown key; allowed keys are a, b, c").
    std::set<std::string> policyKeysAt(Json doc, const std::string &pointer) const
    {
        const std::string probe = "zz_not_a_key";
        doc[Json::json_pointer(pointer)][probe] = true;
        const std::string problems = policyProblems(doc);
        const QRegularExpression re(QRegularExpression::escape(q(pointer + "/" + probe))
                                    + QStringLiteral(": unknown key; (did you mean \"[^\"]*\"\\? )?allowed keys are ([^\\n]*)"));
        const auto m = re.match(q(problems));
        if (!m.hasMatch())
            qWarning("no unknown-key problem at %s in:\n%s", pointer.c_str(), problems.c_str());
        std::set<std::string> keys;
        for (const QString &k : m.captured(2).split(QStringLiteral(", "), Qt::SkipEmptyParts))
            keys.insert(k.toStdString());
        return keys;
    }

private Q_SLOTS:
    void initTestCase()
    {
        Q_INIT_RESOURCE(warden);
        QVERIFY(m_dir.isValid());
        m_schema = readJson(QStringLiteral(":/warden/schema/policy.schema.json"));
        m_demo = readJson(QStringLiteral(":/warden/demo/policy.json"));

        const QString dbPath = m_dir.filePath(QStringLiteral("shop.db"));
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(dbPath).constData(), &db), SQLITE_OK);
        for (std::string_view ddl : DemoSchema::sqliteTables())
            QCOMPARE(sqlite3_exec(db, std::string(ddl).c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        DatabaseConfig config;
        config.driver = DatabaseConfig::Driver::Sqlite;
        config.path = dbPath;
        auto pool = db::DatabasePool::open(config, {}, 1);
        QVERIFY2(pool.ok(), pool.ok() ? "" : pool.error().message.c_str());
        m_db = (*pool)->schema();
        (*pool)->shutdown(db::DatabasePool::Shutdown::AbandonQueued);
        QVERIFY2(policyProblems(m_demo).empty(), policyProblems(m_demo).c_str());
    }

    void schemaIsStrict()
    {
        QCOMPARE(q(m_schema.at("$schema").get<std::string>()), QStringLiteral("https://json-schema.org/draft/2020-12/schema"));
        // Objects with named keys forbid every other key; maps (tables, columns) say what a value is.
        int objects = 0;
        std::function<void(const Json &, const std::string &)> walk = [&](const Json &node, const std::string &where) {
            if (node.is_object()) {
                if (node.contains("properties") && node.value("type", Json()) == Json("object")) {
                    ++objects;
                    QVERIFY2(node.value("additionalProperties", Json(true)) == Json(false), where.c_str());
                }
                if (node.value("type", Json()) == Json("object"))
                    QVERIFY2(node.contains("additionalProperties"), where.c_str());
                for (auto it = node.begin(); it != node.end(); ++it)
                    walk(it.value(), where + "/" + it.key());
            } else if (node.is_array()) {
                for (std::size_t i = 0; i < node.size(); ++i)
                    walk(node[i], where + "/" + std::to_string(i));
            }
        };
        walk(m_schema, "");
        QCOMPARE(objects, 9); // root, defaults, column rule, column, table, relation, writes, budget, role
    }

    // A key added to Policy.cpp or to the schema alone fails here.
    void keySetsAgree()
    {
        const Json &p = m_schema.at("properties");
        const Json &defs = m_schema.at("$defs");
        Json doc = m_demo;
        doc["column_rules"] = Json::array({Json{{"match", "*ssn*"}, {"action", "deny"}}});
        doc["defaults"]["budget"] = Json::object();
        doc["tables"]["orders"]["budget"] = Json::object();
        doc["tables"]["orders"]["writes"] = Json::object();
        doc["tables"]["orders"]["columns"] = Json{{"total_cents", Json{{"action", "allow"}}}};
        doc["tables"]["orders"]["relations"] = Json{{"customer", Json{{"allow", false}}}};
        doc["tags"] = Json{{"phi", "deny"}};
        doc["roles"] = Json{{"support", Json{{"tags", Json{{"phi", "allow"}}}, {"tables", Json::object()}}}};
        QVERIFY2(policyProblems(doc).empty(), policyProblems(doc).c_str());

        QCOMPARE(policyKeysAt(doc, ""), propertyNames(m_schema));
        QCOMPARE(policyKeysAt(doc, "/defaults"), propertyNames(p.at("defaults")));
        QCOMPARE(policyKeysAt(doc, "/defaults/budget"), propertyNames(defs.at("budget")));
        QCOMPARE(policyKeysAt(doc, "/column_rules/0"), propertyNames(p.at("column_rules").at("items")));
        QCOMPARE(policyKeysAt(doc, "/tables/orders"), propertyNames(defs.at("table")));
        QCOMPARE(policyKeysAt(doc, "/tables/orders/budget"), propertyNames(defs.at("budget")));
        QCOMPARE(policyKeysAt(doc, "/tables/orders/writes"), propertyNames(defs.at("writes")));
        QCOMPARE(policyKeysAt(doc, "/tables/orders/columns/total_cents"), propertyNames(defs.at("column")));
        QCOMPARE(policyKeysAt(doc, "/tables/orders/relations/customer"), propertyNames(defs.at("relation")));
        QCOMPARE(policyKeysAt(doc, "/roles/support"), propertyNames(defs.at("role")));
    }

    void enumsAgree()
    {
        const Json &defs = m_schema.at("$defs");
        const auto profiles = enumOf(m_schema.at("properties").at("extends"));
        QCOMPARE(profiles, std::set<std::string>(Policy::profiles().begin(), Policy::profiles().end()));
        for (const auto &profile : profiles) {
            Json doc = m_demo;
            doc["extends"] = profile;
            QVERIFY2(policyProblems(doc).empty(), profile.c_str());
        }
        auto columnWith = [&](const Json &rule) {
            Json doc = m_demo;
            doc["tables"]["orders"]["columns"] = Json{{"total_cents", rule}};
            return policyProblems(doc);
        };
        for (const auto &action : enumOf(defs.at("action")))
            QVERIFY2(columnWith(Json{{"action", action}}).empty(), action.c_str());
        QVERIFY(!columnWith(Json{{"action", "redact"}}).empty());
        for (const auto &mask : enumOf(defs.at("maskKind")))
            QVERIFY2(columnWith(Json{{"action", "mask"}, {"mask", mask}}).empty(), mask.c_str());
        QVERIFY(!columnWith(Json{{"action", "mask"}, {"mask", "blur"}}).empty());
    }

    // Every budget key accepts its schema minimum and maximum and refuses one beyond either.
    void budgetRangesAgree()
    {
        const Json &budget = m_schema.at("$defs").at("budget").at("properties");
        for (auto it = budget.begin(); it != budget.end(); ++it) {
            const std::string key = it.key();
            auto withValue = [&](const Json &value) {
                Json doc = m_demo;
                doc["tables"]["orders"]["budget"] = Json{{key, value}};
                return policyProblems(doc);
            };
            if (it->at("type") == Json("boolean")) {
                QVERIFY2(withValue(true).empty() && withValue(false).empty(), key.c_str());
                QVERIFY2(!withValue(1).empty(), key.c_str());
                continue;
            }
            QCOMPARE(q(it->at("type").get<std::string>()), QStringLiteral("integer"));
            const auto min = it->at("minimum").get<std::int64_t>();
            const auto max = it->at("maximum").get<std::int64_t>();
            QVERIFY2(withValue(min).empty(), (key + " minimum").c_str());
            QVERIFY2(withValue(max).empty(), (key + " maximum").c_str());
            QVERIFY2(!withValue(min - 1).empty(), (key + " below minimum").c_str());
            QVERIFY2(!withValue(max + 1).empty(), (key + " above maximum").c_str());
            QVERIFY2(!withValue(1.5).empty(), (key + " fraction").c_str());
        }
    }

    // The schema (through Python's jsonschema) and Policy.cpp give the same verdicts.
    void pythonJsonSchemaAgrees()
    {
        const QString dir = m_dir.filePath(QStringLiteral("py"));
        QVERIFY(QDir().mkpath(dir));
        auto write = [&](const QString &name, const Json &doc) {
            QFile f(QDir(dir).filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(doc.dump(2)));
        };
        const QString schemaPath = QDir(dir).filePath(QStringLiteral("policy.schema.json"));
        QVERIFY(QFile::copy(QStringLiteral(":/warden/schema/policy.schema.json"), schemaPath));

        // name → (document, pointer the schema should name: empty when valid, "/" for the root)
        struct Case
        {
            Json doc;
            std::string pointer;
        };
        std::map<std::string, Case> cases;
        cases["demo"] = {m_demo, ""};
        Json full = m_demo;
        full["extends"] = "internal";
        full["defaults"]["owner_column"] = "user_id";
        full["defaults"]["soft_delete_column"] = "deleted_at";
        full["defaults"]["budget"] = Json{{"max_rows", 100000}, {"max_include_depth", 0}, {"broad_query_guard", false}};
        full["column_rules"] = Json::array({Json{{"match", "*ssn*"}, {"action", "deny"}, {"filterable", false}},
                                            Json{{"match", "*phone*"}, {"action", "mask"}, {"pattern", "{first2}***{last4}"},
                                                 {"tags", Json::array({"pii"})}, {"filterable", true}}});
        full["tables"]["orders"] = Json{{"read", true}, {"write", false}, {"owner_column", nullptr},
                                        {"budget", Json{{"max_rows", 10}, {"statement_timeout_ms", 50}}}};
        full["tables"]["orders"]["relations"] =
            Json{{"customer", Json{{"allow", false}}},
                 {"buyer", Json{{"target", "customers"}, {"kind", "many_to_one"}, {"via", "customer_id"}, {"target_column", "id"}}}};
        full["tables"]["orders"]["budget"]["min_group_size"] = 5;
        cases["full"] = {full, ""};
        QVERIFY2(policyProblems(full).empty(), policyProblems(full).c_str());

        auto bad = [&](const char *name, const std::string &pointer, const std::function<void(Json &)> &edit) {
            Json doc = m_demo;
            edit(doc);
            cases[name] = {doc, pointer};
        };
        bad("unknown-root-key", "/", [](Json &d) { d["tabels"] = Json::object(); });
        bad("version-2", "/version", [](Json &d) { d["version"] = 2; });
        bad("no-tables", "/", [](Json &d) { d.erase("tables"); });
        bad("profile", "/extends", [](Json &d) { d["extends"] = "staging"; });
        bad("read-string", "/tables/orders/read", [](Json &d) { d["tables"]["orders"]["read"] = "yes"; });
        bad("unknown-table-key", "/tables/orders", [](Json &d) { d["tables"]["orders"]["raed"] = true; });
        bad("unknown-column-key", "/tables/customers/columns/email",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"]["filterble"] = true; });
        bad("action", "/tables/customers/columns/email/action",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"] = Json{{"action", "redact"}}; });
        bad("no-action", "/tables/customers/columns/email",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"] = Json{{"mask", "email"}}; });
        bad("pattern-without-placeholder", "/tables/customers/columns/email/pattern",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"] = Json{{"action", "mask"}, {"pattern", "***"}}; });
        bad("mask-without-mask-action", "/tables/customers/columns/email",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"] = Json{{"action", "allow"}, {"mask", "email"}}; });
        bad("mask-and-pattern", "/tables/customers/columns/email", [](Json &d) {
            d["tables"]["customers"]["columns"]["email"] =
                Json{{"action", "mask"}, {"mask", "email"}, {"pattern", "{first2}*"}};
        });
        bad("filterable-deny", "/tables/customers/columns/email/filterable", [](Json &d) {
            d["tables"]["customers"]["columns"]["email"] = Json{{"action", "deny"}, {"filterable", true}};
        });
        bad("duplicate-tags", "/tables/customers/columns/email/tags",
            [](Json &d) { d["tables"]["customers"]["columns"]["email"]["tags"] = Json::array({"pii", "pii"}); });
        bad("max-rows-0", "/defaults/budget/max_rows", [](Json &d) { d["defaults"]["budget"]["max_rows"] = 0; });
        bad("timeout-too-long", "/tables/orders/budget/statement_timeout_ms",
            [](Json &d) { d["tables"]["orders"]["budget"] = Json{{"statement_timeout_ms", 600001}}; });
        bad("budget-unknown-key", "/tables/orders/budget",
            [](Json &d) { d["tables"]["orders"]["budget"] = Json{{"max_row", 5}}; });
        bad("empty-default-tenant", "/defaults/tenant_column", [](Json &d) { d["defaults"]["tenant_column"] = ""; });
        bad("tenant-number", "/tables/orders/tenant_column", [](Json &d) { d["tables"]["orders"]["tenant_column"] = 5; });
        bad("rule-without-match", "/column_rules/0",
            [](Json &d) { d["column_rules"] = Json::array({Json{{"action", "deny"}}}); });
        bad("rules-object", "/column_rules", [](Json &d) { d["column_rules"] = Json{{"match", "*x*"}}; });
        bad("relation-unknown-key", "/tables/orders/relations/customer",
            [](Json &d) { d["tables"]["orders"]["relations"] = Json{{"customer", Json{{"alow", false}}}}; });
        bad("relation-kind-without-target", "/tables/orders/relations/buyer", [](Json &d) {
            d["tables"]["orders"]["relations"] = Json{{"buyer", Json{{"kind", "many_to_one"}, {"via", "customer_id"}}}};
        });
        bad("description-long", "/description", [](Json &d) { d["description"] = std::string(2001, 'x'); });

        QStringList files;
        for (const auto &[name, c] : cases) {
            write(q(name) + QStringLiteral(".json"), c.doc);
            files << QDir(dir).filePath(q(name) + QStringLiteral(".json"));
            // Policy.cpp's verdict
            const std::string problems = policyProblems(c.doc);
            QVERIFY2(problems.empty() == c.pointer.empty(),
                     (name + ": Policy says " + (problems.empty() ? "valid" : problems)).c_str());
        }

        QProcess python;
        python.start(QStringLiteral("python3"), QStringList{QStringLiteral("-c"), QString::fromLatin1(kValidator), schemaPath} + files);
        QVERIFY2(python.waitForStarted(), "python3 is needed for this test");
        QVERIFY(python.waitForFinished(60000));
        const QString err = QString::fromUtf8(python.readAllStandardError());
        QVERIFY2(python.exitCode() == 0, qPrintable(QStringLiteral("python3 with jsonschema (apt install python3-jsonschema) failed: ") + err));
        std::map<std::string, std::pair<bool, std::string>> verdicts;
        for (const QString &line : QString::fromUtf8(python.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts)) {
            const QStringList parts = line.split(u' ');
            std::string name = parts.value(1).chopped(5).toStdString(); // minus ".json"
            verdicts[name] = {parts.value(0) == QLatin1String("OK"), parts.mid(2).join(u' ').toStdString()};
        }
        QCOMPARE(verdicts.size(), cases.size());
        for (const auto &[name, c] : cases) {
            const auto &[valid, pointer] = verdicts.at(name);
            QVERIFY2(valid == c.pointer.empty(), (name + ": the schema says " + (valid ? "valid" : "invalid at " + pointer)).c_str());
            // The schema's errors (all of them: allOf and if/then report at several levels) name the
            // pointer Policy.cpp names.
            if (!valid)
                QVERIFY2(q(" " + pointer + " ").contains(q(" " + c.pointer + " ")),
                         (name + ": the schema names " + pointer + ", expected " + c.pointer).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestPolicySchema)
#include "TestPolicySchema.moc"
