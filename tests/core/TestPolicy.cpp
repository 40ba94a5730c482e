#include "JsonCompare.h"
#include "SchemaBuilders.h"
#include "common/StrictJson.h"
#include "policy/Policy.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace warden;


namespace {

using test::column;
using test::table;

// A live schema as introspection would report it; the secret-looking names exercise the
// built-in deny globs (case-insensitive, anywhere in the name).
db::Schema schema()
{
    db::Schema s;
    s.tables.push_back(
        table("tenants",
              { column("id", "integer", true), column("slug", "text"), column("name", "text") }));
    s.tables.push_back(table(
        "customers",
        { column("id", "integer", true), column("tenant_id", "integer"),
          column("first_name", "text"), column("last_name", "text"), column("email", "text"),
          column("phone", "text"), column("national_id", "text"), column("password_hash", "text"),
          column("api_token", "text"), column("Secret_Note", "text"), column("userApiKey", "text"),
          column("private_key_pem", "text"), column("refresh_TOKEN", "text"),
          column("old_passwd", "text"), column("notes", "text"), column("score", "real"),
          column("created_at", "datetime"), column("deleted_at", "datetime") }));
    s.tables.push_back(table("orders",
                             { column("id", "integer", true), column("tenant_id", "integer"),
                               column("customer_id", "integer"), column("owner_id", "text"),
                               column("status", "text"), column("total_cents", "integer") }));
    s.tables.push_back(
        table("audit_log", { column("id", "integer", true), column("event", "text") }));
    return s;
}

const std::vector<std::string> &secretColumns()
{
    static const std::vector<std::string> names { "password_hash",   "api_token",
                                                  "Secret_Note",     "userApiKey",
                                                  "private_key_pem", "refresh_TOKEN",
                                                  "old_passwd" };
    return names;
}

Json parse(const char *text)
{
    auto doc = StrictJson::parse(text);
    if (!doc)
        qFatal("bad test JSON: %s", doc.error().message.c_str());
    return *doc;
}

Result<std::shared_ptr<const Policy>> compile(const Json &doc)
{
    return Policy::fromJson(doc, schema());
}

// The problems of an invalid document, one "pointer: message" per line.
std::string problems(const Json &doc)
{
    auto p = compile(doc);
    if (p)
        return {};
    return p.error().message;
}

// The report line for `pointer` (they start with "pointer: "), or "" if there is none.
std::string lineFor(const std::string &report, const std::string &pointer)
{
    std::size_t start = 0;
    while (start <= report.size()) {
        std::size_t end = report.find('\n', start);
        if (end == std::string::npos)
            end = report.size();
        const std::string line = report.substr(start, end - start);
        if (line.rfind(pointer + ": ", 0) == 0)
            return line;
        start = end + 1;
    }
    return {};
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

Principal someone()
{
    Principal p;
    p.userId = "u1";
    p.tenantId = "1";
    return p;
}

const ColumnView *col(const Policy &policy, const char *tableName, const char *columnName)
{
    const TableView *t = policy.table(tableName, someone());
    return t ? t->column(columnName) : nullptr;
}

} // namespace

#define VERIFY_LINE(report, pointer, fragment)                                                     \
    do {                                                                                           \
        const std::string line_ = lineFor(report, pointer);                                        \
        QVERIFY2(!line_.empty(),                                                                   \
                 qPrintable(                                                                       \
                     QStringLiteral("no problem at %1 in:\n%2")                                    \
                         .arg(QString::fromStdString(pointer), QString::fromStdString(report))));  \
        QVERIFY2(contains(line_, fragment), qPrintable(QString::fromStdString(line_)));            \
    } while (false)

class TestPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- validation ---

    void validMinimalPolicy()
    {
        auto p = compile(parse(R"({"version": 1, "tables": {"tenants": {}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QCOMPARE((*p)->profile(), std::string("prod"));
        QVERIFY((*p)->table("tenants", someone()));
    }

    void unknownKeysAtEveryLevelWithSuggestions()
    {
        const std::string report = problems(parse(R"({
          "version": 1,
          "extnds": "prod",
          "defaults": {"tenant_colum": "tenant_id", "budget": {"max_row": 5}},
          "column_rules": [{"match": "*email*", "action": "mask", "mask": "email", "filterabel": true}],
          "tables": {
            "tenants": {"tenant_column": "id", "raed": true},
            "customers": {"columns": {"email": {"action": "mask", "mask": "email", "tag": ["pii"]}},
                          "budget": {"statement_timeout": 100}}
          }
        })"));
        VERIFY_LINE(report, "/extnds", "did you mean \"extends\"?");
        VERIFY_LINE(report, "/defaults/tenant_colum", "did you mean \"tenant_column\"?");
        VERIFY_LINE(report, "/defaults/budget/max_row", "did you mean \"max_rows\"?");
        VERIFY_LINE(report, "/column_rules/0/filterabel", "did you mean \"filterable\"?");
        VERIFY_LINE(report, "/tables/tenants/raed", "did you mean \"read\"?");
        VERIFY_LINE(report, "/tables/customers/columns/email/tag", "did you mean \"tags\"?");
        VERIFY_LINE(report, "/tables/customers/budget/statement_timeout",
                    "did you mean \"statement_timeout_ms\"?");
        // Each line also lists what is allowed, so the fix is in the message.
        VERIFY_LINE(report, "/tables/tenants/raed", "allowed keys are");
    }

    void wrongTypesNameThePointer()
    {
        const std::string report = problems(parse(R"({
          "version": "1",
          "extends": 3,
          "column_rules": {"match": "*x*"},
          "defaults": {"tenant_column": 5, "budget": {"max_rows": "10", "broad_query_guard": "yes"}},
          "tables": {
            "tenants": {"read": "yes", "tenant_column": "id"},
            "customers": {"columns": {"email": {"action": "mask", "tags": "pii", "filterable": 1}}},
            "orders": {"columns": []},
            "audit_log": "all"
          }
        })"));
        VERIFY_LINE(report, "/version", "must be 1");
        VERIFY_LINE(report, "/extends", "must be one of");
        VERIFY_LINE(report, "/column_rules", "must be an array");
        VERIFY_LINE(report, "/defaults/tenant_column", "must be a non-empty string");
        VERIFY_LINE(report, "/defaults/budget/max_rows", "must be an integer");
        VERIFY_LINE(report, "/defaults/budget/broad_query_guard", "must be true or false");
        VERIFY_LINE(report, "/tables/tenants/read", "must be true or false");
        VERIFY_LINE(report, "/tables/customers/columns/email/tags", "must be an array of strings");
        VERIFY_LINE(report, "/tables/customers/columns/email/filterable", "must be true or false");
        VERIFY_LINE(report, "/tables/orders/columns", "must be an object");
        VERIFY_LINE(report, "/tables/audit_log", "must be an object");

        QVERIFY(contains(problems(parse(R"({"version": 1, "tables": []})")),
                         "/tables: must be an object"));
        QVERIFY(contains(problems(parse(R"([1])")), "(root): must be an object"));
    }

    void versionMustBeOne()
    {
        VERIFY_LINE(problems(parse(R"({"version": 2, "tables": {}})")), "/version",
                    "must be 1, got 2");
        VERIFY_LINE(problems(parse(R"({"version": 0, "tables": {}})")), "/version", "must be 1");
        VERIFY_LINE(problems(parse(R"({"version": 1.0, "tables": {}})")), "/version", "must be 1");
        VERIFY_LINE(problems(parse(R"({"tables": {}})")), "/version", "required key is missing");
        VERIFY_LINE(problems(parse(R"({"version": 1})")), "/tables", "required key is missing");
    }

    void unknownProfile()
    {
        const std::string report =
            problems(parse(R"({"version": 1, "extends": "prd", "tables": {}})"));
        VERIFY_LINE(report, "/extends", "must be one of \"prod\", \"internal\" or \"dev\"");
        VERIFY_LINE(report, "/extends", "did you mean \"prod\"?");
        VERIFY_LINE(problems(parse(R"({"version": 1, "extends": "production", "tables": {}})")),
                    "/extends", "must be one of");
    }

    void unknownTableAndColumnSuggestFromTheLiveSchema()
    {
        const std::string report = problems(parse(R"({"version": 1, "tables": {
            "custmers": {},
            "orders": {"columns": {"stauts": {"action": "allow"}, "zzzzzz": {"action": "allow"}}}}})"));
        VERIFY_LINE(report, "/tables/custmers",
                    "no table \"custmers\" in the database; did you mean \"customers\"?");
        VERIFY_LINE(report, "/tables/orders/columns/stauts",
                    "has no column \"stauts\"; did you mean \"status\"?");
        const std::string far = lineFor(report, "/tables/orders/columns/zzzzzz");
        QVERIFY(contains(far, "has no column \"zzzzzz\""));
        QVERIFY2(!contains(far, "did you mean"), far.c_str());
    }

    void maskAndPatternOnlyWithActionMask()
    {
        const std::string report =
            problems(parse(R"({"version": 1, "tables": {"customers": {"tenant_column": null,
            "columns": {
              "email": {"action": "allow", "mask": "email"},
              "phone": {"action": "hash", "pattern": "{last4}"},
              "notes": {"action": "mask", "mask": "partial", "pattern": "{first1}***"}}}}})"));
        VERIFY_LINE(report, "/tables/customers/columns/email",
                    "only apply when \"action\" is \"mask\"");
        VERIFY_LINE(report, "/tables/customers/columns/phone",
                    "only apply when \"action\" is \"mask\"");
        VERIFY_LINE(report, "/tables/customers/columns/notes/pattern",
                    "either \"mask\" or \"pattern\"");
        VERIFY_LINE(problems(parse(R"({"version": 1, "tables": {"tenants": {"columns": {
                        "name": {"action": "mask", "mask": "initials"}}}}})")),
                    "/tables/tenants/columns/name/mask", "must be one of");
    }

    void patternNeedsAPlaceholder()
    {
        for (const char *pattern : { "****", "{middle3}***", "{first}***", "***{lastX}" }) {
            Json doc = parse(
                R"({"version": 1, "tables": {"tenants": {"columns": {"name": {"action": "mask"}}}}})");
            doc["tables"]["tenants"]["columns"]["name"]["pattern"] = pattern;
            const std::string report = problems(doc);
            VERIFY_LINE(report, "/tables/tenants/columns/name/pattern", "{firstN} or {lastN}");
        }
        for (const char *pattern : { "{first2}***{last4}", "***{last3}", "{first1}" }) {
            Json doc = parse(
                R"({"version": 1, "tables": {"tenants": {"columns": {"name": {"action": "mask"}}}}})");
            doc["tables"]["tenants"]["columns"]["name"]["pattern"] = pattern;
            auto p = compile(doc);
            QVERIFY2(p.ok(), p.ok() ? pattern : p.error().message.c_str());
        }
        // Column rules are checked the same way.
        VERIFY_LINE(
            problems(parse(R"({"version": 1, "column_rules": [{"match": "*name*", "action": "mask",
                        "pattern": "xx"}], "tables": {"tenants": {}}})")),
            "/column_rules/0/pattern", "{firstN} or {lastN}");
    }

    void filterableOnADeniedColumnIsRefused()
    {
        const std::string report = problems(parse(R"({"version": 1, "column_rules": [
            {"match": "*note*", "action": "deny", "filterable": true}],
            "tables": {"customers": {"tenant_column": null,
              "columns": {"email": {"action": "deny", "filterable": true}}}}})"));
        VERIFY_LINE(report, "/tables/customers/columns/email/filterable", "never be filterable");
        VERIFY_LINE(report, "/column_rules/0/filterable", "never be filterable");
    }

    void tableWithoutTheDefaultTenantColumnMustSaySo()
    {
        const char *base = R"({"version": 1, "defaults": {"tenant_column": "tenant_id"},
                               "tables": {"customers": {}, "audit_log": %1}})";
        const std::string report = problems(
            parse(QString::fromLatin1(base).arg(QStringLiteral("{}")).toUtf8().constData()));
        VERIFY_LINE(report, "/tables/audit_log", "has no column \"tenant_id\"");
        VERIFY_LINE(report, "/tables/audit_log", "\"tenant_column\": null");
        QVERIFY2(lineFor(report, "/tables/customers").empty(), report.c_str());

        // The explicit opt-out is accepted and leaves the table unscoped.
        auto p = compile(parse(QString::fromLatin1(base)
                                   .arg(QStringLiteral(R"({"tenant_column": null})"))
                                   .toUtf8()
                                   .constData()));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QVERIFY((*p)->table("audit_log", someone())->tenantColumn.empty());
        QCOMPARE((*p)->table("customers", someone())->tenantColumn, std::string("tenant_id"));

        // Naming a column that does not exist is an error at that key.
        VERIFY_LINE(problems(parse(QString::fromLatin1(base)
                                       .arg(QStringLiteral(R"({"tenant_column": "org_id"})"))
                                       .toUtf8()
                                       .constData())),
                    "/tables/audit_log/tenant_column", "has no column \"org_id\"");
        // A table that is not readable is still checked: a later "read": true must not open it
        // unscoped.
        VERIFY_LINE(problems(parse(QString::fromLatin1(base)
                                       .arg(QStringLiteral(R"({"read": false})"))
                                       .toUtf8()
                                       .constData())),
                    "/tables/audit_log", "\"tenant_column\": null");
    }

    void everyProblemIsReportedAtOnce()
    {
        const std::string report = problems(parse(R"({
          "version": 3,
          "extends": "devv",
          "defaults": {"tenant_column": "tenant_id", "budget": {"max_rows": 0}},
          "column_rules": [{"match": "*x*", "action": "scramble"}],
          "tables": {
            "custmers": {},
            "audit_log": {},
            "orders": {"read": 1, "columns": {"status": {"action": "allow", "mask": "full"}}},
            "customers": {"columns": {"email": {"action": "mask", "pattern": "***"}}}
          },
          "bogus": true
        })"));
        VERIFY_LINE(report, "/version", "must be 1");
        VERIFY_LINE(report, "/extends", "did you mean \"dev\"?");
        VERIFY_LINE(report, "/defaults/budget/max_rows", "from 1 to");
        VERIFY_LINE(report, "/column_rules/0/action", "must be one of");
        VERIFY_LINE(report, "/tables/custmers", "did you mean \"customers\"?");
        VERIFY_LINE(report, "/tables/audit_log", "\"tenant_column\": null");
        VERIFY_LINE(report, "/tables/orders/read", "true or false");
        VERIFY_LINE(report, "/tables/orders/columns/status", "only apply when");
        VERIFY_LINE(report, "/tables/customers/columns/email/pattern", "placeholder");
        VERIFY_LINE(report, "/bogus", "unknown key");
        // In document order, one per line.
        QVERIFY(report.find("/version") < report.find("/extends"));
        QVERIFY(report.find("/tables/custmers") < report.find("/tables/customers/columns"));
    }

    // Editors put each problem next to its item: the error carries them as data too.
    void problemsComeWithTheirPointers()
    {
        auto p = compile(parse(R"({"version": 1, "tables": {"custmers": {}, "orders": {"read": 1}}})"));
        QVERIFY(!p.ok());
        QCOMPARE(p.error().code, ErrorCode::ConfigInvalid);
        const Json expected = Json::array(
            {Json{{"pointer", "/tables/custmers"}, {"message", "no table \"custmers\" in the database; did you mean \"customers\"?"}},
             Json{{"pointer", "/tables/orders/read"}, {"message", p.error().details["problems"][1]["message"]}}});
        QVERIFY2(p.error().details["problems"] == expected, p.error().details.dump().c_str());
        QVERIFY(p.error().details["problems"][1]["message"].get<std::string>().find("true or false") != std::string::npos);
        // A document that is not even an object has one problem at the root.
        auto root = compile(Json::array());
        QVERIFY(!root.ok());
        QCOMPARE(root.error().details["problems"].size(), std::size_t(1));
        QVERIFY(root.error().details["problems"][0]["pointer"] == "");
    }

    void loadReportsFileAndJsonProblems()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("policy.json")).toStdString();
        auto write = [&](const std::string &text) {
            std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
        };
        auto missing =
            Policy::load(dir.filePath(QStringLiteral("nope.json")).toStdString(), schema());
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::IoError);

        write(R"({"version": 1, "version": 1, "tables": {}})"); // duplicate keys never pass
        auto dup = Policy::load(path, schema());
        QVERIFY(!dup);
        QCOMPARE(dup.error().code, ErrorCode::ConfigInvalid);

        write(R"({"version": 1, "tables": {"tenants": {"raed": true}}})");
        auto bad = Policy::load(path, schema());
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::ConfigInvalid);
        QVERIFY2(contains(bad.error().message, "/tables/tenants/raed"),
                 bad.error().message.c_str());

        write(R"({"version": 1, "tables": {"tenants": {}}})");
        auto good = Policy::load(path, schema());
        QVERIFY2(good.ok(), good.ok() ? "" : good.error().message.c_str());
    }

    // --- semantics ---

    void absentAndUnreadableTablesAreInvisible()
    {
        auto p = compile(parse(R"({"version": 1, "defaults": {"tenant_column": "tenant_id"},
            "tables": {"tenants": {"tenant_column": "id"}, "customers": {"read": false}, "orders": {"read": true}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const Policy &policy = **p;
        QVERIFY(policy.table("orders", someone()));
        QVERIFY(policy.table("tenants", someone()));
        QVERIFY(!policy.table("customers", someone())); // read: false
        QVERIFY(!policy.table("audit_log", someone())); // not in the policy
        QVERIFY(!policy.table("nonexistent", someone()));
        std::vector<std::string> names;
        for (const TableView *t : policy.tables(someone()))
            names.push_back(t->name());
        QCOMPARE(names, (std::vector<std::string> { "tenants", "orders" }));
    }

    void builtinDenyGlobsWinOverEverything()
    {
        // No columns section at all: secrets are still gone, in every profile.
        for (const char *profile : { "prod", "internal", "dev" }) {
            const Json doc = { { "version", 1 },
                               { "extends", profile },
                               { "tables",
                                 { { "customers", { { "tenant_column", nullptr } } } } } };
            auto p = compile(doc);
            QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
            for (const auto &name : secretColumns())
                QVERIFY2(!col(**p, "customers", name.c_str()),
                         (std::string(profile) + ": " + name).c_str());
            QVERIFY(col(**p, "customers", "email"));
            QVERIFY(col(**p, "customers", "notes"));
        }
        // Even an explicit allow (with filterable) or an allow-everything glob cannot bring them
        // back.
        Json doc = parse(R"({"version": 1, "extends": "dev",
            "column_rules": [{"match": "*", "action": "allow"}],
            "tables": {"customers": {"tenant_column": null, "columns": {}}}})");
        for (const auto &name : secretColumns())
            doc["tables"]["customers"]["columns"][name] = { { "action", "allow" },
                                                            { "filterable", true } };
        doc["tables"]["customers"]["columns"]["api_token"] = { { "action", "mask" },
                                                               { "mask", "partial" } };
        doc["tables"]["customers"]["columns"]["password_hash"] = { { "action", "hash" } };
        auto p = compile(doc);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        for (const auto &name : secretColumns())
            QVERIFY2(!col(**p, "customers", name.c_str()), name.c_str());

        for (const char *name : { "password", "db_PASSWORD", "client_secret", "x_token_y",
                                  "API_KEY", "my_apikey", "private_key", "PrivateKey", "passwd" }) {
            bool matched = false;
            for (const auto &g : Policy::builtinDenyGlobs())
                matched = matched || Policy::globMatch(g, name);
            QVERIFY2(matched, name);
        }
        for (const char *name : { "email", "pass", "display_name" }) {
            bool matched = false;
            for (const auto &g : Policy::builtinDenyGlobs())
                matched = matched || Policy::globMatch(g, name);
            QVERIFY2(!matched, name);
        }
    }

    void columnRulesApplyToUnlistedColumns()
    {
        auto p = compile(parse(R"({"version": 1,
            "column_rules": [{"match": "*phone*", "action": "mask", "mask": "phone", "tags": ["pii"]},
                             {"match": "NATIONAL_*", "action": "hash"},
                             {"match": "notes", "action": "deny"},
                             {"match": "*name", "action": "mask", "mask": "partial"}],
            "tables": {"customers": {"tenant_column": null, "columns": {"first_name": {"action": "allow"}}}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const Policy &policy = **p;
        const ColumnView *phone = col(policy, "customers", "phone");
        QVERIFY(phone);
        QCOMPARE(phone->action, ColumnAction::Mask);
        QCOMPARE(phone->mask.kind, MaskSpec::Kind::Phone);
        QCOMPARE(phone->tags, std::vector<std::string> { "pii" });
        QVERIFY(!phone->filterable);
        QCOMPARE(col(policy, "customers", "national_id")->action,
                 ColumnAction::Hash); // globs ignore case
        QVERIFY(!col(policy, "customers", "notes"));
        // Explicit column rules beat globs.
        QCOMPARE(col(policy, "customers", "first_name")->action, ColumnAction::Allow);
        QVERIFY(col(policy, "customers", "first_name")->filterable);
        QCOMPARE(col(policy, "customers", "last_name")->action, ColumnAction::Mask);
        // Columns no rule names are allowed.
        QCOMPARE(col(policy, "customers", "email")->action, ColumnAction::Allow);
        // Columns keep table order and denied ones are absent from the view.
        const TableView *t = policy.table("customers", someone());
        for (const auto &c : t->columns)
            QVERIFY(c.name() != "notes");
    }

    // PHI mode: one switch hides (or reveals) every column carrying a tag, whatever the
    // column's own rule; when several switched tags meet, the most hiding action wins.
    void tagSwitchHidesOrRevealsAClass()
    {
        const char *doc = R"({"version": 1,
            "column_rules": [{"match": "phone", "action": "mask", "mask": "phone", "tags": ["phi"]},
                             {"match": "national_id", "action": "hash", "tags": ["phi", "pii"]},
                             {"match": "email", "action": "allow", "tags": ["pii"]}],
            "tags": {"phi": "deny", "pii": "mask"},
            "tables": {"customers": {"tenant_column": null}}})";
        auto p = compile(parse(doc));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QVERIFY(!col(**p, "customers", "phone"));
        QVERIFY(!col(**p, "customers", "national_id")); // deny beats mask
        QCOMPARE(col(**p, "customers", "email")->action, ColumnAction::Mask);
        QCOMPARE(col(**p, "customers", "email")->mask.kind, MaskSpec::Kind::Full);
        QVERIFY(!col(**p, "customers", "email")->filterable);
        QCOMPARE(col(**p, "customers", "first_name")->action, ColumnAction::Allow); // untagged

        Json reveal = parse(doc);
        reveal["tags"] = Json{{"phi", "allow"}};
        auto r = compile(reveal);
        QVERIFY(r.ok());
        QCOMPARE(col(**r, "customers", "phone")->action, ColumnAction::Allow);
        QVERIFY(col(**r, "customers", "phone")->filterable);
        // A switch never reveals what the built-in rules deny.
        reveal["column_rules"].push_back(Json{{"match", "api_token"}, {"action", "allow"}, {"tags", Json::array({"phi"})}});
        auto b = compile(reveal);
        QVERIFY(b.ok());
        QVERIFY(!col(**b, "customers", "api_token"));

        Json bad = parse(doc);
        bad["tags"] = Json{{"phi", "shred"}};
        QVERIFY(!lineFor(problems(bad), "/tags/phi").empty());
    }

    // Roles come from the principal; the first role the policy lists that the principal has
    // lays its overrides (tables, columns, budgets, tag switches) over the base policy.
    void rolesOverrideTablesColumnsAndTags()
    {
        auto p = compile(parse(R"({"version": 1,
            "column_rules": [{"match": "phone", "action": "mask", "mask": "phone", "tags": ["phi"]}],
            "tags": {"phi": "deny"},
            "tables": {"customers": {"tenant_column": "tenant_id", "columns": {"email": {"action": "mask", "mask": "email"}}}},
            "roles": {
              "support": {"description": "help desk",
                          "tables": {"customers": {"columns": {"email": {"action": "allow"}}, "budget": {"max_rows": 5}}}},
              "clinician": {"tags": {"phi": "allow"}},
              "auditor": {"tables": {"orders": {"tenant_column": null}}}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const Policy &policy = **p;
        auto as = [](std::vector<std::string> roles) {
            Principal who = someone();
            who.roles = std::move(roles);
            return who;
        };
        const TableView *plain = policy.table("customers", as({}));
        const TableView *support = policy.table("customers", as({"support"}));
        QVERIFY(plain && support);
        QCOMPARE(plain->column("email")->action, ColumnAction::Mask);
        QCOMPARE(support->column("email")->action, ColumnAction::Allow);
        QCOMPARE(support->budget.maxRows, std::int64_t(5));
        QCOMPARE(support->tenantColumn, std::string("tenant_id")); // what the role leaves alone stays
        QVERIFY(!plain->column("phone"));
        QCOMPARE(policy.table("customers", as({"clinician"}))->column("phone")->action, ColumnAction::Allow);
        // Tables: visible to the role that adds them, to no one else.
        QVERIFY(!policy.table("orders", as({})));
        QVERIFY(!policy.table("orders", as({"support"})));
        QVERIFY(policy.table("orders", as({"auditor"})));
        QCOMPARE(policy.tables(as({"auditor"})).size(), std::size_t(2));
        // Several roles: the first one the policy lists wins.
        QCOMPARE(policy.table("customers", as({"clinician", "support"}))->column("email")->action, ColumnAction::Allow);
        QVERIFY(!policy.table("customers", as({"clinician", "support"}))->column("phone"));
        QVERIFY(!policy.table("customers", as({"unknown-role"}))->column("phone"));
    }

    void roleProblemsNameTheRole()
    {
        const std::string report = problems(parse(R"({"version": 1,
            "tables": {"customers": {"tenant_column": null}},
            "roles": {"support": {"tables": {"customers": {"columns": {"emial": {"action": "allow"}}}}},
                      "ops": {"tabels": {}},
                      "auditor": []}})"));
        QVERIFY2(contains(lineFor(report, "/roles/support"), "emial"), report.c_str());
        QVERIFY2(contains(lineFor(report, "/roles/support"), "did you mean \"email\""), report.c_str());
        QVERIFY2(!lineFor(report, "/roles/ops/tabels").empty(), report.c_str());
        QVERIFY2(!lineFor(report, "/roles/auditor").empty(), report.c_str());
    }

    void explicitColumnRuleBeatsGlobEvenToDeny()
    {
        auto p = compile(parse(R"({"version": 1,
            "column_rules": [{"match": "*", "action": "mask", "mask": "full"}],
            "tables": {"orders": {"tenant_column": null, "columns": {
              "id": {"action": "allow"}, "status": {"action": "deny"}, "total_cents": {"action": "hash"}}}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        QCOMPARE(col(**p, "orders", "id")->action, ColumnAction::Allow);
        QVERIFY(!col(**p, "orders", "status"));
        QCOMPARE(col(**p, "orders", "total_cents")->action, ColumnAction::Hash);
        QCOMPARE(col(**p, "orders", "owner_id")->action, ColumnAction::Mask);
        QCOMPARE(col(**p, "orders", "owner_id")->mask.kind, MaskSpec::Kind::Full);
    }

    void maskedAndHashedAreNotFilterableUnlessSaid()
    {
        auto p = compile(
            parse(R"({"version": 1, "tables": {"customers": {"tenant_column": null, "columns": {
              "email": {"action": "mask", "mask": "email"},
              "phone": {"action": "mask", "mask": "phone", "filterable": true},
              "national_id": {"action": "hash"},
              "last_name": {"action": "hash", "filterable": true},
              "first_name": {"action": "allow", "filterable": false},
              "notes": {"action": "mask", "pattern": "{first2}***"}}}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const Policy &policy = **p;
        QVERIFY(!col(policy, "customers", "email")->filterable);
        QVERIFY(col(policy, "customers", "phone")->filterable);
        QVERIFY(!col(policy, "customers", "national_id")->filterable);
        QVERIFY(col(policy, "customers", "last_name")->filterable);
        QVERIFY(!col(policy, "customers", "first_name")->filterable);
        QVERIFY(col(policy, "customers", "id")->filterable);
        QCOMPARE(col(policy, "customers", "notes")->mask.kind, MaskSpec::Kind::Pattern);
        QCOMPARE(col(policy, "customers", "notes")->mask.pattern, std::string("{first2}***"));
        QCOMPARE(col(policy, "customers", "email")->mask.kind, MaskSpec::Kind::Email);
    }

    void rowScopesFromDefaultsAndTables()
    {
        auto p = compile(parse(R"({"version": 1,
            "defaults": {"tenant_column": "tenant_id", "owner_column": "owner_id", "soft_delete_column": "deleted_at"},
            "tables": {"customers": {"owner_column": null}, "orders": {"soft_delete_column": null},
                       "tenants": {"tenant_column": "id"}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const TableView *c = (*p)->table("customers", someone());
        QCOMPARE(c->tenantColumn, std::string("tenant_id"));
        QCOMPARE(c->ownerColumn, std::string());
        QCOMPARE(c->softDeleteColumn, std::string("deleted_at"));
        const TableView *o = (*p)->table("orders", someone());
        QCOMPARE(o->ownerColumn, std::string("owner_id"));
        QCOMPARE(o->softDeleteColumn, std::string());
        const TableView *t = (*p)->table("tenants", someone());
        QCOMPARE(t->tenantColumn, std::string("id"));
        // Optional defaults (owner, soft delete) simply do not apply where the column is missing.
        QCOMPARE(t->ownerColumn, std::string());
        QCOMPARE(t->softDeleteColumn, std::string());
    }

    void profileBudgets()
    {
        struct Expect
        {
            const char *profile;
            std::int64_t maxRows;
            int selectFields, includeDepth, timeoutMs;
            bool guard;
        };
        for (const Expect &e : { Expect { "prod", 100, 40, 1, 2000, true },
                                 Expect { "internal", 500, 80, 2, 5000, true },
                                 Expect { "dev", 1000, 100, 3, 10000, false } }) {
            const Json doc = { { "version", 1 },
                               { "extends", e.profile },
                               { "tables", { { "tenants", Json::object() } } } };
            auto p = compile(doc);
            QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
            QCOMPARE((*p)->profile(), std::string(e.profile));
            const Budget &b = (*p)->table("tenants", someone())->budget;
            QCOMPARE(b.maxRows, e.maxRows);
            QCOMPARE(b.maxSelectFields, e.selectFields);
            QCOMPARE(b.maxIncludeDepth, e.includeDepth);
            QCOMPARE(b.statementTimeoutMs, e.timeoutMs);
            QCOMPARE(b.broadQueryGuard, e.guard);
        }
        // No extends: prod.
        auto p = compile(parse(R"({"version": 1, "tables": {"tenants": {}}})"));
        QCOMPARE((*p)->table("tenants", someone())->budget.maxRows, std::int64_t(100));
    }

    void budgetOverridesKeyByKey()
    {
        auto p = compile(parse(R"({"version": 1, "extends": "internal",
            "defaults": {"budget": {"max_rows": 50, "max_in_list": 20}},
            "tables": {"tenants": {"budget": {"statement_timeout_ms": 300, "max_filter_depth": 3}},
                       "audit_log": {"budget": {"max_rows": 7}}, "orders": {}}})"));
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().message.c_str());
        const Budget &t = (*p)->table("tenants", someone())->budget;
        QCOMPARE(t.maxRows, std::int64_t(50)); // defaults.budget
        QCOMPARE(t.maxInList, 20); // defaults.budget
        QCOMPARE(t.statementTimeoutMs, 300); // the table's own
        QCOMPARE(t.maxFilterDepth, 3); // the table's own
        QCOMPARE(t.maxSelectFields, 80); // the profile's
        const Budget &a = (*p)->table("audit_log", someone())->budget;
        QCOMPARE(a.maxRows, std::int64_t(7));
        QCOMPARE(a.statementTimeoutMs, 5000); // the profile's; not the other table's
        QCOMPARE(a.maxInList, 20);
        const Budget &o = (*p)->table("orders", someone())->budget;
        QCOMPARE(o.maxRows, std::int64_t(50));
        QCOMPARE(o.maxFilterDepth, Budget().maxFilterDepth);
    }

    void versionHashIsCanonical()
    {
        auto a = compile(parse(R"({"version": 1, "extends": "prod",
            "tables": {"tenants": {"read": true, "columns": {"name": {"action": "mask", "mask": "partial"}}},
                       "orders": {"tenant_column": null}}})"));
        auto b = compile(parse(R"({"tables": {"orders": {"tenant_column": null},
            "tenants": {"columns": {"name": {"mask": "partial", "action": "mask"}}, "read": true}},
            "extends": "prod", "version": 1})"));
        auto c = compile(parse(R"({"version": 1, "extends": "prod",
            "tables": {"tenants": {"read": true, "columns": {"name": {"action": "mask", "mask": "full"}}},
                       "orders": {"tenant_column": null}}})"));
        QVERIFY(a && b && c);
        const std::string &ha = (*a)->versionHash();
        QCOMPARE(ha.size(), std::size_t(64));
        QVERIFY(ha.find_first_not_of("0123456789abcdef") == std::string::npos);
        QCOMPARE((*b)->versionHash(), ha);
        QVERIFY((*c)->versionHash() != ha);
        // Whitespace is not content either.
        auto d = compile(parse(
            "{\"version\":1,\"extends\":\"prod\",\"tables\":{\"orders\":{\"tenant_column\":null},"
            "\"tenants\":{\"read\":true,\"columns\":{\"name\":{\"action\":\"mask\",\"mask\":"
            "\"partial\"}}}}}"));
        QCOMPARE((*d)->versionHash(), ha);
        JCOMPARE((*a)->document(), parse(R"({"version": 1, "extends": "prod",
            "tables": {"tenants": {"read": true, "columns": {"name": {"action": "mask", "mask": "partial"}}},
                       "orders": {"tenant_column": null}}})"));
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "TestPolicy.moc"
