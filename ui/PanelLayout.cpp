#include "PanelLayout.h"

#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

namespace warden {

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
