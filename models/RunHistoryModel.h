#pragma once

#include "server/ToolTesterService.h"

#include <QAbstractTableModel>

#include <deque>

namespace warden {

// The query tester's runs, newest first, capped. Each row keeps the whole run so the tester
// can show it again (and put its tool, principal and arguments back in the editors).
class RunHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        ToolColumn,
        PrincipalColumn,
        OutcomeColumn,
        DurationColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    // Same numbers as RequestLogModel's, so OutcomeDelegate paints both.
    enum Role {
        OutcomeRole = Qt::UserRole + 1, // QString: "ok" or the error code
        IsErrorRole, // bool
    };
    Q_ENUM(Role)

    static constexpr int DefaultMaxRuns = 200;

    explicit RunHistoryModel(QObject *parent = nullptr);

    void setMaxRuns(int maxRuns);
    int maxRuns() const { return m_maxRuns; }

    // Adds a run at the top (dropping the oldest beyond the cap).
    void addRun(const warden::ToolRun &run);
    const warden::ToolRun &run(int row) const { return m_runs[std::size_t(row)]; }
    void clear();

    // "ok", or the run's error code ("ERROR" when it has none).
    static QString outcomeOf(const warden::ToolRun &run);
    // "alice @ acme (analyst)"
    static QString principalText(const warden::Impersonation &principal);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void trimTo(int maxRuns);

    std::deque<warden::ToolRun> m_runs; // row 0 is the newest
    int m_maxRuns = DefaultMaxRuns;
};

} // namespace warden
