#include "ServerPanel.h"

#include "LabelTint.h"
#include "OutcomeDelegate.h"
#include "RequestLogModel.h"
#include "ServerSettingsForm.h"
#include "ServerStatusController.h"
#include "StateIndicator.h"
#include "server/ServerSettingsService.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace warden {

namespace {

constexpr int CopiedFeedbackMs = 1500;
const QString TabKey = QStringLiteral("ServerPanel/tab");
const QString RequestColumnsKey = QStringLiteral("ServerPanel/requestColumns");

QFont scaledFont(QFont font, qreal factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

QColor blend(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                            a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

QLabel *sectionHeading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setFont(scaledFont(label->font(), 1.0, true));
    return label;
}

} // namespace

ServerPanel::ServerPanel(ServerStatusController *status, QWidget *parent)
    : QWidget(parent)
    , m_status(status)
    , m_requestLog(new RequestLogModel(this))
{
    setAccessibleName(tr("Server"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->setSpacing(12);
    layout->addWidget(createHeader());
    layout->addWidget(createErrorBanner());
    layout->addWidget(createSecurityBanner());
    layout->addWidget(createConnectionBox());
    layout->addWidget(createCounters());
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("serverTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(createRequestsBox(), tr("Traffic"));
    m_tabs->addTab(createSettingsTab(), tr("Settings"));
    m_tabs->addTab(createHealthTab(), tr("Health"));
    layout->addWidget(m_tabs, 1);
    m_tabs->setCurrentIndex(QSettings().value(TabKey, 0).toInt());
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        QSettings().setValue(TabKey, index);
        if (m_tabs->widget(index) == m_healthTab && m_healthList->layout()->count() == 0)
            checkHealth();
    });
    if (m_tabs->currentWidget() == m_healthTab) // restored there: show the checks too
        QTimer::singleShot(0, this, &ServerPanel::checkHealth);

    setTabOrder(m_startButton, m_stopButton);
    setTabOrder(m_stopButton, m_restartButton);
    setTabOrder(m_restartButton, m_endpointEdit);
    setTabOrder(m_endpointEdit, m_copyButton);
    setTabOrder(m_copyButton, m_clearButton);
    setTabOrder(m_clearButton, m_requestTable);

    connect(status, &ServerStatusController::stateChanged, this, &ServerPanel::onStateChanged);
    connect(status, &ServerStatusController::countersChanged, this,
            &ServerPanel::onCountersChanged);
    connect(status, &ServerStatusController::errorChanged, this, &ServerPanel::onErrorChanged);
    if (status->server()) {
        connect(status->server(), &ServerInterface::requestCompleted, m_requestLog,
                &RequestLogModel::append);
    }
    connect(m_requestLog, &QAbstractItemModel::rowsInserted, this,
            &ServerPanel::onRequestRowsChanged);
    connect(m_requestLog, &QAbstractItemModel::modelReset, this,
            &ServerPanel::onRequestRowsChanged);

    onStateChanged();
    onErrorChanged();
    onRequestRowsChanged();
}

ServerPanel::~ServerPanel()
{
    // Written only when it changed, so the settings file is left alone otherwise.
    const QByteArray columns = m_requestTable->horizontalHeader()->saveState();
    if (m_requestColumnsResized && columns != m_savedRequestColumns)
        QSettings().setValue(RequestColumnsKey, columns);
}

QWidget *ServerPanel::createHeader()
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(12);

    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    auto *title = new QLabel(tr("Server"), header);
    title->setObjectName(QStringLiteral("panelTitle"));
    title->setFont(scaledFont(title->font(), 1.5, true));
    titles->addWidget(title);
    auto *subtitle = new QLabel(
        tr("The embedded MCP server that agents and desktop clients connect to."), header);
    subtitle->setForegroundRole(QPalette::PlaceholderText);
    subtitle->setWordWrap(true);
    titles->addWidget(subtitle);
    row->addLayout(titles, 1);

    m_stateIndicator = new StateIndicator(m_status, header);
    m_stateIndicator->setObjectName(QStringLiteral("stateIndicator"));
    m_stateIndicator->setFont(scaledFont(m_stateIndicator->font(), 1.15, true));
    row->addWidget(m_stateIndicator, 0, Qt::AlignVCenter);
    row->addSpacing(12);

    m_startButton =
        new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("S&tart"), header);
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_startButton->setToolTip(tr("Start the server and listen for MCP clients (F5)"));
    m_stopButton =
        new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("St&op"), header);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setToolTip(tr("Stop the server; connected clients are disconnected (Shift+F5)"));
    m_restartButton =
        new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Restart"), header);
    m_restartButton->setObjectName(QStringLiteral("restartButton"));
    m_restartButton->setToolTip(
        tr("Stop the server and start it again with the configuration as saved now"));
    row->addWidget(m_startButton, 0, Qt::AlignVCenter);
    row->addWidget(m_stopButton, 0, Qt::AlignVCenter);
    row->addWidget(m_restartButton, 0, Qt::AlignVCenter);
    connect(m_startButton, &QPushButton::clicked, m_status, &ServerStatusController::start);
    connect(m_stopButton, &QPushButton::clicked, m_status, &ServerStatusController::stop);
    connect(m_restartButton, &QPushButton::clicked, m_status, &ServerStatusController::restart);
    return header;
}

QFrame *ServerPanel::createBanner(const QString &name, const QString &accessibleName,
                                  QStyle::StandardPixmap icon, bool strong, QLabel *&label)
{
    auto *banner = new QFrame(this);
    banner->setObjectName(name);
    banner->setAccessibleName(accessibleName);
    const QPalette pal = palette();
    const QColor accent = OutcomeDelegate::errorColor(pal);
    const QColor window = pal.color(QPalette::Window);
    banner->setStyleSheet(
        QStringLiteral("#%1 { background-color: %2; border: %3px solid %4; border-radius: 4px; }")
            .arg(name, blend(window, accent, strong ? 0.2 : 0.12).name())
            .arg(strong ? 2 : 1)
            .arg((strong ? accent : blend(window, accent, 0.55)).name()));

    auto *row = new QHBoxLayout(banner);
    row->setContentsMargins(12, 10, 8, 10);
    row->setSpacing(10);
    auto *iconLabel = new QLabel(banner);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize) * 3 / 2;
    iconLabel->setPixmap(style()->standardIcon(icon).pixmap(iconSize));
    row->addWidget(iconLabel, 0, Qt::AlignTop);

    label = new QLabel(banner);
    label->setObjectName(name.chopped(int(qstrlen("Banner"))) + QStringLiteral("Label"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    if (strong) {
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
    }
    row->addWidget(label, 1, Qt::AlignVCenter);
    return banner;
}

QFrame *ServerPanel::createErrorBanner()
{
    m_errorBanner = createBanner(QStringLiteral("errorBanner"), tr("Server error"),
                                 QStyle::SP_MessageBoxCritical, false, m_errorLabel);
    auto *dismiss = new QToolButton(m_errorBanner);
    dismiss->setObjectName(QStringLiteral("dismissErrorButton"));
    dismiss->setText(tr("&Dismiss"));
    dismiss->setToolTip(tr("Hide this message"));
    dismiss->setAutoRaise(true);
    m_errorBanner->layout()->addWidget(dismiss);
    m_errorBanner->layout()->setAlignment(dismiss, Qt::AlignTop);
    connect(dismiss, &QToolButton::clicked, m_status, &ServerStatusController::dismissError);
    return m_errorBanner;
}

QFrame *ServerPanel::createSecurityBanner()
{
    // Not dismissable: it lasts as long as the exposure it describes.
    m_securityBanner = createBanner(QStringLiteral("securityBanner"), tr("Security warning"),
                                    QStyle::SP_MessageBoxWarning, true, m_securityLabel);
    return m_securityBanner;
}

QWidget *ServerPanel::createConnectionBox()
{
    auto *box = new QFrame(this);
    box->setFrameShape(QFrame::StyledPanel);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(12, 10, 12, 10);
    form->setHorizontalSpacing(16);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    auto *endpointRow = new QHBoxLayout;
    endpointRow->setSpacing(6);
    m_endpointEdit = new QLineEdit(box);
    m_endpointEdit->setObjectName(QStringLiteral("endpointEdit"));
    m_endpointEdit->setReadOnly(true);
    m_endpointEdit->setPlaceholderText(tr("Not listening"));
    m_endpointEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_endpointEdit->setAccessibleName(tr("Endpoint"));
    endpointRow->addWidget(m_endpointEdit, 1);
    m_copyButton = new QPushButton(tr("&Copy"), box);
    m_copyButton->setObjectName(QStringLiteral("copyEndpointButton"));
    m_copyButton->setToolTip(tr("Copy the endpoint URL to the clipboard"));
    endpointRow->addWidget(m_copyButton);
    connect(m_copyButton, &QPushButton::clicked, this, &ServerPanel::copyEndpoint);
    auto *endpointLabel = new QLabel(tr("&Endpoint:"), box);
    endpointLabel->setBuddy(m_endpointEdit);
    form->addRow(endpointLabel, endpointRow);

    m_databaseLabel = new QLabel(box);
    m_databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    m_databaseLabel->setTextFormat(Qt::PlainText);
    m_databaseLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_databaseLabel->setWordWrap(true);
    form->addRow(tr("Database:"), m_databaseLabel);
    return box;
}

QLabel *ServerPanel::addCounter(QWidget *parent, const QString &objectName, const QString &caption,
                                const QString &toolTip)
{
    auto *tile = new QFrame(parent);
    tile->setFrameShape(QFrame::StyledPanel);
    tile->setToolTip(toolTip);
    auto *column = new QVBoxLayout(tile);
    column->setContentsMargins(12, 8, 12, 8);
    column->setSpacing(2);
    auto *captionLabel = new QLabel(caption, tile);
    captionLabel->setForegroundRole(QPalette::PlaceholderText);
    column->addWidget(captionLabel);
    auto *value = new QLabel(QStringLiteral("0"), tile);
    value->setObjectName(objectName);
    value->setFont(scaledFont(value->font(), 1.6, true));
    value->setAccessibleName(caption);
    column->addWidget(value);
    parent->layout()->addWidget(tile);
    return value;
}

QWidget *ServerPanel::createCounters()
{
    auto *counters = new QWidget(this);
    auto *row = new QHBoxLayout(counters);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(12);
    m_requestCountLabel = addCounter(counters, QStringLiteral("requestCountLabel"), tr("Requests"),
                                     tr("JSON-RPC requests answered since the server started"));
    m_errorCountLabel = addCounter(counters, QStringLiteral("errorCountLabel"), tr("Errors"),
                                   tr("Requests that ended in a protocol or tool error"));
    m_sessionCountLabel = addCounter(counters, QStringLiteral("sessionCountLabel"), tr("Sessions"),
                                     tr("MCP sessions open now"));
    m_rateLabel = addCounter(counters, QStringLiteral("rateLabel"), tr("Calls per second"),
                             tr("Average over the last five seconds"));
    return counters;
}

QWidget *ServerPanel::createRequestsBox()
{
    auto *box = new QWidget(this);
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(6);

    auto *headingRow = new QHBoxLayout;
    auto *heading = sectionHeading(tr("Recent re&quests"), box);
    headingRow->addWidget(heading);
    headingRow->addStretch(1);
    m_clearButton = new QPushButton(tr("C&lear"), box);
    m_clearButton->setObjectName(QStringLiteral("clearRequestsButton"));
    m_clearButton->setToolTip(tr("Remove the requests shown here; the server is not affected"));
    headingRow->addWidget(m_clearButton);
    column->addLayout(headingRow);

    m_requestTable = new QTableView(box);
    m_requestTable->setObjectName(QStringLiteral("requestTable"));
    m_requestTable->setAccessibleName(tr("Recent requests"));
    m_requestTable->setModel(m_requestLog);
    m_requestTable->setItemDelegate(
        new OutcomeDelegate(RequestLogModel::OutcomeColumn, m_requestTable));
    m_requestTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_requestTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_requestTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_requestTable->setShowGrid(false);
    m_requestTable->setWordWrap(false);
    m_requestTable->setTextElideMode(Qt::ElideMiddle);
    m_requestTable->verticalHeader()->hide();
    m_requestTable->verticalHeader()->setDefaultSectionSize(m_requestTable->fontMetrics().height()
                                                            + 8);
    QHeaderView *columns = m_requestTable->horizontalHeader();
    columns->setHighlightSections(false);
    connect(columns, &QHeaderView::sectionResized, this, [this] {
        if (m_requestTable->isVisible())
            m_requestColumnsResized = true;
    });
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setSectionResizeMode(RequestLogModel::TargetColumn, QHeaderView::Stretch);
    const QFontMetrics fm = m_requestTable->fontMetrics();
    const auto widthFor = [&fm](const QString &sample) {
        return fm.horizontalAdvance(sample) + 24;
    };
    columns->resizeSection(RequestLogModel::TimeColumn, widthFor(QStringLiteral("00:00:00.000")));
    columns->resizeSection(RequestLogModel::TransportColumn, widthFor(tr("Transport")));
    columns->resizeSection(RequestLogModel::MethodColumn,
                           widthFor(QStringLiteral("resources/templates/list")));
    columns->resizeSection(RequestLogModel::OutcomeColumn,
                           widthFor(QStringLiteral("TENANT_SCOPE_REQUIRED")));
    columns->resizeSection(RequestLogModel::DurationColumn, widthFor(QStringLiteral("1000.0 ms")));
    heading->setBuddy(m_requestTable);
    m_savedRequestColumns = QSettings().value(RequestColumnsKey).toByteArray();
    if (!m_savedRequestColumns.isEmpty())
        columns->restoreState(m_savedRequestColumns);

    m_requestsPlaceholder = new QLabel(box);
    m_requestsPlaceholder->setObjectName(QStringLiteral("requestsPlaceholder"));
    m_requestsPlaceholder->setAlignment(Qt::AlignCenter);
    m_requestsPlaceholder->setWordWrap(true);
    m_requestsPlaceholder->setForegroundRole(QPalette::PlaceholderText);
    m_requestsPlaceholder->setFrameShape(QFrame::StyledPanel);

    m_requestsStack = new QStackedWidget(box);
    m_requestsStack->setObjectName(QStringLiteral("requestsStack"));
    m_requestsStack->addWidget(m_requestsPlaceholder);
    m_requestsStack->addWidget(m_requestTable);
    column->addWidget(m_requestsStack, 1);

    connect(m_clearButton, &QPushButton::clicked, m_requestLog, &RequestLogModel::clear);
    return box;
}

void ServerPanel::onStateChanged()
{
    m_startButton->setEnabled(m_status->canStart());
    m_stopButton->setEnabled(m_status->canStop());
    m_restartButton->setEnabled(m_status->server()
                                && m_status->state() != ServerInterface::State::Stopping);
    m_databaseLabel->setText(m_status->databaseDescription());
    m_requestsPlaceholder->setText(
        m_status->isRunning() ? tr("No requests yet. Point an MCP client at the endpoint above.")
                              : tr("The server is not running. Start it to accept requests."));
    const QString notice = m_status->securityNotice();
    m_securityLabel->setText(notice);
    m_securityBanner->setVisible(!notice.isEmpty());
    onCountersChanged();
}

void ServerPanel::onCountersChanged()
{
    const QLocale locale;
    const QString endpoint = m_status->endpoint();
    if (m_endpointEdit->text() != endpoint) {
        m_endpointEdit->setText(endpoint);
        m_endpointEdit->setCursorPosition(0);
    }
    m_copyButton->setEnabled(!endpoint.isEmpty());
    m_requestCountLabel->setText(locale.toString(m_status->requestCount()));
    m_errorCountLabel->setText(locale.toString(m_status->errorCount()));
    tintLabel(m_errorCountLabel, m_status->errorCount() > 0 ? Tint::Error : Tint::None);
    m_sessionCountLabel->setText(locale.toString(m_status->sessionCount()));
    m_rateLabel->setText(locale.toString(m_status->callsPerSecond(), 'f', 1));
}

void ServerPanel::onErrorChanged()
{
    const QString error = m_status->errorText();
    m_errorLabel->setText(error);
    m_errorBanner->setVisible(!error.isEmpty());
}

void ServerPanel::onRequestRowsChanged()
{
    const bool empty = m_requestLog->rowCount() == 0;
    m_requestsStack->setCurrentWidget(empty ? static_cast<QWidget *>(m_requestsPlaceholder)
                                            : m_requestTable);
    m_clearButton->setEnabled(!empty);
}

void ServerPanel::copyEndpoint()
{
    const QString endpoint = m_status->endpoint();
    if (endpoint.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(endpoint);
    m_copyButton->setText(tr("Copied"));
    QTimer::singleShot(CopiedFeedbackMs, m_copyButton,
                       [button = m_copyButton] { button->setText(tr("&Copy")); });
}

} // namespace warden

namespace warden {

namespace {

QLabel *wrappedLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QLineEdit *settingsEdit(const QString &name, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    return edit;
}

} // namespace

QWidget *ServerPanel::createSettingsTab()
{
    ServerInterface *server = m_status->server();
    m_settings = new ServerSettingsForm(server ? server->serverSettingsService() : nullptr, this);

    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsTab"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    scroll->setWidget(page);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(0, 8, 0, 0);

    m_configPathLabel = wrappedLabel(QStringLiteral("configPathLabel"), page);
    m_configPathLabel->setForegroundRole(QPalette::PlaceholderText);
    column->addWidget(m_configPathLabel);

    auto *form = new QFormLayout;
    form->setHorizontalSpacing(16);
    column->addLayout(form);
    m_settingsLayout = form;

    m_httpCheck = new QCheckBox(tr("Serve &MCP over HTTP (Streamable HTTP at /mcp)"), page);
    m_httpCheck->setObjectName(QStringLiteral("httpEnabledCheck"));
    form->addRow(sectionHeading(tr("Transports"), page), m_httpCheck);
    m_addressEdit =
        settingsEdit(QStringLiteral("listenAddressEdit"), QStringLiteral("127.0.0.1"), page);
    m_addressEdit->setToolTip(tr("An IPv4 address, localhost or an IPv6 address. 127.0.0.1 accepts "
                                 "connections from this machine only."));
    auto *addressLabel = new QLabel(tr("L&isten address:"), page);
    addressLabel->setBuddy(m_addressEdit);
    form->addRow(addressLabel, m_addressEdit);
    m_portEdit = settingsEdit(QStringLiteral("listenPortEdit"), QStringLiteral("8765"), page);
    m_portEdit->setToolTip(tr("0 to 65535; 0 picks a free port at each start"));
    auto *portLabel = new QLabel(tr("&Port:"), page);
    portLabel->setBuddy(m_portEdit);
    form->addRow(portLabel, m_portEdit);
    auto *stdioNote = new QLabel(tr("Desktop clients start Warden over stdio; their command line "
                                    "is in the Desktop clients panel."),
                                 page);
    stdioNote->setWordWrap(true);
    stdioNote->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(QString(), stdioNote);

    m_driverCombo = new QComboBox(page);
    m_driverCombo->setObjectName(QStringLiteral("driverCombo"));
    m_driverCombo->addItem(tr("SQLite"));
    m_driverCombo->addItem(tr("PostgreSQL"));
    auto *driverLabel = new QLabel(tr("Database t&ype:"), page);
    driverLabel->setBuddy(m_driverCombo);
    form->addRow(sectionHeading(tr("Database"), page));
    form->addRow(driverLabel, m_driverCombo);
    const auto addEdit = [&](QLineEdit *&edit, const QString &name, const QString &label,
                             const QString &placeholder) {
        edit = settingsEdit(name, placeholder, page);
        auto *caption = new QLabel(label, page);
        caption->setBuddy(edit);
        form->addRow(caption, edit);
    };
    addEdit(m_pathEdit, QStringLiteral("databasePathEdit"), tr("File &name:"), tr("shop.db"));
    addEdit(m_hostEdit, QStringLiteral("databaseHostEdit"), tr("Host:"),
            QStringLiteral("127.0.0.1"));
    addEdit(m_dbPortEdit, QStringLiteral("databasePortEdit"), tr("Database port:"),
            QStringLiteral("5432"));
    addEdit(m_dbNameEdit, QStringLiteral("databaseNameEdit"), tr("Database name:"), QString());
    addEdit(m_userEdit, QStringLiteral("databaseUserEdit"), tr("&User:"), tr("a read-only role"));
    addEdit(m_passwordEdit, QStringLiteral("databasePasswordEdit"), tr("Pass&word:"),
            tr("unchanged"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_passwordHint = wrappedLabel(QStringLiteral("passwordHintLabel"), page);
    m_passwordHint->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(QString(), m_passwordHint);

    form->addRow(sectionHeading(tr("Keys"), page));
    const QStringList keyCaptions = { tr("Audit key:"), tr("Hash key:"), tr("Cursor key:") };
    for (qsizetype i = 0; i < ServerSettingsForm::keyNames().size(); ++i) {
        const QString key = ServerSettingsForm::keyNames().at(i);
        auto *state = wrappedLabel(key + QStringLiteral("StateLabel"), page);
        m_keyStates.insert(key, state);
        form->addRow(keyCaptions.at(i), state);
    }
    m_generateKeysCheck = new QCheckBox(tr("Generate the missing &keys in the OS keychain"), page);
    m_generateKeysCheck->setObjectName(QStringLiteral("generateKeysCheck"));
    m_generateKeysCheck->setToolTip(
        tr("32 random bytes each, stored in the OS keychain; the file gets only their references. "
           "A configured key is never replaced here."));
    form->addRow(QString(), m_generateKeysCheck);

    m_settingsError = wrappedLabel(QStringLiteral("settingsErrorLabel"), page);
    tintLabel(m_settingsError, Tint::Error);
    column->addWidget(m_settingsError);
    m_settingsStatus = wrappedLabel(QStringLiteral("settingsStatusLabel"), page);
    column->addWidget(m_settingsStatus);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_revertButton = new QPushButton(tr("Undo changes"), page);
    m_revertButton->setObjectName(QStringLiteral("revertSettingsButton"));
    m_applyButton = new QPushButton(tr("Apply"), page);
    m_applyButton->setObjectName(QStringLiteral("applySettingsButton"));
    m_applyButton->setToolTip(
        tr("Save to the configuration file; takes effect at the next restart (Ctrl+S)"));
    m_applyRestartButton = new QPushButton(tr("Apply and restart"), page);
    m_applyRestartButton->setObjectName(QStringLiteral("applyRestartButton"));
    m_applyRestartButton->setToolTip(
        tr("Save, then restart the server with the new settings (Ctrl+Return)"));
    m_applyRestartButton->setDefault(true);
    buttons->addWidget(m_revertButton);
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_applyRestartButton);
    column->addLayout(buttons);
    column->addStretch(1);
    auto *applyRestart = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), scroll);
    applyRestart->setContext(Qt::WidgetWithChildrenShortcut);
    connect(applyRestart, &QShortcut::activated, m_applyRestartButton, &QPushButton::click);
    auto *applyOnly = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_S), scroll);
    applyOnly->setContext(Qt::WidgetWithChildrenShortcut);
    connect(applyOnly, &QShortcut::activated, m_applyButton, &QPushButton::click);

    for (QLineEdit *edit : { m_addressEdit, m_portEdit, m_pathEdit, m_hostEdit, m_dbPortEdit,
                             m_dbNameEdit, m_userEdit, m_passwordEdit })
        connect(edit, &QLineEdit::textEdited, this, &ServerPanel::onSettingsEdited);
    connect(m_httpCheck, &QCheckBox::toggled, this, &ServerPanel::onSettingsEdited);
    connect(m_generateKeysCheck, &QCheckBox::toggled, this, &ServerPanel::onSettingsEdited);
    connect(m_driverCombo, &QComboBox::activated, this, &ServerPanel::onSettingsEdited);
    connect(m_settings, &ServerSettingsForm::loaded, this, &ServerPanel::showSettingsValues);
    connect(m_settings, &ServerSettingsForm::changed, this, &ServerPanel::onSettingsChanged);
    connect(m_settings, &ServerSettingsForm::failed, this, [this](const QString &message) {
        m_settingsStatus->clear();
        m_settingsError->setText(message);
        m_settingsError->setVisible(true);
    });
    connect(m_settings, &ServerSettingsForm::applied, this, [this](bool restart) {
        m_passwordEdit->clear();
        const QSignalBlocker blockKeys(m_generateKeysCheck); // the keys are made; nothing to do
        m_generateKeysCheck->setChecked(false);
        m_settingsStatus->setText(
            restart ? tr("Saved. The server restarts with the new settings.")
                    : tr("Saved. The changes take effect when the server restarts."));
        if (restart)
            m_status->restart();
    });
    connect(m_revertButton, &QPushButton::clicked, this, [this] {
        m_settings->revert();
        showSettingsValues();
    });
    connect(m_applyButton, &QPushButton::clicked, this, [this] { m_settings->apply(false); });
    connect(m_applyRestartButton, &QPushButton::clicked, this, [this] { m_settings->apply(true); });

    if (m_settings->isAvailable()) {
        m_configPathLabel->setText(
            tr("Configuration file: %1").arg(QDir::toNativeSeparators(m_settings->configPath())));
        m_settings->load();
    } else {
        m_configPathLabel->setText(
            tr("This server's settings cannot be changed from the console."));
    }
    onSettingsChanged();
    return scroll;
}

void ServerPanel::showSettingsValues()
{
    const ServerSettingsForm::Values &v = m_settings->values();
    const QSignalBlocker blockCheck(m_httpCheck);
    m_httpCheck->setChecked(v.httpEnabled);
    const QSignalBlocker blockKeys(m_generateKeysCheck);
    m_generateKeysCheck->setChecked(v.generateKeys);
    m_addressEdit->setText(v.address);
    m_portEdit->setText(v.port);
    m_driverCombo->setCurrentIndex(v.postgres ? 1 : 0);
    m_pathEdit->setText(v.path);
    m_hostEdit->setText(v.host);
    m_dbPortEdit->setText(v.pgPort);
    m_dbNameEdit->setText(v.dbname);
    m_userEdit->setText(v.user);
    m_passwordEdit->setText(v.password);
    onSettingsChanged();
}

void ServerPanel::onSettingsEdited()
{
    ServerSettingsForm::Values v;
    v.httpEnabled = m_httpCheck->isChecked();
    v.address = m_addressEdit->text();
    v.port = m_portEdit->text();
    v.postgres = m_driverCombo->currentIndex() == 1;
    v.path = m_pathEdit->text();
    v.host = m_hostEdit->text();
    v.pgPort = m_dbPortEdit->text();
    v.dbname = m_dbNameEdit->text();
    v.user = m_userEdit->text();
    v.password = m_passwordEdit->text();
    v.generateKeys = m_generateKeysCheck->isChecked();
    m_settingsStatus->clear();
    m_settings->setValues(v);
}

void ServerPanel::onSettingsChanged()
{
    const bool loaded = m_settings->isLoaded();
    const bool busy = m_settings->isBusy();
    const ServerSettingsForm::Values &v = m_settings->values();
    for (QWidget *w : std::initializer_list<QWidget *> {
             m_httpCheck, m_driverCombo, m_pathEdit, m_hostEdit, m_dbPortEdit, m_dbNameEdit,
             m_userEdit, m_passwordEdit, m_addressEdit, m_portEdit })
        w->setEnabled(loaded && !busy);
    m_addressEdit->setEnabled(loaded && !busy && v.httpEnabled);
    m_portEdit->setEnabled(loaded && !busy && v.httpEnabled);
    m_settingsLayout->setRowVisible(m_pathEdit, !v.postgres);
    for (QWidget *w : std::initializer_list<QWidget *> {
             m_hostEdit, m_dbPortEdit, m_dbNameEdit, m_userEdit, m_passwordEdit, m_passwordHint })
        m_settingsLayout->setRowVisible(w, v.postgres);
    const QString reference = m_settings->passwordReference();
    m_passwordHint->setText(reference.isEmpty()
                                ? tr("A password typed here is stored in the OS keychain as %1; "
                                     "the file holds only that reference.")
                                      .arg(ServerSettingsForm::defaultPasswordReference())
                                : tr("The file refers to the password as %1; type a new one to "
                                     "replace it in the keychain.")
                                      .arg(reference));
    const QStringList missingKeys = m_settings->missingKeys();
    for (auto it = m_keyStates.cbegin(); it != m_keyStates.cend(); ++it) {
        const QString reference = m_settings->keyReference(it.key());
        QString state;
        if (!reference.isEmpty())
            state = tr("%1 (configured; replace it where it is stored, knowing the consequences "
                       "in docs/configuration.md)")
                        .arg(reference);
        else if (v.generateKeys)
            state = tr("will be generated into %1 when you apply")
                        .arg(ServerSettingsForm::defaultKeyReference(it.key()));
        else if (it.key() == QLatin1String("audit_key"))
            state = tr("not configured: a new key at every start, so audit records cannot be "
                       "authenticated after the run that wrote them");
        else if (it.key() == QLatin1String("hash_key"))
            state = tr("not configured: a new key at every start, so hashed values change at "
                       "every restart");
        else
            state = tr("not configured: a new key at every start, so query cursors end at a "
                       "restart");
        it.value()->setText(loaded ? state : QString());
    }
    m_generateKeysCheck->setEnabled(loaded && !busy && !missingKeys.isEmpty());
    m_settingsLayout->setRowVisible(m_generateKeysCheck, !loaded || !missingKeys.isEmpty());
    const QString error = m_settings->validationError();
    if (!busy)
        m_settingsError->setText(error);
    m_settingsError->setVisible(!m_settingsError->text().isEmpty());
    const bool canApply = loaded && !busy && error.isEmpty() && m_settings->isModified();
    m_applyButton->setEnabled(canApply);
    m_applyRestartButton->setEnabled(loaded && !busy && error.isEmpty());
    m_revertButton->setEnabled(loaded && !busy && m_settings->isModified());
}

QWidget *ServerPanel::createHealthTab()
{
    m_healthTab = new QWidget(this);
    m_healthTab->setObjectName(QStringLiteral("healthTab"));
    auto *column = new QVBoxLayout(m_healthTab);
    column->setContentsMargins(0, 8, 0, 0);
    auto *row = new QHBoxLayout;
    auto *intro =
        new QLabel(tr("Checks the configuration as saved: what the server needs to start and to "
                      "serve calls."),
                   m_healthTab);
    intro->setWordWrap(true);
    row->addWidget(intro, 1);
    m_checkHealthButton = new QPushButton(tr("Check a&gain"), m_healthTab);
    m_checkHealthButton->setObjectName(QStringLiteral("checkHealthButton"));
    row->addWidget(m_checkHealthButton);
    column->addLayout(row);
    m_healthList = new QWidget(m_healthTab);
    m_healthList->setObjectName(QStringLiteral("healthList"));
    auto *list = new QVBoxLayout(m_healthList);
    list->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_healthList);
    column->addStretch(1);
    const bool available = m_status->server() && m_status->server()->serverSettingsService();
    m_checkHealthButton->setEnabled(available);
    connect(m_checkHealthButton, &QPushButton::clicked, this, &ServerPanel::checkHealth);
    return m_healthTab;
}

void ServerPanel::checkHealth()
{
    ServerSettingsService *service =
        m_status->server() ? m_status->server()->serverSettingsService() : nullptr;
    if (!service || !m_checkHealthButton->isEnabled())
        return;
    m_checkHealthButton->setEnabled(false);
    m_checkHealthButton->setText(tr("Checking…"));
    service->checkHealth(this, [this](const QList<HealthCheck> &checks) { showHealth(checks); });
}

void ServerPanel::showHealth(const QList<HealthCheck> &checks)
{
    m_checkHealthButton->setEnabled(true);
    m_checkHealthButton->setText(tr("Check a&gain"));
    QLayout *list = m_healthList->layout();
    while (QLayoutItem *item = list->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QPalette pal = palette();
    for (qsizetype i = 0; i < checks.size(); ++i) {
        const HealthCheck &check = checks.at(i);
        auto *box = new QFrame(m_healthList);
        box->setFrameShape(QFrame::StyledPanel);
        auto *boxRow = new QHBoxLayout(box);
        auto *icon = new QLabel(box);
        const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
        icon->setPixmap(style()
                            ->standardIcon(check.ok() ? QStyle::SP_DialogApplyButton
                                                      : QStyle::SP_MessageBoxCritical)
                            .pixmap(size));
        boxRow->addWidget(icon, 0, Qt::AlignTop);
        auto *texts = new QVBoxLayout;
        auto *name = wrappedLabel(QStringLiteral("healthCheck%1").arg(i), box);
        name->setText(check.ok() ? tr("%1: OK").arg(check.name)
                                 : tr("%1: problem").arg(check.name));
        name->setFont(scaledFont(name->font(), 1.0, true));
        QPalette namePalette = pal;
        namePalette.setColor(QPalette::WindowText,
                             check.ok() ? OutcomeDelegate::okColor(pal)
                                        : OutcomeDelegate::errorColor(pal));
        name->setPalette(namePalette);
        texts->addWidget(name);
        auto *detail = wrappedLabel(QStringLiteral("healthDetail%1").arg(i), box);
        detail->setText(check.detail);
        texts->addWidget(detail);
        if (!check.fix.isEmpty()) {
            auto *fix = wrappedLabel(QStringLiteral("healthFix%1").arg(i), box);
            fix->setText(tr("How to fix: %1").arg(check.fix));
            texts->addWidget(fix);
        }
        boxRow->addLayout(texts, 1);
        list->addWidget(box);
    }
}

} // namespace warden
