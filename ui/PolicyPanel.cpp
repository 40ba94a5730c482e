#include "PolicyPanel.h"

#include "ConfirmChangesDialog.h"
#include "PanelLayout.h"
#include "LabelTint.h"
#include "PolicyHistoryModel.h"
#include "PolicyJsonText.h"
#include "PolicyProblemModel.h"
#include "PolicyRelationModel.h"
#include "PolicyTreeDelegate.h"
#include "PolicyTreeModel.h"
#include "ServerStatusController.h"
#include "common/JsonPointer.h"

#include <utility>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
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
    , m_relations(new PolicyRelationModel(m_tree, this))
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
    // The tree changes shape when roles or unknown columns come and go: the selected item stays.
    connect(m_tree, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QModelIndex current = m_treeView->currentIndex();
        m_currentPointer = current.data(PolicyTreeModel::PointerRole).toString();
        m_currentColumn = current.column();
    });
    connect(m_tree, &QAbstractItemModel::modelReset, this, [this] {
        const QModelIndex item = m_tree->indexForPointer(m_currentPointer);
        if (item.isValid()
            && item.data(PolicyTreeModel::PointerRole).toString() == m_currentPointer)
            m_treeView->setCurrentIndex(item.siblingAtColumn(m_currentColumn));
    });

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
    m_detailPages = new QStackedWidget(this);
    m_detailPages->setObjectName(QStringLiteral("policyDetailPages"));
    m_detailPages->addWidget(createTableDetails());
    m_detailPages->addWidget(createRoleDetails());
    return m_detailPages;
}

QWidget *PolicyPanel::createTableDetails()
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

    // The same editors edit the rules for everyone or a role's overrides of them.
    m_ruleForCombo = new QComboBox(page);
    m_ruleForCombo->setObjectName(QStringLiteral("policyRulesFor"));
    m_ruleForCombo->setToolTip(
        tr("Edit the rules for everyone, or what a role changes of them for the principals "
           "that have it"));
    connect(m_ruleForCombo, &QComboBox::activated, this, [this] {
        m_ruleRole = m_ruleForCombo->currentData().toString();
        updateDetails();
    });
    auto *ruleFor = new QFormLayout;
    ruleFor->addRow(tr("Rules &for:"), m_ruleForCombo);
    layout->addLayout(ruleFor);

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

    layout->addWidget(createRelationsBox(page));
    layout->addStretch();
    scroll->setWidget(page);
    return scroll;
}

QWidget *PolicyPanel::createRelationsBox(QWidget *parent)
{
    m_relationsBox = new QGroupBox(tr("Relations"), parent);
    auto *layout = new QVBoxLayout(m_relationsBox);
    auto *listLabel =
        new QLabel(tr("Relation&s (Insert adds one, Delete removes it):"), m_relationsBox);
    layout->addWidget(listLabel);
    m_relationView = new QTreeView(m_relationsBox);
    m_relationView->setObjectName(QStringLiteral("policyRelations"));
    m_relationView->setAccessibleName(tr("Relations of the table"));
    m_relationView->setModel(m_relations);
    m_relationView->setItemDelegate(new PolicyTreeDelegate(m_relationView));
    m_relationView->setRootIsDecorated(false);
    m_relationView->setUniformRowHeights(true);
    m_relationView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_relationView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Room for a handful of relations, so the form below stays in sight.
    m_relationView->setMinimumHeight(fontMetrics().height() * 6);
    m_relationView->setMaximumHeight(fontMetrics().height() * 11);
    m_relationView->header()->setStretchLastSection(true);
    listLabel->setBuddy(m_relationView);
    layout->addWidget(m_relationView);
    connect(m_relationView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_relationSelected = current.data(PolicyRelationModel::NameRole).toString();
                updateRelationForm();
            });
    // A reset (a relation added, renamed or removed) keeps the relation being edited selected.
    connect(m_relations, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_relations->rowOf(m_relationSelected);
        if (row >= 0)
            m_relationView->setCurrentIndex(m_relations->index(row, 0));
        for (int c = 0; c < PolicyRelationModel::SourceColumn; ++c)
            m_relationView->resizeColumnToContents(c);
        updateRelationForm();
    });
    connect(m_relations, &QAbstractItemModel::dataChanged, this,
            &PolicyPanel::updateRelationProblem);
    const auto viewAction = [this](const QString &text, QKeySequence key, auto slot) {
        auto *action = new QAction(text, m_relationView);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetShortcut);
        connect(action, &QAction::triggered, this, slot);
        m_relationView->addAction(action);
    };
    viewAction(tr("Add a relation"), QKeySequence(Qt::Key_Insert), &PolicyPanel::addRelation);
    viewAction(tr("Remove the relation"), QKeySequence(QKeySequence::Delete),
               &PolicyPanel::removeRelation);

    auto *buttons = new QHBoxLayout;
    m_addRelationButton = new QPushButton(tr("Add r&elation"), m_relationsBox);
    m_addRelationButton->setObjectName(QStringLiteral("policyAddRelationButton"));
    m_removeRelationButton = new QPushButton(tr("Remove relation"), m_relationsBox);
    m_removeRelationButton->setObjectName(QStringLiteral("policyRemoveRelationButton"));
    m_removeRelationButton->setToolTip(
        tr("Remove the selected declaration or switch-off (Delete in the list)"));
    connect(m_addRelationButton, &QPushButton::clicked, this, &PolicyPanel::addRelation);
    connect(m_removeRelationButton, &QPushButton::clicked, this, &PolicyPanel::removeRelation);
    buttons->addWidget(m_addRelationButton);
    buttons->addWidget(m_removeRelationButton);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_relationForm = new QWidget(m_relationsBox);
    auto *form = new QFormLayout(m_relationForm);
    form->setContentsMargins(0, 0, 0, 0);
    m_relationName = new QLineEdit(m_relationForm);
    m_relationName->setObjectName(QStringLiteral("policyRelationName"));
    m_relationName->setToolTip(tr("The key the related rows appear under"));
    connect(m_relationName, &QLineEdit::editingFinished, this, &PolicyPanel::renameRelation);
    m_relationKind = new QComboBox(m_relationForm);
    m_relationKind->setObjectName(QStringLiteral("policyRelationKind"));
    m_relationKind->addItem(tr("many_to_one: each row links to at most one"),
                            QStringLiteral("many_to_one"));
    m_relationKind->addItem(tr("one_to_many: each row links to any number"),
                            QStringLiteral("one_to_many"));
    connect(m_relationKind, &QComboBox::activated, this, [this] {
        const std::string kind = m_relationKind->currentData().toString().toStdString();
        editRelation([&kind](Json &spec) { spec["kind"] = kind; });
    });
    // Absent link columns default to the primary key of their table.
    const auto columnEdits = [this](QComboBox *combo, const char *key) {
        connect(combo, &QComboBox::activated, this, [this, combo, key] {
            const std::string column = combo->currentData().toString().toStdString();
            editRelation([&](Json &spec) {
                if (column.empty())
                    spec.erase(key);
                else
                    spec[key] = column;
            });
        });
    };
    m_relationVia = new QComboBox(m_relationForm);
    m_relationVia->setObjectName(QStringLiteral("policyRelationVia"));
    m_relationVia->setToolTip(tr("The column of this table holding the link value"));
    columnEdits(m_relationVia, "via");
    m_relationTarget = new QComboBox(m_relationForm);
    m_relationTarget->setObjectName(QStringLiteral("policyRelationTarget"));
    connect(m_relationTarget, &QComboBox::activated, this, [this] {
        const std::string target = m_relationTarget->currentData().toString().toStdString();
        editRelation([&target](Json &spec) {
            if (spec.value("target", std::string()) != target)
                spec.erase("target_column"); // it named a column of the other table
            spec["target"] = target;
        });
    });
    m_relationTargetColumn = new QComboBox(m_relationForm);
    m_relationTargetColumn->setObjectName(QStringLiteral("policyRelationTargetColumn"));
    m_relationTargetColumn->setToolTip(tr("The column of the target holding the link value"));
    columnEdits(m_relationTargetColumn, "target_column");
    form->addRow(tr("Name (&key):"), m_relationName);
    form->addRow(tr("Kind (&how many):"), m_relationKind);
    form->addRow(tr("&Via column:"), m_relationVia);
    form->addRow(tr("Tar&get table:"), m_relationTarget);
    form->addRow(tr("&Target column:"), m_relationTargetColumn);
    layout->addWidget(m_relationForm);
    m_relationProblem = new QLabel(m_relationsBox);
    m_relationProblem->setObjectName(QStringLiteral("policyRelationProblem"));
    m_relationProblem->setWordWrap(true);
    m_relationProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_relationProblem->hide();
    layout->addWidget(m_relationProblem);
    return m_relationsBox;
}

QWidget *PolicyPanel::createRoleDetails()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *layout = new QVBoxLayout(page);
    m_roleTitle = new QLabel(page);
    m_roleTitle->setObjectName(QStringLiteral("policyRoleTitle"));
    m_roleTitle->setWordWrap(true);
    layout->addWidget(m_roleTitle);

    m_roleMessage = new QLabel(page);
    m_roleMessage->setObjectName(QStringLiteral("policyRoleMessage"));
    m_roleMessage->setWordWrap(true);
    m_roleMessage->hide();
    auto *add = new QHBoxLayout;
    m_newRoleName = new QLineEdit(page);
    m_newRoleName->setObjectName(QStringLiteral("policyNewRoleName"));
    m_newRoleName->setPlaceholderText(tr("e.g. support"));
    connect(m_newRoleName, &QLineEdit::returnPressed, this, &PolicyPanel::addRole);
    connect(m_newRoleName, &QLineEdit::textEdited, m_roleMessage, &QLabel::hide);
    auto *newLabel = new QLabel(tr("&New role:"), page);
    newLabel->setBuddy(m_newRoleName);
    m_addRoleButton = new QPushButton(tr("Add &role"), page);
    m_addRoleButton->setObjectName(QStringLiteral("policyAddRoleButton"));
    connect(m_addRoleButton, &QPushButton::clicked, this, &PolicyPanel::addRole);
    add->addWidget(newLabel);
    add->addWidget(m_newRoleName, 1);
    add->addWidget(m_addRoleButton);
    layout->addLayout(add);
    layout->addWidget(m_roleMessage);

    m_roleBox = new QGroupBox(tr("Selected role"), page);
    auto *form = new QFormLayout(m_roleBox);
    m_roleName = new QLineEdit(m_roleBox);
    m_roleName->setObjectName(QStringLiteral("policyRoleName"));
    connect(m_roleName, &QLineEdit::editingFinished, this, &PolicyPanel::renameRole);
    m_roleDescription = new QLineEdit(m_roleBox);
    m_roleDescription->setObjectName(QStringLiteral("policyRoleDescription"));
    connect(m_roleDescription, &QLineEdit::editingFinished, this, [this] {
        const QString role = selectedRole();
        if (role.isEmpty())
            return;
        const QString text = m_roleDescription->text().trimmed();
        const std::string pointer =
            jsonPointerJoin(std::string("/roles"), role.toStdString()) + "/description";
        const std::optional<Json> value =
            text.isEmpty() ? std::nullopt : std::optional<Json>(Json(text.toStdString()));
        if (m_tree->value(pointer) != value)
            m_tree->setValue(pointer, value);
    });
    form->addRow(tr("Na&me:"), m_roleName);
    form->addRow(tr("Descri&ption:"), m_roleDescription);

    m_roleTagsBox = new QGroupBox(tr("Tag switches for this role"), m_roleBox);
    m_roleTagsLayout = new QFormLayout(m_roleTagsBox);
    form->addRow(m_roleTagsBox);

    m_roleTables = new QLabel(m_roleBox);
    m_roleTables->setObjectName(QStringLiteral("policyRoleTables"));
    m_roleTables->setWordWrap(true);
    form->addRow(m_roleTables);
    m_roleTableCombo = new QComboBox(m_roleBox);
    m_roleTableCombo->setObjectName(QStringLiteral("policyRoleTable"));
    m_roleTableButton = new QPushButton(tr("&Edit its rules for this table"), m_roleBox);
    m_roleTableButton->setObjectName(QStringLiteral("policyRoleTableButton"));
    m_roleTableButton->setToolTip(
        tr("Row scopes, budget and relations of the table as this role sees them"));
    connect(m_roleTableButton, &QPushButton::clicked, this, &PolicyPanel::editRoleTable);
    auto *tableRow = new QHBoxLayout;
    tableRow->addWidget(m_roleTableCombo, 1);
    tableRow->addWidget(m_roleTableButton);
    auto *tableLabel = new QLabel(tr("Ta&ble:"), m_roleBox);
    tableLabel->setBuddy(m_roleTableCombo);
    form->addRow(tableLabel, tableRow);

    m_removeRoleButton = new QPushButton(tr("Remo&ve role"), m_roleBox);
    m_removeRoleButton->setObjectName(QStringLiteral("policyRemoveRoleButton"));
    connect(m_removeRoleButton, &QPushButton::clicked, this, &PolicyPanel::removeRole);
    form->addRow(m_removeRoleButton);
    m_roleProblem = new QLabel(m_roleBox);
    m_roleProblem->setObjectName(QStringLiteral("policyRoleProblem"));
    m_roleProblem->setWordWrap(true);
    m_roleProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_roleProblem->hide();
    form->addRow(m_roleProblem);
    layout->addWidget(m_roleBox);
    layout->addStretch();
    connect(m_tree, &QAbstractItemModel::dataChanged, this, &PolicyPanel::updateRoleProblem);
    scroll->setWidget(page);
    return scroll;
}

QWidget *PolicyPanel::createJsonView()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_jsonEdit = monospaceView(page, QStringLiteral("policyJson"), false);
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
        tr("Scopes, column rules and tag switches are edited here; the tree and the details "
           "follow."),
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
    m_diffView = monospaceView(page, QStringLiteral("policyDiff"), true);
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
    m_historyText = monospaceView(page, QStringLiteral("policyHistoryText"), true);
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
        m_relations->setProblems(check.valid ? QList<PolicyProblem>() : check.problems);
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

QString PolicyPanel::selectedRole() const
{
    const QModelIndex current = m_treeView->currentIndex();
    return current.isValid()
            && current.data(PolicyTreeModel::KindRole).value<PolicyTreeModel::Kind>()
                == PolicyTreeModel::Kind::Role
        ? current.siblingAtColumn(PolicyTreeModel::NameColumn).data().toString()
        : QString();
}

std::string PolicyPanel::tablePointer() const
{
    const std::string base = m_ruleRole.isEmpty()
        ? std::string()
        : jsonPointerJoin(std::string("/roles"), m_ruleRole.toStdString());
    return jsonPointerJoin(base + "/tables", selectedTable().toStdString());
}

void PolicyPanel::setTableValue(const char *key, const std::optional<Json> &value)
{
    if (selectedTable().isEmpty())
        return;
    const std::string pointer = tablePointer() + "/" + key;
    if (m_tree->value(pointer) == value)
        return;
    m_tree->setValue(pointer, value);
}

void PolicyPanel::updateDetails()
{
    const QModelIndex current = m_treeView->currentIndex();
    const auto kind = current.data(PolicyTreeModel::KindRole).value<PolicyTreeModel::Kind>();
    if (current.isValid()
        && (kind == PolicyTreeModel::Kind::Roles || kind == PolicyTreeModel::Kind::Role)) {
        m_detailPages->setCurrentIndex(1);
        updateRoleDetails(selectedRole());
        return;
    }
    m_detailPages->setCurrentIndex(0);
    updateTableDetails(selectedTable());
}

void PolicyPanel::updateTableDetails(const QString &table)
{
    // The role whose overrides are edited, if it still exists.
    const auto roles = m_tree->value("/roles");
    if (!m_ruleRole.isEmpty()
        && !(roles && roles->is_object() && roles->contains(m_ruleRole.toStdString())))
        m_ruleRole.clear();
    {
        const QSignalBlocker block(m_ruleForCombo);
        m_ruleForCombo->clear();
        m_ruleForCombo->addItem(tr("Everyone"), QString());
        if (roles && roles->is_object())
            for (auto it = roles->begin(); it != roles->end(); ++it)
                m_ruleForCombo->addItem(tr("Role %1").arg(q(it.key())), q(it.key()));
        m_ruleForCombo->setCurrentIndex(qMax(0, m_ruleForCombo->findData(m_ruleRole)));
    }
    const bool forRole = !m_ruleRole.isEmpty();
    const std::string basePointer = jsonPointerJoin(std::string("/tables"), table.toStdString());
    const std::string ownPointer = tablePointer();
    const auto baseJson = m_tree->value(basePointer);
    const auto ownJson = m_tree->value(ownPointer);
    const bool listed =
        (baseJson && baseJson->is_object()) || (forRole && ownJson && ownJson->is_object());
    const auto schema = m_tree->schema();
    const db::TableInfo *info =
        schema && !table.isEmpty() ? schema->table(table.toStdString()) : nullptr;
    if (table.isEmpty())
        m_tableTitle->setText(tr("Select a table in the tree to edit its row scopes, budget, "
                                 "writes and relations, or Roles to edit the roles."));
    else if (!info)
        m_tableTitle->setText(
            tr("The database has no table %1: remove it from the policy (action “not listed”).")
                .arg(table));
    else if (!listed)
        m_tableTitle->setText(tr("<b>%1</b> is not listed, so agents do not see it. Set its action "
                                 "to “read” in the tree to list it.")
                                  .arg(table.toHtmlEscaped()));
    else if (forRole)
        m_tableTitle->setText(tr("Table <b>%1</b> for role <b>%2</b>: what you set here replaces "
                                 "the rules for everyone; the rest stays as for everyone.")
                                  .arg(table.toHtmlEscaped(), m_ruleRole.toHtmlEscaped()));
    else
        m_tableTitle->setText(tr("Table <b>%1</b>").arg(table.toHtmlEscaped()));
    const bool editable = listed && info;
    m_ruleForCombo->setEnabled(editable || forRole);
    for (QWidget *box : { static_cast<QWidget *>(m_scopeBox), static_cast<QWidget *>(m_budgetBox),
                          static_cast<QWidget *>(m_relationsBox) })
        box->setEnabled(editable);
    // A role's `writes` would replace the whole object, not key by key: writes are set for
    // everyone.
    m_writesBox->setEnabled(editable && !forRole);
    m_writesBox->setToolTip(forRole ? tr("Writes and approvals are the same for every role; "
                                         "choose “Everyone” under Rules for to change them.")
                                    : QString());

    const auto at = [&](const std::string &key) {
        return m_tree->value(ownPointer + "/" + key);
    };
    const auto fillScope = [&](QComboBox *combo, const char *key) {
        const QSignalBlocker block(combo);
        combo->clear();
        // What an absent key means: the default for everyone, the table's rule for a role.
        const auto fallback = m_tree->value(std::string("/defaults/") + key);
        QString inherited =
            fallback && fallback->is_string() ? q(fallback->get<std::string>()) : QString();
        if (forRole) {
            if (const auto base = m_tree->value(basePointer + "/" + key); base && base->is_null())
                inherited.clear();
            else if (base && base->is_string())
                inherited = q(base->get<std::string>());
            combo->addItem(inherited.isEmpty() ? tr("As for everyone (none)")
                                               : tr("As for everyone (%1)").arg(inherited),
                           InheritData);
        } else {
            combo->addItem(inherited.isEmpty() ? tr("Default (none)")
                                               : tr("Default (%1)").arg(inherited),
                           InheritData);
        }
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
        spin->setSpecialValueText(forRole ? tr("As for everyone") : tr("Default"));
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

    m_relations->setTable(editable ? table : QString(), m_ruleRole);
    updateRelationForm();
}

// --- relations ---

QString PolicyPanel::selectedRelation() const
{
    const QModelIndex current = m_relationView->currentIndex();
    return current.isValid() ? current.data(PolicyRelationModel::NameRole).toString() : QString();
}

void PolicyPanel::updateRelationForm()
{
    const QModelIndex current = m_relationView->currentIndex();
    const auto source =
        current.data(PolicyRelationModel::SourceRole).value<PolicyRelationModel::Source>();
    const bool declared = current.isValid() && source == PolicyRelationModel::Source::Declared;
    m_removeRelationButton->setEnabled(current.isValid()
                                       && source != PolicyRelationModel::Source::ForeignKey);
    m_relationForm->setEnabled(declared);
    const auto text = [&current](int column) {
        return current.siblingAtColumn(column).data().toString();
    };
    const auto schema = m_tree->schema();
    const auto fillColumns = [&](QComboBox *combo, const QString &table, int column) {
        const QSignalBlocker block(combo);
        combo->clear();
        combo->addItem(tr("(primary key)"), QString());
        const db::TableInfo *info = schema ? schema->table(table.toStdString()) : nullptr;
        if (info)
            for (const auto &c : info->columns)
                combo->addItem(q(c.name), q(c.name));
        const QString value = column < 0 ? QString() : text(column);
        if (value.isEmpty() || value == tr("(primary key)")) {
            combo->setCurrentIndex(0);
            return;
        }
        if (combo->findData(value) < 0)
            combo->addItem(value, value);
        combo->setCurrentIndex(combo->findData(value));
    };
    {
        const QSignalBlocker b1(m_relationName), b2(m_relationKind), b3(m_relationTarget);
        m_relationName->setText(current.isValid() ? text(PolicyRelationModel::NameColumn)
                                                  : QString());
        m_relationKind->setCurrentIndex(
            qMax(0, m_relationKind->findData(text(PolicyRelationModel::KindColumn))));
        m_relationTarget->clear();
        if (schema)
            for (const auto &t : schema->tables)
                m_relationTarget->addItem(q(t.name), q(t.name));
        const QString target = text(PolicyRelationModel::TargetColumn);
        if (!target.isEmpty() && m_relationTarget->findData(target) < 0)
            m_relationTarget->addItem(target, target);
        m_relationTarget->setCurrentIndex(m_relationTarget->findData(target));
    }
    fillColumns(m_relationVia, m_relations->table(),
                current.isValid() ? int(PolicyRelationModel::ViaColumn) : -1);
    fillColumns(m_relationTargetColumn, text(PolicyRelationModel::TargetColumn),
                current.isValid() ? int(PolicyRelationModel::TargetColumnColumn) : -1);
    updateRelationProblem();
}

void PolicyPanel::updateRelationProblem()
{
    const QString problem =
        m_relationView->currentIndex().data(PolicyRelationModel::ProblemRole).toString();
    m_relationProblem->setText(problem);
    m_relationProblem->setVisible(!problem.isEmpty());
    tintLabel(m_relationProblem, problem.isEmpty() ? Tint::None : Tint::Error);
}

void PolicyPanel::editRelation(const std::function<void(Json &)> &edit)
{
    const QString name = selectedRelation();
    if (name.isEmpty())
        return;
    const std::string pointer = jsonPointerJoin(tablePointer() + "/relations", name.toStdString());
    const auto spec = m_tree->value(pointer);
    Json changed = spec && spec->is_object() ? *spec : Json::object();
    edit(changed);
    if (changed != spec)
        m_tree->setValue(pointer, changed);
}

void PolicyPanel::addRelation()
{
    if (!m_relationsBox->isEnabled())
        return;
    const auto existing = m_tree->value(tablePointer() + "/relations");
    QString name = tr("relation");
    for (int n = 2;
         (existing && existing->contains(name.toStdString())) || m_relations->rowOf(name) >= 0; ++n)
        name = tr("relation") + QLatin1Char('_') + QString::number(n);
    // The first other listed table as a start; the form then picks the columns.
    std::string target = selectedTable().toStdString();
    if (const auto tables = m_tree->value("/tables"); tables && tables->is_object())
        for (auto it = tables->begin(); it != tables->end(); ++it)
            if (it.key() != target) {
                target = it.key();
                break;
            }
    m_relationSelected = name;
    m_tree->setValue(jsonPointerJoin(tablePointer() + "/relations", name.toStdString()),
                     Json { { "target", target }, { "kind", "many_to_one" } });
    m_relationName->setFocus(Qt::OtherFocusReason);
    m_relationName->selectAll();
}

void PolicyPanel::removeRelation()
{
    const QString name = selectedRelation();
    const QModelIndex current = m_relationView->currentIndex();
    if (name.isEmpty()
        || current.data(PolicyRelationModel::SourceRole).value<PolicyRelationModel::Source>()
            == PolicyRelationModel::Source::ForeignKey)
        return;
    m_relationSelected.clear();
    m_tree->setValue(jsonPointerJoin(tablePointer() + "/relations", name.toStdString()),
                     std::nullopt);
    m_relationView->setFocus(Qt::OtherFocusReason);
}

void PolicyPanel::renameRelation()
{
    const QString from = selectedRelation();
    const QString to = m_relationName->text().trimmed();
    if (from.isEmpty() || to == from || !m_relationForm->isEnabled())
        return;
    // A declaration may take a derived relation's name (it replaces it), not a declared one's.
    const auto declared = m_tree->value(tablePointer() + "/relations");
    if (to.isEmpty()
        || (declared && declared->is_object() && declared->contains(to.toStdString()))) {
        m_relationProblem->setText(
            to.isEmpty()
                ? tr("A relation needs a name.")
                : tr("%1 already names a relation of this table: pick another name.").arg(to));
        m_relationProblem->show();
        tintLabel(m_relationProblem, Tint::Error);
        return;
    }
    m_relationSelected = to;
    m_tree->renameKey(tablePointer() + "/relations", from.toStdString(), to.toStdString());
}

// --- roles ---

void PolicyPanel::updateRoleDetails(const QString &role)
{
    const auto roles = m_tree->value("/roles");
    const int count = roles && roles->is_object() ? int(roles->size()) : 0;
    m_roleTitle->setText(
        tr("A role's settings are laid over the policy for the principals that have it (from "
           "the token's roles claim). A principal with several gets the first role listed. "
           "This policy has %n role(s).",
           nullptr, count));
    if (role != m_roleName->text())
        m_roleMessage->hide(); // it was about another role
    m_roleBox->setEnabled(!role.isEmpty());
    m_roleBox->setTitle(role.isEmpty() ? tr("Select a role in the tree to edit it")
                                       : tr("Role %1").arg(role));
    const std::string rolePointer = jsonPointerJoin(std::string("/roles"), role.toStdString());
    const auto roleJson = role.isEmpty() ? std::nullopt : m_tree->value(rolePointer);
    const auto str = [](const std::optional<Json> &v) {
        return v && v->is_string() ? q(v->get<std::string>()) : QString();
    };
    if (!m_roleName->hasFocus() || m_roleName->text() != role)
        m_roleName->setText(role);
    if (!m_roleDescription->hasFocus())
        m_roleDescription->setText(str(m_tree->value(rolePointer + "/description")));

    // One switch per tag the policy uses: its own switches, the column rules', the columns'.
    QStringList tags;
    const auto addTags = [&tags](const std::optional<Json> &list) {
        if (list && list->is_array())
            for (const Json &t : *list)
                if (t.is_string() && !tags.contains(q(t.get<std::string>())))
                    tags << q(t.get<std::string>());
    };
    for (const char *pointer : { "/tags" })
        if (const auto switches = m_tree->value(pointer); switches && switches->is_object())
            for (auto it = switches->begin(); it != switches->end(); ++it)
                if (!tags.contains(q(it.key())))
                    tags << q(it.key());
    if (const auto rules = m_tree->value("/column_rules"); rules && rules->is_array())
        for (const Json &r : *rules)
            addTags(r.is_object() && r.contains("tags") ? std::optional<Json>(r["tags"])
                                                        : std::nullopt);
    if (const auto tables = m_tree->value("/tables"); tables && tables->is_object())
        for (const auto &t : *tables)
            if (t.is_object() && t.contains("columns") && t["columns"].is_object())
                for (const auto &c : t["columns"])
                    addTags(c.is_object() && c.contains("tags") ? std::optional<Json>(c["tags"])
                                                                : std::nullopt);
    if (const auto own = m_tree->value(rolePointer + "/tags"); own && own->is_object())
        for (auto it = own->begin(); it != own->end(); ++it)
            if (!tags.contains(q(it.key())))
                tags << q(it.key());
    QStringList shown;
    for (const auto &entry : m_roleTagCombos)
        shown << entry.first;
    if (shown != tags) {
        // Rebuilt only when the tags change, so the combo being used keeps its focus.
        while (m_roleTagsLayout->rowCount() > 0)
            m_roleTagsLayout->removeRow(0);
        m_roleTagCombos.clear();
        for (const QString &tag : tags) {
            auto *combo = new QComboBox(m_roleTagsBox);
            combo->setObjectName(QStringLiteral("policyRoleTag_") + tag);
            combo->setAccessibleName(tr("Tag %1").arg(tag));
            connect(combo, &QComboBox::activated, this, [this, combo, tag] {
                const QString role = selectedRole();
                if (role.isEmpty())
                    return;
                const QString action = combo->currentData().toString();
                m_tree->setValue(
                    jsonPointerJoin(jsonPointerJoin(std::string("/roles"), role.toStdString())
                                        + "/tags",
                                    tag.toStdString()),
                    action.isEmpty() ? std::nullopt
                                     : std::optional<Json>(Json(action.toStdString())));
            });
            m_roleTagsLayout->addRow(tr("%1:").arg(tag), combo);
            m_roleTagCombos.emplace_back(tag, combo);
        }
        // Made after the rest of the form: put them back in its tab order.
        QWidget *previous = m_roleDescription;
        for (const auto &entry : m_roleTagCombos)
            setTabOrder(std::exchange(previous, entry.second), entry.second);
        setTabOrder(previous, m_roleTableCombo);
    }
    for (const auto &[tag, combo] : m_roleTagCombos) {
        const QSignalBlocker block(combo);
        combo->clear();
        const QString base =
            str(m_tree->value(jsonPointerJoin(std::string("/tags"), tag.toStdString())));
        combo->addItem(base.isEmpty() ? tr("As for everyone (the columns' own rules)")
                                      : tr("As for everyone (%1)").arg(base),
                       QString());
        for (const char *action : { "allow", "deny", "mask", "hash" })
            combo->addItem(QString::fromLatin1(action), QString::fromLatin1(action));
        const QString own =
            str(m_tree->value(jsonPointerJoin(rolePointer + "/tags", tag.toStdString())));
        combo->setCurrentIndex(qMax(0, combo->findData(own)));
    }
    m_roleTagsBox->setVisible(!tags.isEmpty());

    QStringList overridden;
    if (const auto tables = m_tree->value(rolePointer + "/tables"); tables && tables->is_object())
        for (auto it = tables->begin(); it != tables->end(); ++it)
            overridden << q(it.key());
    m_roleTables->setText(overridden.isEmpty()
                              ? tr("Changes the rules of no table.")
                              : tr("Changes the rules of: %1.").arg(overridden.join(tr(", "))));
    {
        const QSignalBlocker block(m_roleTableCombo);
        const QString keep = m_roleTableCombo->currentText();
        m_roleTableCombo->clear();
        if (const auto schema = m_tree->schema())
            for (const auto &t : schema->tables)
                m_roleTableCombo->addItem(q(t.name));
        m_roleTableCombo->setCurrentIndex(qMax(0, m_roleTableCombo->findText(keep)));
    }
    updateRoleProblem();
}

void PolicyPanel::updateRoleProblem()
{
    if (m_detailPages->currentIndex() != 1)
        return;
    const QString problem = m_treeView->currentIndex()
                                .siblingAtColumn(PolicyTreeModel::NameColumn)
                                .data(PolicyTreeModel::ProblemRole)
                                .toString();
    m_roleProblem->setText(problem);
    m_roleProblem->setVisible(!problem.isEmpty());
    tintLabel(m_roleProblem, problem.isEmpty() ? Tint::None : Tint::Error);
}

void PolicyPanel::selectRole(const QString &role)
{
    const QModelIndex index = m_tree->indexForPointer(
        q(role.isEmpty() ? std::string("/roles")
                         : jsonPointerJoin(std::string("/roles"), role.toStdString())));
    m_treeView->scrollTo(index);
    m_treeView->setCurrentIndex(index);
    updateDetails();
}

void PolicyPanel::addRole()
{
    const QString name = m_newRoleName->text().trimmed();
    const auto roles = m_tree->value("/roles");
    QString refusal;
    if (name.isEmpty())
        refusal = tr("Type the name of the new role first (as the token's roles claim has it).");
    else if (roles && roles->is_object() && roles->contains(name.toStdString()))
        refusal = tr("There is a role %1 already: pick another name.").arg(name);
    m_roleMessage->setText(refusal);
    m_roleMessage->setVisible(!refusal.isEmpty());
    tintLabel(m_roleMessage, refusal.isEmpty() ? Tint::None : Tint::Error);
    if (!refusal.isEmpty()) {
        m_newRoleName->setFocus(Qt::OtherFocusReason);
        m_newRoleName->selectAll(); // typing replaces the refused name
        return;
    }
    m_tree->setValue(jsonPointerJoin(std::string("/roles"), name.toStdString()), Json::object());
    m_newRoleName->clear();
    selectRole(name);
    m_roleDescription->setFocus(Qt::OtherFocusReason);
}

void PolicyPanel::removeRole()
{
    const QString role = selectedRole();
    if (role.isEmpty())
        return;
    m_tree->setValue(jsonPointerJoin(std::string("/roles"), role.toStdString()), std::nullopt);
    selectRole(QString());
    m_newRoleName->setFocus(Qt::OtherFocusReason);
}

void PolicyPanel::renameRole()
{
    const QString from = selectedRole();
    const QString to = m_roleName->text().trimmed();
    if (from.isEmpty() || to == from)
        return;
    if (!m_tree->renameKey("/roles", from.toStdString(), to.toStdString())) {
        m_roleMessage->setText(to.isEmpty()
                                   ? tr("A role needs a name.")
                                   : tr("There is a role %1 already: pick another name.").arg(to));
        m_roleMessage->show();
        tintLabel(m_roleMessage, Tint::Error);
        return;
    }
    m_roleMessage->hide();
    if (m_ruleRole == from)
        m_ruleRole = to;
    selectRole(to);
}

void PolicyPanel::editRoleTable()
{
    const QString role = selectedRole();
    const QString table = m_roleTableCombo->currentText();
    if (role.isEmpty() || table.isEmpty())
        return;
    m_ruleRole = role;
    const QModelIndex index = m_tree->tableIndex(table);
    m_treeView->scrollTo(index);
    m_treeView->setCurrentIndex(index);
    updateDetails();
    m_ruleForCombo->setFocus(Qt::OtherFocusReason);
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
