#include "DesktopClientsPanel.h"

#include "DiffHighlighter.h"
#include "PanelLayout.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QThreadPool>
#include <QVBoxLayout>

namespace warden {

using clients::Client;
using clients::ClientConfigWriter;
using Plan = ClientConfigWriter::Plan;

namespace {

const QString kSplitterKey = QStringLiteral("DesktopClientsPanel/splitter");

constexpr std::array<Client, DesktopClientsPanel::ClientCount> kClients = { Client::ClaudeDesktop, Client::Cursor,
                                                                           Client::VsCode };

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

QLabel *selectableLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

} // namespace

template<typename Work, typename Done>
void DesktopClientsPanel::inBackground(Work work, Done done)
{
    ++m_pending;
    setBusy(true);
    QPointer<DesktopClientsPanel> self(this);
    QThreadPool::globalInstance()->start([self, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, done = std::move(done), result = std::move(result)]() mutable {
                if (!self)
                    return;
                done(std::move(result));
                if (--self->m_pending == 0) {
                    self->setBusy(false);
                    Q_EMIT self->idle();
                }
            },
            Qt::QueuedConnection);
    });
}

DesktopClientsPanel::DesktopClientsPanel(clients::StdioLaunch launch, ClientConfigWriter::Environment environment,
                                         QWidget *parent)
    : QWidget(parent)
    , m_launch(std::move(launch))
    , m_writer(std::move(environment))
{
    QVBoxLayout *layout =
        createPanelLayout(this, tr("Desktop clients"),
                          tr("Let a desktop LLM client start Warden over stdio. Warden adds itself to the client's "
                             "configuration file, keeps everything else in it, and makes a backup first; you see "
                             "every change before it is written."));

    m_launchProblem = selectableLabel(this, QStringLiteral("launchProblem"));
    m_launchProblem->setForegroundRole(QPalette::BrightText);
    QFont bold = m_launchProblem->font();
    bold.setBold(true);
    m_launchProblem->setFont(bold);
    layout->addWidget(m_launchProblem);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(createClientsBox());
    topLayout->addWidget(createCommandBox());
    topLayout->addStretch(1);
    // Scrolls rather than forcing its height on the main window.
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(top);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("desktopClientsSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(scroll);
    m_splitter->addWidget(createPreviewBox());
    m_splitter->setStretchFactor(1, 1);
    layout->addWidget(m_splitter, 1);
    if (!m_splitter->restoreState(QSettings().value(kSplitterKey).toByteArray()))
        m_splitter->setSizes({ top->sizeHint().height(), 100000 });
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_splitterMoved = true; });

    // Both paths must be absolute and exist, or the client would start something else.
    QStringList problems;
    if (m_launch.program.isEmpty())
        problems << tr("warden-server was not found next to this console or on PATH: install it, then reopen "
                       "this panel.");
    const QString config = m_launch.arguments.value(m_launch.arguments.indexOf(QStringLiteral("--config")) + 1);
    if (config.isEmpty() || !QFileInfo::exists(config))
        problems << tr("The server's configuration file is not known (start the console with --config FILE), so "
                       "there is nothing for a client to point at.");
    m_canWrite = problems.isEmpty();
    m_launchProblem->setText(problems.join(QLatin1Char('\n')));
    m_launchProblem->setVisible(!m_canWrite);
    m_command->setText(m_canWrite ? m_launch.commandLine(
#if defined(Q_OS_WIN)
                                        true
#else
                                        false
#endif
                                        )
                                  : QString());
    m_command->setCursorPosition(0);
    m_copyButton->setEnabled(m_canWrite);

    setTabOrder(m_rows[0].preview, m_rows[1].preview);
    setTabOrder(m_rows[1].preview, m_rows[2].preview);
    setTabOrder(m_rows[2].preview, m_refreshButton);
    setTabOrder(m_refreshButton, m_command);
    setTabOrder(m_command, m_copyButton);
    setTabOrder(m_copyButton, m_diff);
    setTabOrder(m_diff, m_writeButton);
    setTabOrder(m_writeButton, m_cancelButton);

    cancelPreview();
    refresh();
}

DesktopClientsPanel::~DesktopClientsPanel()
{
    if (!m_splitterMoved) // a hidden panel's sizes are not a layout worth keeping
        return;
    saveLayoutState(kSplitterKey, m_splitter->saveState());
}

QWidget *DesktopClientsPanel::createClientsBox()
{
    auto *box = new QGroupBox(tr("Clients"), this);
    auto *grid = new QGridLayout(box);
    grid->setColumnStretch(1, 1);
    grid->setHorizontalSpacing(16);
    const std::array<QString, ClientCount> buttonTexts = { tr("Preview for &Claude Desktop…"),
                                                           tr("Preview for C&ursor…"),
                                                           tr("Preview for &VS Code…") };
    for (std::size_t i = 0; i < kClients.size(); ++i) {
        const Client client = kClients[i];
        const int row = int(i) * 2;
        auto *name = new QLabel(ClientConfigWriter::clientName(client), box);
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        grid->addWidget(name, row, 0);
        Row &r = m_rows[i];
        r.path = selectableLabel(box, QStringLiteral("path%1").arg(i));
        r.path->setText(shown(m_writer.configPath(client)));
        grid->addWidget(r.path, row, 1);
        r.preview = new QPushButton(buttonTexts[i], box);
        r.preview->setObjectName(QStringLiteral("preview%1").arg(i));
        r.preview->setToolTip(tr("Show what adding Warden changes in this file, before anything is written"));
        grid->addWidget(r.preview, row, 2, 2, 1, Qt::AlignVCenter);
        r.state = selectableLabel(box, QStringLiteral("state%1").arg(i));
        grid->addWidget(r.state, row + 1, 1);
        connect(r.preview, &QPushButton::clicked, this, [this, client] { preview(client); });
    }
    m_refreshButton = new QPushButton(tr("Check &again"), box);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(tr("Read the clients' files again"));
    grid->addWidget(m_refreshButton, ClientCount * 2, 2);
    connect(m_refreshButton, &QPushButton::clicked, this, &DesktopClientsPanel::refresh);
    return box;
}

QWidget *DesktopClientsPanel::createCommandBox()
{
    auto *box = new QGroupBox(tr("Any other stdio client"), this);
    auto *layout = new QVBoxLayout(box);
    auto *label = new QLabel(tr("Co&mmand line to start Warden:"), box);
    layout->addWidget(label);
    auto *row = new QHBoxLayout;
    m_command = new QLineEdit(box);
    m_command->setObjectName(QStringLiteral("commandLine"));
    m_command->setReadOnly(true);
    m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    label->setBuddy(m_command);
    m_copyButton = new QPushButton(tr("Cop&y"), box);
    m_copyButton->setObjectName(QStringLiteral("copyCommandButton"));
    m_copyButton->setToolTip(tr("Copy the command line to the clipboard"));
    row->addWidget(m_command, 1);
    row->addWidget(m_copyButton);
    layout->addLayout(row);
    connect(m_copyButton, &QPushButton::clicked, this, &DesktopClientsPanel::copyCommand);
    return box;
}

QWidget *DesktopClientsPanel::createPreviewBox()
{
    auto *box = new QGroupBox(tr("Preview"), this);
    auto *layout = new QVBoxLayout(box);
    m_previewTitle = selectableLabel(box, QStringLiteral("previewTitle"));
    layout->addWidget(m_previewTitle);
    m_previewNotice = selectableLabel(box, QStringLiteral("previewNotice"));
    layout->addWidget(m_previewNotice);
    m_diff = monospaceView(box, QStringLiteral("diffView"));
    m_diff->setAccessibleName(tr("Changes to the file"));
    m_diff->setMinimumHeight(m_diff->fontMetrics().lineSpacing() * 4);
    new DiffHighlighter(m_diff->document());
    layout->addWidget(m_diff, 1);
    auto *buttons = new QHBoxLayout;
    m_result = selectableLabel(box, QStringLiteral("resultLabel"));
    buttons->addWidget(m_result, 1);
    m_writeButton = new QPushButton(tr("&Write"), box);
    m_writeButton->setObjectName(QStringLiteral("writeButton"));
    m_writeButton->setToolTip(tr("Back the file up, then write the change shown above"));
    m_cancelButton = new QPushButton(tr("Ca&ncel"), box);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setToolTip(tr("Write nothing (Esc)"));
    buttons->addWidget(m_writeButton);
    buttons->addWidget(m_cancelButton);
    layout->addLayout(buttons);
    connect(m_writeButton, &QPushButton::clicked, this, &DesktopClientsPanel::writePlan);
    connect(m_cancelButton, &QPushButton::clicked, this, &DesktopClientsPanel::cancelPreview);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), box, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &DesktopClientsPanel::cancelPreview);
    return box;
}

void DesktopClientsPanel::setBusy(bool busy)
{
    for (Row &r : m_rows)
        r.preview->setEnabled(!busy && m_canWrite);
    m_refreshButton->setEnabled(!busy);
    m_writeButton->setEnabled(!busy && m_canWrite && m_plan && m_plan->changes());
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void DesktopClientsPanel::refresh()
{
    for (std::size_t i = 0; i < kClients.size(); ++i) {
        const Client client = kClients[i];
        m_rows[i].state->setText(tr("Checking…"));
        inBackground([writer = m_writer, launch = m_launch, client] { return writer.plan(client, launch); },
                     [this, client](Result<Plan> plan) { showState(client, plan); });
    }
}

void DesktopClientsPanel::showState(Client client, const Result<Plan> &plan)
{
    QLabel *state = m_rows[std::size_t(client)].state;
    if (!plan) {
        state->setText(tr("Cannot be set up: %1").arg(QString::fromStdString(plan.error().message)));
        return;
    }
    if (!plan->exists)
        state->setText(tr("Not set up. The file does not exist yet; it will be created."));
    else if (!plan->changes())
        state->setText(tr("Set up: Warden is in this file with the command below."));
    else if (plan->hadEntry)
        state->setText(tr("Set up with another command; preview to update it."));
    else
        state->setText(tr("Not set up yet."));
}

void DesktopClientsPanel::preview(Client client)
{
    if (!m_canWrite)
        return;
    m_result->clear();
    inBackground([writer = m_writer, launch = m_launch, client] { return writer.plan(client, launch); },
                 [this](Result<Plan> plan) { showPreview(std::move(plan)); });
}

void DesktopClientsPanel::showPreview(Result<Plan> plan)
{
    if (!plan) {
        m_plan.reset();
        m_previewTitle->setText(tr("Nothing will be written."));
        m_previewNotice->setText(QString::fromStdString(plan.error().message));
        m_previewNotice->show();
        m_diff->clear();
        m_writeButton->setEnabled(false);
        return;
    }
    const QString name = ClientConfigWriter::clientName(plan->client);
    showState(plan->client, plan);
    m_plan = std::move(*plan);
    m_previewNotice->setText(m_plan->notice);
    m_previewNotice->setVisible(!m_plan->notice.isEmpty());
    if (!m_plan->changes()) {
        m_previewTitle->setText(tr("%1 is already set up; %2 stays as it is.").arg(name, shown(m_plan->path)));
        m_diff->setPlainText(m_plan->oldText);
        m_writeButton->setEnabled(false);
        return;
    }
    m_previewTitle->setText(m_plan->exists
                                ? tr("Changes to %1 for %2 (a backup is made first):").arg(shown(m_plan->path), name)
                                : tr("%1 will be created for %2:").arg(shown(m_plan->path), name));
    m_diff->setPlainText(m_plan->diff);
    m_writeButton->setEnabled(true);
    m_writeButton->setDefault(true);
    m_writeButton->setFocus(Qt::OtherFocusReason);
}

void DesktopClientsPanel::writePlan()
{
    if (!m_plan || !m_canWrite)
        return;
    const Plan plan = *m_plan;
    m_writeButton->setEnabled(false);
    inBackground([writer = m_writer, plan] { return writer.write(plan); },
                 [this, plan](Result<ClientConfigWriter::Written> written) {
                     const QString name = ClientConfigWriter::clientName(plan.client);
                     if (!written) {
                         m_result->setText(tr("Not written: %1").arg(QString::fromStdString(written.error().message)));
                         return;
                     }
                     m_plan.reset();
                     m_diff->clear();
                     m_previewTitle->clear();
                     m_previewNotice->hide();
                     m_result->setText(
                         written->backupPath.isEmpty()
                             ? tr("Written to %1. Restart %2 to use Warden.").arg(shown(written->path), name)
                             : tr("Written to %1; the previous file is saved as %2. Restart %3 to use Warden.")
                                   .arg(shown(written->path), shown(written->backupPath), name));
                     refresh();
                 });
}

void DesktopClientsPanel::cancelPreview()
{
    m_plan.reset();
    m_diff->clear();
    m_previewTitle->setText(tr("Choose a client above to see what would change."));
    m_previewNotice->hide();
    m_writeButton->setEnabled(false);
}

void DesktopClientsPanel::copyCommand()
{
    QApplication::clipboard()->setText(m_command->text());
    m_result->setText(tr("The command line is on the clipboard."));
}

} // namespace warden
