#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;

namespace warden {

class ApprovalListModel;
class ApprovalService;

// The Approvals panel: the writes that wait for an operator, each with its exact payload, and
// approve / deny with a reason (required to deny) after a confirmation. Decisions go through
// ApprovalService and are audited there as the console user.
class ApprovalsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ApprovalsPanel(ApprovalService *service, QWidget *parent = nullptr);
    ~ApprovalsPanel() override;

    ApprovalListModel *model() const { return m_model; }

private:
    QWidget *createDetails();
    void onAvailabilityChanged();
    void onCurrentChanged();
    void onDecided(const QString &id, bool approved, const QString &error);
    void updateButtons();
    void decide(bool approve);
    QString selectedId() const;

    QPointer<ApprovalService> m_service;
    ApprovalListModel *m_model;
    QString m_deciding; // the approval a decision is in flight for
    bool m_fitColumns = false;
    bool m_layoutChanged = false;

    QLabel *m_unavailable = nullptr;
    QSplitter *m_splitter = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_reasonHint = nullptr;
    QPushButton *m_approveButton = nullptr;
    QPushButton *m_denyButton = nullptr;
    QLabel *m_result = nullptr;
};

} // namespace warden
