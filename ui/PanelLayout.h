#pragma once

#include <QString>

class QByteArray;
class QPlainTextEdit;
class QVBoxLayout;
class QWidget;

namespace warden {

// The frame the console's panels share: margins, a large bold title ("panelTitle") and a
// dimmed, wrapped subtitle. Returns the panel's layout for the rest of its content.
QVBoxLayout *createPanelLayout(QWidget *panel, const QString &title, const QString &subtitle);

// A text view in the system's fixed-width font, without line wrapping, that Tab leaves (so it
// stays in the keyboard's tab order): for JSON, SQL, diffs and records. Read-only unless
// `readOnly` is false.
QPlainTextEdit *monospaceView(QWidget *parent, const QString &objectName, bool readOnly = true);

// Writes a splitter or header state to QSettings under `key` unless it is already there.
void saveLayoutState(const QString &key, const QByteArray &state);

} // namespace warden
