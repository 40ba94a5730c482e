#include "UsageSeriesModel.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace warden {

UsageSeriesModel::UsageSeriesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void UsageSeriesModel::setService(UsageService *service)
{
    m_service = service;
    ++m_generation;
    m_pending = 0;
}

void UsageSeriesModel::setQuery(limits::SubjectKind kind, const QString &subject,
                                limits::Metric metric, limits::Window window)
{
    m_kind = kind;
    m_subject = subject;
    m_metric = metric;
    m_window = window;
}

bool UsageSeriesModel::isCurrent() const
{
    return !m_series.points.empty() && m_series.kind == m_kind && m_series.subject == m_subject
        && m_series.metric == m_metric && m_series.window == m_window;
}

void UsageSeriesModel::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_service) {
        m_error = tr("This server does not report usage.");
        Q_EMIT updated();
        return;
    }
    ++m_pending;
    m_service->fetchSeries(m_kind, m_subject, m_metric, m_window, this,
                           [this, generation](const Result<UsageSeries> &answer) {
                               m_pending = std::max(0, m_pending - 1);
                               if (generation != m_generation)
                                   return; // a newer query is on its way
                               if (answer) {
                                   m_error.clear();
                                   apply(*answer);
                               } else {
                                   m_error = QString::fromStdString(answer.error().message);
                               }
                               Q_EMIT updated();
                           });
}

void UsageSeriesModel::apply(const UsageSeries &series)
{
    std::vector<double> inWindow;
    inWindow.reserve(series.points.size());
    double sum = 0;
    for (const limits::SeriesPoint &p : series.points)
        inWindow.push_back(sum += p.value);

    const int oldRows = rowCount();
    const int newRows = int(series.points.size());
    if (oldRows == newRows) {
        const bool metricChanged = m_series.metric != series.metric;
        m_series = series;
        m_inWindow = std::move(inWindow);
        if (newRows > 0)
            Q_EMIT dataChanged(index(0, 0), index(newRows - 1, ColumnCount - 1));
        if (metricChanged)
            Q_EMIT headerDataChanged(Qt::Horizontal, ValueColumn, ValueColumn);
        return;
    }
    beginResetModel();
    m_series = series;
    m_inWindow = std::move(inWindow);
    endResetModel();
}

double UsageSeriesModel::maxValue() const
{
    double max = 0;
    for (const limits::SeriesPoint &p : m_series.points)
        max = std::max(max, p.value);
    return std::max(max, total());
}

int UsageSeriesModel::rowAt(qint64 timeMs) const
{
    const int rows = rowCount();
    if (rows == 0 || m_series.stepMs <= 0)
        return -1;
    // Points are drawn at the middle of their step.
    const double step = double(timeMs - m_series.fromMs) / double(m_series.stepMs) - 0.5;
    return std::clamp(int(std::lround(step)), 0, rows - 1);
}

QString UsageSeriesModel::stepText(qint64 timeMs) const
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(timeMs);
    return QLocale().toString(time,
                              m_series.window == limits::Window::Week ? QStringLiteral("ddd HH:mm")
                                                                      : QStringLiteral("HH:mm"));
}

QString UsageSeriesModel::describeRow(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    const limits::SeriesPoint &p = m_series.points[std::size_t(row)];
    const QString span = tr("%1–%2").arg(stepText(p.timeMs), stepText(p.timeMs + m_series.stepMs));
    const QString head = tr("%1: %2").arg(span, formatValue(m_series.metric, p.value));
    const QString sofar = formatValue(m_series.metric, m_inWindow[std::size_t(row)]);
    if (m_series.limit)
        return head + QLatin1Char('\n')
            + tr("%1 in the window up to here (budget %2)")
                  .arg(sofar, formatValue(m_series.metric, *m_series.limit));
    return head + QLatin1Char('\n') + tr("%1 in the window up to here").arg(sofar);
}

QString UsageSeriesModel::metricTitle(limits::Metric metric)
{
    switch (metric) {
    case limits::Metric::Calls:
        return tr("Calls");
    case limits::Metric::Rows:
        return tr("Rows returned");
    case limits::Metric::Cost:
        return tr("Cost units");
    case limits::Metric::RateLimited:
        return tr("Rate limited");
    case limits::Metric::BudgetRejected:
        return tr("Budget rejected");
    }
    return {};
}

QString UsageSeriesModel::windowTitle(limits::Window window)
{
    switch (window) {
    case limits::Window::Hour:
        return tr("Last hour");
    case limits::Window::Day:
        return tr("Last day");
    case limits::Window::Week:
        return tr("Last week");
    }
    return {};
}

QString UsageSeriesModel::formatNumber(double value)
{
    return QLocale().toString(value, 'g', 12);
}

QString UsageSeriesModel::formatValue(limits::Metric metric, double value)
{
    // Counts are whole; "1 call" but "2 calls" (no English .qm resolves %n plurals).
    const QString number = formatNumber(value);
    const bool one = value == 1;
    switch (metric) {
    case limits::Metric::Calls:
        return (one ? tr("%1 call") : tr("%1 calls")).arg(number);
    case limits::Metric::Rows:
        return (one ? tr("%1 row") : tr("%1 rows")).arg(number);
    case limits::Metric::Cost:
        return (one ? tr("%1 cost unit") : tr("%1 cost units")).arg(number);
    case limits::Metric::RateLimited:
        return (one ? tr("%1 rate-limited call") : tr("%1 rate-limited calls")).arg(number);
    case limits::Metric::BudgetRejected:
        return (one ? tr("%1 budget rejection") : tr("%1 budget rejections")).arg(number);
    }
    return {};
}

int UsageSeriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_series.points.size());
}

int UsageSeriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsageSeriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const std::size_t row = std::size_t(index.row());
    const limits::SeriesPoint &p = m_series.points[row];
    switch (role) {
    case TimeMsRole:
        return qint64(p.timeMs);
    case ValueRole:
        return p.value;
    case InWindowRole:
        return m_inWindow[row];
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return stepText(p.timeMs);
        case ValueColumn:
            return formatNumber(p.value);
        case InWindowColumn:
            return formatNumber(m_inWindow[row]);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != TimeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant UsageSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ValueColumn:
        return metricTitle(m_series.metric);
    case InWindowColumn:
        return tr("In the window");
    }
    return {};
}

} // namespace warden
