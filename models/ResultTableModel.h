#pragma once

#include "common/Json.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace warden {

// A tool result's rows as a table: db_query's `rows`, db_aggregate's `groups`, db_get's `row`,
// db_describe_schema's `tables`. Columns are the keys in the order they first appear. Cells show
// scalars as text, null as "NULL", nested values (includes) as compact JSON. An error result
// or one without rows gives an empty table.
class ResultTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        JsonRole = Qt::UserRole + 1, // QString: the cell's value as JSON text
        IsNullRole, // bool
        SortRole, // qint64, double, bool or QString: the raw value
    };
    Q_ENUM(Role)

    explicit ResultTableModel(QObject *parent = nullptr);

    // Replaces the table with the rows of `structuredContent`.
    void setResult(const warden::Json &structuredContent);
    void clear();
    // Which member the rows came from ("rows", "groups", "row", "tables"), or empty.
    QString source() const { return m_source; }
    QStringList columnNames() const { return m_columns; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const warden::Json *cell(const QModelIndex &index) const;

    QString m_source;
    QStringList m_columns;
    std::vector<std::string> m_keys; // m_columns as std::string, for lookups
    std::vector<warden::Json> m_rows; // objects
};

} // namespace warden
