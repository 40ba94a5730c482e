#pragma once

#include "server/UsageService.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <optional>
#include <vector>

namespace warden {

// One usage series as rows: each step of the window (its start time, what was counted in it,
// and the running total of the window up to it) plus the budget the total is held against.
// Fetches from a UsageService on refresh(); an answer for the same query updates the rows in
// place (dataChanged), so a live chart does not flicker. Also formats metric values in words
// for the charts' labels and tooltips.
class UsageSeriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, ValueColumn, InWindowColumn, ColumnCount };
    enum Role {
        TimeMsRole = Qt::UserRole + 1, // qint64, start of the step (Unix ms)
        ValueRole, // double, counted in the step
        InWindowRole, // double, counted from the window's start to the end of the step
    };

    explicit UsageSeriesModel(QObject *parent = nullptr);

    void setService(UsageService *service);
    UsageService *service() const { return m_service; }
    // What to show; takes effect with the next refresh().
    void setQuery(limits::SubjectKind kind, const QString &subject, limits::Metric metric,
                  limits::Window window);
    limits::SubjectKind kind() const { return m_kind; }
    QString subject() const { return m_subject; }
    limits::Metric metric() const { return m_metric; }
    limits::Window window() const { return m_window; }

    // Asks the service again; updated() follows with the answer (or an error).
    void refresh();
    bool isLoading() const { return m_pending > 0; }
    // Why the last refresh failed (what to do), or empty.
    QString errorText() const { return m_error; }
    // Whether the rows answer the current query (false after setQuery until the answer).
    bool isCurrent() const;

    qint64 fromMs() const { return m_series.fromMs; }
    qint64 toMs() const { return m_series.toMs; }
    qint64 stepMs() const { return m_series.stepMs; }
    std::optional<double> limit() const { return m_series.limit; }
    double total() const { return m_inWindow.empty() ? 0 : m_inWindow.back(); }
    double maxValue() const;
    // The step nearest to a time, or -1 when there are no rows.
    int rowAt(qint64 timeMs) const;
    // "14:05: 12 calls in this minute, 340 calls in the last hour (budget 500)".
    QString describeRow(int row) const;

    static QString metricTitle(limits::Metric metric); // "Calls", "Cost units"...
    static QString windowTitle(limits::Window window); // "Last hour"...
    // A metric's value as a number in the user's locale, as exact as it was counted.
    static QString formatNumber(double value);
    // "12 calls", "1 row", "12.5 cost units", "3 rate-limited calls"...
    static QString formatValue(limits::Metric metric, double value);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // An answer (or an error) arrived; rows, limit and errorText() are up to date.
    void updated();

private:
    void apply(const UsageSeries &series);
    QString stepText(qint64 timeMs) const;

    QPointer<UsageService> m_service;
    limits::SubjectKind m_kind = limits::SubjectKind::Principal;
    QString m_subject;
    limits::Metric m_metric = limits::Metric::Calls;
    limits::Window m_window = limits::Window::Hour;
    UsageSeries m_series;
    std::vector<double> m_inWindow;
    quint64 m_generation = 0; // answers to older queries are dropped
    int m_pending = 0;
    QString m_error;
};

} // namespace warden
