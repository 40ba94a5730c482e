#include "RunHistoryModel.h"

#include "RequestLogModel.h"

#include <QLocale>

namespace warden {

static_assert(int(RunHistoryModel::OutcomeRole) == int(RequestLogModel::OutcomeRole)
              && int(RunHistoryModel::IsErrorRole) == int(RequestLogModel::IsErrorRole));

RunHistoryModel::RunHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RunHistoryModel::setMaxRuns(int maxRuns)
{
    m_maxRuns = qMax(1, maxRuns);
    trimTo(m_maxRuns);
}

void RunHistoryModel::addRun(const ToolRun &run)
{
    trimTo(m_maxRuns - 1);
    beginInsertRows({}, 0, 0);
    m_runs.push_front(run);
    endInsertRows();
}

void RunHistoryModel::trimTo(int maxRuns)
{
    const int count = int(m_runs.size());
    if (count <= maxRuns)
        return;
    beginRemoveRows({}, maxRuns, count - 1);
    m_runs.resize(std::size_t(maxRuns));
    endRemoveRows();
}

void RunHistoryModel::clear()
{
    beginResetModel();
    m_runs.clear();
    endResetModel();
}

QString RunHistoryModel::outcomeOf(const ToolRun &run)
{
    if (!run.isError)
        return QStringLiteral("ok");
    return run.errorCode.isEmpty() ? QStringLiteral("ERROR") : run.errorCode;
}

QString RunHistoryModel::principalText(const Impersonation &p)
{
    QString text = p.user;
    if (!p.tenant.isEmpty())
        text += QStringLiteral(" @ ") + p.tenant;
    if (!p.roles.isEmpty())
        text += QStringLiteral(" (") + p.roles.join(QStringLiteral(", ")) + QLatin1Char(')');
    return text;
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ToolRun &r = run(index.row());
    switch (role) {
    case OutcomeRole:
        return outcomeOf(r);
    case IsErrorRole:
        return r.isError;
    case Qt::ToolTipRole:
        return r.isError && !r.errorMessage.isEmpty() ? QVariant(r.errorMessage) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QLocale().toString(r.started.toLocalTime().time(), QStringLiteral("HH:mm:ss"));
        case ToolColumn:
            return r.tool;
        case PrincipalColumn:
            return principalText(r.principal);
        case OutcomeColumn:
            return outcomeOf(r);
        case DurationColumn:
            return RequestLogModel::formatDuration(r.durationUs);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ToolColumn:
        return tr("Tool");
    case PrincipalColumn:
        return tr("Principal");
    case OutcomeColumn:
        return tr("Outcome");
    case DurationColumn:
        return tr("Duration");
    default:
        return {};
    }
}

} // namespace warden
