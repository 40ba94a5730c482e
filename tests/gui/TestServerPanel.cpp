#include "FakeServer.h"
#include "Screenshot.h"
#include "OutcomeDelegate.h"
#include "RequestLogModel.h"
#include "ServerPanel.h"
#include "ServerStatusController.h"
#include "StateIndicator.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace warden;
using warden::test::FakeServer;
using State = ServerInterface::State;

namespace {

RequestEvent request(const QString &method, const QString &target, const QString &outcome,
                     qint64 us)
{
    static int n = 0;
    RequestEvent e;
    e.time = QDateTime(QDate(2025, 6, 18), QTime(14, 2, 7), Qt::UTC).addMSecs(137 * ++n);
    e.transport = QStringLiteral("http");
    e.method = method;
    e.target = target;
    e.outcome = outcome;
    e.durationUs = us;
    return e;
}

// How many pixels in `rect` of `image` are close to `color`: text drawn in that colour.
int pixelsNear(const QImage &image, const QRect &rect, const QColor &color)
{
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                    + std::abs(c.blue() - color.blue())
                < 40)
                ++n;
        }
    }
    return n;
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        FakeServer server;
        ServerStatusController status { &server };
        ServerPanel panel { &status };

        template<typename T> T *find(const char *name)
        {
            auto *w = panel.findChild<T *>(QString::fromLatin1(name));
            if (!w)
                qFatal("no widget %s", name);
            return w;
        }
    };

    std::unique_ptr<World> makeWorld()
    {
        auto world = std::make_unique<World>();
        world->panel.resize(960, 640);
        world->panel.show();
        if (!QTest::qWaitForWindowExposed(&world->panel))
            return nullptr;
        return world;
    }

    static void screenshot(QWidget *widget, const QString &name)
    {
        QVERIFY(!test::saveScreenshot(widget, name).isEmpty());
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void startAndStopButtonsDriveTheServer()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *start = w->find<QPushButton>("startButton");
        auto *stop = w->find<QPushButton>("stopButton");
        auto *state = w->find<StateIndicator>("stateIndicator");
        auto *endpoint = w->find<QLineEdit>("endpointEdit");
        auto *copy = w->find<QPushButton>("copyEndpointButton");

        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QVERIFY(start->isEnabled());
        QVERIFY(!stop->isEnabled());
        QVERIFY(endpoint->text().isEmpty());
        QVERIFY(!copy->isEnabled());
        QCOMPARE(w->find<QLabel>("databaseLabel")->text(),
                 QStringLiteral("SQLite /home/ada/.local/share/warden/warden/demo/shop.db"));
        screenshot(&w->panel, QStringLiteral("server-panel-stopped"));

        w->server.manualStart = true;
        QTest::mouseClick(start, Qt::LeftButton);
        QCOMPARE(w->server.startCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Starting…"));
        QVERIFY(!start->isEnabled());
        QVERIFY(stop->isEnabled());

        w->server.setState(State::Running);
        QCOMPARE(state->text(), QStringLiteral("Running"));
        QCOMPARE(endpoint->text(), QStringLiteral("http://127.0.0.1:8765/mcp"));
        QVERIFY(endpoint->isReadOnly());
        QVERIFY(copy->isEnabled());
        QVERIFY(!start->isEnabled());

        QTest::mouseClick(stop, Qt::LeftButton);
        QCOMPARE(w->server.stopCalls, 1);
        QCOMPARE(state->text(), QStringLiteral("Stopped"));
        QVERIFY(endpoint->text().isEmpty());
        QVERIFY(start->isEnabled());
    }

    void mnemonicsWork()
    {
        auto w = makeWorld();
        QVERIFY(w);
        w->panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w->panel));
        QTest::keyClick(&w->panel, Qt::Key_T, Qt::AltModifier);
        QTRY_COMPARE(w->server.startCalls, 1);
        QCOMPARE(w->server.state(), State::Running);
        QTest::keyClick(&w->panel, Qt::Key_O, Qt::AltModifier);
        QTRY_COMPARE(w->server.stopCalls, 1);
    }

    void errorsShowInTheBanner()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *banner = w->find<QFrame>("errorBanner");
        auto *label = w->find<QLabel>("errorLabel");
        QVERIFY(!banner->isVisible());

        const QString message =
            QStringLiteral("Port 8765 is in use: choose another port or stop the other program");
        w->server.startFailure = message;
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(banner->isVisible());
        QCOMPARE(label->text(), message);
        QCOMPARE(w->find<StateIndicator>("stateIndicator")->text(), QStringLiteral("Failed"));
        QVERIFY(w->find<QPushButton>("startButton")->isEnabled());
        screenshot(&w->panel, QStringLiteral("server-panel-error"));

        QTest::mouseClick(w->find<QToolButton>("dismissErrorButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());

        // A later error while running shows again; a successful restart clears it.
        w->server.startFailure.clear();
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        Q_EMIT w->server.errorOccurred(
            QStringLiteral("The audit store is unavailable: check disk space"));
        QVERIFY(banner->isVisible());
        QCOMPARE(label->text(), QStringLiteral("The audit store is unavailable: check disk space"));
    }

    // Anonymous development access is announced for as long as the server runs that way,
    // and cannot be dismissed.
    void securityNoticeStaysWhileRunning()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *banner = w->find<QFrame>("securityBanner");
        QVERIFY(!banner->isVisible());
        const QString notice = QStringLiteral("Development mode: HTTP callers need no credentials and act as local.");
        w->server.setSecurityNotice(notice);
        QTest::mouseClick(w->find<QPushButton>("startButton"), Qt::LeftButton);
        QVERIFY(banner->isVisible());
        QCOMPARE(w->find<QLabel>("securityLabel")->text(), notice);
        QVERIFY(!banner->findChild<QToolButton *>());
        QTest::mouseClick(w->find<QPushButton>("stopButton"), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
    }

    void countersAndRequestsFollowTheServer()
    {
        auto w = makeWorld();
        QVERIFY(w);
        auto *stack = w->find<QStackedWidget>("requestsStack");
        auto *table = w->find<QTableView>("requestTable");
        auto *placeholder = w->find<QLabel>("requestsPlaceholder");
        QCOMPARE(stack->currentWidget(), placeholder);

        w->server.start();
        QVERIFY(placeholder->text().contains(QStringLiteral("No requests yet")));
        w->server.setCounters(0, 0, 2);
        QTRY_COMPARE(w->find<QLabel>("sessionCountLabel")->text(), QStringLiteral("2"));

        const QList<RequestEvent> events = {
            request(QStringLiteral("initialize"), {}, QStringLiteral("ok"), 420),
            request(QStringLiteral("tools/list"), {}, QStringLiteral("ok"), 610),
            request(QStringLiteral("tools/call"), QStringLiteral("db_describe_schema"),
                    QStringLiteral("ok"), 3'800),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"), QStringLiteral("ok"),
                    12'400),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"),
                    QStringLiteral("FIELD_NOT_ALLOWED"), 900),
            request(QStringLiteral("tools/call"), QStringLiteral("db_aggregate"),
                    QStringLiteral("ok"), 48'200),
            request(QStringLiteral("resources/read"), QStringLiteral("warden://schema/orders"),
                    QStringLiteral("ok"), 1'100),
            request(QStringLiteral("tools/call"), QStringLiteral("db_get"),
                    QStringLiteral("NOT_FOUND"), 2'300),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"),
                    QStringLiteral("BUDGET_EXCEEDED"), 650),
            request(QStringLiteral("tools/call"), QStringLiteral("db_query"), QStringLiteral("ok"),
                    1'250'000),
        };
        for (const RequestEvent &e : events)
            w->server.complete(e);

        QTRY_COMPARE(w->find<QLabel>("requestCountLabel")->text(), QStringLiteral("10"));
        QCOMPARE(w->find<QLabel>("errorCountLabel")->text(), QStringLiteral("3"));
        QTRY_COMPARE(table->model()->rowCount(), 10);
        QCOMPARE(stack->currentWidget(), table);
        QCOMPARE(table->model()->index(0, RequestLogModel::TargetColumn).data().toString(),
                 QStringLiteral("db_query"));
        QVERIFY(w->find<QPushButton>("clearRequestsButton")->isEnabled());

        // Outcomes are coloured by the delegate from the model's semantic role.
        QCoreApplication::processEvents();
        const QImage shot = table->viewport()->grab().toImage();
        const qreal dpr = shot.devicePixelRatio();
        const auto cell = [&](int row) {
            const QRect r =
                table->visualRect(table->model()->index(row, RequestLogModel::OutcomeColumn));
            return QRect((r.topLeft() * dpr), (r.size() * dpr));
        };
        const QColor red = OutcomeDelegate::errorColor(table->palette());
        const QColor green = OutcomeDelegate::okColor(table->palette());
        QVERIFY(pixelsNear(shot, cell(1), red) > 10); // BUDGET_EXCEEDED
        QCOMPARE(pixelsNear(shot, cell(1), green), 0);
        QVERIFY(pixelsNear(shot, cell(0), green) > 5); // ok
        QCOMPARE(pixelsNear(shot, cell(0), red), 0);

        screenshot(&w->panel, QStringLiteral("server-panel-running"));

        QTest::mouseClick(w->find<QPushButton>("clearRequestsButton"), Qt::LeftButton);
        QCOMPARE(table->model()->rowCount(), 0);
        QCOMPARE(stack->currentWidget(), placeholder);
    }

    void copiesTheEndpoint()
    {
        auto w = makeWorld();
        QVERIFY(w);
        w->server.start();
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(w->find<QPushButton>("copyEndpointButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("http://127.0.0.1:8765/mcp"));
    }
};

QTEST_MAIN(TestServerPanel)
#include "TestServerPanel.moc"
