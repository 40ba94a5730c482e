// The Budgets panel against a real embedded Server on a small SQLite database with budgets
// configured: real tool calls over HTTP move the charts live, keyboard switches metric,
// window and subject, hovering shows exact values, and the chart exports as PNG.

#include "../McpTestClient.h"
#include "BudgetsPanel.h"
#include "Screenshot.h"
#include "TopConsumersModel.h"
#include "UsageSeriesModel.h"
#include "config/ServerConfig.h"
#include "limits/UsageMeter.h"
#include "policy/Principal.h"
#include "server/Server.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QAreaSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include <sqlite3.h>

using namespace warden;
using limits::Metric;
using limits::SubjectKind;
using limits::Window;

namespace {

constexpr int HourCallBudget = 4;
constexpr int HourRowBudget = 100;
constexpr int DayRowBudget = 1000;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// The principal the server's anonymous development callers act as: the local one, marked.
Principal anonymousPrincipal()
{
    Principal p;
    p.userId = "ada";
    p.tenantId = "acme";
    p.authMethod = "anonymous-dev";
    return p;
}

double sumOfY(const QLineSeries *series)
{
    double sum = 0;
    for (const QPointF &p : series->points())
        sum += p.y();
    return sum;
}

} // namespace

class TestBudgetsPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // A development-mode server over people.db with budgets; its state files carry `name`.
    ServerConfig config(const QString &name) const
    {
        const std::string n = name.toStdString();
        const Json budgets = Json {
            { "principal",
              Json { { "hour", Json { { "calls", HourCallBudget }, { "rows", HourRowBudget } } },
                     { "day", Json { { "rows", DayRowBudget } } } } },
            { "tenant", Json { { "hour", Json { { "calls", 40 } } } } }
        };
        const Json doc = Json {
            { "version", 1 },
            { "database",
              Json { { "driver", "sqlite" }, { "path", "people.db" }, { "pool_size", 1 } } },
            { "policy", "policy.json" },
            { "policy_history", "state/" + n + "-history.db" },
            { "mode", "development" },
            { "auth", Json { { "anonymous", true } } },
            { "local_principal", Json { { "user_id", "ada" }, { "tenant_id", "acme" } } },
            { "audit", Json { { "path", "state/" + n + "-audit.db" } } },
            { "limits",
              Json { { "budgets", budgets },
                     { "usage_store",
                       Json { { "path", "state/" + n + "-usage.db" },
                              { "flush_interval_ms", 100 } } } } },
            { "transports",
              Json { { "http", Json { { "enabled", true }, { "listen", "127.0.0.1:0" } } } } }
        };
        const QString file = path(QStringLiteral("warden-%1.json").arg(name));
        if (!writeFile(file, QByteArray::fromStdString(doc.dump(2))))
            qFatal("cannot write the configuration");
        auto c = ServerConfig::load(file);
        if (!c)
            qFatal("configuration refused: %s", c.error().message.c_str());
        return *c;
    }

    static bool activate(QWidget &w)
    {
        w.resize(1100, 760);
        w.show();
        w.activateWindow();
        return QTest::qWaitForWindowActive(&w);
    }

    template<typename T> static T *find(QWidget &panel, const char *name)
    {
        auto *w = panel.findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no %s", name);
        return w;
    }

    // Chart items are no QObject children of the panel: found through their chart.
    template<typename T> static T *seriesIn(QWidget &panel, const char *view, const char *name)
    {
        for (QAbstractSeries *s : find<QChartView>(panel, view)->chart()->series())
            if (s->objectName() == QLatin1String(name))
                return qobject_cast<T *>(s);
        qFatal("no series %s", name);
    }

    static QBarSet *rejectionSet(QWidget &panel)
    {
        auto *bars = qobject_cast<QAbstractBarSeries *>(
            find<QChartView>(panel, "rejectionsChart")->chart()->series().value(0));
        if (!bars || bars->barSets().isEmpty())
            qFatal("no rejection bars");
        return bars->barSets().constFirst();
    }

    static QString emptyText(QWidget &panel)
    {
        auto *content = find<QStackedWidget>(panel, "budgetsContent");
        auto *label = find<QLabel>(panel, "emptyLabel");
        return content->currentWidget() == label ? label->text() : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        sqlite3 *db = nullptr;
        QCOMPARE(
            sqlite3_open(QFile::encodeName(path(QStringLiteral("people.db"))).constData(), &db),
            SQLITE_OK);
        const char *sql =
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, national_id TEXT);"
            "INSERT INTO people VALUES (1, 'Ada', '123-45-6789'), (2, 'Bob', '987-65-4321'),"
            " (3, 'Cy', '555-55-5555');";
        QCOMPARE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        const Json policy = Json {
            { "version", 1 },
            { "tables",
              Json { { "people",
                       Json { { "columns",
                                Json { { "national_id", Json { { "action", "deny" } } } } } } } } }
        };
        QVERIFY(writeFile(path(QStringLiteral("policy.json")),
                          QByteArray::fromStdString(policy.dump(2))));
    }

    // Stopped: the panel says how to start; once running without traffic, that there is none
    // yet and how to look further back.
    void emptyStatesSayWhatToDo()
    {
        Server server(config(QStringLiteral("empty")), Server::Options {});
        BudgetsPanel panel(&server);
        QVERIFY(activate(panel));
        QVERIFY2(emptyText(panel).contains(QStringLiteral("The server is stopped")),
                 qPrintable(emptyText(panel)));
        QVERIFY(emptyText(panel).contains(QStringLiteral("F5")));
        QVERIFY(!find<QAction>(panel, "exportAction")->isEnabled());
        test::saveScreenshot(&panel, QStringLiteral("budgets-stopped"));

        QVERIFY(server.startNow().ok());
        QTRY_VERIFY2(emptyText(panel).contains(QStringLiteral("No usage in the last hour yet")),
                     qPrintable(emptyText(panel)));
        QVERIFY(emptyText(panel).contains(QStringLiteral("Alt+2")));
        test::saveScreenshot(&panel, QStringLiteral("budgets-no-traffic"));
        server.stop();
        QTRY_VERIFY(emptyText(panel).contains(QStringLiteral("The server is stopped")));
    }

    void chartsRealCallsAgainstTheBudget()
    {
        Server server(config(QStringLiteral("calls")), Server::Options {});
        QVERIFY(server.startNow().ok());
        limits::UsageMeter *meter = server.usageMeter();
        QVERIFY(meter);
        const std::string subject = limits::principalSubject(anonymousPrincipal());
        const QString qsubject = QString::fromStdString(subject);

        BudgetsPanel panel(&server);
        QVERIFY(activate(panel));
        QTRY_VERIFY(emptyText(panel).contains(QStringLiteral("No usage")));

        // Real tool calls until the hourly call budget refuses one, and one rate-limit refusal.
        test::McpClient client(server.httpPort());
        QVERIFY(client.open());
        const Json list =
            Json { { "table", "people" }, { "select", Json::array({ "id", "name" }) } };
        for (int i = 0; i < HourCallBudget; ++i)
            QVERIFY(client.callTool("db_query", list).contains("rows"));
        const Json refused = client.callTool("db_query", list);
        QCOMPARE(QString::fromStdString(refused["error"]["code"].get<std::string>()),
                 QStringLiteral("BUDGET_EXCEEDED"));
        meter->recordRejection(anonymousPrincipal(), limits::RejectionKind::RateLimited);
        const auto used = meter->usage(SubjectKind::Principal, subject).hour;
        QCOMPARE(used.calls, std::int64_t(HourCallBudget));
        QCOMPARE(used.rows, std::int64_t(3 * HourCallBudget));

        // Live: the server flushes, the panel refreshes by itself (all principals first).
        UsageSeriesModel *series = panel.usageSeries();
        QTRY_COMPARE(series->total(), double(used.calls));
        QTRY_VERIFY(emptyText(panel).isEmpty());
        auto *topView = find<QTableView>(panel, "topConsumersView");
        QTRY_COMPARE(topView->model()->rowCount(), 1);
        QCOMPARE(topView->model()->index(0, TopConsumersModel::SubjectColumn).data().toString(),
                 qsubject);
        QCOMPARE(topView->model()->index(0, TopConsumersModel::ValueColumn).data().toString(),
                 QString::number(used.calls));
        auto *limitLine = seriesIn<QLineSeries>(panel, "usageChart", "limitSeries");
        QVERIFY(!limitLine->isVisible()); // budgets are per subject, not for all of them

        // Pick the principal from the keyboard: Alt+B focuses the subject, typing picks it.
        auto *subjectCombo = find<QComboBox>(panel, "subjectCombo");
        QTest::keyClick(&panel, Qt::Key_B, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), subjectCombo);
        QTest::keyClicks(subjectCombo, QStringLiteral("anon"));
        QCOMPARE(subjectCombo->currentData().toString(), qsubject);
        QTRY_VERIFY(series->subject() == qsubject && panel.isUpToDate());

        auto *stepLine = seriesIn<QLineSeries>(panel, "usageChart", "stepSeries");
        auto *area = seriesIn<QAreaSeries>(panel, "usageChart", "windowSeries");
        QCOMPARE(stepLine->count(), 60);
        QCOMPARE(sumOfY(stepLine), double(HourCallBudget));
        QCOMPARE(area->upperSeries()->count(), 60);
        QCOMPARE(area->upperSeries()->at(59).y(), double(HourCallBudget));
        QVERIFY(limitLine->isVisible());
        QCOMPARE(limitLine->count(), 2);
        QCOMPARE(limitLine->at(0).y(), double(HourCallBudget));
        QCOMPARE(limitLine->at(1).y(), double(HourCallBudget));
        QCOMPARE(limitLine->pen().style(), Qt::DashLine);
        QCOMPARE(qint64(limitLine->at(0).x()), series->fromMs());
        QCOMPARE(qint64(limitLine->at(1).x()), series->toMs());
        auto *summary = find<QLabel>(panel, "summaryLabel");
        QVERIFY2(summary->text().contains(
                     QStringLiteral("4 calls in the last hour of a budget of 4 calls (100% used)")),
                 qPrintable(summary->text()));
        auto *rejections = rejectionSet(panel);
        QCOMPARE(rejections->at(0), 1.0); // rate limited
        QCOMPARE(rejections->at(1), 1.0); // over budget

        // Hovering the running total shows the exact values in a tooltip.
        QChartView *view = panel.chartView();
        const QPointF last = area->upperSeries()->at(59);
        // Inside the filled area, a quarter step before the last point (the area rises to it).
        const QPointF lower(last.x() - double(series->stepMs()) / 4, last.y() / 4);
        const QPoint at = view->mapFromScene(view->chart()->mapToPosition(lower, area));
        // The mouse as the platform moves it (QTest::mouseMove only moves the offscreen cursor).
        QMouseEvent move(QEvent::MouseMove, QPointF(at), QPointF(view->viewport()->mapToGlobal(at)),
                         Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
        auto *hover = find<QLabel>(panel, "hoverLabel");
        QTRY_VERIFY2(hover->text().contains(
                         QStringLiteral("4 calls in the window up to here (budget 4 calls)")),
                     qPrintable(hover->text()));
        QTRY_VERIFY2(QToolTip::text().contains(QStringLiteral("4 calls in the window up to here")),
                     qPrintable(QToolTip::text()));
        test::saveScreenshot(&panel, QStringLiteral("budgets-principal-hour"));

        // The keyboard steps through the same values: End is the last point, Left the one before.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_End);
        QCOMPARE(hover->text(),
                 series->describeRow(59).replace(QLatin1Char('\n'), QStringLiteral("; ")));
        QTest::keyClick(view, Qt::Key_Left);
        QCOMPARE(hover->text(),
                 series->describeRow(58).replace(QLatin1Char('\n'), QStringLiteral("; ")));
        QVERIFY(
            hover->text().contains(QStringLiteral("in the window up to here (budget 4 calls)")));

        // Metric and window from the keyboard.
        auto *metricCombo = find<QComboBox>(panel, "metricCombo");
        QTest::keyClick(&panel, Qt::Key_M, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), metricCombo);
        QTest::keyClick(metricCombo, Qt::Key_Down);
        QTRY_VERIFY(series->metric() == Metric::Rows && panel.isUpToDate());
        QCOMPARE(series->total(), double(used.rows));
        QCOMPARE(limitLine->at(0).y(), double(HourRowBudget));
        QCOMPARE(sumOfY(stepLine), double(used.rows));

        QTest::keyClick(&panel, Qt::Key_2, Qt::AltModifier);
        QTRY_VERIFY(series->window() == Window::Day && panel.isUpToDate());
        QCOMPARE(stepLine->count(), 96);
        QCOMPARE(limitLine->at(0).y(), double(DayRowBudget));
        QCOMPARE(series->total(), double(used.rows));

        QTest::keyClick(&panel, Qt::Key_3, Qt::AltModifier);
        QTRY_VERIFY(series->window() == Window::Week && panel.isUpToDate());
        QCOMPARE(stepLine->count(), 168);
        QVERIFY(!limitLine->isVisible());
        QVERIFY2(summary->text().contains(QStringLiteral("Budgets count per hour and per day")),
                 qPrintable(summary->text()));
        test::saveScreenshot(&panel, QStringLiteral("budgets-principal-week"));

        QTest::keyClick(&panel, Qt::Key_1, Qt::AltModifier);
        QTest::keyClick(&panel, Qt::Key_M, Qt::AltModifier);
        QTest::keyClick(metricCombo, Qt::Key_Up);
        QTRY_VERIFY(series->window() == Window::Hour && series->metric() == Metric::Calls
                    && panel.isUpToDate());

        // Export PNG (Ctrl+E): the file is a PNG of the chart's size.
        const QString png = path(QStringLiteral("exported/budgets.png"));
        QVERIFY(QDir().mkpath(QFileInfo(png).absolutePath()));
        QSignalSpy exported(&panel, &BudgetsPanel::exported);
        QTest::keyClick(&panel, Qt::Key_E, Qt::ControlModifier);
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = panel.findChild<QFileDialog *>(QStringLiteral("exportDialog"))));
        dialog->selectFile(png);
        const QPointer<QFileDialog> open(dialog);
        static_cast<QDialog *>(dialog)->accept(); // as the Save button does
        QTRY_VERIFY(!open); // closed and gone
        QTRY_COMPARE(exported.count(), 1);
        QCOMPARE(exported.at(0).at(0).toString(), png);
        QCOMPARE(exported.at(0).at(1).toString(), QString());
        QImageReader reader(png);
        QCOMPARE(reader.format(), QByteArray("png"));
        const QImage image = reader.read();
        QVERIFY2(!image.isNull(), qPrintable(reader.errorString()));
        QCOMPARE(image.size(), view->size() * view->devicePixelRatio());
        QVERIFY(
            find<QLabel>(panel, "statusLabel")->text().contains(QStringLiteral("Saved the chart")));

        // Tenants: pick one from the top consumers table with Enter.
        panel.activateWindow(); // a desktop does this when the dialog closes; offscreen does not
        QTRY_COMPARE(QApplication::activeWindow(), &panel);
        auto *kindCombo = find<QComboBox>(panel, "kindCombo");
        QTest::keyClick(&panel, Qt::Key_K, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), kindCombo);
        QTest::keyClick(kindCombo, Qt::Key_Down);
        QCOMPARE(subjectCombo->itemText(0), QStringLiteral("All tenants"));
        QTRY_VERIFY(series->kind() == SubjectKind::Tenant && panel.isUpToDate());
        QCOMPARE(topView->model()->rowCount(), 1);
        QCOMPARE(topView->model()
                     ->headerData(TopConsumersModel::SubjectColumn, Qt::Horizontal)
                     .toString(),
                 QStringLiteral("Tenant"));
        topView->setFocus();
        topView->setCurrentIndex(topView->model()->index(0, TopConsumersModel::SubjectColumn));
        QTest::keyClick(topView, Qt::Key_Return);
        QCOMPARE(subjectCombo->currentData().toString(), QStringLiteral("acme"));
        QTRY_VERIFY(series->subject() == QStringLiteral("acme") && panel.isUpToDate());
        QCOMPARE(series->total(), double(meter->usage(SubjectKind::Tenant, "acme").hour.calls));
        QCOMPARE(limitLine->at(0).y(), 40.0);
        test::saveScreenshot(&panel, QStringLiteral("budgets-tenant-hour"));

        server.stop();
        QTRY_VERIFY(emptyText(panel).contains(QStringLiteral("The server is stopped")));
    }

    // Splitters and the top consumers' sort come back as the user left them.
    void layoutIsRestored()
    {
        Server server(config(QStringLiteral("layout")), Server::Options {});
        QVERIFY(server.startNow().ok());
        server.usageMeter()->record(anonymousPrincipal(), 3, 1.5);
        QVERIFY(server.usageMeter()->flush().ok());
        QList<int> sizes;
        {
            BudgetsPanel panel(&server);
            QVERIFY(activate(panel));
            QTRY_VERIFY(panel.isUpToDate() && emptyText(panel).isEmpty());
            auto *header = find<QTableView>(panel, "topConsumersView")->horizontalHeader();
            const QPoint section(header->sectionViewportPosition(TopConsumersModel::ValueColumn)
                                     + 5,
                                 header->height() / 2);
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, section);
            QCOMPARE(header->sortIndicatorSection(), int(TopConsumersModel::ValueColumn));

            // Drag the handle between the usage chart and the rest 60 pixels down.
            auto *splitter = find<QSplitter>(panel, "budgetsSplitter");
            QSplitterHandle *handle = splitter->handle(1);
            const QPoint from = handle->rect().center();
            const QPoint to = from + QPoint(0, 60);
            const auto send = [handle](QEvent::Type type, QPoint at, Qt::MouseButtons buttons) {
                QMouseEvent e(type, QPointF(at), QPointF(handle->mapToGlobal(at)), Qt::LeftButton,
                              buttons, Qt::NoModifier);
                QApplication::sendEvent(handle, &e);
            };
            const QList<int> before = splitter->sizes();
            send(QEvent::MouseButtonPress, from, Qt::LeftButton);
            send(QEvent::MouseMove, to, Qt::LeftButton);
            send(QEvent::MouseButtonRelease, to, Qt::NoButton);
            sizes = splitter->sizes();
            QCOMPARE(sizes.value(0), before.value(0) + 60);
        }
        BudgetsPanel panel(&server);
        QVERIFY(activate(panel));
        QTRY_VERIFY(panel.isUpToDate());
        QCOMPARE(
            find<QTableView>(panel, "topConsumersView")->horizontalHeader()->sortIndicatorSection(),
            int(TopConsumersModel::ValueColumn));
        QCOMPARE(find<QSplitter>(panel, "budgetsSplitter")->sizes(), sizes);
    }

    // Hidden, the panel does no work; shown again, it catches up at once.
    void noWorkWhileHidden()
    {
        Server server(config(QStringLiteral("hidden")), Server::Options {});
        QVERIFY(server.startNow().ok());
        BudgetsPanel panel(&server);
        QVERIFY(activate(panel));
        QTRY_VERIFY(emptyText(panel).contains(QStringLiteral("No usage")));
        panel.hide();

        QSignalSpy refreshed(&panel, &BudgetsPanel::refreshed);
        QSignalSpy usageChanged(server.usageService(), &UsageService::usageChanged);
        test::McpClient client(server.httpPort());
        QVERIFY(client.open());
        QVERIFY(client.callTool("db_query", Json { { "table", "people" } }).contains("rows"));
        QVERIFY(usageChanged.wait(5000));
        QTest::qWait(2 * BudgetsPanel::RefreshDelayMs);
        QCOMPARE(refreshed.count(), 0);

        panel.show();
        QTRY_COMPARE(panel.usageSeries()->total(), 1.0);
        QTRY_VERIFY(emptyText(panel).isEmpty());
    }
};

QTEST_MAIN(TestBudgetsPanel)
#include "TestBudgetsPanel.moc"
