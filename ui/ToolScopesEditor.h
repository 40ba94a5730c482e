#pragma once

#include "common/Json.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace warden {

class PolicyService;
class ToolScopeModel;
class ToolTesterService;

// Which OAuth scope each tool needs: the policy's "scopes" map, edited as a table of the
// server's tools (F2 or typing edits a scope; an empty one means none is needed). Each edit
// is checked by the server (debounced) with the problem on its row; "Apply scopes…" shows the
// change to the policy and puts it in force through the PolicyService, like the policy
// editor's Apply. Needs the running server, which has the policy and the tool catalogue.
class ToolScopesEditor : public QWidget
{
    Q_OBJECT
public:
    ToolScopesEditor(PolicyService *policies, ToolTesterService *tools, QWidget *parent = nullptr);

    ToolScopeModel *model() const { return m_model; }

private:
    void onAvailabilityChanged();
    void loadRunning();
    void onEdited();
    void check();
    void confirmAndApply();
    void updateState();

    PolicyService *m_policies;
    ToolTesterService *m_tools;
    ToolScopeModel *m_model;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_discardButton = nullptr;
    QTimer *m_checkTimer = nullptr;
    Json m_running; // the policy document in force (null: none loaded)
    QString m_message; // the outcome of the last apply, or a problem outside the rows
    bool m_valid = true; // the last check of the edited document passed
    bool m_checking = false;
    quint64 m_checkSerial = 0;
};

} // namespace warden
