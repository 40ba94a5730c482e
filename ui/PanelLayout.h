#pragma once

#include <QString>

class QByteArray;
class QVBoxLayout;
class QWidget;

namespace warden {

// The frame the console's panels share: margins, a large bold title ("panelTitle") and a
// dimmed, wrapped subtitle. Returns the panel's layout for the rest of its content.
QVBoxLayout *createPanelLayout(QWidget *panel, const QString &title, const QString &subtitle);

// Writes a splitter or header state to QSettings under `key` unless it is already there.
void saveLayoutState(const QString &key, const QByteArray &state);

} // namespace warden
