#include "ResultTableModel.h"

#include "common/StrictJson.h"

namespace warden {

ResultTableModel::ResultTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ResultTableModel::setResult(const Json &structured)
{
    beginResetModel();
    m_source.clear();
    m_columns.clear();
    m_keys.clear();
    m_rows.clear();
    if (structured.is_object() && !structured.contains("error")) {
        for (const char *member : { "rows", "groups", "tables" }) {
            const auto it = structured.find(member);
            if (it != structured.end() && it->is_array()) {
                m_source = QString::fromLatin1(member);
                for (const Json &row : *it)
                    if (row.is_object())
                        m_rows.push_back(row);
                break;
            }
        }
        if (m_source.isEmpty()) {
            const auto row = structured.find("row");
            if (row != structured.end() && row->is_object()) {
                m_source = QStringLiteral("row");
                m_rows.push_back(*row);
            }
        }
    }
    for (const Json &row : m_rows)
        for (auto it = row.begin(); it != row.end(); ++it)
            if (std::find(m_keys.begin(), m_keys.end(), it.key()) == m_keys.end()) {
                m_keys.push_back(it.key());
                m_columns.append(QString::fromStdString(it.key()));
            }
    endResetModel();
}

void ResultTableModel::clear()
{
    setResult(Json());
}

int ResultTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResultTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

const Json *ResultTableModel::cell(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return nullptr;
    const Json &row = m_rows[std::size_t(index.row())];
    const auto it = row.find(m_keys[std::size_t(index.column())]);
    return it != row.end() ? &*it : nullptr;
}

QVariant ResultTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Json *value = cell(index);
    const bool isNull = !value || value->is_null();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        if (isNull)
            return QStringLiteral("NULL");
        if (value->is_string())
            return QString::fromStdString(value->get<std::string>());
        return QString::fromStdString(StrictJson::dump(*value));
    case Qt::TextAlignmentRole:
        return value && value->is_number() ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                           : QVariant();
    case JsonRole:
        return QString::fromStdString(value ? StrictJson::dump(*value) : std::string("null"));
    case IsNullRole:
        return isNull;
    case SortRole:
        if (isNull)
            return {};
        if (value->is_number_integer())
            return qint64(value->get<std::int64_t>());
        if (value->is_number())
            return value->get<double>();
        if (value->is_boolean())
            return value->get<bool>();
        if (value->is_string())
            return QString::fromStdString(value->get<std::string>());
        return QString::fromStdString(StrictJson::dump(*value));
    default:
        return {};
    }
}

QVariant ResultTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return section >= 0 && section < m_columns.size() ? QVariant(m_columns[section])
                                                          : QVariant();
    return section + 1;
}

} // namespace warden
