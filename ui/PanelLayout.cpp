#include "PanelLayout.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QVBoxLayout>

namespace warden {

QPlainTextEdit *monospaceView(QWidget *parent, const QString &objectName, bool readOnly)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(objectName);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setReadOnly(readOnly);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setTabChangesFocus(true);
    return view;
}

QVBoxLayout *createPanelLayout(QWidget *panel, const QString &title, const QString &subtitle)
{
    panel->setAccessibleName(title);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->setSpacing(12);
    auto *heading = new QLabel(title, panel);
    heading->setObjectName(QStringLiteral("panelTitle"));
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    heading->setFont(font);
    layout->addWidget(heading);
    auto *sub = new QLabel(subtitle, panel);
    sub->setWordWrap(true);
    sub->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(sub);
    return layout;
}

void saveLayoutState(const QString &key, const QByteArray &state)
{
    QSettings settings;
    if (settings.value(key).toByteArray() != state)
        settings.setValue(key, state);
}

} // namespace warden
