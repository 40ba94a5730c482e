#pragma once

#include "limits/Usage.h"

#include <QByteArray>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAction;
class QActionGroup;
class QAreaSeries;
class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTableView;
class QValueAxis;

namespace warden {

class ServerInterface;
class TopConsumersModel;
class UsageSeriesModel;
class UsageService;

// The Budgets panel: usage of one principal or tenant (or all of them) over the last hour,
// day or week against its budget, its rejections (rate limited, over budget), and the top
// consumers. Reads the server's UsageService only; refreshes live while shown (coalesced,
// in place), does nothing while hidden. Hovering the chart shows exact values; the chart can
// be exported as PNG.
class BudgetsPanel : public QWidget
{
    Q_OBJECT
public:
    // Usage changes come about once a second; a burst becomes one refresh after this delay.
    static constexpr int RefreshDelayMs = 250;
    // Even without traffic the window moves on: redraw this often while shown.
    static constexpr int RollIntervalMs = 30'000;

    explicit BudgetsPanel(ServerInterface *server, QWidget *parent = nullptr);
    ~BudgetsPanel() override;

    UsageSeriesModel *usageSeries() const { return m_series; }
    TopConsumersModel *topConsumers() const { return m_top; }
    QChartView *chartView() const { return m_chartView; }
    // Whether the charts show the answers to the current choice (none is on its way).
    bool isUpToDate() const;

    // Writes the usage chart as it is shown to `path` (PNG) off the GUI thread; exported()
    // follows.
    void exportChart(const QString &path);

Q_SIGNALS:
    // An export finished: `error` is empty on success, else what went wrong and what to do.
    void exported(const QString &path, const QString &error);
    // A refresh's answers have all been applied (tests wait for this).
    void refreshed();

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *createControls();
    void applyTheme();
    QWidget *createUsageChart();
    QWidget *createRejectionsChart();
    QWidget *createTopConsumers();
    QAction *addWindowAction(limits::Window window, const QString &text, int key);

    limits::SubjectKind kind() const;
    QString subject() const;
    limits::Metric metric() const;
    limits::Window window() const;
    void selectSubject(const QString &subject);

    void onAvailabilityChanged();
    void onUsageChanged();
    void onQueryChanged();
    void onRefreshTimer();
    void refreshNow();
    bool isLoading() const;
    void onAnswered();
    void onSubjects(const QStringList &subjects);
    void drawUsage();
    void drawRejections();
    void updateEmptyState();
    void onHovered(const QPointF &point, bool state);
    // The exact values of a step in the hover label and a tooltip at `point` (chart values).
    void showValues(int row, const QPointF &point);
    void onRejectionHovered(bool state, int index);
    void showExportDialog();

    void restoreLayout();
    void saveLayout();

    QPointer<ServerInterface> m_server;
    QPointer<UsageService> m_service;
    UsageSeriesModel *m_series;
    UsageSeriesModel *m_rateLimited;
    UsageSeriesModel *m_budgetRejected;
    TopConsumersModel *m_top;
    QSortFilterProxyModel *m_topProxy;

    QComboBox *m_kindCombo = nullptr;
    QComboBox *m_subjectCombo = nullptr;
    QComboBox *m_metricCombo = nullptr;
    QActionGroup *m_windowActions = nullptr;
    QAction *m_exportAction = nullptr;
    QStackedWidget *m_content = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QLabel *m_hoverLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_bottomSplitter = nullptr;
    QTableView *m_topView = nullptr;

    QChart *m_chart = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_stepLine = nullptr;
    QLineSeries *m_windowLine = nullptr;
    QAreaSeries *m_windowArea = nullptr;
    QLineSeries *m_limitLine = nullptr;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_valueAxis = nullptr;
    QChart *m_rejectionsChart = nullptr;
    QBarSet *m_rejectionSet = nullptr;
    QValueAxis *m_rejectionAxis = nullptr;

    QTimer m_refreshTimer; // coalesces usage changes
    QTimer m_rollTimer; // moves the window on while shown
    bool m_stale = true; // something changed while hidden
    bool m_answered = false; // the models hold answers for the current query
    int m_keyboardRow = -1; // the point the arrow keys are on, -1 before the first key
    bool m_layoutChanged = false; // by the user, since restored or saved
    QByteArray m_savedSplitter;
    QByteArray m_savedBottomSplitter;
    QByteArray m_savedHeader;
};

} // namespace warden
