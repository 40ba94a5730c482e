#pragma once

#include "SchemaForm.h"
#include "server/ToolTesterService.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QAction;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;
class QTreeWidget;

namespace warden {

class ResultTableModel;
class RunHistoryModel;

// The query tester: pick a principal to act as and a tool, fill in a form generated from the
// tool's inputSchema (or its raw JSON), run it through the server's real call path, and see
// the result as a table and JSON, the compiled SQL, every policy decision, the timing and the
// audit record it produced. Runs are kept in a history; double-clicking one brings it back.
// Talks to the server only through ToolTesterService.
class QueryTesterPanel : public QWidget
{
    Q_OBJECT
public:
    // The result tabs, in order.
    enum class Tab { Table, Json, Sql, Decisions, Audit };
    Q_ENUM(Tab)

    explicit QueryTesterPanel(ToolTesterService *service, QWidget *parent = nullptr);
    ~QueryTesterPanel() override;

    QTabWidget *resultTabs() const { return m_tabs; }
    RunHistoryModel *history() const { return m_history; }
    ResultTableModel *resultModel() const { return m_result; }
    bool isRawMode() const;
    bool isRunning() const { return m_running; }

    // Writes the splitter and header layouts to QSettings (also done when the panel goes).
    void saveSettings() const;

public Q_SLOTS:
    void run();
    void cancel();
    void setRawMode(bool raw);

private:
    QWidget *createPrincipalBox();
    QWidget *createInputBox();
    QWidget *createResultBox();
    QWidget *createHistoryBox();
    void restoreSettings();

    void refreshCatalogue();
    void onAvailabilityChanged();
    void onToolChanged();
    void buildForm();
    void formToWidgets();
    void widgetsToForm();
    Impersonation principal() const;
    void setPrincipal(const Impersonation &principal);
    void showRun(const ToolRun &run);
    void restoreRun(const QModelIndex &index);
    void showInputError(const QString &message);
    void updateRunEnabled();

    QPointer<ToolTesterService> m_service;
    ToolCatalogue m_catalogue;
    SchemaForm m_form;
    bool m_running = false;
    quint64 m_runId = 0;
    bool m_historyHeaderRestored = false;

    QLabel *m_unavailable = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_tenant = nullptr;
    QLineEdit *m_roles = nullptr;
    QToolButton *m_rolePresets = nullptr;
    QLineEdit *m_scopes = nullptr;
    QPushButton *m_policyScopes = nullptr;
    QLabel *m_actingAs = nullptr;
    QComboBox *m_tool = nullptr;
    QLabel *m_toolDescription = nullptr;
    QPushButton *m_rawToggle = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QStackedWidget *m_inputStack = nullptr;
    QWidget *m_formPage = nullptr;
    QFormLayout *m_formLayout = nullptr;
    QList<QWidget *> m_fieldEditors; // one per m_form field: QLineEdit or QComboBox
    QPlainTextEdit *m_raw = nullptr;
    QLabel *m_inputError = nullptr;

    QLabel *m_outcome = nullptr;
    QLabel *m_timing = nullptr;
    QTabWidget *m_tabs = nullptr;
    ResultTableModel *m_result = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QPlainTextEdit *m_sql = nullptr;
    QTreeWidget *m_decisions = nullptr;
    QLabel *m_auditSummary = nullptr;
    QPlainTextEdit *m_audit = nullptr;

    RunHistoryModel *m_history = nullptr;
    QTableView *m_historyView = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_workSplitter = nullptr;
};

} // namespace warden
