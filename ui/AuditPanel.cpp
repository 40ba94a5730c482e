#include "AuditPanel.h"

#include "PanelLayout.h"

#include "AuditDetailController.h"
#include "AuditJobController.h"
#include "AuditTableModel.h"
#include "LabelTint.h"
#include "OutcomeDelegate.h"
#include "server/AuditService.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFocusEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace warden {

namespace {

const QString SplitterKey = QStringLiteral("AuditPanel/splitter");
const QString HeaderKey = QStringLiteral("AuditPanel/header");
const QString FollowKey = QStringLiteral("AuditPanel/follow");
// The filter fields, one key each. Not the time range: restored days later, it would hide
// every record written since without anyone noticing.
const QString FilterKeyPrefix = QStringLiteral("AuditPanel/filters/");

// Local time as an operator writes it; a date alone means its midnight.
std::optional<std::int64_t> parseTime(const QString &typed)
{
    const QString text = typed.trimmed();
    for (const QString &format :
         { QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd HH:mm"),
           QStringLiteral("yyyy-MM-dd") }) {
        const QDateTime t = QDateTime::fromString(text, format);
        if (t.isValid())
            return t.toMSecsSinceEpoch();
    }
    const QDateTime iso = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (iso.isValid())
        return iso.toMSecsSinceEpoch();
    return std::nullopt;
}

std::optional<std::string> optionalText(const QLineEdit *edit)
{
    const QString text = edit->text().trimmed();
    return text.isEmpty() ? std::nullopt : std::optional<std::string>(text.toStdString());
}

// A label holding one link that Tab moves onto directly, so Enter follows it: a plain QLabel
// takes the focus first and only a second Tab reaches its link.
class LinkLabel : public QLabel
{
public:
    using QLabel::QLabel;

protected:
    void focusInEvent(QFocusEvent *event) override
    {
        QLabel::focusInEvent(event);
        if (event->reason() == Qt::TabFocusReason || event->reason() == Qt::BacktabFocusReason)
            QLabel::focusNextPrevChild(event->reason() == Qt::TabFocusReason);
    }
};

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

} // namespace

AuditPanel::AuditPanel(AuditService *service, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_model(new AuditTableModel(service, this))
    , m_detail(new AuditDetailController(service, this))
    , m_jobs(new AuditJobController(service, this))
{
    setAccessibleName(tr("Audit log"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->setSpacing(10);
    layout->addWidget(createHeader());
    layout->addWidget(createFilterBar());

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("auditErrorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    tintLabel(m_errorLabel, Tint::Error);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setAccessibleName(tr("Audit records"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new OutcomeDelegate(AuditTableModel::OutcomeColumn, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures ten million rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics metrics = m_table->fontMetrics();
    m_table->horizontalHeader()->resizeSection(
        AuditTableModel::SeqColumn, metrics.horizontalAdvance(QStringLiteral("0000000000")));
    m_table->horizontalHeader()->resizeSection(
        AuditTableModel::TimeColumn,
        metrics.horizontalAdvance(QStringLiteral("2026-11-22 23:59:59.999__")));
    m_table->horizontalHeader()->setSectionsMovable(true);
    // Newest first, as the model starts: enabling sorting must not ask for another order.
    m_table->horizontalHeader()->setSortIndicator(AuditTableModel::SeqColumn, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    // The context menu (or the Menu key) narrows the list to the selected record's session.
    m_sessionAction = new QAction(tr("Show Only This &Session"), this);
    m_sessionAction->setObjectName(QStringLiteral("filterSessionAction"));
    m_sessionAction->setToolTip(tr("Show only the records of the selected record's session"));
    m_sessionAction->setEnabled(false);
    connect(m_sessionAction, &QAction::triggered, this, &AuditPanel::filterBySession);
    m_table->addAction(m_sessionAction);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("auditSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(createDetailPane());
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(createJobBar());

    createShortcuts();

    connect(m_model, &AuditTableModel::countChanged, this, &AuditPanel::onCountChanged);
    connect(m_model, &AuditTableModel::errorChanged, this, &AuditPanel::onErrorChanged);
    connect(m_model, &AuditTableModel::rowsLoaded, this, [this] {
        if (m_pendingDetailRow >= 0)
            onCurrentRowChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_detail->showRecord(0); });
    // Records the tail puts on top must not push what the operator reads out of sight.
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                QScrollBar *bar = m_table->verticalScrollBar();
                if (first == 0 && bar->value() > 0 && m_model->totalCount())
                    bar->setValue(bar->value() + (last - first + 1));
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditPanel::onCurrentRowChanged);
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder) {
                // Only seq and time order the trail; the indicator says so.
                if (column != AuditTableModel::SeqColumn && column != AuditTableModel::TimeColumn) {
                    const QSignalBlocker block(m_table->horizontalHeader());
                    m_table->horizontalHeader()->setSortIndicator(
                        AuditTableModel::SeqColumn,
                        m_model->order() == audit::AuditQuery::Order::NewestFirst
                            ? Qt::DescendingOrder
                            : Qt::AscendingOrder);
                }
            });
    connect(m_detail, &AuditDetailController::recordChanged, this, &AuditPanel::onRecordChanged);
    connect(m_detail, &AuditDetailController::checkChanged, this, &AuditPanel::onCheckChanged);
    connect(m_jobs, &AuditJobController::progressChanged, this, &AuditPanel::onJobProgress);
    connect(m_jobs, &AuditJobController::finished, this, &AuditPanel::onJobFinished);

    setTabOrder(m_followBox, m_refreshButton);
    setTabOrder(m_refreshButton, m_verifyButton);
    setTabOrder(m_verifyButton, m_exportButton);
    setTabOrder(m_exportButton, m_fromEdit);
    setTabOrder(m_fromEdit, m_untilEdit);
    setTabOrder(m_untilEdit, m_sessionEdit);
    setTabOrder(m_sessionEdit, m_kindBox);
    setTabOrder(m_kindBox, m_textEdit);
    setTabOrder(m_textEdit, m_principalEdit);
    setTabOrder(m_principalEdit, m_tenantEdit);
    setTabOrder(m_tenantEdit, m_toolEdit);
    setTabOrder(m_toolEdit, m_outcomeBox);
    setTabOrder(m_outcomeBox, m_errorCodeEdit);
    setTabOrder(m_errorCodeEdit, m_clearButton);
    setTabOrder(m_clearButton, m_table);
    setTabOrder(m_table, m_detailText);
    setTabOrder(m_detailText, m_sessionLink);
    setTabOrder(m_sessionLink, m_checkEdit);
    setTabOrder(m_checkEdit, m_checkButton);

    restoreSettings();
    onCountChanged();
    onRecordChanged();
}

AuditPanel::~AuditPanel()
{
    saveSettings();
}

QWidget *AuditPanel::createHeader()
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(10);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    auto *title = new QLabel(tr("Audit log"), header);
    title->setObjectName(QStringLiteral("panelTitle"));
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    title->setFont(font);
    titles->addWidget(title);
    m_storeLabel = new QLabel(m_service ? m_service->storeDescription() : QString(), header);
    m_storeLabel->setObjectName(QStringLiteral("auditStoreLabel"));
    m_storeLabel->setForegroundRole(QPalette::PlaceholderText);
    m_storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titles->addWidget(m_storeLabel);
    row->addLayout(titles, 1);

    m_countLabel = new QLabel(header);
    m_countLabel->setObjectName(QStringLiteral("auditCountLabel"));
    row->addWidget(m_countLabel, 0, Qt::AlignVCenter);
    m_followBox = new QCheckBox(tr("Follo&w new records"), header);
    m_followBox->setObjectName(QStringLiteral("followBox"));
    m_followBox->setToolTip(tr("Add records to the list as the server writes them"));
    m_followBox->setChecked(true);
    connect(m_followBox, &QCheckBox::toggled, m_model, &AuditTableModel::setLiveTail);
    row->addWidget(m_followBox, 0, Qt::AlignVCenter);
    m_refreshButton = new QPushButton(tr("Refres&h"), header);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(tr("Read the trail again (F5)"));
    connect(m_refreshButton, &QPushButton::clicked, m_model, &AuditTableModel::refresh);
    m_verifyButton = new QPushButton(tr("&Verify chain"), header);
    m_verifyButton->setObjectName(QStringLiteral("verifyButton"));
    m_verifyButton->setToolTip(tr("Check every record's hash and MAC and every signed checkpoint: "
                                  "any edit, deletion or insertion shows"));
    connect(m_verifyButton, &QPushButton::clicked, this, &AuditPanel::startVerify);
    m_exportButton = new QPushButton(tr("E&xport…"), header);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setToolTip(
        tr("Write the records the filter selects to a JSON Lines or CSV file (Ctrl+E)"));
    connect(m_exportButton, &QPushButton::clicked, this, &AuditPanel::startExport);
    for (QPushButton *b : { m_refreshButton, m_verifyButton, m_exportButton })
        row->addWidget(b, 0, Qt::AlignVCenter);
    return header;
}

QWidget *AuditPanel::createFilterBar()
{
    auto *bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("auditFilterBar"));
    auto *grid = new QGridLayout(bar);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(6);

    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(FilterDelayMs);
    connect(m_filterTimer, &QTimer::timeout, this, &AuditPanel::applyFilter);

    auto edit = [this, bar](const QString &name, const QString &placeholder) {
        auto *e = new QLineEdit(bar);
        e->setObjectName(name);
        e->setPlaceholderText(placeholder);
        e->setClearButtonEnabled(true);
        connect(e, &QLineEdit::textEdited, m_filterTimer, qOverload<>(&QTimer::start));
        connect(e, &QLineEdit::returnPressed, this, &AuditPanel::applyFilter);
        return e;
    };
    m_fromEdit = edit(QStringLiteral("fromEdit"), tr("2026-11-22 14:30"));
    m_fromEdit->setToolTip(tr("Records at or after this local time"));
    m_untilEdit = edit(QStringLiteral("untilEdit"), tr("2026-11-23"));
    m_untilEdit->setToolTip(tr("Records before this local time"));
    m_textEdit = edit(QStringLiteral("textEdit"), tr("any text in the record (Ctrl+F)"));
    m_principalEdit = edit(QStringLiteral("principalEdit"), tr("user"));
    m_tenantEdit = edit(QStringLiteral("tenantEdit"), tr("tenant"));
    m_toolEdit = edit(QStringLiteral("toolEdit"), tr("db_query"));
    m_errorCodeEdit = edit(QStringLiteral("errorCodeEdit"), tr("BUDGET_EXCEEDED"));
    m_sessionEdit = edit(QStringLiteral("sessionEdit"), tr("session fingerprint"));
    m_sessionEdit->setToolTip(tr("Records of one MCP session: the fingerprint of its Mcp-Session-Id "
                                 "that every record of the session carries (click it in a record "
                                 "to fill it in)"));
    m_kindBox = new QComboBox(bar);
    m_kindBox->setObjectName(QStringLiteral("kindBox"));
    m_kindBox->setToolTip(tr("Only records of this kind"));
    m_kindBox->addItem(tr("Any"), QString());
    // The kinds in the order a reviewer looks for them; a kind of audit::kind::All without a
    // label here is still offered, under its name.
    const std::pair<std::string_view, QString> labels[] = {
        { audit::kind::Request, tr("Call request") },
        { audit::kind::Outcome, tr("Call outcome") },
        { audit::kind::Denial, tr("Denial") },
        { audit::kind::AuthFailure, tr("Authentication failure") },
        { audit::kind::Approval, tr("Approval decision") },
        { audit::kind::PolicyChange, tr("Policy change") },
        { audit::kind::ServerStart, tr("Server start") },
        { audit::kind::ServerStop, tr("Server stop") },
        { audit::kind::Retention, tr("Retention purge") },
    };
    const auto text = [](std::string_view kind) {
        return QString::fromLatin1(kind.data(), qsizetype(kind.size()));
    };
    for (const auto &[kind, label] : labels)
        m_kindBox->addItem(label, text(kind));
    for (std::string_view kind : audit::kind::All)
        if (m_kindBox->findData(text(kind)) < 0)
            m_kindBox->addItem(text(kind), text(kind));
    connect(m_kindBox, &QComboBox::currentIndexChanged, this, &AuditPanel::applyFilter);
    m_outcomeBox = new QComboBox(bar);
    m_outcomeBox->setObjectName(QStringLiteral("outcomeBox"));
    m_outcomeBox->addItem(tr("Any"), QString());
    m_outcomeBox->addItem(tr("ok"), QStringLiteral("ok"));
    m_outcomeBox->addItem(tr("error"), QStringLiteral("error"));
    connect(m_outcomeBox, &QComboBox::currentIndexChanged, this, &AuditPanel::applyFilter);
    m_clearButton = new QPushButton(tr("Cle&ar filters"), bar);
    m_clearButton->setObjectName(QStringLiteral("clearFiltersButton"));
    connect(m_clearButton, &QPushButton::clicked, this, &AuditPanel::clearFilter);

    grid->addWidget(buddyLabel(tr("&From:"), m_fromEdit, bar), 0, 0);
    grid->addWidget(m_fromEdit, 0, 1);
    grid->addWidget(buddyLabel(tr("U&ntil:"), m_untilEdit, bar), 0, 2);
    grid->addWidget(m_untilEdit, 0, 3);
    grid->addWidget(buddyLabel(tr("Sess&ion:"), m_sessionEdit, bar), 0, 4);
    grid->addWidget(m_sessionEdit, 0, 5);
    grid->addWidget(buddyLabel(tr("Kin&d:"), m_kindBox, bar), 0, 6);
    grid->addWidget(m_kindBox, 0, 7);
    grid->addWidget(buddyLabel(tr("&Search:"), m_textEdit, bar), 0, 8);
    grid->addWidget(m_textEdit, 0, 9, 1, 2);
    grid->addWidget(buddyLabel(tr("&Principal:"), m_principalEdit, bar), 1, 0);
    grid->addWidget(m_principalEdit, 1, 1);
    grid->addWidget(buddyLabel(tr("&Tenant:"), m_tenantEdit, bar), 1, 2);
    grid->addWidget(m_tenantEdit, 1, 3);
    grid->addWidget(buddyLabel(tr("Too&l:"), m_toolEdit, bar), 1, 4);
    grid->addWidget(m_toolEdit, 1, 5);
    grid->addWidget(buddyLabel(tr("&Outcome:"), m_outcomeBox, bar), 1, 6);
    grid->addWidget(m_outcomeBox, 1, 7);
    grid->addWidget(buddyLabel(tr("Error cod&e:"), m_errorCodeEdit, bar), 1, 8);
    grid->addWidget(m_errorCodeEdit, 1, 9);
    grid->addWidget(m_clearButton, 1, 10);
    for (int column : { 1, 3, 5, 9 })
        grid->setColumnStretch(column, 1);
    return bar;
}

QWidget *AuditPanel::createDetailPane()
{
    auto *pane = new QWidget(this);
    pane->setObjectName(QStringLiteral("auditDetailPane"));
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    m_detailText = monospaceView(pane, QStringLiteral("detailText"));
    m_detailText->setAccessibleName(tr("Selected record"));
    layout->addWidget(m_detailText, 1);

    m_sessionRow = new QWidget(pane);
    auto *sessionRow = new QHBoxLayout(m_sessionRow);
    sessionRow->setContentsMargins(0, 0, 0, 0);
    sessionRow->addWidget(new QLabel(tr("Session:"), m_sessionRow));
    m_sessionLink = new LinkLabel(m_sessionRow);
    m_sessionLink->setObjectName(QStringLiteral("sessionLink"));
    m_sessionLink->setTextFormat(Qt::RichText);
    m_sessionLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_sessionLink->setFocusPolicy(Qt::StrongFocus);
    m_sessionLink->setToolTip(tr("Show only the records of this session"));
    connect(m_sessionLink, &QLabel::linkActivated, this, &AuditPanel::filterBySession);
    sessionRow->addWidget(m_sessionLink, 1);
    layout->addWidget(m_sessionRow);

    auto *checkRow = new QHBoxLayout;
    m_checkEdit = new QLineEdit(pane);
    m_checkEdit->setObjectName(QStringLiteral("checkEdit"));
    m_checkEdit->setPlaceholderText(tr("a value you know, e.g. an e-mail address"));
    m_checkEdit->setToolTip(tr("Compares the value's keyed HMAC with the record's redacted values; "
                               "the value itself is not stored"));
    checkRow->addWidget(buddyLabel(tr("Known val&ue:"), m_checkEdit, pane));
    checkRow->addWidget(m_checkEdit, 1);
    m_checkButton = new QPushButton(tr("Chec&k"), pane);
    m_checkButton->setObjectName(QStringLiteral("checkButton"));
    checkRow->addWidget(m_checkButton);
    layout->addLayout(checkRow);
    m_checkLabel = new QLabel(pane);
    m_checkLabel->setObjectName(QStringLiteral("checkLabel"));
    m_checkLabel->setWordWrap(true);
    m_checkLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_checkLabel);
    connect(m_checkButton, &QPushButton::clicked, this, &AuditPanel::checkValue);
    connect(m_checkEdit, &QLineEdit::returnPressed, this, &AuditPanel::checkValue);
    return pane;
}

QWidget *AuditPanel::createJobBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_jobLabel = new QLabel(bar);
    m_jobLabel->setObjectName(QStringLiteral("jobLabel"));
    m_jobLabel->setWordWrap(true);
    m_jobLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    row->addWidget(m_jobLabel, 1);
    m_jobBar = new QWidget(bar);
    auto *progressRow = new QHBoxLayout(m_jobBar);
    progressRow->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(m_jobBar);
    m_progress->setObjectName(QStringLiteral("jobProgress"));
    m_progress->setMinimumWidth(240);
    progressRow->addWidget(m_progress);
    m_cancelButton = new QPushButton(tr("Cancel"), m_jobBar);
    m_cancelButton->setObjectName(QStringLiteral("cancelJobButton"));
    m_cancelButton->setToolTip(tr("Stop the verification or export (Esc)"));
    connect(m_cancelButton, &QPushButton::clicked, m_jobs, &AuditJobController::cancel);
    progressRow->addWidget(m_cancelButton);
    row->addWidget(m_jobBar);
    m_jobBar->hide();
    return bar;
}

void AuditPanel::createShortcuts()
{
    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence::Find, [this] {
        m_textEdit->setFocus(Qt::ShortcutFocusReason);
        m_textEdit->selectAll();
    });
    shortcut(QKeySequence(Qt::Key_F5), [this] { m_model->refresh(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_E), [this] { startExport(); });
    shortcut(QKeySequence(Qt::Key_Escape), [this] { m_jobs->cancel(); });
}

std::optional<audit::AuditFilter> AuditPanel::typedFilter()
{
    audit::AuditFilter f;
    for (auto [edit, into] :
         { std::pair { m_fromEdit, &f.fromMs }, std::pair { m_untilEdit, &f.toMs } }) {
        if (edit->text().trimmed().isEmpty())
            continue;
        *into = parseTime(edit->text());
        if (!*into) {
            m_errorLabel->setText(
                tr("Cannot read the time \"%1\": write it as 2026-11-22 14:30 (local time) or "
                   "2026-11-22.")
                    .arg(edit->text().trimmed()));
            m_errorLabel->show();
            return std::nullopt;
        }
    }
    f.principal = optionalText(m_principalEdit);
    f.tenant = optionalText(m_tenantEdit);
    f.tool = optionalText(m_toolEdit);
    f.errorCode = optionalText(m_errorCodeEdit);
    f.session = optionalText(m_sessionEdit);
    const QString outcome = m_outcomeBox->currentData().toString();
    if (!outcome.isEmpty())
        f.outcome = outcome.toStdString();
    const QString kind = m_kindBox->currentData().toString();
    if (!kind.isEmpty())
        f.kind = kind.toStdString();
    f.text = m_textEdit->text().trimmed().toStdString();
    return f;
}

void AuditPanel::applyFilter()
{
    m_filterTimer->stop();
    const auto f = typedFilter();
    if (!f)
        return;
    m_model->setFilter(*f);
    onErrorChanged();
}

void AuditPanel::clearFilter()
{
    for (QLineEdit *e : { m_fromEdit, m_untilEdit, m_textEdit, m_principalEdit, m_tenantEdit,
                          m_toolEdit, m_errorCodeEdit, m_sessionEdit })
        e->clear();
    for (QComboBox *box : { m_outcomeBox, m_kindBox }) {
        const QSignalBlocker block(box);
        box->setCurrentIndex(0);
    }
    applyFilter();
}

void AuditPanel::filterBySession()
{
    const QString session = m_detail->session();
    if (session.isEmpty())
        return;
    m_sessionEdit->setText(session);
    applyFilter();
}

void AuditPanel::onCountChanged()
{
    const auto total = m_model->totalCount();
    if (!total)
        m_countLabel->setText(tr("Counting…"));
    else
        m_countLabel->setText(*total == 1 ? tr("1 record") : tr("%L1 records").arg(*total));
}

void AuditPanel::onErrorChanged()
{
    const QString error = m_model->errorText();
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
}

void AuditPanel::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_pendingDetailRow = -1;
        m_detail->showRecord(0);
        return;
    }
    const std::int64_t seq = m_model->seqAt(current.row());
    m_pendingDetailRow = seq ? -1 : current.row(); // shown once its page arrives
    if (seq)
        m_detail->showRecord(seq);
}

void AuditPanel::onRecordChanged()
{
    if (m_detail->hasRecord()) {
        m_detailText->setPlainText(m_detail->text());
    } else if (!m_detail->errorText().isEmpty()) {
        m_detailText->setPlainText(m_detail->errorText());
    } else {
        m_detailText->setPlainText(m_detail->seq() ? tr("Loading record %1…").arg(m_detail->seq())
                                                   : tr("Select a record to see it in full."));
    }
    const QString session = m_detail->session();
    m_sessionLink->setText(session.isEmpty()
                               ? tr("none")
                               : QStringLiteral("<a href=\"session\">%1</a>").arg(session.toHtmlEscaped()));
    m_sessionLink->setEnabled(!session.isEmpty());
    m_sessionAction->setEnabled(!session.isEmpty());
    m_sessionRow->setVisible(m_detail->hasRecord());
    const bool canCheck = m_detail->hasRecord() && !m_detail->redactedValues().isEmpty();
    m_checkEdit->setEnabled(canCheck);
    m_checkButton->setEnabled(canCheck);
    if (m_detail->hasRecord() && !canCheck)
        m_checkLabel->setText(tr("This record holds no redacted values."));
    else if (canCheck)
        m_checkLabel->setText(
            m_detail->redactedValues().size() == 1
                ? tr("1 redacted value in this record.")
                : tr("%1 redacted values in this record.").arg(m_detail->redactedValues().size()));
    else
        m_checkLabel->clear();
}

void AuditPanel::checkValue()
{
    if (!m_checkEdit->text().isEmpty())
        m_detail->checkValue(m_checkEdit->text());
}

void AuditPanel::onCheckChanged()
{
    if (m_detail->checkState() == AuditDetailController::Check::None)
        return;
    m_checkLabel->setText(m_detail->checkText());
    const auto state = m_detail->checkState();
    tintLabel(m_checkLabel, state == AuditDetailController::Check::Match      ? Tint::Ok
                            : state == AuditDetailController::Check::Checking ? Tint::None
                                                                              : Tint::Error);
}

void AuditPanel::startVerify()
{
    m_jobs->startVerify();
}

void AuditPanel::startExport()
{
    if (m_jobs->isRunning())
        return;
    const QString suggested = QDir::home().filePath(
        QStringLiteral("warden-audit-%1.jsonl")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    const QString path = m_exportTarget
        ? m_exportTarget(this)
        : QFileDialog::getSaveFileName(this, tr("Export audit records"), suggested,
                                       tr("JSON Lines (*.jsonl);;CSV (*.csv)"));
    if (path.isEmpty())
        return;
    const auto format = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
        ? audit::AuditExport::Format::Csv
        : audit::AuditExport::Format::Jsonl;
    m_jobs->startExport(m_model->filter(), format, path);
}

void AuditPanel::onJobProgress()
{
    const bool running = m_jobs->isRunning();
    m_jobBar->setVisible(running);
    m_verifyButton->setEnabled(!running);
    m_exportButton->setEnabled(!running);
    if (!running)
        return;
    if (m_jobs->total() > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(m_jobs->done() * 1000 / m_jobs->total()));
        m_jobLabel->setText(tr("%1 %L2 of %L3 records.")
                                .arg(m_jobs->statusText())
                                .arg(m_jobs->done())
                                .arg(m_jobs->total()));
    } else {
        m_progress->setRange(0, 0); // busy until the total is known
        m_jobLabel->setText(m_jobs->statusText());
    }
    m_jobLabel->setPalette(palette());
}

void AuditPanel::onJobFinished()
{
    onJobProgress();
    m_jobLabel->setText(m_jobs->statusText());
    const auto outcome = m_jobs->outcome();
    tintLabel(m_jobLabel, outcome == AuditJobController::Outcome::Succeeded ? Tint::Ok
                          : outcome == AuditJobController::Outcome::Failed  ? Tint::Error
                                                                            : Tint::None);
}

void AuditPanel::restoreSettings()
{
    QSettings settings;
    m_splitter->restoreState(settings.value(SplitterKey).toByteArray());
    m_table->horizontalHeader()->restoreState(settings.value(HeaderKey).toByteArray());
    m_followBox->setChecked(settings.value(FollowKey, true).toBool());
    // The order always starts newest first; a restored indicator must not say otherwise.
    m_table->horizontalHeader()->setSortIndicator(AuditTableModel::SeqColumn, Qt::DescendingOrder);
    bool filtered = false;
    for (const auto &[key, edit] : savedEdits()) {
        edit->setText(settings.value(FilterKeyPrefix + key).toString());
        filtered = filtered || !edit->text().isEmpty();
    }
    for (const auto &[key, box] : savedBoxes()) {
        const QSignalBlocker block(box);
        box->setCurrentIndex(std::max(0, box->findData(settings.value(FilterKeyPrefix + key).toString())));
        filtered = filtered || box->currentIndex() > 0;
    }
    if (filtered)
        applyFilter();
}

std::vector<std::pair<QString, QLineEdit *>> AuditPanel::savedEdits() const
{
    return { { QStringLiteral("text"), m_textEdit },           { QStringLiteral("session"), m_sessionEdit },
             { QStringLiteral("principal"), m_principalEdit }, { QStringLiteral("tenant"), m_tenantEdit },
             { QStringLiteral("tool"), m_toolEdit },           { QStringLiteral("errorCode"), m_errorCodeEdit } };
}

std::vector<std::pair<QString, QComboBox *>> AuditPanel::savedBoxes() const
{
    return { { QStringLiteral("outcome"), m_outcomeBox }, { QStringLiteral("kind"), m_kindBox } };
}

void AuditPanel::saveSettings()
{
    QSettings settings;
    const auto store = [&settings](const QString &key, const QVariant &value) {
        if (settings.value(key) != value)
            settings.setValue(key, value);
    };
    store(SplitterKey, m_splitter->saveState());
    store(HeaderKey, m_table->horizontalHeader()->saveState());
    store(FollowKey, m_followBox->isChecked());
    for (const auto &[key, edit] : savedEdits())
        store(FilterKeyPrefix + key, edit->text().trimmed());
    for (const auto &[key, box] : savedBoxes())
        store(FilterKeyPrefix + key, box->currentData().toString());
}

} // namespace warden
