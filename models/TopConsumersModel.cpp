#include "TopConsumersModel.h"

#include "UsageSeriesModel.h"

#include <QLocale>

#include <algorithm>

namespace warden {

TopConsumersModel::TopConsumersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TopConsumersModel::setService(UsageService *service)
{
    m_service = service;
    ++m_generation;
    m_pending = 0;
}

void TopConsumersModel::setQuery(limits::SubjectKind kind, limits::Metric metric,
                                 limits::Window window, int count)
{
    m_kind = kind;
    m_metric = metric;
    m_window = window;
    m_count = std::max(1, count);
}

void TopConsumersModel::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_service) {
        m_error = tr("This server does not report usage.");
        Q_EMIT updated();
        return;
    }
    ++m_pending;
    const limits::Metric metric = m_metric;
    m_service->fetchTopConsumers(
        m_kind, m_metric, m_window, m_count, this,
        [this, generation, metric](const Result<std::vector<limits::Consumer>> &answer) {
            m_pending = std::max(0, m_pending - 1);
            if (generation != m_generation)
                return;
            if (answer) {
                m_error.clear();
                std::vector<Row> rows;
                rows.reserve(answer->size());
                for (const limits::Consumer &c : *answer)
                    rows.push_back({ QString::fromStdString(c.subject), c.value });
                apply(std::move(rows), metric);
            } else {
                m_error = QString::fromStdString(answer.error().message);
            }
            Q_EMIT updated();
        });
}

void TopConsumersModel::apply(std::vector<Row> rows, limits::Metric metric)
{
    const bool sameSubjects = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(),
                      [](const Row &a, const Row &b) { return a.subject == b.subject; });
    if (!sameSubjects) {
        beginResetModel();
        m_rows = std::move(rows);
        m_shownMetric = metric;
        endResetModel();
        return;
    }
    const bool metricChanged = metric != m_shownMetric;
    m_rows = std::move(rows);
    m_shownMetric = metric;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, ValueColumn), index(rowCount() - 1, ValueColumn));
    if (metricChanged)
        Q_EMIT headerDataChanged(Qt::Horizontal, ValueColumn, ValueColumn);
}

QString TopConsumersModel::subjectAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[std::size_t(row)].subject : QString();
}

int TopConsumersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TopConsumersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TopConsumersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    switch (role) {
    case SubjectRole:
        return row.subject;
    case ValueRole:
        return row.value;
    case SortRole:
        switch (index.column()) {
        case RankColumn:
            return index.row();
        case SubjectColumn:
            return row.subject;
        case ValueColumn:
            return row.value;
        }
        break;
    case Qt::DisplayRole:
        switch (index.column()) {
        case RankColumn:
            return QLocale().toString(index.row() + 1);
        case SubjectColumn:
            return row.subject;
        case ValueColumn:
            return UsageSeriesModel::formatNumber(row.value);
        }
        break;
    case Qt::ToolTipRole:
        return tr("%1: %2").arg(row.subject,
                                UsageSeriesModel::formatValue(m_shownMetric, row.value));
    case Qt::TextAlignmentRole:
        if (index.column() != SubjectColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant TopConsumersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case RankColumn:
        return tr("#");
    case SubjectColumn:
        return m_kind == limits::SubjectKind::Tenant ? tr("Tenant") : tr("Principal");
    case ValueColumn:
        return UsageSeriesModel::metricTitle(m_shownMetric);
    }
    return {};
}

} // namespace warden
