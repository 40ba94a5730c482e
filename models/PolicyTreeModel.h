#pragma once

#include "common/Json.h"
#include "db/Schema.h"
#include "server/PolicyService.h"

#include <QAbstractItemModel>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

// The policy editor's tree: the profile, every table of the database (and any table the
// policy names that the database lacks) with every column and what the policy does to it, and
// the roles (whose names are edited in place). It edits a policy document that it owns, which is the single source of truth the
// editor's JSON view and detail editors share: setValue() and setData() change the document
// and announce documentChanged(); setDocument() replaces it (from the JSON text, or a version)
// without that announcement.
//
// Columns show the effective rule as the server compiles it: built-in deny globs first, then
// tag switches, the table's own `columns`, the first matching `column_rules` glob, else allow;
// the Note column says where the rule comes from. Problems found by validation are attached
// to the item their JSON pointer names (ProblemRole); the ui draws them.
class PolicyTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ActionColumn, MaskColumn, TagsColumn, NoteColumn, ColumnCount };
    Q_ENUM(Column)

    enum class Kind { Profile, Table, Column, Roles, Role };
    Q_ENUM(Kind)

    enum Role {
        KindRole = Qt::UserRole + 1, // Kind
        PointerRole, // QString: where the item lives in the document
        InPolicyRole, // bool: the document names this table or column
        InDatabaseRole, // bool: the database has this table or column
        ProblemRole, // QString: the validation problems of this item, one per line; empty when fine
        ChoicesRole, // QStringList: the values an editor offers for this cell (EditRole), if a
                     // fixed set
        TableRole, // QString: the table of a table or column item
    };
    Q_ENUM(Role)

    // The EditRole value of a column's action that removes the column's own rule.
    static QString inheritAction() { return QStringLiteral("inherit"); }
    // The EditRole values of a table's action.
    static QString notListed() { return QStringLiteral("not listed"); }
    static QString readable() { return QStringLiteral("read"); }
    static QString hidden() { return QStringLiteral("hidden"); }
    // How an EditRole choice reads in the user's language (policy keywords stay as they are).
    static QString choiceLabel(const QString &value);

    explicit PolicyTreeModel(QObject *parent = nullptr);
    ~PolicyTreeModel() override;

    void setSchema(std::shared_ptr<const db::Schema> schema);
    std::shared_ptr<const db::Schema> schema() const { return m_schema; }
    // Replaces the document (keeps the items when the tree keeps its shape).
    void setDocument(Json document);
    const Json &document() const { return m_document; }

    // The value at a JSON pointer, or nullopt when absent (or the pointer is malformed).
    std::optional<Json> value(const std::string &pointer) const;
    // Sets (or, with nullopt, removes) the value at a pointer, creating objects on the way and
    // removing `budget`, `writes` and `relations` objects and a role's table overrides left
    // empty; announces documentChanged().
    void setValue(const std::string &pointer, const std::optional<Json> &value);
    // Renames the member `from` of the object at `objectPointer` to `to`, keeping its place
    // (the order of roles decides which one a principal gets); announces documentChanged().
    // False, changing nothing, when `to` is empty or already taken, or `from` is absent.
    bool renameKey(const std::string &objectPointer, const std::string &from,
                   const std::string &to);

    // Attaches problems to items (replacing earlier ones); problems no item stands for are
    // kept for problemsWithoutItem().
    void setProblems(const QList<PolicyProblem> &problems);
    QStringList problemsWithoutItem() const { return m_orphanProblems; }
    // The item a JSON pointer points into (the deepest the tree shows), or invalid.
    QModelIndex indexForPointer(const QString &pointer) const;
    QModelIndex tableIndex(const QString &table) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // The document was edited through this model (not by setDocument()).
    void documentChanged();

private:
    struct Node
    {
        Kind kind = Kind::Table;
        std::string name; // table, column or role name
        int parent = -1; // index into m_nodes, -1 for top-level items
        int row = 0;
        std::vector<int> children;
        bool inDatabase = true;

        bool sameShape(const Node &o) const
        {
            return kind == o.kind && name == o.name && parent == o.parent;
        }
    };

    // What the server does to one column, and why.
    struct ColumnState
    {
        std::string action; // allow, deny, mask, hash
        std::string mask; // mask kind or pattern when masked
        std::vector<std::string> tags;
        QString source; // for the Note column
        bool own = false; // the table's `columns` names it
        bool builtin = false; // a built-in deny glob matches: nothing can change it
    };

    std::vector<Node> buildNodes() const;
    void setNodes(std::vector<Node> nodes);
    // Rebuilds the items after a document change: a reset only when the tree changed shape.
    void replaceNodes();
    const Node &node(const QModelIndex &index) const;
    QModelIndex indexOf(int nodeIndex, int column = 0) const;
    int nodeForPointer(const QString &pointer) const;
    int findChild(int parent, Kind kind, const std::string &name) const;
    std::string pointerOf(const Node &n) const;

    const Json *tableJson(const std::string &table) const;
    const Json *columnJson(const std::string &table, const std::string &column) const;
    ColumnState columnState(const std::string &table, const std::string &column) const;
    QVariant tableData(const Node &n, int column, int role) const;
    QVariant columnData(const Node &n, int column, int role) const;
    QVariant otherData(const Node &n, int column, int role) const;
    QString tableNote(const std::string &table) const;

    bool setTableAction(const std::string &table, const QString &action);
    bool setColumnValue(const Node &n, int column, const QString &value);
    void announceAllChanged();

    std::shared_ptr<const db::Schema> m_schema;
    Json m_document = Json::object();
    std::vector<Node> m_nodes;
    std::vector<int> m_top;
    std::map<int, QStringList> m_problems; // by node
    QStringList m_orphanProblems;
};

} // namespace warden
