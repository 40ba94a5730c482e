#include "common/StrictJson.h"
#include "policy/PolicyDiff.h"

#include <QFile>
#include <QTest>

using namespace warden;

namespace {

Json demoPolicy()
{
    QFile f(QStringLiteral(WARDEN_TEST_DATA_DIR "/../../resources/demo/policy.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read the demo policy");
    auto doc = StrictJson::parse(f.readAll().toStdString());
    if (!doc)
        qFatal("demo policy does not parse: %s", doc.error().message.c_str());
    return *doc;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString js(const Json &value)
{
    return QString::fromStdString(value.dump());
}

// "kind pointer" for each change, for compact comparisons.
QStringList summary(const std::vector<PolicyChange> &changes)
{
    QStringList out;
    for (const auto &c : changes)
        out << q(PolicyChange::Kind::Added == c.kind ? "+" : PolicyChange::Kind::Removed == c.kind ? "-" : "~") + u' '
                   + q(c.pointer);
    return out;
}

} // namespace

class TestPolicyDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identicalDocumentsHaveNoChanges()
    {
        const Json doc = demoPolicy();
        QVERIFY(PolicyDiff::compare(doc, doc).empty());
        QCOMPARE(q(PolicyDiff::render({})), QStringLiteral("no changes\n"));
    }

    void keyOrderAndDefaultsDoNotCount()
    {
        const Json a = Json::parse(R"({"version": 1, "tables": {"orders": {"read": true, "columns": {}}}})");
        const Json b = Json::parse(R"({"tables": {"orders": {}}, "extends": "prod", "version": 1,
                                       "defaults": {"budget": {}}, "column_rules": []})");
        const auto changes = PolicyDiff::compare(a, b);
        QVERIFY2(changes.empty(), PolicyDiff::render(changes).c_str());
    }

    void columnActionChange()
    {
        const Json before = demoPolicy();
        Json after = before;
        after["tables"]["customers"]["columns"]["email"] = Json{{"action", "allow"}};
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(changes.size(), std::size_t(1));
        const PolicyChange &c = changes[0];
        QCOMPARE(c.kind, PolicyChange::Kind::Changed);
        QCOMPARE(q(c.pointer), QStringLiteral("/tables/customers/columns/email"));
        QCOMPARE(q(c.text), QStringLiteral("mask(email) [pii] \u2192 allow"));
        QCOMPARE(q(c.toString()), QStringLiteral("~ /tables/customers/columns/email: mask(email) [pii] \u2192 allow"));
        QCOMPARE(js(c.before), js(before["tables"]["customers"]["columns"]["email"]));
        QCOMPARE(js(c.after), js(after["tables"]["customers"]["columns"]["email"]));
        const Json j = c.toJson();
        QCOMPARE(q(j["kind"].get<std::string>()), QStringLiteral("changed"));
        QCOMPARE(js(j["after"]), js(Json({{"action", "allow"}})));
    }

    void maskKindsPatternsAndFlags()
    {
        const Json before = Json::parse(R"({"version": 1, "tables": {"c": {"columns": {
            "dob": {"action": "mask", "pattern": "{first4}-**-**"},
            "id": {"action": "hash"}}}}})");
        Json after = before;
        after["tables"]["c"]["columns"]["dob"]["pattern"] = "{first2}**";
        after["tables"]["c"]["columns"]["id"]["filterable"] = true;
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(changes.size(), std::size_t(2));
        QCOMPARE(q(changes[0].text), QStringLiteral("mask({first4}-**-**) \u2192 mask({first2}**)"));
        QCOMPARE(q(changes[1].text), QStringLiteral("hash \u2192 hash filterable"));
    }

    void columnAddedAndRemoved()
    {
        const Json before = demoPolicy();
        Json after = before;
        after["tables"]["customers"]["columns"].erase("phone");
        after["tables"]["orders"]["columns"] = Json{{"total", Json{{"action", "deny"}}}};
        QCOMPARE(summary(PolicyDiff::compare(before, after)),
                 (QStringList{QStringLiteral("- /tables/customers/columns/phone"),
                              QStringLiteral("+ /tables/orders/columns/total")}));
    }

    void tableAddedAndRemoved()
    {
        const Json before = demoPolicy();
        Json after = before;
        after["tables"].erase("users");
        after["tables"]["audit_log"] = Json{{"read", true}, {"tenant_column", nullptr}};
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes),
                 (QStringList{QStringLiteral("+ /tables/audit_log"), QStringLiteral("- /tables/users")}));
        QCOMPARE(q(changes[0].text), QStringLiteral("table added (readable, tenant_column null)"));
        QVERIFY(changes[0].before.is_null());
        QCOMPARE(js(changes[0].after), js(after["tables"]["audit_log"]));
        QVERIFY(q(changes[1].text).startsWith(QStringLiteral("table removed")));
        QCOMPARE(js(changes[1].before), js(before["tables"]["users"]));
        // A table that only becomes hidden is a change of "read", not a removal.
        Json hidden = before;
        hidden["tables"]["orders"]["read"] = false;
        QCOMPARE(q(PolicyDiff::render(PolicyDiff::compare(before, hidden))),
                 QStringLiteral("~ /tables/orders/read: true \u2192 false\n"));
    }

    void budgetChanges()
    {
        const Json before = demoPolicy();
        Json after = before;
        after["defaults"]["budget"]["max_rows"] = 500;
        after["defaults"]["budget"].erase("statement_timeout_ms");
        after["tables"]["orders"]["budget"] = Json{{"max_rows", 20}};
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes),
                 (QStringList{QStringLiteral("~ /defaults/budget/max_rows"),
                              QStringLiteral("- /defaults/budget/statement_timeout_ms"),
                              QStringLiteral("+ /tables/orders/budget/max_rows")}));
        QCOMPARE(q(changes[0].text), QStringLiteral("100 \u2192 500"));
        QCOMPARE(q(changes[2].text), QStringLiteral("added 20"));
    }

    void writeSwitchesAndRules()
    {
        const Json before = demoPolicy();
        Json same = before;
        same["tables"]["orders"]["write"] = false; // what an absent "write" means
        QVERIFY(PolicyDiff::compare(before, same).empty());
        Json after = before;
        after["tables"]["orders"]["write"] = true;
        after["tables"]["orders"]["writes"] = Json{{"approval", "delete"}};
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes), (QStringList{QStringLiteral("~ /tables/orders/write"),
                                                QStringLiteral("+ /tables/orders/writes/approval")}));
        QCOMPARE(q(changes[0].text), QStringLiteral("false \u2192 true"));
        Json added = before;
        added["tables"]["ledger"] = Json{{"write", true}, {"writes", Json{{"approval", "always"}}}};
        const auto table = PolicyDiff::compare(before, added);
        QCOMPARE(table.size(), std::size_t(1));
        QVERIFY2(q(table[0].text).contains(QStringLiteral("writable (approval always)")), table[0].text.c_str());
    }

    void rowScopesAndProfile()
    {
        const Json before = demoPolicy();
        Json after = before;
        after["tables"]["orders"]["soft_delete_column"] = nullptr;
        after["defaults"]["tenant_column"] = "org_id";
        after["extends"] = "dev";
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes),
                 (QStringList{QStringLiteral("~ /extends"), QStringLiteral("~ /defaults/tenant_column"),
                              QStringLiteral("~ /tables/orders/soft_delete_column")}));
        QVERIFY(q(changes[0].text).contains(QStringLiteral("profile budgets change")));
        QCOMPARE(q(changes[2].text), QStringLiteral("\"deleted_at\" \u2192 null"));
    }

    void columnRulesMatchedByGlob()
    {
        const Json before = Json::parse(R"({"version": 1, "tables": {}, "column_rules": [
            {"match": "*ssn*", "action": "deny"},
            {"match": "*email*", "action": "mask", "mask": "email"},
            {"match": "*dob*", "action": "hash"}]})");
        Json after = Json::parse(R"({"version": 1, "tables": {}, "column_rules": [
            {"match": "*new*", "action": "deny"},
            {"match": "*ssn*", "action": "deny"},
            {"match": "*email*", "action": "allow"}]})");
        auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes),
                 (QStringList{QStringLiteral("+ /column_rules/0"), QStringLiteral("~ /column_rules/2"),
                              QStringLiteral("- /column_rules/2")}));
        QCOMPARE(q(changes[1].text), QStringLiteral("*email*: mask(email) \u2192 allow"));
        QCOMPARE(q(changes[2].text), QStringLiteral("removed rule *dob*: hash"));

        // The first matching rule wins: swapping two rules is a change.
        Json swapped = before;
        std::swap(swapped["column_rules"][0], swapped["column_rules"][1]);
        changes = PolicyDiff::compare(before, swapped);
        QCOMPARE(summary(changes), QStringList{QStringLiteral("~ /column_rules")});
        QVERIFY(q(changes[0].text).contains(QStringLiteral("*ssn*, *email*, *dob* \u2192 *email*, *ssn*, *dob*")));
    }

    void unknownKeysAreComparedGenerically()
    {
        const Json before = Json::parse(R"({"version": 1, "tables": {}, "scopes": {"db_query": "db:read"}})");
        const Json after = Json::parse(R"({"version": 1, "tables": {}, "scopes": {"db_query": "db:query"},
                                           "roles": {"admin": {}}})");
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(summary(changes), (QStringList{QStringLiteral("~ /scopes/db_query"), QStringLiteral("+ /roles")}));
    }

    void malformedDocumentsDoNotThrow()
    {
        const Json before = Json::parse(R"({"tables": [], "column_rules": {"x": 1}})");
        const Json after = Json::parse(R"({"tables": {"t": 5}, "column_rules": [{"action": 3}]})");
        const auto changes = PolicyDiff::compare(before, after);
        QCOMPARE(changes.size(), std::size_t(2));
        QVERIFY(!PolicyDiff::compare(Json(3), Json("x")).empty());
        std::string bad = "\xff\xfe";
        const auto invalidUtf8 = PolicyDiff::compare(Json{{"description", "a"}}, Json{{"description", bad}});
        QCOMPARE(invalidUtf8.size(), std::size_t(1));
        QVERIFY(!PolicyDiff::render(invalidUtf8).empty());
    }
};

QTEST_GUILESS_MAIN(TestPolicyDiff)
#include "TestPolicyDiff.moc"
