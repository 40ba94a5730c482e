#pragma once

#include "server/OAuthService.h"

#include <QByteArray>
#include <QList>
#include <QWidget>

#include <optional>

class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTableWidget;

namespace warden {

class OAuthSettingsForm;
class ServerInterface;
class TokenCheckModel;

// The OAuth panel: the auth.oauth settings (issuer, resource, JWKS URL, algorithms, claim
// mappings, the HS256 secret kept in the OS keychain), "fetch keys now" with the keys found,
// and "test a token" with every check in words. Both tools work on the settings as entered,
// whether the server is stopped, runs without OAuth or with other settings; when the entered
// settings are the ones the running server uses, its live validator answers. A label says
// which. Talks to the server through ServerSettingsService (the file) and OAuthService.
class OAuthPanel : public QWidget
{
    Q_OBJECT
public:
    explicit OAuthPanel(ServerInterface *server, QWidget *parent = nullptr);
    ~OAuthPanel() override;

    OAuthSettingsForm *settingsForm() const { return m_settings; }
    TokenCheckModel *checks() const { return m_checks; }

private:
    QWidget *createSettings();
    QWidget *createTools();
    void showValues();
    void onEdited();
    void onSettingsChanged();
    void onActiveChanged();
    void updateTools();
    // Whether the tools would use the running server's validator: it is active and the
    // settings as entered are exactly its settings (no secret typed since).
    bool usesRunningServer() const;
    QString sourceText(bool running) const;
    // The settings as entered as a trial, or none: then `problem` says `nothingDone` and the
    // field to fix.
    std::optional<OAuthTrial> trial(QLabel *problem, const QString &nothingDone) const;
    void fetchKeys();
    void showKeys(const KeysFetched &fetched, bool running);
    void testToken();

    ServerInterface *m_server;
    OAuthSettingsForm *m_settings;
    TokenCheckModel *m_checks;

    QSplitter *m_splitter = nullptr;
    QLabel *m_activeLabel = nullptr;
    QLabel *m_keychainLabel = nullptr;
    QFormLayout *m_form = nullptr;
    QLineEdit *m_issuerEdit = nullptr;
    QLineEdit *m_resourceEdit = nullptr;
    QLineEdit *m_jwksEdit = nullptr;
    QList<QCheckBox *> m_algorithmChecks;
    QLineEdit *m_secretEdit = nullptr;
    QLabel *m_secretHint = nullptr;
    QLineEdit *m_userClaimEdit = nullptr;
    QLineEdit *m_tenantClaimEdit = nullptr;
    QLineEdit *m_rolesClaimEdit = nullptr;
    QLineEdit *m_scopeClaimsEdit = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_applyRestartButton = nullptr;

    QLabel *m_sourceLabel = nullptr;
    QLabel *m_keysSource = nullptr;
    QLabel *m_tokenSource = nullptr;
    // The context of the fetch / token check in flight (deleting it cancels), or null.
    QObject *m_keysRequest = nullptr;
    QObject *m_tokenRequest = nullptr;
    QPushButton *m_fetchButton = nullptr;
    QLabel *m_keysStatus = nullptr;
    QTableWidget *m_keysTable = nullptr;
    QPlainTextEdit *m_tokenEdit = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_verdictLabel = nullptr;
    QTableView *m_checksTable = nullptr;

    // Splitter and column layouts as restored, and whether the operator changed any since.
    QList<QByteArray> m_savedLayout;
    bool m_userResized = false;
};

} // namespace warden
