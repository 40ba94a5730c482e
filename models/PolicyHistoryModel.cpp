#include "PolicyHistoryModel.h"

#include <QLocale>

#include <algorithm>

namespace warden {

PolicyHistoryModel::PolicyHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PolicyHistoryModel::setVersions(std::vector<PolicyVersion> versions,
                                     const QString &currentHash)
{
    beginResetModel();
    std::reverse(versions.begin(), versions.end());
    m_rows = std::move(versions);
    m_current = currentHash;
    endResetModel();
}

const PolicyVersion &PolicyHistoryModel::version(int row) const
{
    return m_rows[std::size_t(row)];
}

int PolicyHistoryModel::rowOf(const QString &hash) const
{
    const std::string h = hash.toStdString();
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].hash == h)
            return int(i);
    return -1;
}

int PolicyHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PolicyHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PolicyHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PolicyVersion &v = m_rows[std::size_t(index.row())];
    const QString hash = QString::fromStdString(v.hash);
    // The newest entry of the hash in force is the one in force (an old one may share it).
    const bool inForce = hash == m_current && rowOf(m_current) == index.row();
    switch (role) {
    case HashRole:
        return hash;
    case InForceRole:
        return inForce;
    case SourceRole:
        return v.source;
    case Qt::ToolTipRole:
        return index.column() == VersionColumn ? hash : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn:
            return inForce ? tr("%1 (in force)").arg(shortHash(hash)) : shortHash(hash);
        case LoadedAtColumn:
            return QLocale().toString(v.loadedAt.toLocalTime(), QLocale::ShortFormat);
        case SourceColumn:
            return sourceText(v.source);
        default:
            return {};
        }
    default:
        return {};
    }
}

QString PolicyHistoryModel::sourceText(const QString &source)
{
    if (source == QLatin1String("start"))
        return tr("server start");
    if (source == QLatin1String("reload"))
        return tr("file changed");
    if (source == QLatin1String("apply"))
        return tr("applied");
    if (source == QLatin1String("replace"))
        return tr("replaced");
    return source;
}

QVariant PolicyHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn:
        return tr("Version");
    case LoadedAtColumn:
        return tr("In force since");
    case SourceColumn:
        return tr("Source");
    default:
        return {};
    }
}

} // namespace warden
