#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace warden {

// Asks, window-modal and without blocking, whether to put changes in force: `question` above
// the changes as text (a diff, in a fixed-width read-only view), Cancel and `acceptText` (the
// default button). `accepted` runs once the user accepts; nothing happens otherwise. The
// dialog is a child of `parent` named `objectName` and deletes itself when closed.
void confirmChanges(QWidget *parent, const QString &objectName, const QString &title,
                    const QString &question, const QString &changes, const QString &acceptText,
                    std::function<void()> accepted);

} // namespace warden
