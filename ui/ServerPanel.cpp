#include "ServerPanel.h"

#include "OutcomeDelegate.h"
#include "RequestLogModel.h"
#include "ServerStatusController.h"
#include "StateIndicator.h"

#include <QClipboard>
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
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace warden {

namespace {

constexpr int CopiedFeedbackMs = 1500;

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
    layout->addWidget(createRequestsBox(), 1);

    setTabOrder(m_startButton, m_stopButton);
    setTabOrder(m_stopButton, m_endpointEdit);
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
    row->addWidget(m_startButton, 0, Qt::AlignVCenter);
    row->addWidget(m_stopButton, 0, Qt::AlignVCenter);
    connect(m_startButton, &QPushButton::clicked, m_status, &ServerStatusController::start);
    connect(m_stopButton, &QPushButton::clicked, m_status, &ServerStatusController::stop);
    return header;
}

QFrame *ServerPanel::createBanner(const QString &name, const QString &accessibleName, QStyle::StandardPixmap icon,
                                  bool strong, QLabel *&label)
{
    auto *banner = new QFrame(this);
    banner->setObjectName(name);
    banner->setAccessibleName(accessibleName);
    const QPalette pal = palette();
    const QColor accent = OutcomeDelegate::errorColor(pal);
    const QColor window = pal.color(QPalette::Window);
    banner->setStyleSheet(QStringLiteral("#%1 { background-color: %2; border: %3px solid %4; border-radius: 4px; }")
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
    m_errorBanner = createBanner(QStringLiteral("errorBanner"), tr("Server error"), QStyle::SP_MessageBoxCritical,
                                 false, m_errorLabel);
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
    auto *heading = sectionHeading(tr("&Recent requests"), box);
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
    QPalette errorPalette = palette();
    if (m_status->errorCount() > 0)
        errorPalette.setColor(QPalette::WindowText, OutcomeDelegate::errorColor(errorPalette));
    m_errorCountLabel->setPalette(errorPalette);
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
