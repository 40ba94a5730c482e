#pragma once

#include <QByteArray>
#include <QMap>
#include <QStyle>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QFrame;
class QTabWidget;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace warden {

class RequestLogModel;
class ServerSettingsForm;
struct HealthCheck;
class ServerStatusController;
class StateIndicator;

// The Server panel: start and stop the server, where it listens, what database it serves,
// live counters and the most recent requests, and any error in a banner that cannot be
// missed. It only displays ServerStatusController and forwards button presses to it.
class ServerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ServerPanel(ServerStatusController *status, QWidget *parent = nullptr);
    ~ServerPanel() override;

    RequestLogModel *requestLog() const { return m_requestLog; }
    ServerSettingsForm *settingsForm() const { return m_settings; }

private:
    QWidget *createHeader();
    // A message banner: icon, selectable text (`label`); strong ones are bold with a heavy border.
    QFrame *createBanner(const QString &name, const QString &accessibleName,
                         QStyle::StandardPixmap icon, bool strong, QLabel *&label);
    QFrame *createErrorBanner();
    QFrame *createSecurityBanner();
    QWidget *createConnectionBox();
    QWidget *createCounters();
    QWidget *createRequestsBox();
    QLabel *addCounter(QWidget *parent, const QString &objectName, const QString &caption,
                       const QString &toolTip);

    void onStateChanged();
    void onCountersChanged();
    void onErrorChanged();
    void onRequestRowsChanged();
    void copyEndpoint();

    // Settings (listen address, database) and health checks, through ServerSettingsService.
    QWidget *createSettingsTab();
    QWidget *createHealthTab();
    void showSettingsValues();
    void onSettingsEdited();
    void onSettingsChanged();
    void checkHealth();
    void showHealth(const QList<HealthCheck> &checks);

    ServerStatusController *m_status;
    RequestLogModel *m_requestLog;

    StateIndicator *m_stateIndicator = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QFrame *m_errorBanner = nullptr;
    QFrame *m_securityBanner = nullptr;
    QLabel *m_securityLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLineEdit *m_endpointEdit = nullptr;
    QPushButton *m_copyButton = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLabel *m_requestCountLabel = nullptr;
    QLabel *m_errorCountLabel = nullptr;
    QLabel *m_sessionCountLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QStackedWidget *m_requestsStack = nullptr;
    QLabel *m_requestsPlaceholder = nullptr;
    QTableView *m_requestTable = nullptr;
    QPushButton *m_clearButton = nullptr;
    QPushButton *m_restartButton = nullptr;
    QByteArray m_savedRequestColumns; // as restored from QSettings
    bool m_requestColumnsResized = false;
    QTabWidget *m_tabs = nullptr;

    ServerSettingsForm *m_settings = nullptr;
    QLabel *m_configPathLabel = nullptr;
    QFormLayout *m_settingsLayout = nullptr;
    QCheckBox *m_httpCheck = nullptr;
    QCheckBox *m_generateKeysCheck = nullptr;
    QMap<QString, QLabel *> m_keyStates; // key name → what the file says of it
    QLineEdit *m_addressEdit = nullptr;
    QLineEdit *m_portEdit = nullptr;
    QComboBox *m_driverCombo = nullptr;
    QLineEdit *m_pathEdit = nullptr;
    QLineEdit *m_hostEdit = nullptr;
    QLineEdit *m_dbPortEdit = nullptr;
    QLineEdit *m_dbNameEdit = nullptr;
    QLineEdit *m_userEdit = nullptr;
    QLineEdit *m_passwordEdit = nullptr;
    QLabel *m_passwordHint = nullptr;
    QLabel *m_settingsError = nullptr;
    QLabel *m_settingsStatus = nullptr;
    QPushButton *m_revertButton = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_applyRestartButton = nullptr;

    QWidget *m_healthTab = nullptr;
    QWidget *m_healthList = nullptr;
    QPushButton *m_checkHealthButton = nullptr;
};

} // namespace warden
