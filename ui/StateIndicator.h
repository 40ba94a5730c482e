#pragma once

#include "server/ServerInterface.h"

#include <QWidget>

class QLabel;

namespace warden {

class ServerStatusController;

// A coloured dot and the server state in words ("● Running"). Shared by the server panel
// header and the status bar so the two always look alike.
class StateIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit StateIndicator(ServerStatusController *status, QWidget *parent = nullptr);

    QString text() const;
    static QColor stateColor(ServerInterface::State state, const QPalette &palette);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    ServerStatusController *m_status;
    QLabel *m_dot;
    QLabel *m_text;
};

} // namespace warden
