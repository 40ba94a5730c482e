// Relations in the policy: derived from foreign keys both ways, switched off or declared in
// the policy, validated with JSON pointers, and offered per caller only between visible
// tables through visible, filterable columns.

#include "common/StrictJson.h"
#include "policy/Policy.h"
#include "policy/RelationBuilder.h"

#include <QTest>

#include <set>

using namespace warden;

namespace {

db::ColumnInfo column(std::string name, std::string type = "integer", bool primaryKey = false)
{
    db::ColumnInfo c;
    c.name = std::move(name);
    c.type = type;
    c.declaredType = std::move(type);
    c.primaryKey = primaryKey;
    c.nullable = !primaryKey;
    return c;
}

db::ForeignKey fk(std::string column, std::string table, std::string refColumn,
                  std::string constraint)
{
    return { std::move(column), std::move(table), std::move(refColumn), std::move(constraint) };
}

db::Schema schema()
{
    db::Schema s;
    auto add = [&](std::string name, std::vector<db::ColumnInfo> cols,
                   std::vector<db::ForeignKey> fks = {}) {
        db::TableInfo t;
        t.name = std::move(name);
        t.columns = std::move(cols);
        for (const auto &c : t.columns)
            if (c.primaryKey)
                t.primaryKey.push_back(c.name);
        t.foreignKeys = std::move(fks);
        s.tables.push_back(std::move(t));
    };
    add("tenants", { column("id", "integer", true), column("name", "text") });
    add("customers",
        { column("id", "integer", true), column("tenant_id"), column("email", "text"),
          column("code", "text") },
        { fk("tenant_id", "tenants", "id", "c1") });
    add("orders",
        { column("id", "integer", true), column("tenant_id"), column("customer_id"),
          column("billing_customer_id"), column("secret_ref"), column("customer_code", "text"),
          column("note", "text") },
        { fk("tenant_id", "tenants", "id", "o1"), fk("customer_id", "customers", "id", "o2"),
          fk("billing_customer_id", "customers", "id", "o3") });
    add("items", { column("id", "integer", true), column("tenant_id"), column("order_id") },
        { fk("order_id", "orders", "id", "i1") });
    add("parts", { column("a", "integer", true), column("b", "integer", true) });
    add("part_links", { column("id", "integer", true), column("a"), column("b") },
        { fk("a", "parts", "a", "p1"), fk("b", "parts", "b", "p1") });
    add("notes", { column("id", "integer", true), column("customer"), column("customer_id") },
        { fk("customer_id", "customers", "id", "n1") });
    add("refs", { column("id", "integer", true), column("owner") },
        { fk("owner", "customers", "id", "r1") });
    add("hidden", { column("id", "integer", true), column("customer_id") },
        { fk("customer_id", "customers", "id", "h1") });
    return s;
}

Json basePolicy()
{
    return Json::parse(R"({
      "version": 1,
      "defaults": {"tenant_column": "tenant_id"},
      "tables": {
        "tenants": {"tenant_column": "id"},
        "customers": {"columns": {"email": {"action": "mask", "mask": "email"}}},
        "orders": {},
        "items": {},
        "parts": {"tenant_column": null},
        "part_links": {"tenant_column": null},
        "notes": {"tenant_column": null},
        "refs": {"tenant_column": null}
      }
    })");
}

Principal principal()
{
    Principal p;
    p.userId = "u";
    p.tenantId = "1";
    return p;
}

std::shared_ptr<const Policy> compile(const Json &doc)
{
    auto p = Policy::fromJson(doc, schema());
    if (!p)
        qFatal("policy: %s", p.error().message.c_str());
    return std::move(p).value();
}

// "name:kind:target:via>target_column" for each relation a caller may follow.
std::set<std::string> described(const Policy &p, const std::string &table)
{
    std::set<std::string> out;
    for (const RelationView &r : p.relations(table, principal()))
        out.insert(r.name() + ":" + Relation::kindName(r.kind()) + ":" + r.target->name() + ":"
                   + r.column->name() + ">" + r.targetColumn->name());
    return out;
}

// The problems of an invalid policy, one "pointer: message" per line.
std::string problems(const Json &doc)
{
    auto p = Policy::fromJson(doc, schema());
    return p ? std::string() : p.error().message;
}

} // namespace

class TestRelationBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void derivesBothDirectionsFromForeignKeys()
    {
        const auto p = compile(basePolicy());
        QCOMPARE(described(*p, "orders"),
                 (std::set<std::string> {
                     "tenant:many_to_one:tenants:tenant_id>id",
                     "customer:many_to_one:customers:customer_id>id",
                     "billing_customer:many_to_one:customers:billing_customer_id>id",
                     "items:one_to_many:items:id>order_id" }));
        // Two foreign keys from orders to customers: neither one_to_many may be plain "orders".
        // notes has a visible column "customer", so its many_to_one takes the longer name;
        // refs.owner has no "_id" and is named after its target.
        QCOMPARE(described(*p, "customers"),
                 (std::set<std::string> {
                     "tenant:many_to_one:tenants:tenant_id>id",
                     "orders_by_customer:one_to_many:orders:id>customer_id",
                     "orders_by_billing_customer:one_to_many:orders:id>billing_customer_id",
                     "notes:one_to_many:notes:id>customer_id", "refs:one_to_many:refs:id>owner" }));
        QCOMPARE(
            described(*p, "notes"),
            (std::set<std::string> { "customer_customers:many_to_one:customers:customer_id>id" }));
        QCOMPARE(described(*p, "refs"),
                 (std::set<std::string> { "customers:many_to_one:customers:owner>id" }));
        QCOMPARE(described(*p, "tenants"),
                 (std::set<std::string> { "customers:one_to_many:customers:id>tenant_id",
                                          "orders:one_to_many:orders:id>tenant_id" }));
        // A composite foreign key links nothing column by column; a table outside the policy
        // ("hidden") has no relations and is no relation's target.
        QVERIFY(described(*p, "part_links").empty());
        QVERIFY(described(*p, "parts").empty());
        QVERIFY(described(*p, "hidden").empty());
        QVERIFY(p->relation("orders", "customer", principal()));
        QVERIFY(!p->relation("orders", "customers", principal()));
        QVERIFY(!p->relation("nope", "customer", principal()));
    }

    void offersOnlyVisibleTablesAndFilterableLinks()
    {
        Json doc = basePolicy();
        doc["tables"]["items"]["read"] = false;
        doc["tables"]["orders"]["columns"] = {
            { "customer_id", { { "action", "hash" } } },
            { "billing_customer_id", { { "action", "mask" }, { "filterable", true } } }
        };
        const auto p = compile(doc);
        QCOMPARE(described(*p, "orders"),
                 (std::set<std::string> {
                     "tenant:many_to_one:tenants:tenant_id>id",
                     "billing_customer:many_to_one:customers:billing_customer_id>id" }));
        QVERIFY(described(*p, "items").empty()); // not readable: no relations at all
        QVERIFY(!described(*p, "customers")
                     .count("orders_by_customer:one_to_many:orders:id>customer_id"));
        // Denied link columns (built-in *secret* glob) never carry a relation either.
        doc = basePolicy();
        doc["tables"]["orders"]["relations"] =
            Json::parse(R"({"via_secret": {"target": "customers", "via": "secret_ref"}})");
        const std::string report = problems(doc);
        QVERIFY2(report.find("/tables/orders/relations/via_secret/via: column \"secret_ref\" of "
                             "\"orders\" is denied")
                     != std::string::npos,
                 report.c_str());
    }

    void policySwitchesOffAndDeclaresRelations()
    {
        Json doc = basePolicy();
        doc["tables"]["orders"]["relations"] = Json::parse(R"({
            "customer": {"allow": false},
            "billing_customer": {"target": "customers", "via": "billing_customer_id", "allow": true},
            "buyer": {"target": "customers", "kind": "many_to_one", "via": "customer_code", "target_column": "code"}})");
        doc["tables"]["customers"]["relations"] = Json::parse(R"({
            "purchases": {"target": "orders", "kind": "one_to_many", "target_column": "customer_id"},
            "tenant": {"allow": false}})");
        const auto p = compile(doc);
        QCOMPARE(described(*p, "orders"),
                 (std::set<std::string> {
                     "tenant:many_to_one:tenants:tenant_id>id",
                     "billing_customer:many_to_one:customers:billing_customer_id>id",
                     "buyer:many_to_one:customers:customer_code>code",
                     "items:one_to_many:items:id>order_id" }));
        const auto customers = described(*p, "customers");
        QVERIFY(customers.count("purchases:one_to_many:orders:id>customer_id"));
        QVERIFY(!customers.count("tenant:many_to_one:tenants:tenant_id>id"));
        QVERIFY(p->relation("orders", "buyer", principal())->relation->declared);
        // A declaration under a derived relation's name replaces it.
        QVERIFY(p->relation("orders", "billing_customer", principal())->relation->declared);
        QVERIFY(!p->relation("orders", "tenant", principal())->relation->declared);
        // A declaration with allow false declares nothing.
        doc = basePolicy();
        doc["tables"]["orders"]["relations"] = Json::parse(
            R"({"buyer": {"target": "customers", "via": "customer_id", "allow": false}})");
        QVERIFY(!compile(doc)->relation("orders", "buyer", principal()));
    }

    void reportsBadRelationsWithPointers_data()
    {
        QTest::addColumn<QByteArray>("relations"); // tables.orders.relations
        QTest::addColumn<QByteArray>("expected"); // a line of the report
        QTest::newRow("not an object")
            << QByteArray(R"([])") << QByteArray("/tables/orders/relations: must be an object");
        QTest::newRow("unknown derived")
            << QByteArray(R"({"custmer": {"allow": false}})")
            << QByteArray("/tables/orders/relations/custmer: no relation \"custmer\" comes from a "
                          "foreign key of \"orders\"; did you mean \"customer\"?");
        QTest::newRow("unknown key") << QByteArray(R"({"customer": {"allowed": false}})")
                                     << QByteArray("/tables/orders/relations/customer");
        QTest::newRow("allow not bool") << QByteArray(R"({"customer": {"allow": "no"}})")
                                        << QByteArray("/tables/orders/relations/customer/allow");
        QTest::newRow("unknown target")
            << QByteArray(R"({"x": {"target": "custmers", "via": "customer_id"}})")
            << QByteArray(
                   "/tables/orders/relations/x/target: \"custmers\" is not a table of this "
                   "policy; a relation leads only to a listed table; did you mean \"customers\"?");
        QTest::newRow("unlisted target")
            << QByteArray(R"({"x": {"target": "hidden", "via": "customer_id"}})")
            << QByteArray(
                   "/tables/orders/relations/x/target: \"hidden\" is not a table of this policy");
        QTest::newRow("missing via")
            << QByteArray(R"({"x": {"target": "customers"}})")
            << QByteArray(
                   "/tables/orders/relations/x: \"via\" is required for a many_to_one relation");
        QTest::newRow("missing target_column")
            << QByteArray(R"({"x": {"target": "items", "kind": "one_to_many"}})")
            << QByteArray("/tables/orders/relations/x: \"target_column\" is required for a "
                          "one_to_many relation");
        QTest::newRow("no such via")
            << QByteArray(R"({"x": {"target": "customers", "via": "customer_ic"}})")
            << QByteArray("/tables/orders/relations/x/via: table \"orders\" has no column "
                          "\"customer_ic\"; "
                          "did you mean \"customer_id\"?");
        QTest::newRow("no such target column") << QByteArray(
            R"({"x": {"target": "customers", "via": "customer_id", "target_column": "idd"}})")
                                               << QByteArray(
                                                      "/tables/orders/relations/x/target_column: "
                                                      "table \"customers\" has no column \"idd\"");
        QTest::newRow("masked link") << QByteArray(
            R"({"x": {"target": "customers", "via": "customer_code", "target_column": "email"}})")
                                     << QByteArray("/tables/orders/relations/x/target_column: "
                                                   "column \"email\" of \"customers\" is "
                                                   "masked or hashed and not filterable");
        QTest::newRow("bad kind") << QByteArray(
            R"({"x": {"target": "customers", "via": "customer_id", "kind": "many_to_many"}})")
                                  << QByteArray("/tables/orders/relations/x/kind");
        QTest::newRow("column name")
            << QByteArray(R"({"note": {"target": "customers", "via": "customer_id"}})")
            << QByteArray("/tables/orders/relations/note: \"note\" is also a column of \"orders\"");
        QTest::newRow("unsafe name")
            << QByteArray(R"({"1st buyer": {"target": "customers", "via": "customer_id"}})")
            << QByteArray(
                   "/tables/orders/relations/1st buyer: a relation name is a letter or underscore");
        QTest::newRow("no key to default to")
            << QByteArray(R"({"x": {"target": "parts", "via": "customer_id"}})")
            << QByteArray("/tables/orders/relations/x: give \"target_column\": \"parts\" has no "
                          "single-column primary key");
    }

    void reportsBadRelationsWithPointers()
    {
        QFETCH(QByteArray, relations);
        QFETCH(QByteArray, expected);
        Json doc = basePolicy();
        doc["tables"]["orders"]["relations"] = Json::parse(relations.toStdString());
        const std::string report = problems(doc);
        QVERIFY2(!report.empty(), "the policy was accepted");
        QVERIFY2(report.find(expected.toStdString()) != std::string::npos, report.c_str());
    }

    void safeNames()
    {
        for (const char *good : { "a", "_x", "order_items", "A1_b2" })
            QVERIFY2(RelationBuilder::isSafeName(good), good);
        for (const char *bad : { "", "1a", "a-b", "a b", "a\"b", "ä", "a;--" })
            QVERIFY2(!RelationBuilder::isSafeName(bad), bad);
        QVERIFY(!RelationBuilder::isSafeName(std::string(64, 'a')));
        QVERIFY(RelationBuilder::isSafeName(std::string(63, 'a')));
    }
};

QTEST_GUILESS_MAIN(TestRelationBuilder)
#include "TestRelationBuilder.moc"
