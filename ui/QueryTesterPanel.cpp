#include "QueryTesterPanel.h"

#include "PanelLayout.h"

#include "LabelTint.h"
#include "OutcomeDelegate.h"
#include "RequestLogModel.h"
#include "ResultTableModel.h"
#include "RunHistoryModel.h"
#include "common/StrictJson.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace warden {
namespace {

const QString MainSplitterKey = QStringLiteral("QueryTester/mainSplitter");
const QString WorkSplitterKey = QStringLiteral("QueryTester/workSplitter");
const QString HistoryHeaderKey = QStringLiteral("QueryTester/historyHeader");

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QStringList splitList(const QString &text)
{
    QStringList items;
    for (const QString &part : text.split(QLatin1Char(',')))
        if (const QString item = part.trimmed(); !item.isEmpty())
            items.append(item);
    return items;
}

QString pretty(const Json &value)
{
    return q(value.dump(2, ' ', false, Json::error_handler_t::replace));
}

QString decisionDetails(const Json &decision)
{
    QStringList parts;
    if (decision.is_object())
        for (auto it = decision.begin(); it != decision.end(); ++it)
            if (it.key() != "kind")
                parts.append(
                    q(it.key()) + QLatin1Char('=')
                    + (it->is_string() ? q(it->get<std::string>()) : q(StrictJson::dump(*it))));
    return parts.join(QStringLiteral(", "));
}

QString placeholderFor(const SchemaForm::Field &field)
{
    switch (field.kind) {
    case SchemaForm::Kind::Integer:
        return QueryTesterPanel::tr("whole number");
    case SchemaForm::Kind::Number:
        return QueryTesterPanel::tr("number");
    case SchemaForm::Kind::List:
        return QueryTesterPanel::tr("comma-separated list");
    case SchemaForm::Kind::Json:
        return QueryTesterPanel::tr("JSON");
    default:
        return {};
    }
}

} // namespace

QueryTesterPanel::QueryTesterPanel(ToolTesterService *service, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_result(new ResultTableModel(this))
    , m_history(new RunHistoryModel(this))
{
    setAccessibleName(tr("Query tester"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);

    m_unavailable = new QLabel(this);
    m_unavailable->setObjectName(QStringLiteral("unavailableLabel"));
    m_unavailable->setWordWrap(true);
    layout->addWidget(m_unavailable);

    auto *inputs = new QWidget(this);
    auto *inputLayout = new QVBoxLayout(inputs);
    inputLayout->setContentsMargins(0, 0, 0, 0);
    inputLayout->addWidget(createPrincipalBox());
    inputLayout->addWidget(createInputBox(), 1);

    m_workSplitter = new QSplitter(Qt::Vertical, this);
    m_workSplitter->setObjectName(QStringLiteral("queryTesterWorkSplitter"));
    m_workSplitter->addWidget(inputs);
    m_workSplitter->addWidget(createResultBox());
    m_workSplitter->setStretchFactor(1, 1);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("queryTesterMainSplitter"));
    m_mainSplitter->addWidget(m_workSplitter);
    m_mainSplitter->addWidget(createHistoryBox());
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({ 700, 400 });
    layout->addWidget(m_mainSplitter, 1);

    m_runAction = new QAction(tr("Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcuts(
        { QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter) });
    m_runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_runAction);
    connect(m_runAction, &QAction::triggered, this, &QueryTesterPanel::run);
    m_cancelAction = new QAction(tr("Cancel"), this);
    m_cancelAction->setObjectName(QStringLiteral("cancelAction"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_cancelAction);
    connect(m_cancelAction, &QAction::triggered, this, &QueryTesterPanel::cancel);

    setTabOrder(m_user, m_tenant);
    setTabOrder(m_tenant, m_roles);
    setTabOrder(m_roles, m_rolePresets);
    setTabOrder(m_rolePresets, m_scopes);
    setTabOrder(m_scopes, m_policyScopes);
    setTabOrder(m_policyScopes, m_tool);
    setTabOrder(m_tool, m_rawToggle);
    setTabOrder(m_rawToggle, m_runButton);
    setTabOrder(m_runButton, m_cancelButton);

    if (m_service) {
        connect(m_service, &ToolTesterService::availabilityChanged, this,
                &QueryTesterPanel::onAvailabilityChanged);
        connect(m_service, &ToolTesterService::catalogueChanged, this,
                &QueryTesterPanel::refreshCatalogue);
    }
    onAvailabilityChanged();
    restoreSettings();
}

QueryTesterPanel::~QueryTesterPanel()
{
    saveSettings();
}

QWidget *QueryTesterPanel::createPrincipalBox()
{
    auto *box = new QGroupBox(tr("Act as"), this);
    auto *form = new QFormLayout(box);
    m_user = new QLineEdit(box);
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_user->setPlaceholderText(tr("user id, e.g. alice"));
    m_tenant = new QLineEdit(box);
    m_tenant->setObjectName(QStringLiteral("tenantEdit"));
    m_tenant->setPlaceholderText(tr("tenant id; empty for none"));
    m_roles = new QLineEdit(box);
    m_roles->setObjectName(QStringLiteral("rolesEdit"));
    m_roles->setPlaceholderText(tr("comma-separated"));
    m_rolePresets = new QToolButton(box);
    m_rolePresets->setObjectName(QStringLiteral("rolePresetsButton"));
    m_rolePresets->setText(tr("Policy roles"));
    m_rolePresets->setToolTip(tr("Add or remove a role the policy names"));
    m_rolePresets->setPopupMode(QToolButton::InstantPopup);
    m_rolePresets->setMenu(new QMenu(m_rolePresets));
    connect(m_rolePresets->menu(), &QMenu::aboutToShow, this, [this] {
        const QStringList current = splitList(m_roles->text());
        for (QAction *action : m_rolePresets->menu()->actions())
            action->setChecked(current.contains(action->text()));
    });
    auto *rolesRow = new QHBoxLayout;
    rolesRow->addWidget(m_roles, 1);
    rolesRow->addWidget(m_rolePresets);
    m_scopes = new QLineEdit(box);
    m_scopes->setObjectName(QStringLiteral("scopesEdit"));
    m_scopes->setPlaceholderText(tr("comma-separated"));
    m_policyScopes = new QPushButton(tr("All &policy scopes"), box);
    m_policyScopes->setObjectName(QStringLiteral("policyScopesButton"));
    m_policyScopes->setToolTip(tr("Fill in every scope the policy asks of tools"));
    connect(m_policyScopes, &QPushButton::clicked, this,
            [this] { m_scopes->setText(m_catalogue.policyScopes.join(QStringLiteral(", "))); });
    auto *scopesRow = new QHBoxLayout;
    scopesRow->addWidget(m_scopes, 1);
    scopesRow->addWidget(m_policyScopes);

    auto addRow = [form](const QString &text, QWidget *buddy, QLayout *row = nullptr) {
        auto *label = new QLabel(text);
        label->setBuddy(buddy);
        if (row)
            form->addRow(label, row);
        else
            form->addRow(label, buddy);
    };
    addRow(tr("&User:"), m_user);
    addRow(tr("&Tenant:"), m_tenant);
    addRow(tr("R&oles:"), m_roles, rolesRow);
    addRow(tr("S&copes:"), m_scopes, scopesRow);

    m_actingAs = new QLabel(box);
    m_actingAs->setObjectName(QStringLiteral("actingAsLabel"));
    m_actingAs->setWordWrap(true);
    m_actingAs->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(m_actingAs);
    connect(m_user, &QLineEdit::textChanged, this, &QueryTesterPanel::updateRunEnabled);
    return box;
}

QWidget *QueryTesterPanel::createInputBox()
{
    auto *box = new QGroupBox(tr("Call"), this);
    auto *layout = new QVBoxLayout(box);
    auto *toolRow = new QHBoxLayout;
    m_tool = new QComboBox(box);
    m_tool->setObjectName(QStringLiteral("toolCombo"));
    m_tool->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *toolLabel = new QLabel(tr("Too&l:"), box);
    toolLabel->setBuddy(m_tool);
    m_rawToggle = new QPushButton(tr("Ra&w JSON"), box);
    m_rawToggle->setObjectName(QStringLiteral("rawToggle"));
    m_rawToggle->setCheckable(true);
    m_rawToggle->setToolTip(tr("Edit the arguments as JSON instead of the form (kept in sync)"));
    m_runButton = new QPushButton(tr("&Run"), box);
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_runButton->setToolTip(tr("Run the call as the principal above (Ctrl+Return)"));
    m_runButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"), box);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setToolTip(tr("Stop the running call (Esc)"));
    toolRow->addWidget(toolLabel);
    toolRow->addWidget(m_tool);
    toolRow->addStretch(1);
    toolRow->addWidget(m_rawToggle);
    toolRow->addWidget(m_runButton);
    toolRow->addWidget(m_cancelButton);
    layout->addLayout(toolRow);

    m_toolDescription = new QLabel(box);
    m_toolDescription->setObjectName(QStringLiteral("toolDescription"));
    m_toolDescription->setWordWrap(true);
    layout->addWidget(m_toolDescription);

    m_inputStack = new QStackedWidget(box);
    auto *scroll = new QScrollArea(m_inputStack);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_formPage = new QWidget(scroll);
    m_formPage->setObjectName(QStringLiteral("formPage"));
    m_formLayout = new QFormLayout(m_formPage);
    scroll->setWidget(m_formPage);
    m_raw = new QPlainTextEdit(m_inputStack);
    m_raw->setObjectName(QStringLiteral("rawEdit"));
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setTabChangesFocus(true);
    m_raw->setAccessibleName(tr("Arguments as JSON"));
    m_inputStack->addWidget(scroll);
    m_inputStack->addWidget(m_raw);
    layout->addWidget(m_inputStack, 1);

    m_inputError = new QLabel(box);
    m_inputError->setObjectName(QStringLiteral("inputError"));
    m_inputError->setWordWrap(true);
    tintLabel(m_inputError, Tint::Error);
    m_inputError->hide();
    layout->addWidget(m_inputError);

    connect(m_tool, &QComboBox::currentIndexChanged, this, &QueryTesterPanel::onToolChanged);
    connect(m_rawToggle, &QPushButton::toggled, this, &QueryTesterPanel::setRawMode);
    connect(m_runButton, &QPushButton::clicked, this, &QueryTesterPanel::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &QueryTesterPanel::cancel);
    return box;
}

QWidget *QueryTesterPanel::createResultBox()
{
    auto *box = new QGroupBox(tr("Result"), this);
    auto *layout = new QVBoxLayout(box);
    auto *statusRow = new QHBoxLayout;
    m_outcome = new QLabel(tr("No call run yet."), box);
    m_outcome->setObjectName(QStringLiteral("outcomeLabel"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timing = new QLabel(box);
    m_timing->setObjectName(QStringLiteral("timingLabel"));
    statusRow->addWidget(m_outcome, 1);
    statusRow->addWidget(m_timing);
    layout->addLayout(statusRow);

    m_tabs = new QTabWidget(box);
    m_tabs->setObjectName(QStringLiteral("resultTabs"));
    m_table = new QTableView(m_tabs);
    m_table->setObjectName(QStringLiteral("resultTable"));
    // Sorted in the view only, by raw value; the server's order until a header is clicked.
    auto *sorted = new QSortFilterProxyModel(m_table);
    sorted->setSourceModel(m_result);
    sorted->setSortRole(ResultTableModel::SortRole);
    m_table->setModel(sorted);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_json = monospaceView(m_tabs, QStringLiteral("jsonView"));
    m_sql = monospaceView(m_tabs, QStringLiteral("sqlView"));
    m_decisions = new QTreeWidget(m_tabs);
    m_decisions->setObjectName(QStringLiteral("decisionsView"));
    m_decisions->setRootIsDecorated(false);
    m_decisions->setHeaderLabels({ tr("Decision"), tr("Details") });
    auto *auditPage = new QWidget(m_tabs);
    auto *auditLayout = new QVBoxLayout(auditPage);
    auditLayout->setContentsMargins(0, 0, 0, 0);
    m_auditSummary = new QLabel(auditPage);
    m_auditSummary->setObjectName(QStringLiteral("auditSummary"));
    m_auditSummary->setWordWrap(true);
    m_auditSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_audit = monospaceView(auditPage, QStringLiteral("auditView"));
    auditLayout->addWidget(m_auditSummary);
    auditLayout->addWidget(m_audit, 1);

    m_tabs->addTab(m_table, tr("Ta&ble"));
    m_tabs->addTab(m_json, tr("&JSON"));
    m_tabs->addTab(m_sql, tr("S&QL"));
    m_tabs->addTab(m_decisions, tr("&Decisions"));
    m_tabs->addTab(auditPage, tr("&Audit record"));
    layout->addWidget(m_tabs, 1);
    return box;
}

QWidget *QueryTesterPanel::createHistoryBox()
{
    auto *box = new QGroupBox(tr("History"), this);
    auto *layout = new QVBoxLayout(box);
    m_historyView = new QTableView(box);
    m_historyView->setObjectName(QStringLiteral("historyView"));
    m_historyView->setModel(m_history);
    m_historyView->setItemDelegate(
        new OutcomeDelegate(RunHistoryModel::OutcomeColumn, m_historyView));
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setToolTip(tr("Double-click or press Enter to bring a run back"));
    layout->addWidget(m_historyView);
    connect(m_historyView, &QTableView::doubleClicked, this, &QueryTesterPanel::restoreRun);
    connect(m_historyView, &QTableView::activated, this, &QueryTesterPanel::restoreRun);
    return box;
}

void QueryTesterPanel::restoreSettings()
{
    QSettings settings;
    m_mainSplitter->restoreState(settings.value(MainSplitterKey).toByteArray());
    m_workSplitter->restoreState(settings.value(WorkSplitterKey).toByteArray());
    m_historyHeaderRestored = m_historyView->horizontalHeader()->restoreState(
        settings.value(HistoryHeaderKey).toByteArray());
}

void QueryTesterPanel::saveSettings() const
{
    QSettings settings;
    auto write = [&settings](const QString &key, const QByteArray &state) {
        if (settings.value(key).toByteArray() != state)
            settings.setValue(key, state);
    };
    write(MainSplitterKey, m_mainSplitter->saveState());
    write(WorkSplitterKey, m_workSplitter->saveState());
    write(HistoryHeaderKey, m_historyView->horizontalHeader()->saveState());
}

void QueryTesterPanel::onAvailabilityChanged()
{
    const bool available = m_service && m_service->isAvailable();
    if (!m_service)
        m_unavailable->setText(tr("This server does not offer the query tester."));
    else if (!available)
        m_unavailable->setText(
            tr("The server is not running. Start it in the Server panel to try calls."));
    m_unavailable->setVisible(!available);
    if (m_service)
        m_actingAs->setText(
            tr("Calls run through the server's real policy, limits and audit trail, and are "
               "audited as %1 (console) acting as this principal.")
                .arg(m_service->consoleUser()));
    if (available)
        refreshCatalogue();
    updateRunEnabled();
}

void QueryTesterPanel::refreshCatalogue()
{
    if (!m_service)
        return;
    m_service->fetchCatalogue(this, [this](const ToolCatalogue &catalogue) {
        const QString current = m_tool->currentText();
        auto schemaOf = [&current](const ToolCatalogue &c) -> Json {
            for (const ToolDescription &tool : c.tools)
                if (tool.name == current)
                    return tool.inputSchema;
            return Json();
        };
        // A policy reload keeps what the operator typed when the tool's input did not change.
        const bool sameInput = !current.isEmpty() && !schemaOf(m_catalogue).is_null()
            && schemaOf(m_catalogue) == schemaOf(catalogue);
        m_catalogue = catalogue;
        {
            const QSignalBlocker block(m_tool);
            m_tool->clear();
            for (const ToolDescription &tool : catalogue.tools)
                m_tool->addItem(tool.name);
        }
        auto *completer = new QCompleter(catalogue.policyRoles, m_roles);
        delete m_roles->completer();
        m_roles->setCompleter(completer);
        QMenu *presets = m_rolePresets->menu();
        presets->clear();
        for (const QString &role : catalogue.policyRoles) {
            QAction *action = presets->addAction(role);
            action->setCheckable(true);
            connect(action, &QAction::toggled, this, [this, role](bool on) {
                QStringList roles = splitList(m_roles->text());
                roles.removeAll(role);
                if (on)
                    roles.append(role);
                m_roles->setText(roles.join(QStringLiteral(", ")));
            });
        }
        m_rolePresets->setEnabled(!catalogue.policyRoles.isEmpty());
        m_policyScopes->setEnabled(!catalogue.policyScopes.isEmpty());
        const int keep = m_tool->findText(current);
        const int preferred = m_tool->findText(QStringLiteral("db_query"));
        {
            const QSignalBlocker block(m_tool);
            m_tool->setCurrentIndex(keep >= 0 ? keep : preferred >= 0 ? preferred : 0);
        }
        if (!sameInput)
            onToolChanged();
    });
}

void QueryTesterPanel::onToolChanged()
{
    const int index = m_tool->currentIndex();
    const ToolDescription *tool =
        index >= 0 && index < m_catalogue.tools.size() ? &m_catalogue.tools[index] : nullptr;
    m_toolDescription->setText(tool ? tool->description : QString());
    m_form.setSchema(tool ? tool->inputSchema : Json());
    buildForm();
    m_raw->setPlainText(QStringLiteral("{\n}"));
    showInputError({});
    const bool renderable = m_form.isRenderable();
    m_rawToggle->setEnabled(renderable);
    {
        const QSignalBlocker block(m_rawToggle);
        m_rawToggle->setChecked(!renderable || m_rawToggle->isChecked());
    }
    m_inputStack->setCurrentIndex(m_rawToggle->isChecked() ? 1 : 0);
    updateRunEnabled();
}

void QueryTesterPanel::buildForm()
{
    while (m_formLayout->rowCount() > 0)
        m_formLayout->removeRow(0);
    m_fieldEditors.clear();
    QWidget *previous = m_cancelButton;
    for (const SchemaForm::Field &field : m_form.fields()) {
        QWidget *editor = nullptr;
        if (field.kind == SchemaForm::Kind::Boolean || field.kind == SchemaForm::Kind::Choice) {
            auto *combo = new QComboBox(m_formPage);
            combo->addItem(QString());
            combo->addItems(field.choices);
            editor = combo;
        } else {
            auto *edit = new QLineEdit(m_formPage);
            edit->setPlaceholderText(placeholderFor(field));
            if (field.kind == SchemaForm::Kind::Json || field.kind == SchemaForm::Kind::List)
                edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            editor = edit;
        }
        editor->setObjectName(QStringLiteral("field_") + field.name);
        editor->setToolTip(field.description);
        editor->setAccessibleName(field.name);
        auto *label = new QLabel(field.required ? tr("%1 (required):").arg(field.name)
                                                : field.name + QLatin1Char(':'),
                                 m_formPage);
        label->setBuddy(editor);
        label->setToolTip(field.description);
        m_formLayout->addRow(label, editor);
        m_fieldEditors.append(editor);
        setTabOrder(previous, editor);
        previous = editor;
    }
}

void QueryTesterPanel::formToWidgets()
{
    for (int i = 0; i < m_fieldEditors.size(); ++i) {
        const QString text = m_form.text(i);
        if (auto *combo = qobject_cast<QComboBox *>(m_fieldEditors[i]))
            combo->setCurrentIndex(qMax(0, combo->findText(text)));
        else if (auto *edit = qobject_cast<QLineEdit *>(m_fieldEditors[i]))
            edit->setText(text);
    }
}

void QueryTesterPanel::widgetsToForm()
{
    for (int i = 0; i < m_fieldEditors.size(); ++i) {
        if (auto *combo = qobject_cast<QComboBox *>(m_fieldEditors[i]))
            m_form.setText(i, combo->currentText());
        else if (auto *edit = qobject_cast<QLineEdit *>(m_fieldEditors[i]))
            m_form.setText(i, edit->text());
    }
}

bool QueryTesterPanel::isRawMode() const
{
    return m_inputStack->currentIndex() == 1;
}

void QueryTesterPanel::setRawMode(bool raw)
{
    if (raw == isRawMode())
        return;
    if (raw) {
        widgetsToForm();
        const SchemaForm::Arguments args = m_form.arguments();
        if (args.ok())
            m_raw->setPlainText(pretty(args.value));
        showInputError(
            args.ok()
                ? QString()
                : tr("%1 The raw JSON shows the last arguments that were valid.").arg(args.error));
        m_inputStack->setCurrentIndex(1);
    } else {
        auto parsed = StrictJson::parse(m_raw->toPlainText().toStdString());
        QString why;
        if (!parsed)
            why = tr("The JSON is not valid (%1); fix it or keep editing it here.")
                      .arg(q(parsed.error().message));
        else if (m_form.setArguments(*parsed, &why))
            formToWidgets();
        if (!why.isEmpty()) {
            showInputError(why);
            const QSignalBlocker block(m_rawToggle);
            m_rawToggle->setChecked(true);
            return;
        }
        showInputError({});
        m_inputStack->setCurrentIndex(0);
    }
    const QSignalBlocker block(m_rawToggle);
    m_rawToggle->setChecked(raw);
}

void QueryTesterPanel::showInputError(const QString &message)
{
    m_inputError->setText(message);
    m_inputError->setVisible(!message.isEmpty());
}

Impersonation QueryTesterPanel::principal() const
{
    Impersonation p;
    p.user = m_user->text().trimmed();
    p.tenant = m_tenant->text().trimmed();
    p.roles = splitList(m_roles->text());
    p.scopes = splitList(m_scopes->text());
    return p;
}

void QueryTesterPanel::setPrincipal(const Impersonation &p)
{
    m_user->setText(p.user);
    m_tenant->setText(p.tenant);
    m_roles->setText(p.roles.join(QStringLiteral(", ")));
    m_scopes->setText(p.scopes.join(QStringLiteral(", ")));
}

void QueryTesterPanel::updateRunEnabled()
{
    const bool ready = m_service && m_service->isAvailable() && m_tool->count() > 0 && !m_running;
    m_runButton->setEnabled(ready);
    m_runAction->setEnabled(ready);
    m_cancelButton->setEnabled(m_running);
    m_cancelAction->setEnabled(m_running);
    m_runButton->setText(m_running ? tr("Running…") : tr("&Run"));
}

void QueryTesterPanel::run()
{
    if (!m_service || !m_service->isAvailable() || m_running || m_tool->count() == 0)
        return;
    const Impersonation who = principal();
    if (who.user.isEmpty()) {
        showInputError(tr("Enter the user to act as (Act as → User)."));
        m_user->setFocus(Qt::OtherFocusReason);
        return;
    }
    Json arguments;
    if (isRawMode()) {
        auto parsed = StrictJson::parse(m_raw->toPlainText().toStdString());
        if (!parsed || !parsed->is_object()) {
            showInputError(
                parsed
                    ? tr("The arguments must be a JSON object, such as {\"table\": \"customers\"}.")
                    : tr("The JSON is not valid: %1").arg(q(parsed.error().message)));
            m_raw->setFocus(Qt::OtherFocusReason);
            return;
        }
        arguments = std::move(*parsed);
    } else {
        widgetsToForm();
        const SchemaForm::Arguments args = m_form.arguments();
        if (!args.ok()) {
            showInputError(args.error);
            return;
        }
        arguments = args.value;
    }
    showInputError({});
    m_running = true;
    updateRunEnabled();
    m_outcome->setText(
        tr("Running %1 as %2…").arg(m_tool->currentText(), RunHistoryModel::principalText(who)));
    m_runId =
        m_service->run(m_tool->currentText(), arguments, who, this, [this](const ToolRun &run) {
            m_running = false;
            updateRunEnabled();
            m_history->addRun(run);
            if (m_history->rowCount() == 1
                && !m_historyHeaderRestored) // else the operator's widths stay
                m_historyView->resizeColumnsToContents();
            m_historyView->selectRow(0);
            showRun(run);
        });
}

void QueryTesterPanel::cancel()
{
    if (m_running && m_service)
        m_service->cancel(m_runId);
}

void QueryTesterPanel::showRun(const ToolRun &run)
{
    m_result->setResult(run.isError ? Json() : run.result);
    tintLabel(m_outcome, run.isError ? Tint::Error : Tint::Ok);
    if (run.isError) {
        m_outcome->setText(run.errorCode.isEmpty()
                               ? run.errorMessage
                               : tr("%1: %2").arg(run.errorCode, run.errorMessage));
    } else {
        const int rows = m_result->rowCount();
        m_outcome->setText(m_result->source().isEmpty() ? tr("OK")
                               : rows == 1              ? tr("OK: 1 row")
                                                        : tr("OK: %1 rows").arg(rows));
    }
    m_timing->setText(
        tr("%1 · %2").arg(RequestLogModel::formatDuration(run.durationUs),
                          QLocale().toString(run.started.toLocalTime(), QLocale::ShortFormat)));
    m_json->setPlainText(pretty(run.result));

    if (!run.sql.isEmpty())
        m_sql->setPlainText(run.sql + QStringLiteral("\n\n-- ")
                            + tr("parameters: %1").arg(q(StrictJson::dump(run.parameters))));
    else if (!run.explainError.isEmpty())
        m_sql->setPlainText(tr("-- db_explain refused: %1").arg(run.explainError));
    else
        m_sql->setPlainText(tr("-- %1 does not compile a SQL statement.").arg(run.tool));

    m_decisions->clear();
    for (const Json &decision : run.decisions) {
        auto *item = new QTreeWidgetItem(m_decisions);
        item->setText(0,
                      decision.is_object() ? q(decision.value("kind", std::string())) : QString());
        item->setText(1, decisionDetails(decision));
        item->setToolTip(1, item->text(1));
    }
    m_decisions->resizeColumnToContents(0);

    if (run.auditSeq > 0) {
        m_auditSummary->setText(tr("Audit record #%1: %2 (console) acting as %3.")
                                    .arg(run.auditSeq)
                                    .arg(m_service ? m_service->consoleUser() : QString(),
                                         RunHistoryModel::principalText(run.principal)));
    } else {
        m_auditSummary->setText(
            run.auditError.isEmpty()
                ? tr("No audit record.")
                : tr("The audit record could not be read: %1").arg(run.auditError));
    }
    m_audit->setPlainText(pretty(run.auditRecords));
}

void QueryTesterPanel::restoreRun(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const ToolRun run = m_history->run(index.row());
    setPrincipal(run.principal);
    const int tool = m_tool->findText(run.tool);
    if (tool >= 0)
        m_tool->setCurrentIndex(tool);
    QString why;
    if (!isRawMode() && m_form.setArguments(run.arguments, &why)) {
        formToWidgets();
    } else {
        const QSignalBlocker block(m_rawToggle);
        m_rawToggle->setChecked(true);
        m_inputStack->setCurrentIndex(1);
    }
    m_raw->setPlainText(pretty(run.arguments));
    showRun(run);
}

} // namespace warden
