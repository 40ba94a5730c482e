#include "OAuthPanel.h"

#include "ToolScopesEditor.h"

#include "OAuthSettingsForm.h"
#include "LabelTint.h"
#include "OutcomeDelegate.h"
#include "TokenCheckModel.h"
#include "server/OAuthService.h"
#include "server/ServerInterface.h"
#include "server/ServerSettingsService.h"

#include <QCheckBox>
#include <QDir>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace warden {

namespace {

const QString SplitterKey = QStringLiteral("OAuthPanel/splitter");
const QString ChecksHeaderKey = QStringLiteral("OAuthPanel/checkColumns");
const QString KeysHeaderKey = QStringLiteral("OAuthPanel/keyColumns");

QLabel *textLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

OAuthPanel::OAuthPanel(ServerInterface *server, QWidget *parent)
    : QWidget(parent)
    , m_server(server)
    , m_settings(new OAuthSettingsForm(server ? server->serverSettingsService() : nullptr, this))
    , m_checks(new TokenCheckModel(this))
{
    setAccessibleName(tr("OAuth"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 16);
    auto *title = new QLabel(tr("OAuth"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    title->setFont(titleFont);
    layout->addWidget(title);
    m_activeLabel = textLabel(QStringLiteral("activeLabel"), this);
    layout->addWidget(m_activeLabel);
    m_keychainLabel = textLabel(QStringLiteral("keychainLabel"), this);
    tintLabel(m_keychainLabel, Tint::Error);
    m_keychainLabel->hide();
    layout->addWidget(m_keychainLabel);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("oauthSplitter"));
    m_splitter->addWidget(createSettings());
    m_splitter->addWidget(createTools());
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_userResized = true; });
    layout->addWidget(m_splitter, 1);

    QSettings settings;
    m_savedLayout = { settings.value(SplitterKey).toByteArray(),
                      settings.value(ChecksHeaderKey).toByteArray(),
                      settings.value(KeysHeaderKey).toByteArray() };
    m_splitter->restoreState(m_savedLayout.at(0));
    m_checksTable->horizontalHeader()->restoreState(m_savedLayout.at(1));
    m_keysTable->horizontalHeader()->restoreState(m_savedLayout.at(2));

    OAuthService *oauth = server ? server->oauthService() : nullptr;
    if (oauth)
        connect(oauth, &OAuthService::activeChanged, this, &OAuthPanel::onActiveChanged);
    onActiveChanged();

    if (ServerSettingsService *service = server ? server->serverSettingsService() : nullptr) {
        m_settings->load();
        service->checkKeychain(this, [this](const Status &status) {
            m_keychainLabel->setVisible(!status);
            QString problem =
                QString::fromStdString(status ? std::string() : status.error().message);
            if (!problem.isEmpty())
                problem[0] = problem[0].toUpper();
            if (!status)
                m_keychainLabel->setText(tr("%1. Until it is available the HS256 shared secret "
                                            "cannot be saved from here, and nothing "
                                            "is written to a file instead; a headless server can "
                                            "read it from the environment "
                                            "(env:NAME).")
                                             .arg(problem));
        });
    }
}

OAuthPanel::~OAuthPanel()
{
    // Written only when the operator changed something, so the settings file stays put.
    const QList<QByteArray> layout = { m_splitter->saveState(),
                                       m_checksTable->horizontalHeader()->saveState(),
                                       m_keysTable->horizontalHeader()->saveState() };
    const QStringList keys = { SplitterKey, ChecksHeaderKey, KeysHeaderKey };
    QSettings settings;
    for (qsizetype i = 0; i < keys.size() && m_userResized; ++i)
        if (layout.at(i) != m_savedLayout.at(i))
            settings.setValue(keys.at(i), layout.at(i));
}

QWidget *OAuthPanel::createSettings()
{
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("oauthSettings"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    scroll->setWidget(page);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(0, 0, 12, 0);
    m_form = new QFormLayout;
    column->addLayout(m_form);
    const auto addEdit = [&](const QString &name, const QString &label, const QString &tip) {
        auto *edit = new QLineEdit(page);
        edit->setObjectName(name);
        edit->setToolTip(tip);
        auto *caption = new QLabel(label, page);
        caption->setBuddy(edit);
        m_form->addRow(caption, edit);
        connect(edit, &QLineEdit::textEdited, this, &OAuthPanel::onEdited);
        return edit;
    };
    m_form->addRow(heading(tr("Resource server"), page));
    m_issuerEdit = addEdit(QStringLiteral("issuerEdit"), tr("&Issuer:"),
                           tr("The authorization server; a token's \"iss\" must equal it exactly"));
    m_resourceEdit =
        addEdit(QStringLiteral("resourceEdit"), tr("&Resource (audience):"),
                tr("This server's resource identifier; a token's \"aud\" must name it"));
    m_jwksEdit = addEdit(QStringLiteral("jwksEdit"), tr("&JWKS URL:"),
                         tr("Where the issuer publishes its signing keys (https)"));
    auto *algorithms = new QWidget(page);
    auto *algorithmRow = new QHBoxLayout(algorithms);
    algorithmRow->setContentsMargins(0, 0, 0, 0);
    for (const QString &name : OAuthSettingsForm::allAlgorithms()) {
        auto *check = new QCheckBox(name, algorithms);
        check->setObjectName(QStringLiteral("algorithm") + name);
        algorithmRow->addWidget(check);
        m_algorithmChecks.append(check);
        connect(check, &QCheckBox::toggled, this, &OAuthPanel::onEdited);
    }
    m_form->addRow(tr("Algorithms:"), algorithms);
    m_secretEdit = addEdit(QStringLiteral("hs256SecretEdit"), tr("HS256 se&cret:"),
                           tr("The shared secret HS256 tokens are signed with (32 bytes or more)"));
    m_secretEdit->setEchoMode(QLineEdit::Password);
    m_secretEdit->setPlaceholderText(tr("unchanged"));
    m_secretHint = textLabel(QStringLiteral("secretHintLabel"), page);
    m_secretHint->setForegroundRole(QPalette::PlaceholderText);
    m_form->addRow(QString(), m_secretHint);

    m_form->addRow(heading(tr("Claims → principal"), page));
    m_userClaimEdit =
        addEdit(QStringLiteral("userClaimEdit"), tr("&User claim:"), tr("Usually \"sub\""));
    m_tenantClaimEdit =
        addEdit(QStringLiteral("tenantClaimEdit"), tr("&Tenant claim:"),
                tr("A claim name or dotted path (org.id); empty: tokens carry no tenant"));
    m_rolesClaimEdit =
        addEdit(QStringLiteral("rolesClaimEdit"), tr("R&oles claim:"),
                tr("An array or space-separated string; a dotted path such as realm_access.roles"));
    m_scopeClaimsEdit = addEdit(QStringLiteral("scopeClaimsEdit"), tr("Sco&pe claims:"),
                                tr("Claim names whose scopes are merged, for example scope, scp"));
    auto *scopes = new ToolScopesEditor(m_server ? m_server->policyService() : nullptr,
                                        m_server ? m_server->toolTesterService() : nullptr, page);
    auto *scopesLabel = new QLabel(tr("Scopes to too&ls:"), page);
    scopesLabel->setBuddy(scopes->findChild<QWidget *>(QStringLiteral("toolScopesTable")));
    m_form->addRow(scopesLabel, scopes);

    m_errorLabel = textLabel(QStringLiteral("oauthErrorLabel"), page);
    tintLabel(m_errorLabel, Tint::Error);
    column->addWidget(m_errorLabel);
    m_statusLabel = textLabel(QStringLiteral("oauthStatusLabel"), page);
    column->addWidget(m_statusLabel);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_applyButton = new QPushButton(tr("Appl&y"), page);
    m_applyButton->setObjectName(QStringLiteral("oauthApplyButton"));
    m_applyButton->setToolTip(
        tr("Save to the configuration file; takes effect at the next restart"));
    m_applyRestartButton = new QPushButton(tr("Apply and r&estart"), page);
    m_applyRestartButton->setObjectName(QStringLiteral("oauthApplyRestartButton"));
    m_applyRestartButton->setToolTip(tr("Save, then restart the server with these settings"));
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_applyRestartButton);
    column->addLayout(buttons);
    column->addStretch(1);

    connect(m_applyButton, &QPushButton::clicked, this, [this] { m_settings->apply(false); });
    connect(m_applyRestartButton, &QPushButton::clicked, this, [this] { m_settings->apply(true); });
    connect(m_settings, &ConfigForm::loaded, this, &OAuthPanel::showValues);
    connect(m_settings, &ConfigForm::changed, this, &OAuthPanel::onSettingsChanged);
    connect(m_settings, &ConfigForm::failed, this, [this](const QString &message) {
        m_statusLabel->clear();
        m_errorLabel->setText(message);
        m_errorLabel->setVisible(true);
    });
    connect(m_settings, &ConfigForm::applied, this, [this](bool restart) {
        m_secretEdit->clear();
        m_statusLabel->setText(
            restart ? tr("Saved. The server restarts with the new settings.")
                    : tr("Saved. The changes take effect when the server restarts."));
        if (restart && m_server)
            m_server->restart();
    });
    onSettingsChanged();
    return scroll;
}

QWidget *OAuthPanel::createTools()
{
    auto *tools = new QWidget(this);
    auto *column = new QVBoxLayout(tools);
    column->setContentsMargins(12, 0, 0, 0);

    auto *keysRow = new QHBoxLayout;
    keysRow->addWidget(heading(tr("Signing keys"), tools), 1);
    m_fetchButton = new QPushButton(tr("Fetch keys no&w"), tools);
    m_fetchButton->setObjectName(QStringLiteral("fetchKeysButton"));
    m_fetchButton->setToolTip(tr("Fetch the issuer's key set now, whatever the refresh schedule"));
    keysRow->addWidget(m_fetchButton);
    column->addLayout(keysRow);
    m_keysStatus = textLabel(QStringLiteral("keysStatusLabel"), tools);
    column->addWidget(m_keysStatus);
    m_keysTable = new QTableWidget(0, 6, tools);
    m_keysTable->setObjectName(QStringLiteral("keysTable"));
    m_keysTable->setAccessibleName(tr("Signing keys"));
    m_keysTable->setHorizontalHeaderLabels({ tr("Key ID (kid)"), tr("Type (kty)"), tr("Algorithm"),
                                             tr("Use"), tr("Bits"), tr("Thumbprint (SHA-256)") });
    m_keysTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_keysTable->verticalHeader()->hide();
    m_keysTable->horizontalHeader()->setStretchLastSection(true);
    m_keysTable->setMaximumHeight(m_keysTable->fontMetrics().height() * 9);
    column->addWidget(m_keysTable);

    auto *tokenRow = new QHBoxLayout;
    auto *tokenHeading = heading(tr("Test a to&ken"), tools);
    tokenRow->addWidget(tokenHeading, 1);
    m_testButton = new QPushButton(tr("Check toke&n"), tools);
    m_testButton->setObjectName(QStringLiteral("testTokenButton"));
    m_testButton->setToolTip(tr("Run every check the server makes on this token (Ctrl+Return)"));
    tokenRow->addWidget(m_testButton);
    column->addLayout(tokenRow);
    m_tokenEdit = new QPlainTextEdit(tools);
    m_tokenEdit->setObjectName(QStringLiteral("tokenEdit"));
    m_tokenEdit->setPlaceholderText(
        tr("Paste an access token (a JWT: three base64url parts separated by dots)"));
    m_tokenEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tokenEdit->setTabChangesFocus(true);
    m_tokenEdit->setMaximumHeight(m_tokenEdit->fontMetrics().height() * 5);
    tokenHeading->setBuddy(m_tokenEdit);
    column->addWidget(m_tokenEdit);
    m_verdictLabel = textLabel(QStringLiteral("verdictLabel"), tools);
    column->addWidget(m_verdictLabel);
    m_checksTable = new QTableView(tools);
    m_checksTable->setObjectName(QStringLiteral("checksTable"));
    m_checksTable->setAccessibleName(tr("Token checks"));
    m_checksTable->setModel(m_checks);
    m_checksTable->setItemDelegate(
        new OutcomeDelegate(TokenCheckModel::ResultColumn, m_checksTable));
    m_checksTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_checksTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_checksTable->verticalHeader()->hide();
    m_checksTable->setWordWrap(true);
    m_checksTable->horizontalHeader()->setStretchLastSection(true);
    connect(m_checksTable->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        if (isVisible())
            m_userResized = true;
    });
    m_checksTable->setColumnWidth(
        TokenCheckModel::CheckColumn,
        m_checksTable->fontMetrics().horizontalAdvance(tr("Claims mapped to a principal")) + 24);
    column->addWidget(m_checksTable, 1);

    auto *test = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_tokenEdit);
    test->setContext(Qt::WidgetShortcut);
    connect(test, &QShortcut::activated, this, &OAuthPanel::testToken);
    connect(m_fetchButton, &QPushButton::clicked, this, &OAuthPanel::fetchKeys);
    connect(m_testButton, &QPushButton::clicked, this, &OAuthPanel::testToken);
    return tools;
}

void OAuthPanel::showValues()
{
    const OAuthSettingsForm::Values &v = m_settings->values();
    const QSignalBlocker blocker(this);
    m_issuerEdit->setText(v.issuer);
    m_resourceEdit->setText(v.resource);
    m_jwksEdit->setText(v.jwksUri);
    for (QCheckBox *check : std::as_const(m_algorithmChecks)) {
        const QSignalBlocker blockCheck(check);
        check->setChecked(v.algorithms.contains(check->text()));
    }
    m_userClaimEdit->setText(v.userClaim);
    m_tenantClaimEdit->setText(v.tenantClaim);
    m_rolesClaimEdit->setText(v.rolesClaim);
    m_scopeClaimsEdit->setText(v.scopeClaims);
    m_secretEdit->setText(v.hs256Secret);
    onSettingsChanged();
}

void OAuthPanel::onEdited()
{
    OAuthSettingsForm::Values v;
    v.issuer = m_issuerEdit->text();
    v.resource = m_resourceEdit->text();
    v.jwksUri = m_jwksEdit->text();
    for (QCheckBox *check : std::as_const(m_algorithmChecks))
        if (check->isChecked())
            v.algorithms.append(check->text());
    v.userClaim = m_userClaimEdit->text();
    v.tenantClaim = m_tenantClaimEdit->text();
    v.rolesClaim = m_rolesClaimEdit->text();
    v.scopeClaims = m_scopeClaimsEdit->text();
    v.hs256Secret = m_secretEdit->text();
    m_statusLabel->clear();
    m_settings->setValues(v);
}

void OAuthPanel::onSettingsChanged()
{
    const bool ready = m_settings->isLoaded() && !m_settings->isBusy();
    for (QLineEdit *edit :
         { m_issuerEdit, m_resourceEdit, m_jwksEdit, m_secretEdit, m_userClaimEdit,
           m_tenantClaimEdit, m_rolesClaimEdit, m_scopeClaimsEdit })
        edit->setEnabled(ready);
    for (QCheckBox *check : std::as_const(m_algorithmChecks))
        check->setEnabled(ready);
    const bool hs256 = m_settings->values().algorithms.contains(QStringLiteral("HS256"));
    m_form->setRowVisible(m_secretEdit, hs256);
    m_form->setRowVisible(m_secretHint, hs256);
    const QString reference = m_settings->secretReference();
    m_secretHint->setText(
        reference.isEmpty()
            ? tr("A secret typed here is stored in the OS keychain as %1; the file holds only "
                 "that reference.")
                  .arg(OAuthSettingsForm::defaultSecretReference())
            : tr("The file refers to the secret as %1; type a new one to replace it.")
                  .arg(reference));
    const QString error = m_settings->validationError();
    if (!m_settings->isBusy())
        m_errorLabel->setText(error);
    m_errorLabel->setVisible(!m_errorLabel->text().isEmpty());
    m_applyButton->setEnabled(ready && error.isEmpty() && m_settings->isModified());
    m_applyRestartButton->setEnabled(ready && error.isEmpty() && m_settings->isModified());
    if (!m_settings->isAvailable())
        m_statusLabel->setText(tr("This server's settings cannot be changed from the console."));
}

void OAuthPanel::onActiveChanged()
{
    OAuthService *oauth = m_server ? m_server->oauthService() : nullptr;
    const bool active = oauth && oauth->isActive();
    m_activeLabel->setText(
        active ? tr("The running server checks OAuth bearer tokens with these settings.")
               : tr("The server is not checking OAuth tokens now. Configure OAuth below, "
                    "turn HTTP on in the Server panel, and start the server to fetch keys "
                    "and test tokens."));
    m_fetchButton->setEnabled(active);
    m_testButton->setEnabled(active);
}

void OAuthPanel::fetchKeys()
{
    OAuthService *oauth = m_server ? m_server->oauthService() : nullptr;
    if (!oauth)
        return;
    m_fetchButton->setEnabled(false);
    m_keysStatus->setText(tr("Fetching…"));
    oauth->fetchKeys(this, [this](const KeysFetched &fetched) { showKeys(fetched); });
}

void OAuthPanel::showKeys(const KeysFetched &fetched)
{
    onActiveChanged();
    const auto &keys = fetched.keys.keys;
    m_keysTable->setRowCount(int(keys.size()));
    for (int row = 0; row < int(keys.size()); ++row) {
        const auto &key = keys[std::size_t(row)];
        const QStringList cells = {
            key.kid.empty() ? tr("(none)") : QString::fromStdString(key.kid),
            QString::fromStdString(key.keyType),
            QString::fromStdString(key.algorithm),
            key.use.empty() ? tr("(not given)") : QString::fromStdString(key.use),
            QString::number(key.bits),
            QString::fromStdString(key.thumbprint)
        };
        for (int column = 0; column < cells.size(); ++column)
            m_keysTable->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    QString text;
    if (fetched.status)
        text = tr("%n key(s) found at %1.", nullptr, int(keys.size())).arg(fetched.source);
    else
        text = tr("The keys could not be fetched: %1")
                   .arg(QString::fromStdString(fetched.status.error().message));
    for (const auto &skipped : fetched.keys.skipped)
        text += QLatin1Char('\n')
            + tr("Skipped key %1: %2")
                  .arg(skipped.kid.empty() ? QString::number(skipped.index)
                                           : QString::fromStdString(skipped.kid),
                       QString::fromStdString(skipped.reason));
    m_keysStatus->setText(text);
}

void OAuthPanel::testToken()
{
    OAuthService *oauth = m_server ? m_server->oauthService() : nullptr;
    const QString token = m_tokenEdit->toPlainText().trimmed();
    if (!oauth || token.isEmpty())
        return;
    m_testButton->setEnabled(false);
    m_verdictLabel->setText(tr("Checking…"));
    oauth->testToken(token, this, [this](const Result<auth::TokenDiagnosis> &result) {
        onActiveChanged();
        if (!result) {
            m_checks->clear();
            m_verdictLabel->setText(tr("The token cannot be tested: %1")
                                        .arg(QString::fromStdString(result.error().message)));
            tintLabel(m_verdictLabel, Tint::Error);
            return;
        }
        m_checks->setDiagnosis(*result);
        m_checksTable->resizeRowsToContents();
        if (result->ok()) {
            m_verdictLabel->setText(tr("Valid: every check passed. The caller is %1")
                                        .arg(m_checks->detail(auth::TokenCheck::Step::Principal)));
            tintLabel(m_verdictLabel, Tint::Ok);
        } else {
            m_verdictLabel->setText(
                tr("Refused: %1").arg(QString::fromStdString(result->error->description)));
            tintLabel(m_verdictLabel, Tint::Error);
        }
    });
}

} // namespace warden
