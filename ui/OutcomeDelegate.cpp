#include "OutcomeDelegate.h"

#include "RequestLogModel.h"

#include <QPalette>

namespace warden {

namespace {
bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}
} // namespace

OutcomeDelegate::OutcomeDelegate(int outcomeColumn, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_outcomeColumn(outcomeColumn)
{
}

QColor OutcomeDelegate::errorColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
}

QColor OutcomeDelegate::okColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x81, 0xc7, 0x84) : QColor(0x1e, 0x7b, 0x34);
}

void OutcomeDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant error = index.data(RequestLogModel::IsErrorRole);
    if (!error.isValid()) // neither ok nor failed (a check that did not run): no colour
        return;
    const bool failed = error.toBool();
    if (failed) {
        QColor tint = errorColor(option->palette);
        tint.setAlpha(isDark(option->palette) ? 40 : 24);
        option->backgroundBrush = tint;
    }
    if (index.column() == m_outcomeColumn) {
        const QColor text = failed ? errorColor(option->palette) : okColor(option->palette);
        option->palette.setColor(QPalette::Text, text);
        option->font.setBold(failed);
    }
}

} // namespace warden
