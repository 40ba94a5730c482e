#pragma once

#include <QByteArray>
#include <QList>
#include <QMainWindow>
#include <QRect>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QListWidget;
class QSplitter;
class QStackedWidget;

namespace warden {

class Appearance;
class ServerInterface;
class ServerPanel;
class ServerStatusController;
class StateIndicator;

// The console's main window: a sidebar of panels (Ctrl+1…Ctrl+8), the current panel, and a
// status bar with the server's state, endpoint and traffic. Knows the server only through
// ServerInterface, so the same window can later show a remote server.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The panels, in sidebar order (DESIGN.md).
    enum class Panel {
        Server,
        DesktopClients,
        Policy,
        OAuth,
        AuditLog,
        Budgets,
        QueryTester,
        Approvals
    };
    Q_ENUM(Panel)
    static constexpr int PanelCount = 8;
    // Sidebar item data: true on panels that are not built yet (drawn in the disabled colour).
    static constexpr int UnavailableRole = Qt::UserRole + 1;

    explicit MainWindow(ServerInterface *server, QWidget *parent = nullptr);
    ~MainWindow() override;

    Panel currentPanel() const;
    void setCurrentPanel(Panel panel);
    static QString panelTitle(Panel panel);

    ServerStatusController *serverStatus() const { return m_status; }
    ServerPanel *serverPanel() const { return m_serverPanel; }

    // Writes geometry and layout to QSettings if they differ from what was restored.
    void saveSettings();

    // Offers the light/dark choice in View > Appearance. Without it the menu is disabled.
    void setAppearance(Appearance *appearance);
    // The language chosen in View > Language ("de", "en"), empty for the system's. Read by the
    // console's start-up; a change takes effect at the next start.
    static QString savedLanguage();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createPanels();
    void applySidebarColors();
    // The working widget for a panel, or nullptr while the panel is not built yet.
    QWidget *createPanel(Panel panel);
    void createMenus();
    void createStatusBar();
    void restoreSettings();
    void onServerStateChanged();
    void onCountersChanged();
    void showAbout();
    void createLanguageMenu(QMenu *menu);

    ServerStatusController *m_status;
    QSplitter *m_splitter = nullptr;
    QListWidget *m_sidebar = nullptr;
    QStackedWidget *m_stack = nullptr;
    ServerPanel *m_serverPanel = nullptr;
    QActionGroup *m_panelActions = nullptr;
    QList<QAction *> m_panelActionList;
    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QMenu *m_appearanceMenu = nullptr;
    StateIndicator *m_statusState = nullptr;
    QLabel *m_statusEndpoint = nullptr;
    QLabel *m_statusTraffic = nullptr;

    // What restoreSettings() found, so saveSettings() writes only what changed. Geometry is
    // compared with what the window had once shown: saveGeometry() bytes drift by the frame
    // size on some platforms, which would rewrite the settings on every exit.
    QByteArray m_savedGeometry;
    QRect m_shownGeometry;
    Qt::WindowStates m_shownStates;
    QByteArray m_savedState;
    QByteArray m_savedSplitter;
    int m_savedPanel = -1;
};

} // namespace warden
