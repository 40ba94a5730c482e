#include "MainWindow.h"

#include "OAuthPanel.h"
#include "Appearance.h"
#include "PolicyPanel.h"
#include "BudgetsPanel.h"
#include "QueryTesterPanel.h"
#include "AuditPanel.h"
#include "ServerPanel.h"
#include "ServerStatusController.h"
#include "StateIndicator.h"
#include "UnavailablePanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QShowEvent>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

namespace warden {

namespace {

// QSettings keys; window layout is kept apart from the application's typed settings.
const QString GeometryKey = QStringLiteral("MainWindow/geometry");
const QString StateKey = QStringLiteral("MainWindow/state");
const QString SplitterKey = QStringLiteral("MainWindow/splitter");
const QString PanelKey = QStringLiteral("MainWindow/panel");
const QString LanguageKey = QStringLiteral("Console/language");

constexpr QSize DefaultSize(1100, 720);

QString panelPurpose(MainWindow::Panel panel)
{
    switch (panel) {
    case MainWindow::Panel::Server:
        return MainWindow::tr("Start and stop the server, see its endpoint and traffic.");
    case MainWindow::Panel::DesktopClients:
        return MainWindow::tr(
            "Set up Claude Desktop, Cursor or VS Code to start Warden over stdio.");
    case MainWindow::Panel::Policy:
        return MainWindow::tr(
            "Edit and validate the policy: which tables, columns and rows agents may see.");
    case MainWindow::Panel::OAuth:
        return MainWindow::tr(
            "Configure the OAuth 2.0 resource server: issuers, audiences and scopes.");
    case MainWindow::Panel::AuditLog:
        return MainWindow::tr("Browse, verify and export the tamper-evident audit trail.");
    case MainWindow::Panel::Budgets:
        return MainWindow::tr("Watch usage against call, row and cost budgets.");
    case MainWindow::Panel::QueryTester:
        return MainWindow::tr("Try a tool call as a chosen principal and see the compiled SQL and "
                              "the policy decisions.");
    case MainWindow::Panel::Approvals:
        return MainWindow::tr("Approve or reject writes that wait for an operator.");
    }
    return {};
}

} // namespace

MainWindow::MainWindow(ServerInterface *server, QWidget *parent)
    : QMainWindow(parent)
    , m_status(new ServerStatusController(server, this))
{
    setWindowTitle(tr("Warden"));
    setObjectName(QStringLiteral("MainWindow"));
    createPanels();
    createMenus();
    createStatusBar();

    connect(m_status, &ServerStatusController::stateChanged, this,
            &MainWindow::onServerStateChanged);
    connect(m_status, &ServerStatusController::countersChanged, this,
            &MainWindow::onCountersChanged);
    onServerStateChanged();

    restoreSettings();
    // Keyboard users start in the panel list: arrows switch panels, Tab enters the panel.
    m_sidebar->setFocus(Qt::OtherFocusReason);
}

MainWindow::~MainWindow() = default;

QString MainWindow::panelTitle(Panel panel)
{
    switch (panel) {
    case Panel::Server:
        return tr("Server");
    case Panel::DesktopClients:
        return tr("Desktop clients");
    case Panel::Policy:
        return tr("Policy");
    case Panel::OAuth:
        return tr("OAuth");
    case Panel::AuditLog:
        return tr("Audit log");
    case Panel::Budgets:
        return tr("Budgets");
    case Panel::QueryTester:
        return tr("Query tester");
    case Panel::Approvals:
        return tr("Approvals");
    }
    return {};
}

void MainWindow::createPanels()
{
    m_sidebar = new QListWidget(this);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setAccessibleName(tr("Panels"));
    m_sidebar->setFocusPolicy(Qt::StrongFocus);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setUniformItemSizes(true);
    m_sidebar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("panelStack"));

    for (int i = 0; i < PanelCount; ++i) {
        const auto panel = static_cast<Panel>(i);
        auto *item = new QListWidgetItem(panelTitle(panel), m_sidebar);
        if (QWidget *working = createPanel(panel)) {
            m_stack->addWidget(working);
            item->setToolTip(tr("%1 (Ctrl+%2)").arg(panelPurpose(panel)).arg(i + 1));
        } else {
            auto *page = new UnavailablePanel(panelTitle(panel), panelPurpose(panel), m_stack);
            page->setObjectName(QStringLiteral("unavailablePanel%1").arg(i + 1));
            m_stack->addWidget(page);
            item->setData(UnavailableRole, true);
            item->setToolTip(tr("Not available in this version yet (Ctrl+%1)").arg(i + 1));
        }
    }
    applySidebarColors();
    const int sidebarWidth =
        m_sidebar->sizeHintForColumn(0) + 2 * fontMetrics().averageCharWidth() * 3;
    m_sidebar->setMinimumWidth(sidebarWidth);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(m_stack);
    m_splitter->setCollapsible(0, false);
    m_splitter->setCollapsible(1, false);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ sidebarWidth, DefaultSize.width() - sidebarWidth });
    setCentralWidget(m_splitter);

    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            setCurrentPanel(static_cast<Panel>(row));
    });
    m_sidebar->setCurrentRow(0);
    setTabOrder(m_sidebar, m_stack);
}

void MainWindow::applySidebarColors()
{
    m_sidebar->setBackgroundRole(QPalette::Window);
    // Roomier rows than a plain list; a box rule makes the style sheet draw the items itself,
    // so the selection colours must be named too. The selection already marks the current
    // row, so the focus rectangle inside it is only noise. The style sheet resolves palette()
    // when it is set, so it is set again whenever the palette changes (light/dark).
    m_sidebar->setStyleSheet(
        QStringLiteral("QListWidget#sidebar { outline: 0; background: palette(window); }"
                       "QListWidget#sidebar::item { border: none; padding: 6px 14px; }"
                       "QListWidget#sidebar::item:selected { background: palette(highlight); "
                       "color: palette(highlighted-text); }"));
    const QColor unavailable = palette().color(QPalette::Disabled, QPalette::WindowText);
    for (int row = 0; row < m_sidebar->count(); ++row) {
        QListWidgetItem *item = m_sidebar->item(row);
        if (item->data(UnavailableRole).toBool())
            item->setForeground(unavailable);
    }
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_sidebar)
        applySidebarColors();
}

QWidget *MainWindow::createPanel(Panel panel)
{
    // One case per working panel; the others show what they will do and that they are not
    // there yet. Panels get the server's facades, never the widgets of another panel.
    switch (panel) {
    case Panel::Server:
        m_serverPanel = new ServerPanel(m_status, m_stack);
        m_serverPanel->setObjectName(QStringLiteral("serverPanel"));
        return m_serverPanel;
    case Panel::OAuth: {
        auto *oauth = new OAuthPanel(m_status->server(), m_stack);
        oauth->setObjectName(QStringLiteral("oauthPanel"));
        return oauth;
    }
    case Panel::Policy: {
        auto *policy = new PolicyPanel(m_status, m_status->server() ? m_status->server()->policyService() : nullptr,
                                       m_stack);
        policy->setObjectName(QStringLiteral("policyPanel"));
        return policy;
    }
    case Panel::Budgets: {
        auto *budgets = new BudgetsPanel(m_status->server(), m_stack);
        budgets->setObjectName(QStringLiteral("budgetsPanel"));
        return budgets;
    }
    case Panel::AuditLog:
        if (AuditService *audit = m_status->server() ? m_status->server()->auditService() : nullptr) {
            auto *auditPanel = new AuditPanel(audit, m_stack);
            auditPanel->setObjectName(QStringLiteral("auditPanel"));
            return auditPanel;
        }
        break;
    case Panel::QueryTester:
        if (ToolTesterService *tester = m_status->server()->toolTesterService()) {
            auto *panel = new QueryTesterPanel(tester, m_stack);
            panel->setObjectName(QStringLiteral("queryTesterPanel"));
            return panel;
        }
        break;
    case Panel::DesktopClients:
    case Panel::Approvals:
        break;
    }
    return nullptr;
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"));
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *serverMenu = menuBar()->addMenu(tr("&Server"));
    m_startAction =
        serverMenu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"));
    m_startAction->setObjectName(QStringLiteral("startAction"));
    m_startAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_startAction->setStatusTip(tr("Start the server and listen for MCP clients"));
    connect(m_startAction, &QAction::triggered, m_status, &ServerStatusController::start);
    m_stopAction = serverMenu->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"));
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_stopAction->setStatusTip(tr("Stop the server; connected clients are disconnected"));
    connect(m_stopAction, &QAction::triggered, m_status, &ServerStatusController::stop);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    m_panelActions = new QActionGroup(this);
    m_panelActions->setExclusive(true);
    for (int i = 0; i < PanelCount; ++i) {
        const auto panel = static_cast<Panel>(i);
        // "&1 Server": the digit is the mnemonic, so every entry has one.
        QAction *action = viewMenu->addAction(tr("&%1 %2").arg(i + 1).arg(panelTitle(panel)));
        action->setObjectName(QStringLiteral("panelAction%1").arg(i + 1));
        action->setCheckable(true);
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        action->setChecked(i == 0);
        m_panelActions->addAction(action);
        m_panelActionList.append(action);
        connect(action, &QAction::triggered, this, [this, panel] { setCurrentPanel(panel); });
    }
    viewMenu->addSeparator();
    QAction *focusSidebar = viewMenu->addAction(tr("Go to &panel list"));
    focusSidebar->setObjectName(QStringLiteral("focusSidebarAction"));
    focusSidebar->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(focusSidebar, &QAction::triggered, this,
            [this] { m_sidebar->setFocus(Qt::ShortcutFocusReason); });
    viewMenu->addSeparator();
    m_appearanceMenu = viewMenu->addMenu(tr("&Appearance"));
    m_appearanceMenu->setObjectName(QStringLiteral("appearanceMenu"));
    m_appearanceMenu->setEnabled(false);
    QMenu *languageMenu = viewMenu->addMenu(tr("&Language"));
    languageMenu->setObjectName(QStringLiteral("languageMenu"));
    createLanguageMenu(languageMenu);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Warden"));
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    QAction *aboutQt = helpMenu->addAction(tr("About &Qt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createLanguageMenu(QMenu *menu)
{
    // Language names in their own language, so whoever cannot read the current one finds theirs.
    const QList<QPair<QString, QString>> languages = {
        { QString(), tr("&System language") },
        { QStringLiteral("en"), QStringLiteral("&English") },
        { QStringLiteral("de"), QStringLiteral("&Deutsch") },
    };
    auto *group = new QActionGroup(menu);
    group->setExclusive(true);
    const QString saved = savedLanguage();
    for (const auto &[code, name] : languages) {
        QAction *action = menu->addAction(name);
        action->setObjectName(QStringLiteral("languageAction_%1").arg(code.isEmpty() ? QStringLiteral("system") : code));
        action->setCheckable(true);
        action->setChecked(code == saved);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, code, name] {
            if (code == savedLanguage())
                return;
            QSettings().setValue(LanguageKey, code);
            QString plain = name;
            plain.remove(QLatin1Char('&'));
            QMessageBox::information(this, tr("Language"),
                                     tr("Warden will use %1 the next time it starts.").arg(plain));
        });
    }
}

QString MainWindow::savedLanguage()
{
    return QSettings().value(LanguageKey).toString();
}

void MainWindow::setAppearance(Appearance *appearance)
{
    m_appearanceMenu->clear();
    m_appearanceMenu->setEnabled(appearance != nullptr);
    if (!appearance)
        return;
    const QList<QPair<Appearance::Scheme, QString>> schemes = {
        { Appearance::Scheme::System, tr("Follow the &system") },
        { Appearance::Scheme::Light, tr("&Light") },
        { Appearance::Scheme::Dark, tr("&Dark") },
    };
    auto *group = new QActionGroup(m_appearanceMenu);
    group->setExclusive(true);
    for (const auto &[scheme, text] : schemes) {
        QAction *action = m_appearanceMenu->addAction(text);
        action->setObjectName(QStringLiteral("appearanceAction%1").arg(static_cast<int>(scheme)));
        action->setCheckable(true);
        action->setChecked(appearance->scheme() == scheme);
        group->addAction(action);
        connect(action, &QAction::triggered, appearance, [appearance, scheme] { appearance->setScheme(scheme); });
    }
}

void MainWindow::createStatusBar()
{
    m_statusState = new StateIndicator(m_status, statusBar());
    m_statusState->setObjectName(QStringLiteral("statusState"));
    m_statusEndpoint = new QLabel(statusBar());
    m_statusEndpoint->setObjectName(QStringLiteral("statusEndpoint"));
    m_statusEndpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusTraffic = new QLabel(statusBar());
    m_statusTraffic->setObjectName(QStringLiteral("statusTraffic"));
    m_statusState->setContentsMargins(6, 0, 6, 0);
    m_statusEndpoint->setContentsMargins(6, 0, 6, 0);
    m_statusTraffic->setContentsMargins(6, 0, 6, 0);
    statusBar()->addWidget(m_statusState);
    statusBar()->addWidget(m_statusEndpoint, 1);
    statusBar()->addPermanentWidget(m_statusTraffic);
}

MainWindow::Panel MainWindow::currentPanel() const
{
    return static_cast<Panel>(m_stack->currentIndex());
}

void MainWindow::setCurrentPanel(Panel panel)
{
    const int index = static_cast<int>(panel);
    Q_ASSERT(index >= 0 && index < PanelCount);
    m_stack->setCurrentIndex(index);
    if (m_sidebar->currentRow() != index)
        m_sidebar->setCurrentRow(index);
    if (!m_panelActionList.isEmpty())
        m_panelActionList.at(index)->setChecked(true);
}

void MainWindow::onServerStateChanged()
{
    m_startAction->setEnabled(m_status->canStart());
    m_stopAction->setEnabled(m_status->canStop());
    onCountersChanged();
}

void MainWindow::onCountersChanged()
{
    const QString endpoint = m_status->endpoint();
    m_statusEndpoint->setText(endpoint.isEmpty() ? tr("Not listening") : endpoint);
    const QLocale locale;
    if (m_status->isRunning()) {
        m_statusTraffic->setText(tr("Requests: %1 · %2 calls/s")
                                     .arg(locale.toString(m_status->requestCount()),
                                          locale.toString(m_status->callsPerSecond(), 'f', 1)));
    } else {
        m_statusTraffic->clear();
    }
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Warden"),
                       tr("<h3>Warden %1</h3>"
                          "<p>Governed, audited access to SQL databases for LLM agents over the "
                          "Model Context Protocol.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(QStringLiteral(WARDEN_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    m_savedGeometry = settings.value(GeometryKey).toByteArray();
    m_savedState = settings.value(StateKey).toByteArray();
    m_savedSplitter = settings.value(SplitterKey).toByteArray();
    m_savedPanel = settings.value(PanelKey, -1).toInt();

    if (m_savedGeometry.isEmpty() || !restoreGeometry(m_savedGeometry))
        resize(DefaultSize);
    if (!m_savedState.isEmpty())
        restoreState(m_savedState);
    if (!m_savedSplitter.isEmpty())
        m_splitter->restoreState(m_savedSplitter);
    if (m_savedPanel >= 0 && m_savedPanel < PanelCount)
        setCurrentPanel(static_cast<Panel>(m_savedPanel));
}

void MainWindow::saveSettings()
{
    QSettings settings;
    const Qt::WindowStates states = windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen);
    if (m_savedGeometry.isEmpty() || normalGeometry() != m_shownGeometry
        || states != m_shownStates) {
        m_savedGeometry = saveGeometry();
        settings.setValue(GeometryKey, m_savedGeometry);
        m_shownGeometry = normalGeometry();
        m_shownStates = states;
    }
    const QByteArray state = saveState();
    if (state != m_savedState) {
        settings.setValue(StateKey, state);
        m_savedState = state;
    }
    const QByteArray splitter = m_splitter->saveState();
    if (splitter != m_savedSplitter) {
        settings.setValue(SplitterKey, splitter);
        m_savedSplitter = splitter;
    }
    const int panel = static_cast<int>(currentPanel());
    if (panel != m_savedPanel) {
        settings.setValue(PanelKey, panel);
        m_savedPanel = panel;
    }
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!event->spontaneous() && m_shownGeometry.isNull()) {
        m_shownGeometry = normalGeometry();
        m_shownStates = windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace warden
