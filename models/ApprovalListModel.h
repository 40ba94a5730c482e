#pragma once

#include "server/ApprovalService.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace warden {

// The pending write approvals of an ApprovalService, newest first, one row each. Follows the
// service's list with row insertions and removals (not resets), so the operator's selection
// and scroll position survive approvals arriving and leaving.
class ApprovalListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Requested, Tool, Table, Principal, Tenant, Expires, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1, // the approval id
        PayloadRole,               // the approval in full, as indented JSON
        SortRole,                  // raw value: QDateTime for times, text otherwise
    };

    explicit ApprovalListModel(ApprovalService *service, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const PendingApproval &approval(int row) const { return m_rows.at(row); }
    // The row of approval `id`, or -1.
    int rowOf(const QString &id) const;

    // Brings the rows in line with `pending` (what the service sends; public for tests).
    void setApprovals(const QList<PendingApproval> &pending);

private:
    QPointer<ApprovalService> m_service;
    QList<PendingApproval> m_rows;
};

} // namespace warden
