#include "ToolScopeModel.h"

namespace warden {
namespace {

const QString kScopesPointer = QStringLiteral("/scopes/");

QMap<QString, QString> fromJson(const Json &scopes)
{
    QMap<QString, QString> out;
    if (!scopes.is_object())
        return out;
    for (auto it = scopes.begin(); it != scopes.end(); ++it)
        if (it.value().is_string())
            out.insert(QString::fromStdString(it.key()),
                       QString::fromStdString(it.value().get<std::string>()));
    return out;
}

// The map as the policy's "scopes" object: tools without a scope left out.
Json toJson(const QMap<QString, QString> &scopes)
{
    Json out = Json::object();
    for (auto it = scopes.cbegin(); it != scopes.cend(); ++it)
        if (!it.value().isEmpty())
            out[it.key().toStdString()] = it.value().toStdString();
    return out;
}

// A JSON pointer's reference token, unescaped (RFC 6901).
QString unescapeToken(QString token)
{
    return token.replace(QStringLiteral("~1"), QStringLiteral("/"))
        .replace(QStringLiteral("~0"), QStringLiteral("~"));
}

} // namespace

ToolScopeModel::ToolScopeModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ToolScopeModel::setTools(const QStringList &tools)
{
    m_tools = tools;
    rebuild();
}

void ToolScopeModel::setRunning(const Json &scopes, Edits edits)
{
    // What the operator changed, tool by tool, goes on top of the new map; every other tool
    // takes the new map's scope.
    QMap<QString, QString> changed;
    if (edits == Edits::Keep)
        for (const QString &tool : m_edited.keys() + m_running.keys())
            if (m_edited.value(tool) != m_running.value(tool))
                changed.insert(tool, m_edited.value(tool));
    m_running = fromJson(scopes);
    m_edited = m_running;
    for (auto it = changed.cbegin(); it != changed.cend(); ++it)
        m_edited.insert(it.key(), it.value());
    m_problems.clear();
    rebuild();
    Q_EMIT scopesEdited();
}

void ToolScopeModel::discard()
{
    m_edited = m_running;
    m_problems.clear();
    rebuild();
    Q_EMIT scopesEdited();
}

Json ToolScopeModel::scopes() const
{
    return toJson(m_edited);
}

Json ToolScopeModel::applyTo(Json document) const
{
    const Json edited = scopes();
    if (edited.empty())
        document.erase("scopes");
    else
        document["scopes"] = edited;
    return document;
}

bool ToolScopeModel::isModified() const
{
    return toJson(m_edited) != toJson(m_running);
}

QList<PolicyProblem> ToolScopeModel::setProblems(const QList<PolicyProblem> &problems)
{
    QList<PolicyProblem> elsewhere;
    QMap<QString, QString> byTool;
    for (const PolicyProblem &p : problems) {
        const QString tool = p.pointer.startsWith(kScopesPointer)
            ? unescapeToken(p.pointer.mid(kScopesPointer.size()))
            : QString();
        if (!tool.isEmpty() && !tool.contains(QLatin1Char('/')) && m_rows.contains(tool)) {
            QString &message = byTool[tool];
            message += (message.isEmpty() ? QString() : QStringLiteral("\n")) + p.message;
        } else {
            elsewhere.append(p);
        }
    }
    const QMap<QString, QString> before = m_problems;
    m_problems = byTool;
    for (int row = 0; row < m_rows.size(); ++row) {
        const QString &tool = m_rows.at(row);
        if (before.value(tool) != m_problems.value(tool))
            Q_EMIT dataChanged(index(row, Tool), index(row, Scope));
    }
    return elsewhere;
}

int ToolScopeModel::rowOf(const QString &tool) const
{
    return int(m_rows.indexOf(tool));
}

void ToolScopeModel::rebuild()
{
    QStringList rows = m_tools;
    for (const QString &tool : m_running.keys() + m_edited.keys())
        if (!rows.contains(tool))
            rows.append(tool);
    rows.sort();
    rows.removeDuplicates();
    if (rows == m_rows) {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, Tool), index(int(m_rows.size()) - 1, Scope));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int ToolScopeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ToolScopeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ToolScopeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &tool = m_rows.at(index.row());
    const bool modified = m_edited.value(tool) != m_running.value(tool);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return index.column() == Tool ? tool : m_edited.value(tool);
    case Qt::ToolTipRole:
        if (m_problems.contains(tool))
            return m_problems.value(tool);
        if (!m_tools.isEmpty() && !m_tools.contains(tool))
            return tr("The policy names %1, but this server offers no tool of that name.").arg(tool);
        if (index.column() == Scope && m_edited.value(tool).isEmpty())
            return tr("No scope needed: any authenticated caller may call %1.").arg(tool);
        return {};
    case ProblemRole:
        return m_problems.value(tool);
    case ModifiedRole:
        return modified;
    default:
        return {};
    }
}

bool ToolScopeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || index.column() != Scope
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const QString tool = m_rows.at(index.row());
    const QString scope = value.toString().trimmed();
    if (m_edited.value(tool) == scope)
        return true;
    if (scope.isEmpty() && !m_running.contains(tool))
        m_edited.remove(tool);
    else
        m_edited.insert(tool, scope);
    Q_EMIT dataChanged(this->index(index.row(), Tool), this->index(index.row(), Scope));
    Q_EMIT scopesEdited();
    return true;
}

Qt::ItemFlags ToolScopeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == Scope)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant ToolScopeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Tool:
        return tr("Tool");
    case Scope:
        return tr("Scope it needs");
    default:
        return {};
    }
}

} // namespace warden
