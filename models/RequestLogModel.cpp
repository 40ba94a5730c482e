#include "RequestLogModel.h"

#include <QLocale>

#include <algorithm>

namespace warden {

namespace {
constexpr qint64 UsPerMs = 1000;
constexpr qint64 UsPerSecond = 1000 * 1000;
} // namespace

RequestLogModel::RequestLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    // Single-shot: an idle server costs no wake-ups; the first queued event arms the timer.
    m_timer.setSingleShot(true);
    m_timer.setInterval(DefaultBatchIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RequestLogModel::flush);
}

void RequestLogModel::setMaxRows(int maxRows)
{
    Q_ASSERT(maxRows > 0);
    m_maxRows = std::max(1, maxRows);
    trimTo(m_maxRows);
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestEvent &e = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return displayData(e, index.column());
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return QLocale().toString(e.time.toLocalTime(), QLocale::LongFormat);
        if (index.column() == TargetColumn && !e.target.isEmpty())
            return e.target;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case OutcomeRole:
        return e.outcome;
    case IsErrorRole:
        return e.outcome != QLatin1String("ok");
    case SortRole:
        return sortData(e, index.column());
    default:
        return {};
    }
}

QVariant RequestLogModel::displayData(const RequestEvent &e, int column) const
{
    switch (column) {
    case TimeColumn:
        return e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case TransportColumn:
        return e.transport;
    case MethodColumn:
        return e.method;
    case TargetColumn:
        return e.target;
    case OutcomeColumn:
        return e.outcome;
    case DurationColumn:
        return formatDuration(e.durationUs);
    default:
        return {};
    }
}

QVariant RequestLogModel::sortData(const RequestEvent &e, int column) const
{
    switch (column) {
    case TimeColumn:
        return e.time;
    case DurationColumn:
        return e.durationUs;
    default:
        return displayData(e, column);
    }
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section == DurationColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case TransportColumn:
        return tr("Transport");
    case MethodColumn:
        return tr("Method");
    case TargetColumn:
        return tr("Tool or resource");
    case OutcomeColumn:
        return tr("Outcome");
    case DurationColumn:
        return tr("Duration");
    default:
        return {};
    }
}

QHash<int, QByteArray> RequestLogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(OutcomeRole, QByteArrayLiteral("outcome"));
    names.insert(IsErrorRole, QByteArrayLiteral("isError"));
    names.insert(SortRole, QByteArrayLiteral("sortValue"));
    return names;
}

QString RequestLogModel::formatDuration(qint64 durationUs)
{
    const QLocale locale;
    if (durationUs < UsPerMs)
        return tr("%1 µs").arg(durationUs);
    if (durationUs < UsPerSecond)
        return tr("%1 ms").arg(locale.toString(static_cast<double>(durationUs) / UsPerMs, 'f', 1));
    return tr("%1 s").arg(locale.toString(static_cast<double>(durationUs) / UsPerSecond, 'f', 2));
}

void RequestLogModel::append(const RequestEvent &event)
{
    m_pending.push_back(event);
    if (!m_timer.isActive())
        m_timer.start();
}

void RequestLogModel::flush()
{
    m_timer.stop();
    if (m_pending.empty())
        return;

    // A burst larger than the cap: only its newest events could ever be shown.
    const auto cap = static_cast<std::size_t>(m_maxRows);
    auto first = m_pending.cbegin();
    if (m_pending.size() > cap)
        first += static_cast<std::ptrdiff_t>(m_pending.size() - cap);
    const auto incoming = static_cast<int>(m_pending.cend() - first);

    // Drop the oldest rows before inserting, so the row count never exceeds the cap.
    trimTo(m_maxRows - incoming);

    beginInsertRows({}, 0, incoming - 1);
    for (auto it = first; it != m_pending.cend(); ++it)
        m_rows.push_front(*it);
    endInsertRows();
    m_pending.clear();
}

void RequestLogModel::trimTo(int maxRows)
{
    const int rows = rowCount();
    if (rows <= maxRows)
        return;
    beginRemoveRows({}, maxRows, rows - 1);
    m_rows.resize(static_cast<std::size_t>(maxRows));
    endRemoveRows();
}

void RequestLogModel::clear()
{
    m_timer.stop();
    m_pending.clear();
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace warden
