#pragma once

#include "audit/AuditExport.h"
#include "audit/AuditQuery.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;
class QTimer;

namespace warden {

class AuditDetailController;
class AuditJobController;
class AuditService;
class AuditTableModel;

// The audit log viewer: a filter bar (time range, session, record kind, free text,
// principal, tenant, tool, outcome, error code; all but the time range kept across runs), the
// trail as a table paged from the store with a live tail, a detail pane with one record in
// full, a link that narrows the list to the record's session, and "check a value", and
// verify and export with progress. Read-only: there is no way to change or remove a record
// from here.
class AuditPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int FilterDelayMs = 300;

    explicit AuditPanel(AuditService *service, QWidget *parent = nullptr);
    ~AuditPanel() override;

    AuditTableModel *model() const { return m_model; }
    AuditDetailController *detail() const { return m_detail; }
    AuditJobController *jobs() const { return m_jobs; }

    // Asks where to export to (a file dialog); tests answer it themselves.
    using ExportTarget = std::function<QString(QWidget *parent)>;
    void setExportTarget(ExportTarget target) { m_exportTarget = std::move(target); }

    // The filter as typed; nullopt (with the reason shown) when a time cannot be read.
    std::optional<audit::AuditFilter> typedFilter();

public Q_SLOTS:
    void applyFilter();
    void clearFilter();
    // Shows only the records of the selected record's session.
    void filterBySession();
    void startVerify();
    void startExport();

private:
    QWidget *createHeader();
    QWidget *createFilterBar();
    QWidget *createDetailPane();
    QWidget *createJobBar();
    void createShortcuts();
    void restoreSettings();
    void saveSettings();
    // The filter fields kept across runs, with their QSettings names.
    std::vector<std::pair<QString, QLineEdit *>> savedEdits() const;
    std::vector<std::pair<QString, QComboBox *>> savedBoxes() const;

    void onCountChanged();
    void onErrorChanged();
    void onCurrentRowChanged();
    void onRecordChanged();
    void onCheckChanged();
    void onJobProgress();
    void onJobFinished();
    void checkValue();

    AuditService *m_service;
    AuditTableModel *m_model;
    AuditDetailController *m_detail;
    AuditJobController *m_jobs;
    ExportTarget m_exportTarget;

    QLabel *m_storeLabel = nullptr;
    QCheckBox *m_followBox = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_verifyButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QLineEdit *m_fromEdit = nullptr;
    QLineEdit *m_untilEdit = nullptr;
    QLineEdit *m_principalEdit = nullptr;
    QLineEdit *m_tenantEdit = nullptr;
    QLineEdit *m_toolEdit = nullptr;
    QComboBox *m_outcomeBox = nullptr;
    QLineEdit *m_errorCodeEdit = nullptr;
    QLineEdit *m_sessionEdit = nullptr;
    QComboBox *m_kindBox = nullptr;
    QLineEdit *m_textEdit = nullptr;
    QPushButton *m_clearButton = nullptr;
    QTimer *m_filterTimer = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QSplitter *m_splitter = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_detailText = nullptr;
    QWidget *m_sessionRow = nullptr;
    QLabel *m_sessionLink = nullptr;
    QAction *m_sessionAction = nullptr;
    QLineEdit *m_checkEdit = nullptr;
    QPushButton *m_checkButton = nullptr;
    QLabel *m_checkLabel = nullptr;
    QWidget *m_jobBar = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_jobLabel = nullptr;
    std::int64_t m_pendingDetailRow = -1;
};

} // namespace warden
