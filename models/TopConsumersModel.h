#pragma once

#include "server/UsageService.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <vector>

namespace warden {

// The largest consumers of one metric over one window, largest first, fetched from a
// UsageService on refresh(). An answer naming the same subjects in the same order updates the
// rows in place, so a live table keeps its selection and does not flicker.
class TopConsumersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RankColumn, SubjectColumn, ValueColumn, ColumnCount };
    enum Role {
        SubjectRole = Qt::UserRole + 1, // QString, the subject key
        ValueRole, // double
        SortRole, // rank (int), subject (QString) or value (double) by column
    };
    static constexpr int DefaultCount = 20;

    explicit TopConsumersModel(QObject *parent = nullptr);

    void setService(UsageService *service);
    void setQuery(limits::SubjectKind kind, limits::Metric metric, limits::Window window,
                  int count = DefaultCount);
    limits::SubjectKind kind() const { return m_kind; }
    limits::Metric metric() const { return m_metric; }
    limits::Window window() const { return m_window; }

    void refresh();
    bool isLoading() const { return m_pending > 0; }
    QString errorText() const { return m_error; }
    QString subjectAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void updated();

private:
    struct Row
    {
        QString subject;
        double value = 0;
    };
    void apply(std::vector<Row> rows, limits::Metric metric);

    QPointer<UsageService> m_service;
    limits::SubjectKind m_kind = limits::SubjectKind::Principal;
    limits::Metric m_metric = limits::Metric::Calls;
    limits::Window m_window = limits::Window::Hour;
    int m_count = DefaultCount;
    limits::Metric m_shownMetric = limits::Metric::Calls;
    std::vector<Row> m_rows;
    quint64 m_generation = 0;
    int m_pending = 0;
    QString m_error;
};

} // namespace warden
