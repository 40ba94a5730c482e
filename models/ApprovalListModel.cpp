#include "ApprovalListModel.h"

#include <QLocale>
#include <QSet>

namespace warden {

ApprovalListModel::ApprovalListModel(ApprovalService *service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(service)
{
    if (!service)
        return;
    connect(service, &ApprovalService::pendingChanged, this, [this] {
        if (m_service)
            setApprovals(m_service->pending());
    });
    setApprovals(service->pending());
}

int ApprovalListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ApprovalListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApprovalListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PendingApproval &a = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return a.id;
    case PayloadRole:
        return a.payload;
    case Qt::ToolTipRole:
        return tr("Approval %1").arg(a.id);
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    const bool display = role == Qt::DisplayRole;
    auto time = [display](const QDateTime &t) -> QVariant {
        return display ? QVariant(QLocale().toString(t.toLocalTime(), QLocale::ShortFormat)) : QVariant(t);
    };
    switch (index.column()) {
    case Requested:
        return time(a.requestedAt);
    case Tool:
        return a.tool;
    case Table:
        return a.table;
    case Principal:
        return a.principal;
    case Tenant:
        return a.tenant;
    case Expires:
        return time(a.expiresAt);
    }
    return {};
}

QVariant ApprovalListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Requested:
        return tr("Requested");
    case Tool:
        return tr("Tool");
    case Table:
        return tr("Table");
    case Principal:
        return tr("Requested by");
    case Tenant:
        return tr("Tenant");
    case Expires:
        return tr("Expires");
    }
    return {};
}

int ApprovalListModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).id == id)
            return int(i);
    return -1;
}

void ApprovalListModel::setApprovals(const QList<PendingApproval> &pending)
{
    QSet<QString> wanted;
    for (const PendingApproval &a : pending)
        wanted.insert(a.id);
    // Gone: removed bottom up, in runs.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (wanted.contains(m_rows.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !wanted.contains(m_rows.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    // New ones inserted where the service's order puts them; kept ones updated in place.
    // The service's order of the rows that stay is the order they already have.
    for (int i = 0; i < int(pending.size()); ++i) {
        const PendingApproval &a = pending.at(i);
        if (i < m_rows.size() && m_rows.at(i).id == a.id) {
            if (!(m_rows.at(i) == a)) {
                m_rows[i] = a;
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            continue;
        }
        if (rowOf(a.id) >= 0) { // kept, but moved: not how the service orders, so start over
            beginResetModel();
            m_rows = pending;
            endResetModel();
            return;
        }
        beginInsertRows({}, i, i);
        m_rows.insert(i, a);
        endInsertRows();
    }
}

} // namespace warden
