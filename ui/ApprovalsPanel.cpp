#include "ApprovalsPanel.h"

#include "ApprovalListModel.h"
#include "PanelLayout.h"
#include "server/ApprovalService.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace warden {
namespace {

const QString kSplitterKey = QStringLiteral("ApprovalsPanel/splitter");
const QString kHeaderKey = QStringLiteral("ApprovalsPanel/header");

} // namespace

ApprovalsPanel::ApprovalsPanel(ApprovalService *service, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_model(new ApprovalListModel(service, this))
{
    QVBoxLayout *layout =
        createPanelLayout(this, tr("Approvals"),
                          tr("Writes that wait for an operator. Approving lets the agent run exactly this call "
                             "once; denying refuses it. Every decision is kept in the audit trail."));

    m_unavailable = new QLabel(this);
    m_unavailable->setObjectName(QStringLiteral("unavailableLabel"));
    m_unavailable->setWordWrap(true);
    m_unavailable->setTextFormat(Qt::PlainText);
    layout->addWidget(m_unavailable);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("approvalsTable"));
    m_table->setAccessibleName(tr("Pending approvals"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("approvalsSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(createDetails());
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    layout->addWidget(m_splitter, 1);

    const QSettings settings;
    m_splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    m_fitColumns = !m_table->horizontalHeader()->restoreState(settings.value(kHeaderKey).toByteArray());
    // Saved only once they change after this (a hidden panel's sizes are not a layout).
    auto changed = [this] { m_layoutChanged = true; };
    connect(m_splitter, &QSplitter::splitterMoved, this, changed);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, changed);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, changed);

    setTabOrder(m_table, m_payload);
    setTabOrder(m_payload, m_reason);
    setTabOrder(m_reason, m_approveButton);
    setTabOrder(m_approveButton, m_denyButton);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ApprovalsPanel::onCurrentChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ApprovalsPanel::onCurrentChanged);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_fitColumns) { // once, with rows to measure, unless the user's widths were restored
            m_fitColumns = false;
            // Queued: the view lays the new rows out after this signal, and measures only
            // rows it has laid out.
            QMetaObject::invokeMethod(m_table, &QTableView::resizeColumnsToContents,
                                      Qt::QueuedConnection);
        }
        if (!m_table->currentIndex().isValid())
            m_table->setCurrentIndex(m_model->index(0, 0));
        onCurrentChanged();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ApprovalsPanel::onCurrentChanged);
    connect(m_reason, &QLineEdit::textChanged, this, &ApprovalsPanel::updateButtons);
    connect(m_approveButton, &QPushButton::clicked, this, [this] { decide(true); });
    connect(m_denyButton, &QPushButton::clicked, this, [this] { decide(false); });
    if (service) {
        connect(service, &ApprovalService::availabilityChanged, this, &ApprovalsPanel::onAvailabilityChanged);
        connect(service, &ApprovalService::decided, this, &ApprovalsPanel::onDecided);
    }
    if (m_model->rowCount() > 0)
        m_table->setCurrentIndex(m_model->index(0, 0));
    onAvailabilityChanged();
    onCurrentChanged();
}

ApprovalsPanel::~ApprovalsPanel()
{
    if (!m_layoutChanged)
        return;
    saveLayoutState(kSplitterKey, m_splitter->saveState());
    saveLayoutState(kHeaderKey, m_table->horizontalHeader()->saveState());
}

QWidget *ApprovalsPanel::createDetails()
{
    auto *details = new QWidget(this);
    auto *layout = new QVBoxLayout(details);
    layout->setContentsMargins(0, 0, 0, 0);

    m_summary = new QLabel(details);
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    layout->addWidget(m_summary);

    auto *payloadLabel = new QLabel(tr("&Payload (exactly what is approved):"), details);
    layout->addWidget(payloadLabel);
    m_payload = monospaceView(details, QStringLiteral("payloadView"));
    m_payload->setAccessibleName(tr("Payload"));
    payloadLabel->setBuddy(m_payload);
    layout->addWidget(m_payload, 1);

    auto *reasonLabel = new QLabel(tr("&Reason:"), details);
    layout->addWidget(reasonLabel);
    m_reason = new QLineEdit(details);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Why you approve or deny this write"));
    m_reason->setMaxLength(500);
    reasonLabel->setBuddy(m_reason);
    layout->addWidget(m_reason);
    m_reasonHint = new QLabel(tr("A reason is required to deny; it is kept in the audit trail."), details);
    m_reasonHint->setForegroundRole(QPalette::PlaceholderText);
    m_reasonHint->setWordWrap(true);
    layout->addWidget(m_reasonHint);

    auto *buttons = new QHBoxLayout;
    m_result = new QLabel(details);
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    buttons->addWidget(m_result, 1);
    m_approveButton = new QPushButton(tr("&Approve…"), details);
    m_approveButton->setObjectName(QStringLiteral("approveButton"));
    m_approveButton->setToolTip(tr("Let the agent run exactly this call once (Alt+A)"));
    m_denyButton = new QPushButton(tr("&Deny…"), details);
    m_denyButton->setObjectName(QStringLiteral("denyButton"));
    m_denyButton->setToolTip(tr("Refuse this call; needs a reason (Alt+D)"));
    buttons->addWidget(m_approveButton);
    buttons->addWidget(m_denyButton);
    layout->addLayout(buttons);
    return details;
}

QString ApprovalsPanel::selectedId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(ApprovalListModel::IdRole).toString() : QString();
}

void ApprovalsPanel::onAvailabilityChanged()
{
    const bool available = m_service && m_service->isAvailable();
    m_unavailable->setText(!m_service ? tr("This server does not offer approvals.")
                                      : m_service->unavailableReason());
    m_unavailable->setVisible(!available);
    updateButtons();
}

void ApprovalsPanel::onCurrentChanged()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_summary->setText(m_model->rowCount() == 0 ? tr("No write is waiting for approval.")
                                                    : tr("Choose an approval to see its payload."));
        m_payload->clear();
        updateButtons();
        return;
    }
    const PendingApproval &a = m_model->approval(current.row());
    m_summary->setText(a.tenant.isEmpty()
                           ? tr("%1 on %2, requested by %3.").arg(a.tool, a.table, a.principal)
                           : tr("%1 on %2, requested by %3 (tenant %4).").arg(a.tool, a.table, a.principal, a.tenant));
    if (m_payload->toPlainText() != a.payload)
        m_payload->setPlainText(a.payload);
    updateButtons();
}

void ApprovalsPanel::updateButtons()
{
    const bool ready = m_service && m_service->isAvailable() && !selectedId().isEmpty() && m_deciding.isEmpty();
    m_approveButton->setEnabled(ready);
    m_denyButton->setEnabled(ready && !m_reason->text().trimmed().isEmpty());
    m_reason->setEnabled(ready || !m_deciding.isEmpty());
}

void ApprovalsPanel::decide(bool approve)
{
    const QModelIndex current = m_table->currentIndex();
    if (!m_service || !current.isValid() || !m_deciding.isEmpty())
        return;
    const QString reason = m_reason->text().trimmed();
    if (!approve && reason.isEmpty())
        return;
    const PendingApproval a = m_model->approval(current.row());
    QMessageBox confirm(QMessageBox::Question, approve ? tr("Approve write") : tr("Deny write"),
                        approve ? tr("Approve %1 on %2 requested by %3?\n\nThe agent can then run exactly this "
                                     "call once. The decision is recorded as %4.")
                                      .arg(a.tool, a.table, a.principal, m_service->decider())
                                : tr("Deny %1 on %2 requested by %3?\n\nThe decision is recorded as %4.")
                                      .arg(a.tool, a.table, a.principal, m_service->decider()),
                        QMessageBox::Cancel, this);
    confirm.setObjectName(QStringLiteral("confirmDecision"));
    QPushButton *yes = confirm.addButton(approve ? tr("&Approve") : tr("&Deny"), QMessageBox::AcceptRole);
    confirm.setDefaultButton(yes);
    confirm.setEscapeButton(QMessageBox::Cancel);
    confirm.exec();
    if (confirm.clickedButton() != yes)
        return;
    if (!m_service || m_model->rowOf(a.id) < 0) {
        m_result->setText(tr("Approval %1 is no longer waiting; nothing was decided.").arg(a.id));
        return;
    }
    m_deciding = a.id;
    m_result->setText(approve ? tr("Approving…") : tr("Denying…"));
    updateButtons();
    m_service->decide(a.id, approve, reason);
}

void ApprovalsPanel::onDecided(const QString &id, bool approved, const QString &error)
{
    if (id != m_deciding)
        return;
    m_deciding.clear();
    if (!error.isEmpty()) {
        m_result->setText(tr("Not decided: %1").arg(error));
    } else {
        m_result->setText(approved ? tr("Approved %1 as %2; recorded in the audit trail.").arg(id, m_service->decider())
                                   : tr("Denied %1 as %2; recorded in the audit trail.").arg(id, m_service->decider()));
        m_reason->clear();
    }
    updateButtons();
}

} // namespace warden
