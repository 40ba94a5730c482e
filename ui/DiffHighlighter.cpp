#include "DiffHighlighter.h"

#include <QGuiApplication>
#include <QPalette>

namespace warden {

DiffHighlighter::DiffHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
}

void DiffHighlighter::highlightBlock(const QString &text)
{
    const QPalette palette = QGuiApplication::palette();
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    QTextCharFormat format;
    if (text.startsWith(QStringLiteral("+++")) || text.startsWith(QStringLiteral("---"))) {
        format.setFontWeight(QFont::Bold);
    } else if (text.startsWith(QStringLiteral("@@"))) {
        format.setForeground(palette.color(QPalette::PlaceholderText));
    } else if (text.startsWith(QLatin1Char('+'))) {
        format.setForeground(dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x1a, 0x7f, 0x37));
        format.setBackground(dark ? QColor(0x1c, 0x3a, 0x24) : QColor(0xe6, 0xff, 0xec));
    } else if (text.startsWith(QLatin1Char('-'))) {
        format.setForeground(dark ? QColor(0xff, 0xa1, 0x98) : QColor(0xcf, 0x22, 0x2e));
        format.setBackground(dark ? QColor(0x43, 0x1d, 0x1f) : QColor(0xff, 0xeb, 0xe9));
    } else {
        return;
    }
    setFormat(0, int(text.size()), format);
}

} // namespace warden
