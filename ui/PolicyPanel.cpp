#include "PolicyPanel.h"

#include "ConfirmChangesDialog.h"

#include "PolicyHistoryModel.h"
#include "PolicyJsonText.h"
#include "PolicyProblemModel.h"
#include "PolicyTreeDelegate.h"
#include "PolicyTreeModel.h"
#include "ServerStatusController.h"
#include "common/JsonPointer.h"

#include <utility>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextBlock>
#include <QTreeView>
#include <QVBoxLayout>

namespace warden {
namespace {

const QString SplitterKey = QStringLiteral("PolicyPanel/splitter");
const QString LeftSplitterKey = QStringLiteral("PolicyPanel/leftSplitter");
const QString TreeHeaderKey = QStringLiteral("PolicyPanel/treeHeader");
const QString HistoryHeaderKey = QStringLiteral("PolicyPanel/historyHeader");

// Combo entries of a row-scope column: its key absent (the default), null (none), a column.
const QString InheritData = QStringLiteral("\x01inherit");
const QString NoneData = QStringLiteral("\x01none");

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString shortHash(const QString &hash)
{
    return PolicyHistoryModel::shortHash(hash);
}

QPlainTextEdit *monospaceView(QWidget *parent, bool readOnly)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setReadOnly(readOnly);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setTabChangesFocus(true);
    return edit;
}

QSpinBox *budgetSpin(QWidget *parent, int max, const QString &suffix)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(0, max);
    spin->setSpecialValueText(PolicyPanel::tr("Default"));
    spin->setSuffix(suffix);
    return spin;
}

} // namespace

PolicyPanel::PolicyPanel(ServerStatusController *status, PolicyService *service, QWidget *parent)
    : QWidget(parent)
    , m_status(status)
    , m_service(service)
    , m_tree(new PolicyTreeModel(this))
    , m_problems(new PolicyProblemModel(this))
    , m_history(new PolicyHistoryModel(this))
{
    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(ValidateDelayMs);
    m_parseTimer.setSingleShot(true);
    m_parseTimer.setInterval(ParseDelayMs);
    connect(&m_validateTimer, &QTimer::timeout, this, &PolicyPanel::validateNow);
    connect(&m_parseTimer, &QTimer::timeout, this, &PolicyPanel::parseJsonText);
    connect(m_tree, &PolicyTreeModel::documentChanged, this, &PolicyPanel::onDocumentEdited);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(createUnavailablePage());
    m_pages->addWidget(createEditorPage());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    if (m_status)
        connect(m_status, &ServerStatusController::stateChanged, this,
                &PolicyPanel::onAvailabilityChanged);
    if (m_service) {
        connect(m_service, &PolicyService::availabilityChanged, this,
                &PolicyPanel::onAvailabilityChanged);
        connect(m_service, &PolicyService::policyChanged, this, [this] { loadRunning(true); });
        connect(m_service, &PolicyService::reloadFailed, this, [this](const QString &message) {
            showBanner(tr("The policy file changed on disk but was refused, so the version in "
                          "force stays: %1")
                           .arg(message));
        });
    }
    restoreLayout();
    onAvailabilityChanged();
}

PolicyPanel::~PolicyPanel()
{
    saveLayout();
}

// --- pages ---

QWidget *PolicyPanel::createUnavailablePage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    m_unavailableLabel = new QLabel(page);
    m_unavailableLabel->setObjectName(QStringLiteral("policyUnavailableLabel"));
    m_unavailableLabel->setWordWrap(true);
    m_unavailableLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_unavailableLabel);
    m_startButton = new QPushButton(tr("S&tart the server"), page);
    m_startButton->setObjectName(QStringLiteral("policyStartButton"));
    if (m_status)
        connect(m_startButton, &QPushButton::clicked, m_status, &ServerStatusController::start);
    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(m_startButton);
    row->addStretch();
    layout->addLayout(row);
    layout->addStretch();
    return page;
}

QWidget *PolicyPanel::createEditorPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);

    auto *bar = new QHBoxLayout;
    m_statusLabel = new QLabel(page);
    m_statusLabel->setObjectName(QStringLiteral("policyStatusLabel"));
    m_statusLabel->setWordWrap(true);
    bar->addWidget(m_statusLabel, 1);
    m_discardButton = new QPushButton(tr("&Discard changes"), page);
    m_discardButton->setObjectName(QStringLiteral("policyDiscardButton"));
    m_discardButton->setToolTip(tr("Go back to the version in force"));
    connect(m_discardButton, &QPushButton::clicked, this, [this] {
        m_running.reset(); // reload as on first sight: the edits go
        showBanner(QString());
        loadRunning(false);
    });
    bar->addWidget(m_discardButton);
    m_applyButton = new QPushButton(tr("&Apply…"), page);
    m_applyButton->setObjectName(QStringLiteral("policyApplyButton"));
    m_applyButton->setToolTip(tr("Write the policy file and put it in force (Ctrl+S)"));
    connect(m_applyButton, &QPushButton::clicked, this, &PolicyPanel::confirmAndApply);
    bar->addWidget(m_applyButton);
    layout->addLayout(bar);

    auto *applyAction = new QAction(tr("Apply the policy"), this);
    applyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    applyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(applyAction, &QAction::triggered, this, &PolicyPanel::confirmAndApply);
    addAction(applyAction);
    // Undo and redo of whole-document edits (tree, details, a parsed JSON change); inside the
    // JSON text, Ctrl+Z is the text's own undo.
    auto *undoAction = new QAction(tr("Undo the last edit"), this);
    undoAction->setShortcut(QKeySequence::Undo);
    undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(undoAction, &QAction::triggered, this, [this] { stepHistory(m_undo, m_redo); });
    addAction(undoAction);
    auto *redoAction = new QAction(tr("Redo the edit"), this);
    redoAction->setShortcut(QKeySequence::Redo);
    redoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(redoAction, &QAction::triggered, this, [this] { stepHistory(m_redo, m_undo); });
    addAction(redoAction);

    m_banner = new QLabel(page);
    m_banner->setObjectName(QStringLiteral("policyBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setFrameShape(QFrame::StyledPanel);
    m_banner->setMargin(6);
    m_banner->hide();
    layout->addWidget(m_banner);

    m_treeView = new QTreeView(page);
    m_treeView->setObjectName(QStringLiteral("policyTree"));
    m_treeView->setAccessibleName(tr("Tables and columns"));
    m_treeView->setModel(m_tree);
    m_treeView->setItemDelegate(new PolicyTreeDelegate(m_treeView));
    // Cells, not rows: the arrow keys reach the action, mask and tags of a column.
    m_treeView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_treeView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                | QAbstractItemView::SelectedClicked);
    m_treeView->setUniformRowHeights(true);
    m_treeView->header()->setStretchLastSection(true);
    connect(m_treeView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &PolicyPanel::updateDetails);
    connect(m_tree, &QAbstractItemModel::modelReset, this, &PolicyPanel::expandListedTables);

    m_problemView = new QTreeView(page);
    m_problemView->setObjectName(QStringLiteral("policyProblems"));
    m_problemView->setAccessibleName(tr("Problems"));
    m_problemView->setModel(m_problems);
    m_problemView->setRootIsDecorated(false);
    m_problemView->setUniformRowHeights(true);
    m_problemView->setToolTip(tr("Press Enter on a problem to go to its item"));
    m_problemView->header()->setStretchLastSection(true);
    m_problemView->header()->setSectionResizeMode(PolicyProblemModel::WhereColumn,
                                                  QHeaderView::ResizeToContents);
    connect(m_problemView, &QTreeView::activated, this, &PolicyPanel::selectProblem);
    connect(m_problemView, &QTreeView::clicked, this, &PolicyPanel::selectProblem);

    m_leftSplitter = new QSplitter(Qt::Vertical, page);
    m_leftSplitter->setObjectName(QStringLiteral("policyLeftSplitter"));
    m_leftSplitter->addWidget(m_treeView);
    m_leftSplitter->addWidget(m_problemView);
    m_leftSplitter->setStretchFactor(0, 4);
    m_leftSplitter->setStretchFactor(1, 1);

    m_tabs = new QTabWidget(page);
    m_tabs->setObjectName(QStringLiteral("policyTabs"));
    m_tabs->addTab(createDetails(), tr("Deta&ils"));
    m_tabs->addTab(createJsonView(), tr("&JSON"));
    m_tabs->addTab(createDiffView(), tr("&Changes"));
    m_tabs->addTab(createHistoryView(), tr("Histor&y"));

    m_splitter = new QSplitter(Qt::Horizontal, page);
    m_splitter->setObjectName(QStringLiteral("policySplitter"));
    m_splitter->addWidget(m_leftSplitter);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 600, 400 });
    // Narrow windows squeeze the panes rather than the window refusing to get narrower.
    m_leftSplitter->setMinimumWidth(200);
    m_tabs->setMinimumWidth(240);
    m_leftSplitter->setSizes({ 500, 120 });
    layout->addWidget(m_splitter, 1);
    return page;
}

QWidget *PolicyPanel::createDetails()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *layout = new QVBoxLayout(page);
    m_tableTitle = new QLabel(page);
    m_tableTitle->setObjectName(QStringLiteral("policyTableTitle"));
    m_tableTitle->setWordWrap(true);
    layout->addWidget(m_tableTitle);

    const auto scopeCombo = [this](QWidget *parent, const char *key) {
        auto *combo = new QComboBox(parent);
        connect(combo, &QComboBox::activated, this, [this, combo, key] {
            const QString data = combo->currentData().toString();
            setTableValue(key,
                          data == InheritData    ? std::nullopt
                              : data == NoneData ? std::optional<Json>(Json(nullptr))
                                                 : std::optional<Json>(Json(data.toStdString())));
        });
        return combo;
    };
    m_scopeBox = new QGroupBox(tr("Row scopes"), page);
    auto *scopes = new QFormLayout(m_scopeBox);
    m_tenantCombo = scopeCombo(m_scopeBox, "tenant_column");
    m_ownerCombo = scopeCombo(m_scopeBox, "owner_column");
    m_softDeleteCombo = scopeCombo(m_scopeBox, "soft_delete_column");
    m_tenantCombo->setObjectName(QStringLiteral("policyTenantColumn"));
    m_ownerCombo->setObjectName(QStringLiteral("policyOwnerColumn"));
    m_softDeleteCombo->setObjectName(QStringLiteral("policySoftDeleteColumn"));
    scopes->addRow(tr("Te&nant column:"), m_tenantCombo);
    scopes->addRow(tr("&Owner column:"), m_ownerCombo);
    scopes->addRow(tr("Soft de&lete column:"), m_softDeleteCombo);
    layout->addWidget(m_scopeBox);

    const auto spinEdits = [this](QSpinBox *spin, const char *key) {
        connect(spin, &QSpinBox::valueChanged, this, [this, key](int value) {
            setTableValue(key, value == 0 ? std::nullopt : std::optional<Json>(Json(value)));
        });
    };
    m_budgetBox = new QGroupBox(tr("Budget"), page);
    auto *budget = new QFormLayout(m_budgetBox);
    m_maxRowsSpin = budgetSpin(m_budgetBox, 100000, QString());
    m_timeoutSpin = budgetSpin(m_budgetBox, 600000, tr(" ms"));
    m_maxRowsSpin->setObjectName(QStringLiteral("policyMaxRows"));
    m_timeoutSpin->setObjectName(QStringLiteral("policyStatementTimeout"));
    spinEdits(m_maxRowsSpin, "budget/max_rows");
    spinEdits(m_timeoutSpin, "budget/statement_timeout_ms");
    budget->addRow(tr("Ma&x rows:"), m_maxRowsSpin);
    budget->addRow(tr("Statement timeo&ut:"), m_timeoutSpin);
    layout->addWidget(m_budgetBox);

    m_writesBox = new QGroupBox(tr("Writes and approvals"), page);
    auto *writes = new QFormLayout(m_writesBox);
    m_writeCheck = new QCheckBox(tr("&Writable by agents"), m_writesBox);
    connect(m_writeCheck, &QCheckBox::toggled, this, [this](bool on) {
        setTableValue("write", on ? std::optional<Json>(Json(true)) : std::nullopt);
    });
    m_reasonCheck = new QCheckBox(tr("&Require a reason"), m_writesBox);
    connect(m_reasonCheck, &QCheckBox::toggled, this, [this](bool on) {
        setTableValue("writes/require_reason",
                      on ? std::nullopt : std::optional<Json>(Json(false)));
    });
    m_approvalCombo = new QComboBox(m_writesBox);
    m_approvalCombo->addItem(tr("None"), QStringLiteral("none"));
    m_approvalCombo->addItem(tr("Every write"), QStringLiteral("always"));
    m_approvalCombo->addItem(tr("Deletes"), QStringLiteral("delete"));
    connect(m_approvalCombo, &QComboBox::activated, this, [this] {
        const QString v = m_approvalCombo->currentData().toString();
        setTableValue("writes/approval",
                      v == QLatin1String("none") ? std::nullopt
                                                 : std::optional<Json>(Json(v.toStdString())));
    });
    m_maxAffectedSpin = budgetSpin(m_writesBox, 100000, QString());
    spinEdits(m_maxAffectedSpin, "writes/max_affected_rows");
    writes->addRow(m_writeCheck);
    writes->addRow(m_reasonCheck);
    writes->addRow(tr("A&pproval needed for:"), m_approvalCombo);
    writes->addRow(tr("&Max affected rows:"), m_maxAffectedSpin);
    layout->addWidget(m_writesBox);

    auto *relationsBox = new QGroupBox(tr("Relations"), page);
    auto *relations = new QVBoxLayout(relationsBox);
    m_relationsLabel = new QLabel(relationsBox);
    m_relationsLabel->setObjectName(QStringLiteral("policyRelationsLabel"));
    m_relationsLabel->setWordWrap(true);
    m_relationsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    relations->addWidget(m_relationsLabel);
    layout->addWidget(relationsBox);
    layout->addStretch();
    scroll->setWidget(page);
    return scroll;
}

QWidget *PolicyPanel::createJsonView()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_jsonEdit = monospaceView(page, false);
    m_jsonEdit->setObjectName(QStringLiteral("policyJson"));
    m_jsonEdit->setAccessibleName(tr("Policy document (JSON)"));
    connect(m_jsonEdit, &QPlainTextEdit::textChanged, this, &PolicyPanel::onJsonTextChanged);
    m_jsonEdit->installEventFilter(this);
    layout->addWidget(m_jsonEdit, 1);
    m_jsonError = new QLabel(page);
    m_jsonError->setObjectName(QStringLiteral("policyJsonError"));
    m_jsonError->setWordWrap(true);
    m_jsonError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_jsonError->hide();
    layout->addWidget(m_jsonError);
    auto *hint = new QLabel(
        tr("Roles, scopes, column rules and tag switches are edited here; the tree follows."),
        page);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    return page;
}

QWidget *PolicyPanel::createDiffView()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_diffTitle = new QLabel(page);
    m_diffTitle->setWordWrap(true);
    layout->addWidget(m_diffTitle);
    m_diffView = monospaceView(page, true);
    m_diffView->setObjectName(QStringLiteral("policyDiff"));
    m_diffView->setAccessibleName(tr("Changes from the version in force"));
    layout->addWidget(m_diffView, 1);
    return page;
}

QWidget *PolicyPanel::createHistoryView()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_historyView = new QTreeView(page);
    m_historyView->setObjectName(QStringLiteral("policyHistory"));
    m_historyView->setAccessibleName(tr("Policy versions"));
    m_historyView->setModel(m_history);
    m_historyView->setRootIsDecorated(false);
    m_historyView->setUniformRowHeights(true);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_historyView, 2);
    auto *buttons = new QHBoxLayout;
    m_viewVersionButton = new QPushButton(tr("Vie&w"), page);
    m_viewVersionButton->setObjectName(QStringLiteral("policyViewVersionButton"));
    m_diffVersionButton = new QPushButton(tr("Compar&e"), page);
    m_diffVersionButton->setObjectName(QStringLiteral("policyDiffVersionButton"));
    m_revertButton = new QPushButton(tr("Rever&t…"), page);
    m_revertButton->setObjectName(QStringLiteral("policyRevertButton"));
    m_viewVersionButton->setToolTip(tr("Show the selected version's document"));
    m_diffVersionButton->setToolTip(
        tr("Show what changed from the selected version to the version in force"));
    m_revertButton->setToolTip(tr("Put the selected version in force again"));
    connect(m_viewVersionButton, &QPushButton::clicked, this, &PolicyPanel::viewSelectedVersion);
    connect(m_diffVersionButton, &QPushButton::clicked, this, &PolicyPanel::diffSelectedVersion);
    connect(m_revertButton, &QPushButton::clicked, this, &PolicyPanel::confirmAndRevert);
    connect(m_historyView, &QTreeView::activated, this, &PolicyPanel::viewSelectedVersion);
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PolicyPanel::updateActions);
    buttons->addWidget(m_viewVersionButton);
    buttons->addWidget(m_diffVersionButton);
    buttons->addWidget(m_revertButton);
    buttons->addStretch();
    layout->addLayout(buttons);
    m_historyText = monospaceView(page, true);
    m_historyText->setObjectName(QStringLiteral("policyHistoryText"));
    m_historyText->setAccessibleName(tr("Selected version"));
    layout->addWidget(m_historyText, 3);
    return page;
}

void PolicyPanel::expandListedTables()
{
    // Tables with rules of their own open, so what the policy does is in sight.
    for (int row = 0; row < m_tree->rowCount(); ++row) {
        const QModelIndex index = m_tree->index(row, 0);
        const auto kind = index.data(PolicyTreeModel::KindRole).value<PolicyTreeModel::Kind>();
        if (kind == PolicyTreeModel::Kind::Roles
            || (kind == PolicyTreeModel::Kind::Table
                && index.data(PolicyTreeModel::InPolicyRole).toBool()))
            m_treeView->expand(index);
    }
    for (int c = PolicyTreeModel::NameColumn; c < PolicyTreeModel::NoteColumn; ++c)
        m_treeView->resizeColumnToContents(c);
}

// --- the server and the version in force ---

void PolicyPanel::onAvailabilityChanged()
{
    const bool available = m_service && m_service->isAvailable();
    if (available) {
        if (m_pages->currentIndex() != 1 || !m_running) {
            m_pages->setCurrentIndex(1);
            loadRunning(false);
        }
        return;
    }
    m_running.reset();
    m_pages->setCurrentIndex(0);
    if (!m_service) {
        m_unavailableLabel->setText(tr("This server does not offer policy editing."));
        m_startButton->hide();
        return;
    }
    const bool starting = m_status && m_status->state() == ServerInterface::State::Starting;
    QString text = starting
        ? tr("The server is starting…")
        : tr("The policy editor checks every change against the database the server governs, "
             "so it needs the running server. Start the server to see and edit the policy in "
             "force.");
    if (m_status && !m_status->errorText().isEmpty())
        text += QStringLiteral("\n\n") + tr("The server reported: %1").arg(m_status->errorText());
    m_unavailableLabel->setText(text);
    m_startButton->setVisible(true);
    m_startButton->setEnabled(m_status && m_status->canStart());
}

void PolicyPanel::loadRunning(bool keepEdits)
{
    if (!m_service)
        return;
    m_service->fetchCurrent(this, [this, keepEdits](const Result<PolicySnapshot> &current) {
        if (!current) {
            showBanner(
                tr("The policy in force cannot be read: %1").arg(q(current.error().message)));
            return;
        }
        const bool first = !m_running;
        const bool clean = first || (!m_jsonBroken && m_tree->document() == m_running->document);
        const bool sameAsEdited = !m_jsonBroken && m_tree->document() == current->document;
        const QString oldHash = m_running ? m_running->hash : QString();
        m_running = *current;
        if (first || m_tree->schema() != current->schema)
            m_tree->setSchema(current->schema);
        if (!keepEdits || clean || first) {
            m_jsonBroken = false;
            m_undo.clear();
            m_redo.clear();
            m_shown = current->document;
            m_tree->setDocument(current->document);
            expandListedTables();
            documentChanged(false);
        } else {
            if (!sameAsEdited)
                showBanner(tr("Version %1 is now in force (the file changed or another editor "
                              "applied it); your "
                              "edits are compared with it.")
                               .arg(shortHash(current->hash)));
            updateDiff();
            updateActions();
        }
        if (!oldHash.isEmpty() && oldHash != current->hash && (clean || sameAsEdited))
            showBanner(tr("Version %1 is in force.").arg(shortHash(current->hash)));
        refreshHistory();
    });
}

void PolicyPanel::refreshHistory()
{
    if (!m_service)
        return;
    m_service->fetchVersions(this, [this](const Result<std::vector<PolicyVersion>> &versions) {
        if (!versions) {
            m_historyText->setPlainText(
                tr("The history cannot be read: %1").arg(q(versions.error().message)));
            return;
        }
        m_history->setVersions(*versions, runningHash());
        for (int c = 0; c < PolicyHistoryModel::ColumnCount - 1; ++c)
            m_historyView->resizeColumnToContents(c);
        if (m_history->rowCount() > 0)
            m_historyView->setCurrentIndex(m_history->index(0, 0));
        updateActions();
    });
}

// --- edits ---

bool PolicyPanel::hasChanges() const
{
    return m_running && (m_jsonBroken || m_tree->document() != m_running->document);
}

void PolicyPanel::onDocumentEdited()
{
    documentChanged(false);
}

void PolicyPanel::onJsonTextChanged()
{
    if (m_writingText)
        return;
    m_parseTimer.start();
}

void PolicyPanel::parseJsonText()
{
    const PolicyJsonText::Parsed parsed = PolicyJsonText::parse(m_jsonEdit->toPlainText());
    QList<QTextEdit::ExtraSelection> marks;
    if (!parsed.document) {
        m_jsonBroken = true;
        ++m_generation;
        m_checked = false;
        m_jsonError->setText(
            tr("This is not valid JSON, so the tree is disabled until it is fixed. %1")
                .arg(parsed.error));
        m_jsonError->show();
        m_treeView->setEnabled(false);
        m_tabs->widget(0)->setEnabled(false);
        m_problems->setProblems(
            { { QString(), tr("The JSON text cannot be read: %1").arg(parsed.error) } });
        if (parsed.line > 0) {
            QTextEdit::ExtraSelection mark;
            mark.cursor = QTextCursor(m_jsonEdit->document()->findBlockByNumber(parsed.line - 1));
            mark.format.setBackground(QColor(255, 80, 80, 70));
            mark.format.setProperty(QTextFormat::FullWidthSelection, true);
            marks.append(mark);
        }
        m_jsonEdit->setExtraSelections(marks);
        updateDiff();
        updateActions();
        return;
    }
    m_jsonEdit->setExtraSelections(marks);
    m_jsonBroken = false;
    m_jsonError->hide();
    m_treeView->setEnabled(true);
    m_tabs->widget(0)->setEnabled(true);
    if (*parsed.document == m_tree->document() && m_checked)
        return; // only formatting changed
    m_tree->setDocument(*parsed.document);
    documentChanged(true);
}

void PolicyPanel::stepHistory(std::vector<Json> &from, std::vector<Json> &to)
{
    if (from.empty())
        return;
    to.push_back(m_tree->document());
    Json document = std::move(from.back());
    from.pop_back();
    m_shown = document;
    m_tree->setDocument(std::move(document));
    documentChanged(false);
}

bool PolicyPanel::eventFilter(QObject *watched, QEvent *event)
{
    // Leaving the JSON text reads it at once, so an edit in the tree never overwrites text
    // that was typed but not yet read.
    if (watched == m_jsonEdit && event->type() == QEvent::FocusOut && m_parseTimer.isActive()) {
        m_parseTimer.stop();
        parseJsonText();
    }
    return QWidget::eventFilter(watched, event);
}

void PolicyPanel::documentChanged(bool fromText)
{
    ++m_generation;
    m_checked = false;
    if (m_shown != m_tree->document()) {
        constexpr std::size_t kMaxUndo = 100;
        m_undo.push_back(std::exchange(m_shown, m_tree->document()));
        if (m_undo.size() > kMaxUndo)
            m_undo.erase(m_undo.begin());
        m_redo.clear();
    }
    if (!fromText) {
        m_parseTimer.stop();
        m_jsonBroken = false;
        m_jsonError->hide();
        m_jsonEdit->setExtraSelections({});
        m_treeView->setEnabled(true);
        m_tabs->widget(0)->setEnabled(true);
        const int scroll = m_jsonEdit->verticalScrollBar()->value();
        m_writingText = true;
        m_jsonEdit->setPlainText(PolicyJsonText::format(m_tree->document()));
        m_writingText = false;
        m_jsonEdit->verticalScrollBar()->setValue(scroll);
    }
    updateDiff();
    updateDetails();
    updateActions();
    m_validateTimer.start();
}

void PolicyPanel::validateNow()
{
    if (!m_service || m_jsonBroken || !m_running)
        return;
    const quint64 generation = m_generation;
    m_service->validate(m_tree->document(), this, [this, generation](const PolicyCheck &check) {
        if (generation != m_generation)
            return; // the document changed since; its own check is on the way
        m_check = check;
        m_checked = true;
        m_tree->setProblems(check.valid ? QList<PolicyProblem>() : check.problems);
        m_problems->setProblems(check.valid ? QList<PolicyProblem>() : check.problems);
        updateActions();
    });
}

void PolicyPanel::updateActions()
{
    const bool available = m_service && m_service->isAvailable() && m_running;
    const bool changed = hasChanges();
    const bool valid = !m_jsonBroken && m_checked && m_check.valid;
    m_applyButton->setEnabled(available && valid && changed);
    m_discardButton->setEnabled(available && changed);
    const bool versionSelected = !selectedVersionHash().isEmpty();
    m_viewVersionButton->setEnabled(versionSelected);
    m_diffVersionButton->setEnabled(available && versionSelected);
    m_revertButton->setEnabled(available && versionSelected
                               && selectedVersionHash() != runningHash());

    QString text;
    if (!available)
        text = tr("The server is not running.");
    else if (m_jsonBroken)
        text = tr("The JSON text has a syntax error: fix it in the JSON view to continue.");
    else if (!m_checked)
        text = tr("Checking the policy against the database…");
    else if (!m_check.valid)
        text = tr("Problems to fix before this policy can be applied: %1 (listed below the tree).")
                   .arg(m_check.problems.size());
    else if (changed)
        text = tr("Valid. Apply to put your changes in force.");
    else
        text = tr("Version %1 is in force; nothing changed.").arg(shortHash(runningHash()));
    m_statusLabel->setText(text);
}

void PolicyPanel::updateDiff()
{
    if (!m_running) {
        m_diffTitle->clear();
        m_diffView->clear();
        return;
    }
    m_diffTitle->setText(tr("From the version in force (%1) to the document being edited:")
                             .arg(shortHash(runningHash())));
    if (m_jsonBroken) {
        m_diffView->setPlainText(tr("The JSON text has a syntax error."));
        return;
    }
    m_diffView->setPlainText(
        q(PolicyDiff::render(PolicyDiff::compare(m_running->document, m_tree->document()))));
}

QString PolicyPanel::selectedTable() const
{
    const QModelIndex current = m_treeView->currentIndex();
    return current.isValid() ? current.data(PolicyTreeModel::TableRole).toString() : QString();
}

void PolicyPanel::setTableValue(const char *key, const std::optional<Json> &value)
{
    const QString table = selectedTable();
    if (table.isEmpty())
        return;
    const std::string pointer =
        jsonPointerJoin(std::string("/tables"), table.toStdString()) + "/" + key;
    if (m_tree->value(pointer) == value)
        return;
    m_tree->setValue(pointer, value);
}

void PolicyPanel::updateDetails()
{
    const QString table = selectedTable();
    const std::string tablePointer = jsonPointerJoin(std::string("/tables"), table.toStdString());
    const auto tableJson = m_tree->value(tablePointer);
    const bool listed = tableJson && tableJson->is_object();
    const auto schema = m_tree->schema();
    const db::TableInfo *info =
        schema && !table.isEmpty() ? schema->table(table.toStdString()) : nullptr;
    if (table.isEmpty())
        m_tableTitle->setText(
            tr("Select a table in the tree to edit its row scopes, budget and writes."));
    else if (!info)
        m_tableTitle->setText(
            tr("The database has no table %1: remove it from the policy (action “not listed”).")
                .arg(table));
    else if (!listed)
        m_tableTitle->setText(tr("<b>%1</b> is not listed, so agents do not see it. Set its action "
                                 "to “read” in the tree to list it.")
                                  .arg(table.toHtmlEscaped()));
    else
        m_tableTitle->setText(tr("Table <b>%1</b>").arg(table.toHtmlEscaped()));
    const bool editable = listed && info;
    for (QWidget *box : { static_cast<QWidget *>(m_scopeBox), static_cast<QWidget *>(m_budgetBox),
                          static_cast<QWidget *>(m_writesBox) })
        box->setEnabled(editable);

    const auto at = [&](const std::string &key) {
        return m_tree->value(tablePointer + "/" + key);
    };
    const auto fillScope = [&](QComboBox *combo, const char *key) {
        const QSignalBlocker block(combo);
        combo->clear();
        const auto fallback = m_tree->value(std::string("/defaults/") + key);
        const QString defaultColumn =
            fallback && fallback->is_string() ? q(fallback->get<std::string>()) : QString();
        combo->addItem(defaultColumn.isEmpty() ? tr("Default (none)")
                                               : tr("Default (%1)").arg(defaultColumn),
                       InheritData);
        combo->addItem(tr("None"), NoneData);
        if (info)
            for (const auto &c : info->columns)
                combo->addItem(q(c.name), q(c.name));
        const auto v = at(key);
        if (!v)
            combo->setCurrentIndex(0);
        else if (v->is_null())
            combo->setCurrentIndex(1);
        else if (v->is_string()) {
            if (combo->findData(q(v->get<std::string>())) < 0)
                combo->addItem(q(v->get<std::string>()), q(v->get<std::string>()));
            combo->setCurrentIndex(combo->findData(q(v->get<std::string>())));
        }
    };
    fillScope(m_tenantCombo, "tenant_column");
    fillScope(m_ownerCombo, "owner_column");
    fillScope(m_softDeleteCombo, "soft_delete_column");

    const auto fillSpin = [&](QSpinBox *spin, const std::string &key) {
        const QSignalBlocker block(spin);
        const auto v = at(key);
        spin->setValue(v && v->is_number_integer() ? int(v->get<std::int64_t>()) : 0);
    };
    fillSpin(m_maxRowsSpin, "budget/max_rows");
    fillSpin(m_timeoutSpin, "budget/statement_timeout_ms");
    fillSpin(m_maxAffectedSpin, "writes/max_affected_rows");
    {
        const QSignalBlocker b1(m_writeCheck), b2(m_reasonCheck), b3(m_approvalCombo);
        const auto write = at("write");
        m_writeCheck->setChecked(write && write->is_boolean() && write->get<bool>());
        const auto reason = at("writes/require_reason");
        m_reasonCheck->setChecked(!(reason && reason->is_boolean() && !reason->get<bool>()));
        const auto approval = at("writes/approval");
        const int index = m_approvalCombo->findData(approval && approval->is_string()
                                                        ? q(approval->get<std::string>())
                                                        : QStringLiteral("none"));
        m_approvalCombo->setCurrentIndex(qMax(0, index));
    }

    QStringList relations;
    if (info && schema) {
        for (const auto &fk : info->foreignKeys)
            relations << tr("%1 → %2.%3 (foreign key)")
                             .arg(q(fk.column), q(fk.refTable), q(fk.refColumn));
        for (const auto &other : schema->tables)
            for (const auto &fk : other.foreignKeys)
                if (fk.refTable == info->name)
                    relations << tr("%1.%2 → %3.%4 (referenced by)")
                                     .arg(q(other.name), q(fk.column), q(info->name),
                                          q(fk.refColumn));
    }
    if (const auto declared = at("relations"); declared && declared->is_object())
        for (auto it = declared->begin(); it != declared->end(); ++it)
            relations << tr("%1: %2 (declared)").arg(q(it.key()), q(it.value().dump()));
    m_relationsLabel->setText(
        relations.isEmpty() ? tr("None.")
                            : relations.join(QLatin1Char('\n'))
                + tr("\nRelations are declared or switched off in the JSON view."));
}

void PolicyPanel::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void PolicyPanel::selectProblem(const QModelIndex &index)
{
    const QModelIndex item =
        m_tree->indexForPointer(index.data(PolicyProblemModel::PointerRole).toString());
    if (!item.isValid() || !m_treeView->isEnabled()) {
        // Only the JSON view shows it: put the cursor there.
        m_tabs->setCurrentIndex(1);
        const qsizetype offset = PolicyJsonText::offsetOf(
            m_jsonEdit->toPlainText(), index.data(PolicyProblemModel::PointerRole).toString());
        if (offset >= 0) {
            QTextCursor cursor = m_jsonEdit->textCursor();
            cursor.setPosition(int(offset));
            m_jsonEdit->setTextCursor(cursor);
            m_jsonEdit->centerCursor();
        }
        m_jsonEdit->setFocus(Qt::OtherFocusReason);
        return;
    }
    m_treeView->scrollTo(item);
    m_treeView->setCurrentIndex(item);
    m_treeView->setFocus(Qt::OtherFocusReason);
}

// --- apply, history, revert ---

void PolicyPanel::confirm(const QString &title, const QString &question, const QString &changes,
                          const QString &acceptText, std::function<void()> accepted)
{
    confirmChanges(this, QStringLiteral("policyConfirmDialog"), title, question, changes,
                   acceptText, std::move(accepted));
}

void PolicyPanel::confirmAndApply()
{
    if (!m_applyButton->isEnabled())
        return;
    const Json document = m_tree->document();
    confirm(tr("Apply the policy"),
            tr("Put these changes in force? New calls follow them at once, and the policy file %1 "
               "is rewritten.")
                .arg(m_running->path),
            q(PolicyDiff::render(PolicyDiff::compare(m_running->document, document))), tr("&Apply"),
            [this, document] {
                if (!m_service)
                    return;
                m_service->apply(document, this, [this](const Result<QString> &applied) {
                    if (!applied) {
                        showBanner(
                            tr("The policy was not applied: %1").arg(q(applied.error().message)));
                        return;
                    }
                    showBanner(tr("Version %1 is in force.").arg(shortHash(*applied)));
                    loadRunning(true);
                });
            });
}

QString PolicyPanel::selectedVersionHash() const
{
    const QModelIndex current = m_historyView->currentIndex();
    return current.isValid() ? current.data(PolicyHistoryModel::HashRole).toString() : QString();
}

void PolicyPanel::viewSelectedVersion()
{
    const QModelIndex current = m_historyView->currentIndex();
    if (!current.isValid())
        return;
    m_historyText->setPlainText(PolicyJsonText::format(m_history->version(current.row()).document));
}

void PolicyPanel::diffSelectedVersion()
{
    const QString hash = selectedVersionHash();
    if (hash.isEmpty() || !m_service)
        return;
    m_service->diff(
        hash, runningHash(), this, [this, hash](const Result<std::vector<PolicyChange>> &changes) {
            if (!changes) {
                m_historyText->setPlainText(q(changes.error().message));
                return;
            }
            m_historyText->setPlainText(tr("From %1 to the version in force (%2):\n")
                                            .arg(shortHash(hash), shortHash(runningHash()))
                                        + q(PolicyDiff::render(*changes)));
        });
}

void PolicyPanel::confirmAndRevert()
{
    const QModelIndex current = m_historyView->currentIndex();
    if (!current.isValid() || !m_revertButton->isEnabled())
        return;
    const PolicyVersion version = m_history->version(current.row());
    const QString hash = q(version.hash);
    QString question =
        tr("Put version %1 in force again? It is checked against today's database first and "
           "recorded as a new version.")
            .arg(shortHash(hash));
    if (hasChanges())
        question += tr(" Your unapplied edits are discarded.");
    confirm(tr("Revert the policy"), question,
            q(PolicyDiff::render(PolicyDiff::compare(m_running->document, version.document))),
            tr("Rever&t"), [this, hash] {
                if (!m_service)
                    return;
                m_service->revert(hash, this, [this](const Result<QString> &reverted) {
                    if (!reverted) {
                        showBanner(
                            tr("The policy was not reverted: %1").arg(q(reverted.error().message)));
                        return;
                    }
                    showBanner(tr("Version %1 is in force.").arg(shortHash(*reverted)));
                    m_running.reset(); // take the reverted document, whatever was being edited
                    loadRunning(false);
                });
            });
}

// --- layout ---

void PolicyPanel::restoreLayout()
{
    QSettings settings;
    const auto restore = [&settings](const QString &key, auto &&apply) {
        const QByteArray state = settings.value(key).toByteArray();
        if (!state.isEmpty())
            apply(state);
    };
    restore(SplitterKey, [this](const QByteArray &s) { m_splitter->restoreState(s); });
    restore(LeftSplitterKey, [this](const QByteArray &s) { m_leftSplitter->restoreState(s); });
    restore(TreeHeaderKey, [this](const QByteArray &s) { m_treeView->header()->restoreState(s); });
    restore(HistoryHeaderKey,
            [this](const QByteArray &s) { m_historyView->header()->restoreState(s); });
    // Saved only when the operator changed the layout, not when the panel sized itself.
    const auto changedByHand = [this] {
        m_layoutChanged = true;
    };
    connect(m_splitter, &QSplitter::splitterMoved, this, changedByHand);
    connect(m_leftSplitter, &QSplitter::splitterMoved, this, changedByHand);
    for (QHeaderView *header : { m_treeView->header(), m_historyView->header() })
        connect(header, &QHeaderView::sectionResized, this, [this] {
            if (QGuiApplication::mouseButtons() != Qt::NoButton)
                m_layoutChanged = true;
        });
}

void PolicyPanel::saveLayout()
{
    if (!m_layoutChanged)
        return;
    QSettings settings;
    settings.setValue(SplitterKey, m_splitter->saveState());
    settings.setValue(LeftSplitterKey, m_leftSplitter->saveState());
    settings.setValue(TreeHeaderKey, m_treeView->header()->saveState());
    settings.setValue(HistoryHeaderKey, m_historyView->header()->saveState());
}

} // namespace warden
