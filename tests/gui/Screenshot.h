#pragma once

#include <QDir>
#include <QPixmap>
#include <QString>
#include <QTest>
#include <QWidget>

namespace warden::test {

// Saves what a panel test's widget shows as <build dir>/screenshots/<name>.png, so a reviewer
// can look at every panel after a run (the README's screenshots come from here). The widget is
// shown and laid out first; the file is written even when a later check fails.
inline QString saveScreenshot(QWidget *widget, const QString &name)
{
    if (!widget->isVisible()) {
        widget->show();
        if (!QTest::qWaitForWindowExposed(widget))
            return {};
    }
    QCoreApplication::processEvents();
    const QString dir = QStringLiteral(WARDEN_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    return widget->grab().save(path) ? path : QString();
}

} // namespace warden::test
