#pragma once

#include "server/PolicyHistory.h"

#include <QAbstractTableModel>

#include <vector>

namespace warden {

// The versions a policy has had, newest first: version (short hash), when it was put in
// force, how (start, reload, apply...), and which one is in force now.
class PolicyHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { VersionColumn, LoadedAtColumn, SourceColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        HashRole = Qt::UserRole + 1, // QString: the full hash
        InForceRole, // bool: this row is the version in force
        SourceRole, // QString: start, reload, apply or replace
    };
    Q_ENUM(Role)

    explicit PolicyHistoryModel(QObject *parent = nullptr);

    // `versions` oldest first, as PolicyHistory gives them.
    void setVersions(std::vector<PolicyVersion> versions, const QString &currentHash);
    const PolicyVersion &version(int row) const;
    // The row of the newest entry with this hash, or -1.
    int rowOf(const QString &hash) const;
    static QString shortHash(const QString &hash) { return hash.left(12); }
    // How a version came into force, in words ("start" → "server start").
    static QString sourceText(const QString &source);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<PolicyVersion> m_rows; // newest first
    QString m_current;
};

} // namespace warden
