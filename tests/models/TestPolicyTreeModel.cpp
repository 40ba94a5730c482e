#include "PolicyTreeModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace warden;

namespace {

db::ColumnInfo col(const char *name, bool pk = false)
{
    db::ColumnInfo c;
    c.name = name;
    c.type = "text";
    c.primaryKey = pk;
    return c;
}

std::shared_ptr<const db::Schema> shopSchema()
{
    auto schema = std::make_shared<db::Schema>();
    db::TableInfo customers;
    customers.name = "customers";
    customers.columns = { col("id", true), col("tenant_id"), col("email"),     col("password_hash"),
                          col("ssn"),      col("name"),      col("deleted_at") };
    customers.primaryKey = { "id" };
    db::TableInfo orders;
    orders.name = "orders";
    orders.columns = { col("id", true), col("tenant_id"), col("customer_id"), col("total") };
    orders.primaryKey = { "id" };
    orders.foreignKeys = { { "customer_id", "customers", "id", "fk1" } };
    schema->tables = { customers, orders };
    return schema;
}

Json shopPolicy()
{
    return Json::parse(R"({
      "version": 1,
      "defaults": {"tenant_column": "tenant_id"},
      "column_rules": [{"match": "*ssn*", "action": "deny"}],
      "tables": {
        "customers": {"soft_delete_column": "deleted_at",
                      "columns": {"email": {"action": "mask", "mask": "email", "tags": ["pii"]},
                                  "emial": {"action": "allow"}}},
        "ghosts": {}
      },
      "roles": {"support": {"description": "reads e-mail addresses"}}
    })");
}

} // namespace

class TestPolicyTreeModel : public QObject
{
    Q_OBJECT

    std::unique_ptr<PolicyTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    QModelIndex table(const char *name) const
    {
        return m_model->tableIndex(QString::fromLatin1(name));
    }
    QModelIndex column(const char *tableName, const char *name,
                       int c = PolicyTreeModel::NameColumn) const
    {
        const QModelIndex t = table(tableName);
        for (int row = 0; row < m_model->rowCount(t); ++row)
            if (m_model->index(row, 0, t).data().toString() == QString::fromLatin1(name))
                return m_model->index(row, c, t);
        return {};
    }
    QString cell(const char *tableName, const char *name, int c) const
    {
        return column(tableName, name, c).data().toString();
    }

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<PolicyTreeModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_model->setSchema(shopSchema());
        m_model->setDocument(shopPolicy());
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void listsEveryTableAndColumnOfTheDatabase()
    {
        // Profile, the two tables of the database, the policy's unknown table, Roles.
        QCOMPARE(m_model->rowCount(), 5);
        QCOMPARE(m_model->index(0, 0).data().toString(), QStringLiteral("Profile"));
        QCOMPARE(m_model->index(0, PolicyTreeModel::ActionColumn).data().toString(),
                 QStringLiteral("prod"));
        QCOMPARE(m_model->rowCount(table("orders")), 4);
        QCOMPARE(
            table("customers").siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
            QStringLiteral("read"));
        QCOMPARE(table("orders").siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString(),
                 PolicyTreeModel::notListed());
        QVERIFY(!table("orders").data(PolicyTreeModel::InPolicyRole).toBool());
        QCOMPARE(table("orders")
                     .siblingAtColumn(PolicyTreeModel::ActionColumn)
                     .data(Qt::EditRole)
                     .toString(),
                 PolicyTreeModel::notListed());
        QCOMPARE(table("orders")
                     .siblingAtColumn(PolicyTreeModel::ActionColumn)
                     .data(PolicyTreeModel::ChoicesRole)
                     .toStringList(),
                 (QStringList { PolicyTreeModel::notListed(), PolicyTreeModel::readable(),
                                PolicyTreeModel::hidden() }));
        QVERIFY(table("customers")
                    .siblingAtColumn(PolicyTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("tenant: tenant_id")));
        QVERIFY(table("customers")
                    .siblingAtColumn(PolicyTreeModel::NoteColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("soft delete: deleted_at")));
        // Columns of a table that is not listed are shown, but not editable until it is.
        QCOMPARE(cell("orders", "total", PolicyTreeModel::NoteColumn),
                 QStringLiteral("table not listed"));
        QVERIFY(!(column("orders", "total", PolicyTreeModel::ActionColumn).flags()
                  & Qt::ItemIsEditable));
    }

    void showsEachColumnsActionMaskAndTags()
    {
        QCOMPARE(cell("customers", "email", PolicyTreeModel::ActionColumn), QStringLiteral("mask"));
        QCOMPARE(cell("customers", "email", PolicyTreeModel::MaskColumn), QStringLiteral("email"));
        QCOMPARE(cell("customers", "email", PolicyTreeModel::TagsColumn), QStringLiteral("pii"));
        QVERIFY(column("customers", "email").data(PolicyTreeModel::InPolicyRole).toBool());
        QCOMPARE(cell("customers", "name", PolicyTreeModel::ActionColumn), QStringLiteral("allow"));
        QCOMPARE(cell("customers", "name", PolicyTreeModel::NoteColumn), QStringLiteral("default"));
        QVERIFY(!column("customers", "name").data(PolicyTreeModel::InPolicyRole).toBool());
        QCOMPARE(column("customers", "name", PolicyTreeModel::ActionColumn)
                     .data(Qt::EditRole)
                     .toString(),
                 PolicyTreeModel::inheritAction());
    }

    void deniedByGlobColumnsShowTheirRule()
    {
        QCOMPARE(cell("customers", "ssn", PolicyTreeModel::ActionColumn), QStringLiteral("deny"));
        QCOMPARE(cell("customers", "ssn", PolicyTreeModel::NoteColumn),
                 QStringLiteral("rule *ssn*"));
        QVERIFY(column("customers", "ssn", PolicyTreeModel::ActionColumn).flags()
                & Qt::ItemIsEditable);
        // A built-in deny glob cannot be lifted, so it cannot be edited.
        QCOMPARE(cell("customers", "password_hash", PolicyTreeModel::ActionColumn),
                 QStringLiteral("deny"));
        QVERIFY(cell("customers", "password_hash", PolicyTreeModel::NoteColumn)
                    .startsWith(QStringLiteral("built-in deny")));
        QVERIFY(!(column("customers", "password_hash", PolicyTreeModel::ActionColumn).flags()
                  & Qt::ItemIsEditable));
        QVERIFY(
            !m_model->setData(column("customers", "password_hash", PolicyTreeModel::ActionColumn),
                              QStringLiteral("allow")));
    }

    void unknownTablesAndColumnsAreShownAsSuch()
    {
        QVERIFY(column("customers", "emial").isValid());
        QVERIFY(!column("customers", "emial").data(PolicyTreeModel::InDatabaseRole).toBool());
        QCOMPARE(cell("customers", "emial", PolicyTreeModel::NoteColumn),
                 QStringLiteral("not in the database"));
        QVERIFY(table("ghosts").isValid());
        QVERIFY(!table("ghosts").data(PolicyTreeModel::InDatabaseRole).toBool());
        QVERIFY(column("customers", "email").data(PolicyTreeModel::InDatabaseRole).toBool());
    }

    void rolesAreShown()
    {
        const QModelIndex roles = m_model->index(m_model->rowCount() - 1, 0);
        QCOMPARE(roles.data(PolicyTreeModel::KindRole).value<PolicyTreeModel::Kind>(),
                 PolicyTreeModel::Kind::Roles);
        QCOMPARE(m_model->rowCount(roles), 1);
        QCOMPARE(m_model->index(0, 0, roles).data().toString(), QStringLiteral("support"));
        QCOMPARE(m_model->index(0, PolicyTreeModel::NoteColumn, roles).data().toString(),
                 QStringLiteral("reads e-mail addresses"));
    }

    // Roles are renamed in place, keeping their order (the first one listed wins).
    void rolesAreRenamedInPlace()
    {
        m_model->setValue("/roles/auditor", Json { { "tags", { { "phi", "deny" } } } });
        const QModelIndex roles = m_model->index(m_model->rowCount() - 1, 0);
        QCOMPARE(m_model->rowCount(roles), 2);
        const QModelIndex support = m_model->index(0, 0, roles);
        QVERIFY(m_model->flags(support) & Qt::ItemIsEditable);
        QVERIFY(!(m_model->flags(support.siblingAtColumn(PolicyTreeModel::NoteColumn))
                  & Qt::ItemIsEditable));
        QSignalSpy changed(m_model.get(), &PolicyTreeModel::documentChanged);
        QVERIFY(!m_model->setData(support, QStringLiteral("auditor"))); // taken
        QVERIFY(!m_model->setData(support, QStringLiteral("  "))); // empty
        QCOMPARE(changed.count(), 0);
        QVERIFY(m_model->setData(support, QStringLiteral("helpdesk")));
        QCOMPARE(changed.count(), 1);
        const Json &r = m_model->document()["roles"];
        QCOMPARE(r.size(), std::size_t(2));
        QCOMPARE(r.begin().key(), std::string("helpdesk"));
        QVERIFY(r["helpdesk"]["description"] == "reads e-mail addresses");
        QCOMPARE(m_model->index(0, 0, roles).data().toString(), QStringLiteral("helpdesk"));
        QVERIFY(!m_model->renameKey("/roles", "nobody", "someone"));
        QVERIFY(!m_model->renameKey("/tables/customers/soft_delete_column", "a", "b"));
    }

    void editingAColumnChangesTheDocument()
    {
        QSignalSpy changed(m_model.get(), &PolicyTreeModel::documentChanged);
        QVERIFY(m_model->setData(column("customers", "name", PolicyTreeModel::ActionColumn),
                                 QStringLiteral("mask")));
        QCOMPARE(changed.count(), 1);
        QVERIFY(m_model->document()["tables"]["customers"]["columns"]["name"]
                == Json({ { "action", "mask" } }));
        QCOMPARE(cell("customers", "name", PolicyTreeModel::MaskColumn), QStringLiteral("full"));

        QVERIFY(m_model->setData(column("customers", "name", PolicyTreeModel::MaskColumn),
                                 QStringLiteral("{first2}***")));
        QVERIFY(m_model->document()["tables"]["customers"]["columns"]["name"]
                == Json({ { "action", "mask" }, { "pattern", "{first2}***" } }));
        QVERIFY(m_model->setData(column("customers", "name", PolicyTreeModel::MaskColumn),
                                 QStringLiteral("partial")));
        QVERIFY(m_model->document()["tables"]["customers"]["columns"]["name"]
                == Json({ { "action", "mask" }, { "mask", "partial" } }));

        // Leaving mask drops the mask settings, keeps the tags.
        QVERIFY(m_model->setData(column("customers", "email", PolicyTreeModel::ActionColumn),
                                 QStringLiteral("hash")));
        QVERIFY(m_model->document()["tables"]["customers"]["columns"]["email"]
                == Json({ { "action", "hash" }, { "tags", { "pii" } } }));
        QVERIFY(m_model->setData(column("customers", "email", PolicyTreeModel::TagsColumn),
                                 QStringLiteral("pii, contact")));
        QVERIFY(m_model->document()["tables"]["customers"]["columns"]["email"]["tags"]
                == Json({ "pii", "contact" }));

        // A glob-denied column gets a rule of its own; "inherit" removes it again.
        QVERIFY(m_model->setData(column("customers", "ssn", PolicyTreeModel::ActionColumn),
                                 QStringLiteral("hash")));
        QCOMPARE(cell("customers", "ssn", PolicyTreeModel::NoteColumn), QStringLiteral("policy"));
        QVERIFY(m_model->setData(column("customers", "ssn", PolicyTreeModel::ActionColumn),
                                 PolicyTreeModel::inheritAction()));
        QVERIFY(!m_model->document()["tables"]["customers"]["columns"].contains("ssn"));
        QCOMPARE(cell("customers", "ssn", PolicyTreeModel::ActionColumn), QStringLiteral("deny"));

        QVERIFY(!m_model->setData(column("customers", "name", PolicyTreeModel::ActionColumn),
                                  QStringLiteral("reveal")));
        QCOMPARE(changed.count(), 7);
    }

    void editingATableListsOrHidesIt()
    {
        QVERIFY(m_model->setData(table("orders").siblingAtColumn(PolicyTreeModel::ActionColumn),
                                 PolicyTreeModel::readable()));
        QVERIFY(m_model->document()["tables"]["orders"] == Json({ { "read", true } }));
        QVERIFY(column("orders", "total", PolicyTreeModel::ActionColumn).flags()
                & Qt::ItemIsEditable);
        QVERIFY(m_model->setData(table("orders").siblingAtColumn(PolicyTreeModel::ActionColumn),
                                 PolicyTreeModel::hidden()));
        QVERIFY(m_model->document()["tables"]["orders"] == Json({ { "read", false } }));
        QVERIFY(m_model->setData(table("ghosts").siblingAtColumn(PolicyTreeModel::ActionColumn),
                                 PolicyTreeModel::notListed()));
        QVERIFY(!m_model->document()["tables"].contains("ghosts"));
        QVERIFY(!table("ghosts").isValid());
        QVERIFY(m_model->setData(m_model->index(0, PolicyTreeModel::ActionColumn),
                                 QStringLiteral("dev")));
        QVERIFY(m_model->document()["extends"] == "dev");
    }

    void setValueCreatesAndPrunes()
    {
        m_model->setValue("/tables/customers/budget/max_rows", Json(5));
        QVERIFY(m_model->value("/tables/customers/budget/max_rows") == Json(5));
        m_model->setValue("/tables/customers/budget/max_rows", std::nullopt);
        QVERIFY(!m_model->document()["tables"]["customers"].contains("budget"));
        QVERIFY(!m_model->value("/tables/customers/budget"));
        // Removing what is not there changes nothing.
        QSignalSpy changed(m_model.get(), &PolicyTreeModel::documentChanged);
        m_model->setValue("/tables/customers/writes/approval", std::nullopt);
        QCOMPARE(changed.count(), 0);
        QVERIFY(!m_model->document()["tables"]["customers"].contains("writes"));
        QVERIFY(m_model->value("/column_rules/0/match") == Json("*ssn*"));
        QVERIFY(!m_model->value("/column_rules/99999999999999999999/match"));
        // Arrays are not walked: the rule stays as written.
        m_model->setValue("/column_rules/0/action", Json("hash"));
        QCOMPARE(changed.count(), 0);
        QVERIFY(m_model->value("/column_rules/0/action") == Json("deny"));
    }

    void problemsAttachToTheirItems()
    {
        m_model->setProblems(
            { { QStringLiteral("/tables/customers/columns/emial"),
                QStringLiteral("no such column") },
              { QStringLiteral("/tables/ghosts"), QStringLiteral("no such table") },
              { QStringLiteral("/defaults/budget"), QStringLiteral("bad budget") } });
        QCOMPARE(m_model->indexForPointer(QStringLiteral("/tables/customers/columns/emial/action")),
                 column("customers", "emial"));
        QCOMPARE(column("customers", "emial").data(PolicyTreeModel::ProblemRole).toString(),
                 QStringLiteral("no such column"));
        QCOMPARE(column("customers", "emial").data(Qt::ToolTipRole).toString(),
                 QStringLiteral("no such column"));
        QCOMPARE(table("ghosts").data(PolicyTreeModel::ProblemRole).toString(),
                 QStringLiteral("no such table"));
        QVERIFY(
            column("customers", "email").data(PolicyTreeModel::ProblemRole).toString().isEmpty());
        QCOMPARE(m_model->problemsWithoutItem(), QStringList { QStringLiteral("bad budget") });
        QCOMPARE(m_model->indexForPointer(QStringLiteral("/tables/customers/soft_delete_column")),
                 table("customers"));
        m_model->setProblems({});
        QVERIFY(table("ghosts").data(PolicyTreeModel::ProblemRole).toString().isEmpty());
    }

    void aDocumentOfTheSameShapeKeepsTheItems()
    {
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        Json doc = shopPolicy();
        doc["tables"]["customers"]["columns"]["email"]["action"] = "hash";
        m_model->setDocument(doc);
        QCOMPARE(reset.count(), 0);
        QVERIFY(changed.count() > 0);
        QCOMPARE(cell("customers", "email", PolicyTreeModel::ActionColumn), QStringLiteral("hash"));
        doc["roles"]["auditor"] = Json::object();
        m_model->setDocument(doc);
        QCOMPARE(reset.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestPolicyTreeModel)
#include "TestPolicyTreeModel.moc"
