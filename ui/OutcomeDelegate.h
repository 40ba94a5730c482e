#pragma once

#include <QStyledItemDelegate>

namespace warden {

// Paints request rows by their outcome: a failed request gets a tinted row and a red outcome,
// a successful one a green outcome. The colours live here, not in the model, which only
// says what happened (RequestLogModel::OutcomeRole / IsErrorRole).
class OutcomeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit OutcomeDelegate(int outcomeColumn, QObject *parent = nullptr);

    // Colours readable on both light and dark palettes.
    static QColor errorColor(const QPalette &palette);
    static QColor okColor(const QPalette &palette);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_outcomeColumn;
};

} // namespace warden
