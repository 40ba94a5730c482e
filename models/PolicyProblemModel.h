#pragma once

#include "server/PolicyService.h"

#include <QAbstractTableModel>

namespace warden {

// The problems of the document being edited, one per row (where, what to fix), so the editor
// can list them beside the tree and select the offending item when one is activated.
class PolicyProblemModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { WhereColumn, ProblemColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { PointerRole = Qt::UserRole + 1 }; // QString: the problem's JSON pointer
    Q_ENUM(Role)

    explicit PolicyProblemModel(QObject *parent = nullptr);

    void setProblems(const QList<PolicyProblem> &problems);
    const QList<PolicyProblem> &problems() const { return m_problems; }
    // "tables › customers › columns › email"; "(whole document)" for the root.
    static QString describePointer(const QString &pointer);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<PolicyProblem> m_problems;
};

} // namespace warden
