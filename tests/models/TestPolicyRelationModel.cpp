#include "PolicyRelationModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;

namespace {

db::ColumnInfo col(const char *name, bool pk = false)
{
    db::ColumnInfo c;
    c.name = name;
    c.type = "integer";
    c.primaryKey = pk;
    return c;
}

// customers <- orders (customer_id, billing_customer_id), orders -> users (user_id).
std::shared_ptr<const db::Schema> shopSchema()
{
    auto schema = std::make_shared<db::Schema>();
    db::TableInfo customers;
    customers.name = "customers";
    customers.columns = { col("id", true), col("code"), col("name") };
    customers.primaryKey = { "id" };
    db::TableInfo orders;
    orders.name = "orders";
    orders.columns = { col("id", true), col("customer_id"), col("billing_customer_id"),
                       col("user_id"), col("customer_code") };
    orders.primaryKey = { "id" };
    orders.foreignKeys = { { "customer_id", "customers", "id", "fk1" },
                           { "billing_customer_id", "customers", "id", "fk2" },
                           { "user_id", "users", "id", "fk3" } };
    db::TableInfo users;
    users.name = "users";
    users.columns = { col("id", true), col("name") };
    users.primaryKey = { "id" };
    schema->tables = { customers, orders, users };
    return schema;
}

Json shopPolicy()
{
    return Json::parse(R"({
      "version": 1,
      "tables": {
        "customers": {},
        "orders": {"relations": {
          "billing_customer": {"allow": false},
          "buyer": {"target": "customers", "via": "customer_code", "target_column": "code"}}}
      },
      "roles": {"support": {"tables": {"orders": {"relations": {
          "helper": {"target": "users", "kind": "many_to_one", "via": "user_id"}}}}}}
    })");
}

} // namespace

class TestPolicyRelationModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<PolicyTreeModel> m_tree;
    std::unique_ptr<PolicyRelationModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    QStringList column(int c) const
    {
        QStringList out;
        for (int row = 0; row < m_model->rowCount(); ++row)
            out << m_model->index(row, c).data().toString();
        return out;
    }

private Q_SLOTS:
    void init()
    {
        m_tree = std::make_unique<PolicyTreeModel>();
        m_tree->setSchema(shopSchema());
        m_tree->setDocument(shopPolicy());
        m_model = std::make_unique<PolicyRelationModel>(m_tree.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_tree.reset();
    }

    void declaredFirstThenForeignKeysBetweenListedTables()
    {
        QCOMPARE(m_model->rowCount(), 0);
        m_model->setTable(QStringLiteral("orders"));
        // users is not listed: no relation to it.
        QCOMPARE(column(PolicyRelationModel::NameColumn),
                 QStringList({ QStringLiteral("billing_customer"), QStringLiteral("buyer"),
                               QStringLiteral("customer") }));
        QCOMPARE(column(PolicyRelationModel::SourceColumn),
                 QStringList({ QStringLiteral("switched off"), QStringLiteral("declared"),
                               QStringLiteral("foreign key (read-only)") }));
        // A switch-off shows what it switches off; a declaration defaults its kind.
        QCOMPARE(m_model->index(0, PolicyRelationModel::ViaColumn).data().toString(),
                 QStringLiteral("billing_customer_id"));
        QCOMPARE(m_model->index(1, PolicyRelationModel::KindColumn).data().toString(),
                 QStringLiteral("many_to_one"));
        QCOMPARE(m_model->index(1, 0).data(PolicyRelationModel::PointerRole).toString(),
                 QStringLiteral("/tables/orders/relations/buyer"));
        QCOMPARE(m_model->index(2, 0).data(PolicyRelationModel::PointerRole).toString(), QString());
        QCOMPARE(m_model->index(2, 0)
                     .data(PolicyRelationModel::SourceRole)
                     .value<PolicyRelationModel::Source>(),
                 PolicyRelationModel::Source::ForeignKey);

        // The other way round: customers gets one_to_many relations named after the child.
        m_model->setTable(QStringLiteral("customers"));
        QCOMPARE(column(PolicyRelationModel::NameColumn),
                 QStringList({ QStringLiteral("orders_by_customer"),
                               QStringLiteral("orders_by_billing_customer") }));
        QCOMPARE(m_model->index(0, PolicyRelationModel::KindColumn).data().toString(),
                 QStringLiteral("one_to_many"));
        QCOMPARE(m_model->index(0, PolicyRelationModel::TargetColumnColumn).data().toString(),
                 QStringLiteral("customer_id"));
    }

    void followsTheDocumentAndShowsProblems()
    {
        m_model->setTable(QStringLiteral("orders"));
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        // Same rows: the items stay.
        m_tree->setValue("/tables/orders/relations/buyer/via", Json("customer_id"));
        QCOMPARE(reset.count(), 0);
        QVERIFY(changed.count() > 0);
        QCOMPARE(m_model->index(1, PolicyRelationModel::ViaColumn).data().toString(),
                 QStringLiteral("customer_id"));
        // A new declaration is a new row.
        m_tree->setValue("/tables/orders/relations/seller",
                         Json { { "target", "users" }, { "kind", "many_to_one" } });
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowOf(QStringLiteral("seller")), 2);
        QCOMPARE(m_model->index(2, PolicyRelationModel::ViaColumn).data().toString(),
                 QStringLiteral("(primary key)"));

        m_model->setProblems(
            { { QStringLiteral("/tables/orders/relations/seller"),
                QStringLiteral("\"via\" is required for a many_to_one relation") },
              { QStringLiteral("/tables/orders/relations/sellers"), QStringLiteral("other") } });
        QCOMPARE(m_model->index(2, 0).data(PolicyRelationModel::ProblemRole).toString(),
                 QStringLiteral("\"via\" is required for a many_to_one relation"));
        QVERIFY(m_model->index(1, 0).data(PolicyRelationModel::ProblemRole).toString().isEmpty());
        QVERIFY(
            m_model->index(2, 3).data(Qt::ToolTipRole).toString().contains(QStringLiteral("via")));

        // Removing the last declaration drops the emptied relations object.
        for (const char *name : { "billing_customer", "buyer", "seller" })
            m_tree->setValue(std::string("/tables/orders/relations/") + name, std::nullopt);
        QVERIFY(!m_tree->value("/tables/orders/relations"));
        QCOMPARE(column(PolicyRelationModel::NameColumn),
                 QStringList({ QStringLiteral("customer"), QStringLiteral("billing_customer") }));
    }

    void aRolesOwnDeclarations()
    {
        m_model->setTable(QStringLiteral("orders"), QStringLiteral("support"));
        QCOMPARE(m_model->tablePointer(), std::string("/roles/support/tables/orders"));
        QCOMPARE(m_model->rowOf(QStringLiteral("helper")), 0);
        QCOMPARE(m_model->index(0, 0).data(PolicyRelationModel::PointerRole).toString(),
                 QStringLiteral("/roles/support/tables/orders/relations/helper"));
        QCOMPARE(m_model->rowOf(QStringLiteral("buyer")), -1); // the base's, not the role's
        QVERIFY(m_model->rowOf(QStringLiteral("customer")) > 0);
        // Removing the role's only override leaves no empty objects behind.
        m_tree->setValue("/roles/support/tables/orders/relations/helper", std::nullopt);
        QVERIFY(m_tree->value("/roles/support") == Json::object());
    }
};

QTEST_GUILESS_MAIN(TestPolicyRelationModel)
#include "TestPolicyRelationModel.moc"
