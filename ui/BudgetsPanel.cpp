#include "BudgetsPanel.h"

#include "OutcomeDelegate.h"
#include "TopConsumersModel.h"
#include "UsageSeriesModel.h"
#include "server/ServerInterface.h"
#include "server/UsageService.h"

#include <QAction>
#include <QActionGroup>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QCursor>
#include <QDateTimeAxis>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QImageWriter>
#include <QKeyEvent>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QThreadPool>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace warden {

using limits::Metric;
using limits::SubjectKind;
using limits::Window;

namespace {

const QString SplitterKey = QStringLiteral("BudgetsPanel/splitter");
const QString BottomSplitterKey = QStringLiteral("BudgetsPanel/bottomSplitter");
const QString HeaderKey = QStringLiteral("BudgetsPanel/topConsumersHeader");
const QString ExportDirKey = QStringLiteral("BudgetsPanel/exportDirectory");

constexpr int TopCount = 20;

QString windowPhrase(Window window)
{
    switch (window) {
    case Window::Hour:
        return BudgetsPanel::tr("the last hour");
    case Window::Day:
        return BudgetsPanel::tr("the last day");
    case Window::Week:
        return BudgetsPanel::tr("the last week");
    }
    return {};
}

QString stepPhrase(Window window)
{
    switch (window) {
    case Window::Hour:
        return BudgetsPanel::tr("per minute");
    case Window::Day:
        return BudgetsPanel::tr("per quarter hour");
    case Window::Week:
        return BudgetsPanel::tr("per hour");
    }
    return {};
}

} // namespace

BudgetsPanel::BudgetsPanel(ServerInterface *server, QWidget *parent)
    : QWidget(parent)
    , m_server(server)
    , m_service(server ? server->usageService() : nullptr)
    , m_series(new UsageSeriesModel(this))
    , m_rateLimited(new UsageSeriesModel(this))
    , m_budgetRejected(new UsageSeriesModel(this))
    , m_top(new TopConsumersModel(this))
    , m_topProxy(new QSortFilterProxyModel(this))
{
    for (UsageSeriesModel *model : { m_series, m_rateLimited, m_budgetRejected }) {
        model->setService(m_service);
        connect(model, &UsageSeriesModel::updated, this, &BudgetsPanel::onAnswered);
    }
    m_top->setService(m_service);
    connect(m_top, &TopConsumersModel::updated, this, &BudgetsPanel::onAnswered);
    m_topProxy->setSourceModel(m_top);
    m_topProxy->setSortRole(TopConsumersModel::SortRole);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createControls());

    m_content = new QStackedWidget(this);
    m_content->setObjectName(QStringLiteral("budgetsContent"));
    m_splitter = new QSplitter(Qt::Vertical, m_content);
    m_splitter->setObjectName(QStringLiteral("budgetsSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(createUsageChart());
    m_bottomSplitter = new QSplitter(Qt::Horizontal, m_splitter);
    m_bottomSplitter->setObjectName(QStringLiteral("budgetsBottomSplitter"));
    m_bottomSplitter->setChildrenCollapsible(false);
    m_bottomSplitter->addWidget(createRejectionsChart());
    m_bottomSplitter->addWidget(createTopConsumers());
    m_bottomSplitter->setStretchFactor(0, 1);
    m_bottomSplitter->setStretchFactor(1, 2);
    m_splitter->addWidget(m_bottomSplitter);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    // Until the user moves them: a third of the width for the rejections, the rest for the table.
    m_bottomSplitter->setSizes({ 350, 700 });
    m_splitter->setSizes({ 450, 300 });
    m_content->addWidget(m_splitter);

    m_emptyLabel = new QLabel(m_content);
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_content->addWidget(m_emptyLabel);
    layout->addWidget(m_content, 1);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_statusLabel);

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(RefreshDelayMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &BudgetsPanel::onRefreshTimer);
    m_rollTimer.setInterval(RollIntervalMs);
    connect(&m_rollTimer, &QTimer::timeout, this, &BudgetsPanel::onRefreshTimer);

    if (m_service) {
        connect(m_service, &UsageService::usageChanged, this, &BudgetsPanel::onUsageChanged);
        connect(m_service, &UsageService::availabilityChanged, this,
                &BudgetsPanel::onAvailabilityChanged);
    }
    applyTheme();
    restoreLayout();
    // Written only when the user changed them (a never-shown panel must not rewrite settings).
    const auto changed = [this] {
        m_layoutChanged = true;
    };
    connect(m_splitter, &QSplitter::splitterMoved, this, changed);
    connect(m_bottomSplitter, &QSplitter::splitterMoved, this, changed);
    connect(m_topView->horizontalHeader(), &QHeaderView::sectionResized, this, changed);
    connect(m_topView->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, changed);
    updateEmptyState();
}

BudgetsPanel::~BudgetsPanel()
{
    saveLayout();
}

QWidget *BudgetsPanel::createControls()
{
    // Two rows, so the panel fits a small window: what to show, then over which window.
    auto *box = new QWidget(this);
    auto *rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    rows->addLayout(row);

    auto *kindLabel = new QLabel(tr("&Kind:"), box);
    m_kindCombo = new QComboBox(box);
    m_kindCombo->setObjectName(QStringLiteral("kindCombo"));
    m_kindCombo->addItem(tr("Principals"), int(SubjectKind::Principal));
    m_kindCombo->addItem(tr("Tenants"), int(SubjectKind::Tenant));
    kindLabel->setBuddy(m_kindCombo);

    auto *subjectLabel = new QLabel(tr("Su&bject:"), box);
    m_subjectCombo = new QComboBox(box);
    m_subjectCombo->setObjectName(QStringLiteral("subjectCombo"));
    m_subjectCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_subjectCombo->setMinimumContentsLength(8);
    m_subjectCombo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_subjectCombo->setToolTip(tr("Whose usage the chart shows; double-click a top consumer to "
                                  "pick it"));
    m_subjectCombo->addItem(tr("All principals"), QString());
    subjectLabel->setBuddy(m_subjectCombo);

    auto *metricLabel = new QLabel(tr("&Metric:"), box);
    m_metricCombo = new QComboBox(box);
    m_metricCombo->setObjectName(QStringLiteral("metricCombo"));
    for (const Metric m : { Metric::Calls, Metric::Rows, Metric::Cost })
        m_metricCombo->addItem(UsageSeriesModel::metricTitle(m), int(m));
    metricLabel->setBuddy(m_metricCombo);

    row->addWidget(kindLabel);
    row->addWidget(m_kindCombo);
    row->addWidget(subjectLabel);
    row->addWidget(m_subjectCombo, 1);
    row->addWidget(metricLabel);
    row->addWidget(m_metricCombo);

    row = new QHBoxLayout;
    rows->addLayout(row);

    m_windowActions = new QActionGroup(this);
    m_windowActions->setExclusive(true);
    for (const auto &[window, text, key] :
         { std::tuple { Window::Hour, tr("Hour"), int(Qt::Key_1) },
           std::tuple { Window::Day, tr("Day"), int(Qt::Key_2) },
           std::tuple { Window::Week, tr("Week"), int(Qt::Key_3) } }) {
        QAction *action = addWindowAction(window, text, key);
        auto *button = new QToolButton(box);
        button->setObjectName(QStringLiteral("windowButton") + QString::number(int(window)));
        button->setDefaultAction(action);
        button->setFocusPolicy(Qt::StrongFocus);
        row->addWidget(button);
    }
    m_windowActions->actions().constFirst()->setChecked(true);
    row->addStretch(1);

    m_exportAction = new QAction(tr("&Export PNG…"), this);
    m_exportAction->setObjectName(QStringLiteral("exportAction"));
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setToolTip(
        tr("Save the usage chart as a PNG image (%1)")
            .arg(m_exportAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_exportAction, &QAction::triggered, this, &BudgetsPanel::showExportDialog);
    addAction(m_exportAction);
    auto *exportButton = new QToolButton(box);
    exportButton->setObjectName(QStringLiteral("exportButton"));
    exportButton->setDefaultAction(m_exportAction);
    exportButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    exportButton->setFocusPolicy(Qt::StrongFocus);
    row->addWidget(exportButton);

    connect(m_kindCombo, &QComboBox::currentIndexChanged, this, [this] {
        // Subjects of the other kind mean nothing here: back to all of them.
        const QSignalBlocker blocker(m_subjectCombo);
        m_subjectCombo->clear();
        m_subjectCombo->addItem(
            kind() == SubjectKind::Tenant ? tr("All tenants") : tr("All principals"), QString());
        onQueryChanged();
    });
    connect(m_subjectCombo, &QComboBox::currentIndexChanged, this, &BudgetsPanel::onQueryChanged);
    connect(m_metricCombo, &QComboBox::currentIndexChanged, this, &BudgetsPanel::onQueryChanged);
    connect(m_windowActions, &QActionGroup::triggered, this, &BudgetsPanel::onQueryChanged);
    return box;
}

QAction *BudgetsPanel::addWindowAction(Window window, const QString &text, int key)
{
    auto *action = new QAction(text, m_windowActions);
    action->setObjectName(QStringLiteral("windowAction") + QString::number(int(window)));
    action->setCheckable(true);
    action->setData(int(window));
    action->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(key)));
    action->setToolTip(tr("%1 (%2)").arg(UsageSeriesModel::windowTitle(window),
                                         action->shortcut().toString(QKeySequence::NativeText)));
    addAction(action); // the shortcut works wherever the focus is in the panel
    return action;
}

QWidget *BudgetsPanel::createUsageChart()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);

    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setAnimationOptions(QChart::NoAnimation); // live data must not wobble

    m_windowLine = new QLineSeries(m_chart); // owned by us, not by the area (Qt's rule)
    m_windowArea = new QAreaSeries(m_windowLine);
    m_windowArea->setObjectName(QStringLiteral("windowSeries"));
    m_stepLine = new QLineSeries;
    m_stepLine->setObjectName(QStringLiteral("stepSeries"));
    m_limitLine = new QLineSeries;
    m_limitLine->setObjectName(QStringLiteral("limitSeries"));

    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setObjectName(QStringLiteral("timeAxis"));
    m_timeAxis->setTickCount(7);
    m_valueAxis = new QValueAxis;
    m_valueAxis->setObjectName(QStringLiteral("valueAxis"));
    m_valueAxis->setMin(0);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    for (QAbstractSeries *s :
         std::initializer_list<QAbstractSeries *> { m_windowArea, m_stepLine, m_limitLine }) {
        m_chart->addSeries(s);
        s->attachAxis(m_timeAxis);
        s->attachAxis(m_valueAxis);
    }
    connect(m_windowArea, &QAreaSeries::hovered, this, &BudgetsPanel::onHovered);
    connect(m_stepLine, &QXYSeries::hovered, this, &BudgetsPanel::onHovered);

    m_chartView = new QChartView(m_chart, box);
    m_chartView->setObjectName(QStringLiteral("usageChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(150);
    m_chartView->setFocusPolicy(Qt::StrongFocus);
    m_chartView->setAccessibleName(tr("Usage chart"));
    m_chartView->setToolTip(tr("Left and Right step through the points; Home and End jump"));
    m_chartView->installEventFilter(this);
    layout->addWidget(m_chartView, 1);

    m_summaryLabel = new QLabel(box);
    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summaryLabel);
    m_hoverLabel = new QLabel(tr("Point at the chart to see exact values."), box);
    m_hoverLabel->setObjectName(QStringLiteral("hoverLabel"));
    m_hoverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_hoverLabel);
    return box;
}

QWidget *BudgetsPanel::createRejectionsChart()
{
    m_rejectionsChart = new QChart;
    m_rejectionsChart->setAnimationOptions(QChart::NoAnimation);
    m_rejectionsChart->legend()->hide();
    m_rejectionSet = new QBarSet(tr("Rejections"));
    m_rejectionSet->setObjectName(QStringLiteral("rejectionSet"));
    *m_rejectionSet << 0 << 0;
    // Horizontal, so the category names have room to be read.
    auto *series = new QHorizontalBarSeries;
    series->append(m_rejectionSet);
    series->setLabelsVisible(true);
    m_rejectionsChart->addSeries(series);
    auto *categories = new QBarCategoryAxis;
    categories->append({ tr("Rate limited"), tr("Over budget") });
    m_rejectionAxis = new QValueAxis;
    m_rejectionAxis->setLabelFormat(QStringLiteral("%d"));
    m_rejectionAxis->setTickType(QValueAxis::TicksDynamic);
    m_rejectionAxis->setTickAnchor(0);
    m_rejectionAxis->setRange(0, 1);
    m_rejectionsChart->addAxis(categories, Qt::AlignLeft);
    m_rejectionsChart->addAxis(m_rejectionAxis, Qt::AlignBottom);
    series->attachAxis(categories);
    series->attachAxis(m_rejectionAxis);
    connect(m_rejectionSet, &QBarSet::hovered, this, &BudgetsPanel::onRejectionHovered);

    auto *view = new QChartView(m_rejectionsChart, this);
    view->setObjectName(QStringLiteral("rejectionsChart"));
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 120);
    view->setAccessibleName(tr("Rejections chart"));
    return view;
}

QWidget *BudgetsPanel::createTopConsumers()
{
    m_topView = new QTableView(this);
    m_topView->setObjectName(QStringLiteral("topConsumersView"));
    m_topView->setAccessibleName(tr("Top consumers"));
    m_topView->setModel(m_topProxy);
    m_topView->setSortingEnabled(true);
    m_topView->sortByColumn(TopConsumersModel::RankColumn, Qt::AscendingOrder);
    m_topView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_topView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_topView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_topView->verticalHeader()->hide();
    m_topView->horizontalHeader()->setStretchLastSection(false);
    m_topView->horizontalHeader()->setSectionResizeMode(TopConsumersModel::SubjectColumn,
                                                        QHeaderView::Stretch);
    m_topView->horizontalHeader()->setSectionResizeMode(TopConsumersModel::RankColumn,
                                                        QHeaderView::ResizeToContents);
    m_topView->setToolTip(tr("Double-click or press Enter to chart a consumer"));
    connect(m_topView, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        selectSubject(index.data(TopConsumersModel::SubjectRole).toString());
    });
    return m_topView;
}

SubjectKind BudgetsPanel::kind() const
{
    return SubjectKind(m_kindCombo->currentData().toInt());
}

QString BudgetsPanel::subject() const
{
    return m_subjectCombo->currentData().toString();
}

Metric BudgetsPanel::metric() const
{
    return Metric(m_metricCombo->currentData().toInt());
}

Window BudgetsPanel::window() const
{
    const QAction *checked = m_windowActions->checkedAction();
    return checked ? Window(checked->data().toInt()) : Window::Hour;
}

void BudgetsPanel::selectSubject(const QString &subject)
{
    int index = m_subjectCombo->findData(subject);
    if (index < 0) {
        m_subjectCombo->addItem(subject, subject);
        index = m_subjectCombo->count() - 1;
    }
    m_subjectCombo->setCurrentIndex(index);
}

void BudgetsPanel::applyTheme()
{
    // Charts have themes of their own; follow the palette (light or dark, as the system is).
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const auto theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    m_chart->setTheme(theme); // resets series colours: ours are set again below
    m_rejectionsChart->setTheme(theme);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(70);
    m_windowArea->setBrush(fill);
    m_windowArea->setPen(QPen(accent, 2));
    m_limitLine->setPen(QPen(OutcomeDelegate::errorColor(palette()), 2, Qt::DashLine));
}

void BudgetsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

bool BudgetsPanel::eventFilter(QObject *watched, QEvent *event)
{
    // The keyboard's way to the exact values the mouse gets by hovering.
    if (watched != m_chartView || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    // The drawn points (the model may hold a newer answer not drawn yet).
    const int rows = int(std::min<qsizetype>(m_series->rowCount(), m_windowLine->count()));
    if (rows == 0)
        return false;
    const int last = rows - 1;
    int row = std::clamp(m_keyboardRow < 0 ? last : m_keyboardRow, 0, last);
    switch (static_cast<QKeyEvent *>(event)->key()) {
    case Qt::Key_Left:
        row = std::max(0, row - 1);
        break;
    case Qt::Key_Right:
        row = std::min(last, row + 1);
        break;
    case Qt::Key_Home:
        row = 0;
        break;
    case Qt::Key_End:
        row = last;
        break;
    default:
        return false;
    }
    m_keyboardRow = row;
    showValues(row, m_windowLine->at(row));
    return true;
}

void BudgetsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_rollTimer.start();
    if (m_stale)
        refreshNow();
}

void BudgetsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_rollTimer.stop();
    m_refreshTimer.stop();
    saveLayout();
}

void BudgetsPanel::onAvailabilityChanged()
{
    m_stale = true;
    if (isVisible())
        refreshNow();
}

void BudgetsPanel::onUsageChanged()
{
    if (!isVisible()) {
        m_stale = true; // no work while hidden; refreshed when shown
        return;
    }
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void BudgetsPanel::onQueryChanged()
{
    m_answered = false;
    m_keyboardRow = -1;
    m_hoverLabel->setText(tr("Point at the chart to see exact values."));
    m_stale = true;
    if (isVisible())
        refreshNow();
}

void BudgetsPanel::onRefreshTimer()
{
    if (isLoading()) { // one refresh at a time; try again shortly
        m_refreshTimer.start();
        return;
    }
    refreshNow();
}

void BudgetsPanel::refreshNow()
{
    m_stale = false;
    if (!m_service || !m_service->isAvailable()) {
        updateEmptyState();
        return;
    }
    const SubjectKind k = kind();
    const QString s = subject();
    const Window w = window();
    m_series->setQuery(k, s, metric(), w);
    m_rateLimited->setQuery(k, s, Metric::RateLimited, w);
    m_budgetRejected->setQuery(k, s, Metric::BudgetRejected, w);
    m_top->setQuery(k, metric(), w, TopCount);
    for (UsageSeriesModel *model : { m_series, m_rateLimited, m_budgetRejected })
        model->refresh();
    m_top->refresh();
    m_service->fetchSubjects(k, this, [this, k](const Result<QStringList> &answer) {
        if (answer && k == kind())
            onSubjects(*answer);
    });
}

void BudgetsPanel::onSubjects(const QStringList &subjects)
{
    // Rebuilt in place, keeping the choice (even a subject with no usage left).
    const QString current = subject();
    const QSignalBlocker blocker(m_subjectCombo);
    while (m_subjectCombo->count() > 1)
        m_subjectCombo->removeItem(1);
    for (const QString &s : subjects)
        m_subjectCombo->addItem(s, s);
    const int index = m_subjectCombo->findData(current);
    if (index >= 0) {
        m_subjectCombo->setCurrentIndex(index);
    } else {
        m_subjectCombo->addItem(current, current);
        m_subjectCombo->setCurrentIndex(m_subjectCombo->count() - 1);
    }
}

bool BudgetsPanel::isLoading() const
{
    return m_series->isLoading() || m_rateLimited->isLoading() || m_budgetRejected->isLoading()
        || m_top->isLoading();
}

bool BudgetsPanel::isUpToDate() const
{
    return m_answered && !isLoading();
}

void BudgetsPanel::onAnswered()
{
    if (isLoading())
        return; // draw once, when every answer is in
    m_answered = true;
    drawUsage();
    drawRejections();
    updateEmptyState();
    Q_EMIT refreshed();
}

void BudgetsPanel::drawUsage()
{
    const UsageSeriesModel &m = *m_series;
    const Metric met = m.metric();
    const Window w = m.window();
    QList<QPointF> steps;
    QList<QPointF> running;
    steps.reserve(m.rowCount());
    running.reserve(m.rowCount());
    const double half = double(m.stepMs()) / 2;
    for (int row = 0; row < m.rowCount(); ++row) {
        const QModelIndex index = m.index(row, 0);
        const double x = double(index.data(UsageSeriesModel::TimeMsRole).toLongLong()) + half;
        steps.append(QPointF(x, index.data(UsageSeriesModel::ValueRole).toDouble()));
        running.append(QPointF(x, index.data(UsageSeriesModel::InWindowRole).toDouble()));
    }
    // replace() updates the drawn series in one step: no flicker on live updates.
    m_stepLine->replace(steps);
    m_windowLine->replace(running);
    const QString title = UsageSeriesModel::metricTitle(met);
    m_stepLine->setName(tr("%1 %2").arg(title, stepPhrase(w)));
    m_windowArea->setName(tr("%1 in the window so far").arg(title));

    const std::optional<double> limit = m.limit();
    if (limit) {
        m_limitLine->replace(
            { QPointF(double(m.fromMs()), *limit), QPointF(double(m.toMs()), *limit) });
        m_limitLine->setName(w == Window::Hour ? tr("Hourly budget") : tr("Daily budget"));
    } else {
        m_limitLine->clear();
    }
    m_limitLine->setVisible(limit.has_value());

    m_timeAxis->setFormat(w == Window::Week ? QStringLiteral("ddd HH:mm")
                                            : QStringLiteral("HH:mm"));
    if (m.toMs() > m.fromMs())
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(m.fromMs()),
                             QDateTime::fromMSecsSinceEpoch(m.toMs()));
    double top = std::max(m.maxValue(), limit.value_or(0)) * 1.15;
    if (top <= 0)
        top = met == Metric::Cost ? 1 : 5;
    m_valueAxis->setRange(0, top);
    m_valueAxis->applyNiceNumbers();
    m_valueAxis->setLabelFormat(met == Metric::Cost ? QStringLiteral("%.1f")
                                                    : QStringLiteral("%.0f"));

    const QString who = m.subject().isEmpty()
        ? (m.kind() == SubjectKind::Tenant ? tr("all tenants") : tr("all principals"))
        : m.subject();
    m_chart->setTitle(tr("%1 of %2, %3").arg(title, who, windowPhrase(w)));

    const QString used = UsageSeriesModel::formatValue(met, m.total());
    if (limit) {
        const double percent = *limit > 0 ? 100.0 * m.total() / *limit : 0;
        m_summaryLabel->setText(tr("%1 in %2 of a budget of %3 (%4% used).")
                                    .arg(used, windowPhrase(w),
                                         UsageSeriesModel::formatValue(met, *limit),
                                         QLocale().toString(percent, 'f', 0)));
    } else if (m.subject().isEmpty()) {
        m_summaryLabel->setText(tr("%1 in %2 across %3. Budgets apply to each one: pick one to see "
                                   "its usage against its budget.")
                                    .arg(used, windowPhrase(w), who));
    } else if (w == Window::Week) {
        m_summaryLabel->setText(tr("%1 in %2. Budgets count per hour and per day; pick Hour "
                                   "(Alt+1) or Day (Alt+2) to see them.")
                                    .arg(used, windowPhrase(w)));
    } else {
        m_summaryLabel->setText(tr("%1 in %2; no budget limits this metric in this window.")
                                    .arg(used, windowPhrase(w)));
    }
}

void BudgetsPanel::drawRejections()
{
    const double rateLimited = m_rateLimited->total();
    const double overBudget = m_budgetRejected->total();
    m_rejectionSet->replace(0, rateLimited);
    m_rejectionSet->replace(1, overBudget);
    // Whole counts: ticks at whole numbers, about four of them.
    const double most = std::max(rateLimited, overBudget);
    const double interval = std::max(1.0, std::ceil(most / 4));
    m_rejectionAxis->setTickInterval(interval);
    m_rejectionAxis->setRange(0, interval * std::max(1.0, std::ceil(most * 1.2 / interval)));
    m_rejectionsChart->setTitle(tr("Rejections in %1").arg(windowPhrase(m_series->window())));
}

void BudgetsPanel::updateEmptyState()
{
    QString message;
    if (!m_service) {
        message = tr("This server does not report usage, so there is nothing to chart here.");
    } else if (!m_service->isAvailable()) {
        const bool starting = m_server && m_server->state() == ServerInterface::State::Starting;
        message = starting ? tr("The server is starting…")
                           : tr("The server is stopped. Start it (Server ▸ Start, F5) to see usage "
                                "against its budgets.");
    } else if (!m_series->errorText().isEmpty()) {
        message = tr("The usage could not be read: %1").arg(m_series->errorText());
    } else if (m_answered && m_series->subject().isEmpty() && m_series->total() == 0
               && m_top->rowCount() == 0 && m_rateLimited->total() == 0
               && m_budgetRejected->total() == 0) {
        message = tr("No usage in %1 yet. It shows here a few seconds after an agent calls a "
                     "tool; pick a longer window (Alt+2, Alt+3) to look further back.")
                      .arg(windowPhrase(window()));
    }
    m_emptyLabel->setText(message);
    m_content->setCurrentWidget(message.isEmpty() ? static_cast<QWidget *>(m_splitter)
                                                  : m_emptyLabel);
    m_exportAction->setEnabled(message.isEmpty());
}

void BudgetsPanel::onHovered(const QPointF &point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    showValues(m_series->rowAt(qint64(point.x())), point);
}

void BudgetsPanel::showValues(int row, const QPointF &point)
{
    const QString text = m_series->describeRow(row);
    if (text.isEmpty())
        return;
    m_hoverLabel->setText(QString(text).replace(QLatin1Char('\n'), QStringLiteral("; ")));
    const QPoint at = m_chartView->mapFromScene(m_chart->mapToPosition(point, m_windowArea));
    QToolTip::showText(m_chartView->viewport()->mapToGlobal(at), text, m_chartView);
}

void BudgetsPanel::onRejectionHovered(bool state, int index)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    const Metric met = index == 0 ? Metric::RateLimited : Metric::BudgetRejected;
    const QString text = tr("%1 in %2")
                             .arg(UsageSeriesModel::formatValue(met, m_rejectionSet->at(index)),
                                  windowPhrase(m_series->window()));
    m_hoverLabel->setText(text);
    QToolTip::showText(QCursor::pos(), text, this);
}

void BudgetsPanel::showExportDialog()
{
    if (!m_exportAction->isEnabled())
        return;
    QSettings settings;
    const QString dir =
        settings
            .value(ExportDirKey, QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
            .toString();
    const QString name = QStringLiteral("warden-%1-%2.png")
                             .arg(QString::fromUtf8(limits::metricName(metric()).data()),
                                  QString::fromUtf8(limits::windowName(window()).data()));
    auto *dialog =
        new QFileDialog(this, tr("Export the usage chart"), dir, tr("PNG images (*.png)"));
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("png"));
    dialog->selectFile(QDir(dir).filePath(name));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QSettings().setValue(ExportDirKey, QFileInfo(path).absolutePath());
        exportChart(path);
    });
    dialog->open();
}

void BudgetsPanel::exportChart(const QString &path)
{
    // Grabbed here (widgets belong to the GUI thread), encoded and written on a worker.
    const QImage image = m_chartView->grab().toImage();
    m_statusLabel->setText(tr("Saving the chart to %1…").arg(QDir::toNativeSeparators(path)));
    QPointer<BudgetsPanel> self(this);
    QThreadPool::globalInstance()->start([self, image, path] {
        QImageWriter writer(path, "png");
        const QString error = writer.write(image) ? QString() : writer.errorString();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, path, error] {
                if (!self)
                    return;
                const QString shown = QDir::toNativeSeparators(path);
                self->m_statusLabel->setText(
                    error.isEmpty() ? tr("Saved the chart to %1.").arg(shown)
                                    : tr("Could not save the chart to %1 (%2). Choose a folder you "
                                         "can write to.")
                                          .arg(shown, error));
                Q_EMIT self->exported(path, error);
            },
            Qt::QueuedConnection);
    });
}

void BudgetsPanel::restoreLayout()
{
    QSettings settings;
    m_savedSplitter = settings.value(SplitterKey).toByteArray();
    m_savedBottomSplitter = settings.value(BottomSplitterKey).toByteArray();
    m_savedHeader = settings.value(HeaderKey).toByteArray();
    if (!m_savedSplitter.isEmpty())
        m_splitter->restoreState(m_savedSplitter);
    if (!m_savedBottomSplitter.isEmpty())
        m_bottomSplitter->restoreState(m_savedBottomSplitter);
    if (!m_savedHeader.isEmpty())
        m_topView->horizontalHeader()->restoreState(m_savedHeader);
}

void BudgetsPanel::saveLayout()
{
    if (!m_layoutChanged)
        return;
    m_layoutChanged = false;
    QSettings settings;
    const auto save = [&settings](const QString &key, QByteArray &saved, const QByteArray &now) {
        if (now != saved) {
            settings.setValue(key, now);
            saved = now;
        }
    };
    save(SplitterKey, m_savedSplitter, m_splitter->saveState());
    save(BottomSplitterKey, m_savedBottomSplitter, m_bottomSplitter->saveState());
    save(HeaderKey, m_savedHeader, m_topView->horizontalHeader()->saveState());
}

} // namespace warden
