#include "PolicyRelationModel.h"

#include "common/JsonPointer.h"
#include "policy/RelationBuilder.h"

#include <algorithm>
#include <set>

namespace warden {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string stringAt(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Foreign keys that are one column of a composite key link nothing on their own.
bool singleColumn(const db::TableInfo &table, const db::ForeignKey &fk)
{
    return fk.constraint.empty()
        || std::count_if(table.foreignKeys.begin(), table.foreignKeys.end(),
                         [&fk](const auto &other) { return other.constraint == fk.constraint; })
        == 1;
}

} // namespace

PolicyRelationModel::PolicyRelationModel(PolicyTreeModel *tree, QObject *parent)
    : QAbstractTableModel(parent)
    , m_tree(tree)
{
    connect(m_tree, &QAbstractItemModel::modelReset, this, &PolicyRelationModel::refresh);
    connect(m_tree, &QAbstractItemModel::dataChanged, this, &PolicyRelationModel::refresh);
    connect(m_tree, &PolicyTreeModel::documentChanged, this, &PolicyRelationModel::refresh);
}

void PolicyRelationModel::setTable(const QString &table, const QString &role)
{
    if (table == m_table && role == m_role)
        return;
    beginResetModel();
    m_table = table;
    m_role = role;
    m_rows = buildRows();
    endResetModel();
}

std::string PolicyRelationModel::tablePointer() const
{
    const std::string base = m_role.isEmpty()
        ? std::string()
        : jsonPointerJoin(std::string("/roles"), m_role.toStdString());
    return jsonPointerJoin(base + "/tables", m_table.toStdString());
}

int PolicyRelationModel::rowOf(const QString &name) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (q(m_rows[i].name) == name)
            return int(i);
    return -1;
}

void PolicyRelationModel::setProblems(const QList<PolicyProblem> &problems)
{
    m_problems = problems;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool PolicyRelationModel::listed(const std::string &table) const
{
    const auto isObject = [this](const std::string &pointer) {
        const auto v = m_tree->value(pointer);
        return v && v->is_object();
    };
    if (isObject(jsonPointerJoin(std::string("/tables"), table)))
        return true;
    return !m_role.isEmpty()
        && isObject(jsonPointerJoin(
            jsonPointerJoin(std::string("/roles"), m_role.toStdString()) + "/tables", table));
}

std::vector<PolicyRelationModel::Row> PolicyRelationModel::derivedRows() const
{
    const auto schema = m_tree->schema();
    const std::string name = m_table.toStdString();
    const db::TableInfo *info = schema ? schema->table(name) : nullptr;
    if (!info || !listed(name))
        return {};
    std::vector<RelationBuilder::Candidate> candidates;
    for (const auto &fk : info->foreignKeys) {
        const db::TableInfo *parent = schema->table(fk.refTable);
        if (singleColumn(*info, fk) && parent && listed(parent->name) && !fk.refColumn.empty()
            && parent->column(fk.refColumn))
            candidates.push_back(
                RelationBuilder::manyToOne(name, fk.column, parent->name, fk.refColumn));
    }
    for (const auto &child : schema->tables)
        if (listed(child.name))
            for (const auto &fk : child.foreignKeys)
                if (fk.refTable == name && singleColumn(child, fk) && !fk.refColumn.empty()
                    && info->column(fk.refColumn))
                    candidates.push_back(
                        RelationBuilder::oneToMany(child.name, fk.column, name, fk.refColumn));
    // The server skips denied columns here; a name taken by any column is close enough for
    // showing them, and the server's own names are what validation checks.
    std::vector<Row> out;
    for (const Relation &r :
         RelationBuilder::nameDerived(std::move(candidates), [info](const std::string &n) {
             return info->column(n) != nullptr;
         }))
        out.push_back({ r.name, Relation::kindName(r.kind), r.column, r.target, r.targetColumn,
                        Source::ForeignKey });
    return out;
}

std::vector<PolicyRelationModel::Row> PolicyRelationModel::buildRows() const
{
    if (m_table.isEmpty())
        return {};
    std::vector<Row> derived = derivedRows();
    std::vector<Row> rows;
    std::set<std::string> declaredNames;
    const auto declared = m_tree->value(tablePointer() + "/relations");
    if (declared && declared->is_object()) {
        for (auto it = declared->begin(); it != declared->end(); ++it) {
            Row row;
            row.name = it.key();
            declaredNames.insert(it.key());
            const Json &spec = it.value();
            const bool declares = spec.is_object()
                && (spec.contains("target") || spec.contains("kind") || spec.contains("via")
                    || spec.contains("target_column"));
            const auto allow = spec.is_object() ? spec.find("allow") : spec.end();
            if (!declares && spec.is_object() && allow != spec.end() && *allow == Json(false)) {
                const auto d = std::find_if(derived.begin(), derived.end(),
                                            [&](const Row &r) { return r.name == row.name; });
                if (d != derived.end())
                    row = *d;
                row.source = Source::SwitchedOff;
            } else if (spec.is_object()) {
                row.kind = stringAt(spec, "kind");
                if (row.kind.empty())
                    row.kind = "many_to_one";
                row.via = stringAt(spec, "via");
                row.target = stringAt(spec, "target");
                row.targetColumn = stringAt(spec, "target_column");
            }
            rows.push_back(std::move(row));
        }
    }
    for (Row &d : derived)
        if (!declaredNames.count(d.name))
            rows.push_back(std::move(d));
    return rows;
}

void PolicyRelationModel::refresh()
{
    std::vector<Row> rows = buildRows();
    const bool sameShape = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(),
                      [](const Row &a, const Row &b) { return a.sameShape(b); });
    if (!sameShape) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

std::string PolicyRelationModel::rowPointer(const Row &row) const
{
    return row.source == Source::ForeignKey
        ? std::string()
        : jsonPointerJoin(tablePointer() + "/relations", row.name);
}

QString PolicyRelationModel::problemsOf(const Row &row) const
{
    const QString pointer = q(rowPointer(row));
    if (pointer.isEmpty())
        return {};
    QStringList out;
    for (const PolicyProblem &p : m_problems)
        if (p.pointer == pointer || p.pointer.startsWith(pointer + QLatin1Char('/')))
            out << p.message;
    return out.join(QLatin1Char('\n'));
}

int PolicyRelationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PolicyRelationModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PolicyRelationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    switch (role) {
    case PointerRole:
        return q(rowPointer(row));
    case InDatabaseRole: {
        const auto schema = m_tree->schema();
        return row.target.empty() || (schema && schema->table(row.target));
    }
    case ProblemRole:
        return problemsOf(row);
    case SourceRole:
        return QVariant::fromValue(row.source);
    case NameRole:
        return q(row.name);
    case Qt::ToolTipRole:
        if (const QString problems = problemsOf(row); !problems.isEmpty())
            return problems;
        if (row.source == Source::ForeignKey)
            return tr("Derived from a foreign key of the database; switch it off or replace it "
                      "in the JSON view");
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const auto orDefault = [](const std::string &column) {
        return column.empty() ? tr("(primary key)") : q(column);
    };
    switch (index.column()) {
    case NameColumn:
        return q(row.name);
    case KindColumn:
        return q(row.kind);
    case ViaColumn:
        return orDefault(row.via);
    case TargetColumn:
        return q(row.target);
    case TargetColumnColumn:
        return orDefault(row.targetColumn);
    case SourceColumn:
        switch (row.source) {
        case Source::Declared:
            return tr("declared");
        case Source::SwitchedOff:
            return tr("switched off");
        case Source::ForeignKey:
            return tr("foreign key (read-only)");
        }
        return {};
    default:
        return {};
    }
}

QVariant PolicyRelationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case KindColumn:
        return tr("Kind");
    case ViaColumn:
        return tr("Via");
    case TargetColumn:
        return tr("Target");
    case TargetColumnColumn:
        return tr("Target column");
    case SourceColumn:
        return tr("Where it comes from");
    default:
        return {};
    }
}

} // namespace warden
