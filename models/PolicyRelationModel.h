#pragma once

#include "PolicyTreeModel.h"

#include <QAbstractTableModel>

#include <string>
#include <vector>

namespace warden {

// The relations of one table as the policy editor shows them: first what the policy declares
// under the table's `relations` (declarations and switch-offs, in document order), which the
// editor changes through the document, then the relations derived from foreign keys between
// listed tables, read-only. It reads the document and schema of a PolicyTreeModel and follows
// its changes; setTable() chooses the table, and the role whose overrides are shown (empty:
// the tables for everyone).
//
// Derived names follow docs/policy.md "Relations" (the key column without `_id`, or the child
// table; the longer name when two would clash or a column has the name).
class PolicyRelationModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        KindColumn,
        ViaColumn,
        TargetColumn,
        TargetColumnColumn,
        SourceColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum class Source { Declared, SwitchedOff, ForeignKey };
    Q_ENUM(Source)

    // Shared with PolicyTreeModel, so the tree's delegate draws problems here too.
    enum Role {
        PointerRole = PolicyTreeModel::PointerRole, // QString: the relation's entry in the document
        InDatabaseRole = PolicyTreeModel::InDatabaseRole, // bool: the target table exists
        ProblemRole = PolicyTreeModel::ProblemRole, // QString: validation problems, one a line
        SourceRole = Qt::UserRole + 40, // Source
        NameRole, // QString: the relation's name
    };
    Q_ENUM(Role)

    explicit PolicyRelationModel(PolicyTreeModel *tree, QObject *parent = nullptr);

    void setTable(const QString &table, const QString &role = {});
    QString table() const { return m_table; }
    QString role() const { return m_role; }
    // Where the table's rules live: /tables/<t>, or /roles/<r>/tables/<t> for a role.
    std::string tablePointer() const;
    // The row of a relation by name, or -1.
    int rowOf(const QString &name) const;
    // Problems from the last validation; those inside a relation's entry are shown on its row.
    void setProblems(const QList<PolicyProblem> &problems);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::string name;
        std::string kind; // many_to_one, one_to_many
        std::string via; // empty: the table's primary key
        std::string target;
        std::string targetColumn; // empty: the target's primary key
        Source source = Source::Declared;

        bool sameShape(const Row &o) const { return name == o.name && source == o.source; }
    };

    std::vector<Row> buildRows() const;
    std::vector<Row> derivedRows() const;
    bool listed(const std::string &table) const;
    std::string rowPointer(const Row &row) const;
    QString problemsOf(const Row &row) const;
    void refresh();

    PolicyTreeModel *m_tree;
    QString m_table;
    QString m_role;
    std::vector<Row> m_rows;
    QList<PolicyProblem> m_problems;
};

} // namespace warden
