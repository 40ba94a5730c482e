#include "PolicyProblemModel.h"

namespace warden {

PolicyProblemModel::PolicyProblemModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PolicyProblemModel::setProblems(const QList<PolicyProblem> &problems)
{
    if (problems == m_problems)
        return;
    beginResetModel();
    m_problems = problems;
    endResetModel();
}

QString PolicyProblemModel::describePointer(const QString &pointer)
{
    if (pointer.isEmpty())
        return tr("(whole document)");
    QStringList parts = pointer.mid(1).split(QLatin1Char('/'));
    for (QString &p : parts)
        p.replace(QStringLiteral("~1"), QStringLiteral("/"))
            .replace(QStringLiteral("~0"), QStringLiteral("~"));
    return parts.join(QStringLiteral(" › "));
}

int PolicyProblemModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_problems.size());
}

int PolicyProblemModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PolicyProblemModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PolicyProblem &p = m_problems[index.row()];
    switch (role) {
    case PointerRole:
        return p.pointer;
    case Qt::DisplayRole:
        return index.column() == WhereColumn ? describePointer(p.pointer) : p.message;
    case Qt::ToolTipRole:
        return index.column() == WhereColumn
            ? (p.pointer.isEmpty() ? describePointer(p.pointer) : p.pointer)
            : p.message;
    default:
        return {};
    }
}

QVariant PolicyProblemModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == WhereColumn  ? tr("Where")
        : section == ProblemColumn ? tr("Problem")
                                   : QVariant();
}

} // namespace warden
