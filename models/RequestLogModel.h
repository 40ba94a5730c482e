#pragma once

#include "server/ServerInterface.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <deque>
#include <vector>

namespace warden {

// The most recent requests a server answered, newest first. Events arrive one by one but are
// shown in batches on a timer and the list is capped, so a busy server costs the view one
// update per interval and bounded memory (qBittorrent's log model, Wireshark's batching).
// Exposes semantic roles only; the ui decides what an outcome looks like.
class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        TransportColumn,
        MethodColumn,
        TargetColumn,
        OutcomeColumn,
        DurationColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        OutcomeRole = Qt::UserRole + 1, // QString: "ok" or the error code, on every column
        IsErrorRole, // bool: the outcome is not "ok"
        SortRole, // the raw value: QDateTime, QString or qint64 microseconds
    };
    Q_ENUM(Role)

    static constexpr int DefaultMaxRows = 10000;
    static constexpr int DefaultBatchIntervalMs = 100;

    explicit RequestLogModel(QObject *parent = nullptr);

    int maxRows() const { return m_maxRows; }
    void setMaxRows(int maxRows);
    int batchIntervalMs() const { return m_timer.interval(); }
    void setBatchIntervalMs(int ms) { m_timer.setInterval(ms); }
    int pendingCount() const { return static_cast<int>(m_pending.size()); }

    const RequestEvent &event(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString formatDuration(qint64 durationUs);

public Q_SLOTS:
    // Queues one event; it appears at the next batch.
    void append(const warden::RequestEvent &event);
    // Shows everything queued now (the timer calls this).
    void flush();
    void clear();

private:
    QVariant displayData(const RequestEvent &event, int column) const;
    QVariant sortData(const RequestEvent &event, int column) const;
    void trimTo(int maxRows);

    std::deque<RequestEvent> m_rows; // row 0 is the newest
    std::vector<RequestEvent> m_pending; // oldest first
    int m_maxRows = DefaultMaxRows;
    QTimer m_timer;
};

} // namespace warden
