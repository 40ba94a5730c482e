#include "../core/AuditWorld.h"
#include "AuditDetailController.h"
#include "AuditJobController.h"
#include "AuditPanel.h"
#include "AuditTableModel.h"
#include "Screenshot.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace warden;
using namespace warden::test;

// The audit log viewer driven as an operator would, over a real trail written by AuditLog.
class TestAuditPanel : public QObject
{
    Q_OBJECT

    static constexpr int kCount = 300;
    std::unique_ptr<AuditWorld> m_world;
    std::vector<audit::AuditRecord> m_all;

    template<typename T> static T *child(QWidget &panel, const char *name)
    {
        auto *w = panel.findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no child %s", name);
        return w;
    }

    // The panel over a service, shown at a size that fits the filter bar and the detail pane.
    struct Viewer
    {
        explicit Viewer(const ServerConfig &config)
            : service(config)
            , panel(&service)
        {
            panel.resize(1280, 760);
            panel.show();
        }
        EmbeddedAuditService service;
        AuditPanel panel;
    };

    static QString countText(QWidget &panel)
    {
        return child<QLabel>(panel, "auditCountLabel")->text();
    }

    static int expectedCount(const std::vector<audit::AuditRecord> &all,
                             const audit::AuditFilter &f)
    {
        return int(expectedSeqs(all, f, audit::AuditQuery::Order::NewestFirst).size());
    }

    // Types into a filter field and presses Enter, as an operator does.
    static void typeFilter(QLineEdit *edit, const QString &text)
    {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
    }

    // The panel's screenshot; the PostgreSQL run's beside SQLite's.
    static void shot(QWidget &panel, const QString &name)
    {
        saveScreenshot(&panel, auditTestsOnPostgres() ? name + QStringLiteral("-postgres") : name);
    }

    static void clickRow(QTableView *table, int row)
    {
        const QModelIndex index = table->model()->index(row, AuditTableModel::SeqColumn);
        QTRY_VERIFY(index.data(AuditTableModel::LoadedRole).toBool());
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
    }

    static std::int64_t shownSeq(QTableView *table, int row)
    {
        return table->model()->index(row, AuditTableModel::SeqColumn).data().toLongLong();
    }

private Q_SLOTS:
    void init()
    {
        // Filters are kept across runs: every test starts from none.
        QSettings().remove(QStringLiteral("AuditPanel/filters"));
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_world = std::make_unique<AuditWorld>();
        QVERIFY(m_world->open());
        QVERIFY(m_world->write(0, kCount));
        m_all = m_world->all();
    }

    void filtersFromTheKeyboard()
    {
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        auto *table = child<QTableView>(panel, "auditTable");
        QTRY_COMPARE(table->model()->index(0, AuditTableModel::SeqColumn).data().toLongLong(),
                     m_all.back().seq);

        typeFilter(child<QLineEdit>(panel, "principalEdit"), QStringLiteral("alice"));
        audit::AuditFilter f;
        f.principal = "alice";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QTRY_VERIFY(table->model()->index(0, AuditTableModel::PrincipalColumn).data().toString()
                    == QLatin1String("alice"));
        for (int row = 0; row < 20; ++row)
            QCOMPARE(table->model()->index(row, AuditTableModel::PrincipalColumn).data().toString(),
                     QStringLiteral("alice"));

        // Outcome from the keyboard: Down twice picks "error".
        auto *outcome = child<QComboBox>(panel, "outcomeBox");
        outcome->setFocus();
        QTest::keyClick(outcome, Qt::Key_Down);
        QTest::keyClick(outcome, Qt::Key_Down);
        QCOMPARE(outcome->currentText(), QStringLiteral("error"));
        f.outcome = "error";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));

        // Typing without Enter applies the filter after a short pause.
        QTest::keyClicks(child<QLineEdit>(panel, "errorCodeEdit"), QStringLiteral("QUERY_TIMEOUT"));
        f.errorCode = "QUERY_TIMEOUT";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        shot(panel, QStringLiteral("audit-panel-filtered"));

        // A time the panel cannot read is named; one in the future selects nothing.
        typeFilter(child<QLineEdit>(panel, "fromEdit"), QStringLiteral("yesterday"));
        auto *error = child<QLabel>(panel, "auditErrorLabel");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("yesterday")), qPrintable(error->text()));
        QTest::mouseClick(child<QPushButton>(panel, "clearFiltersButton"), Qt::LeftButton);
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        QVERIFY(!error->isVisible());
        typeFilter(child<QLineEdit>(panel, "fromEdit"), QStringLiteral("2999-01-01"));
        QTRY_COMPARE(countText(panel), QStringLiteral("0 records"));
        typeFilter(child<QLineEdit>(panel, "fromEdit"), QStringLiteral("2000-01-01 00:00"));
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
    }

    void everyRecordKindIsOfferedWithALabel()
    {
        Viewer viewer(m_world->config);
        auto *kind = child<QComboBox>(viewer.panel, "kindBox");
        QCOMPARE(kind->itemData(0).toString(), QString()); // Any
        QCOMPARE(kind->count(), int(std::size(audit::kind::All)) + 1);
        for (std::string_view k : audit::kind::All) {
            const QString name = QString::fromLatin1(k.data(), qsizetype(k.size()));
            const int at = kind->findData(name);
            QVERIFY2(at > 0, qPrintable(name));
            // a kind shown under its bare name has no label in AuditPanel yet
            QVERIFY2(kind->itemText(at) != name, qPrintable(name));
        }
    }

    void sessionAndKindFromTheKeyboard()
    {
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.activateWindow();
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));

        // Alt+I reaches the session field through its label's mnemonic.
        auto *session = child<QLineEdit>(panel, "sessionEdit");
        QTest::keyClick(&panel, Qt::Key_I, Qt::AltModifier);
        QTRY_VERIFY(session->hasFocus());
        QTest::keyClicks(session, QStringLiteral("s-12"));
        QTest::keyClick(session, Qt::Key_Return);
        audit::AuditFilter f;
        f.session = "s-12";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QCOMPARE(expectedCount(m_all, f), 10);

        // Alt+D reaches the kind; Down picks the first kind, call requests.
        auto *kind = child<QComboBox>(panel, "kindBox");
        QTest::keyClick(&panel, Qt::Key_D, Qt::AltModifier);
        QTRY_VERIFY(kind->hasFocus());
        QTest::keyClick(kind, Qt::Key_Down);
        QCOMPARE(kind->currentData().toString(), QStringLiteral("request"));
        f.kind = "request";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        auto *table = child<QTableView>(panel, "auditTable");
        const auto want = expectedSeqs(m_all, f, audit::AuditQuery::Order::NewestFirst);
        for (int row = 0; row < int(want.size()); ++row) {
            QTRY_COMPARE(shownSeq(table, row), want[std::size_t(row)]);
            QCOMPARE(table->model()->index(row, AuditTableModel::KindColumn).data().toString(),
                     QStringLiteral("request"));
        }
        clickRow(table, 0);
        auto *link = child<QLabel>(panel, "sessionLink");
        QTRY_VERIFY2(link->text().contains(QStringLiteral(">s-12<")), qPrintable(link->text()));
        shot(panel, QStringLiteral("audit-session-filter"));

        // Clear filters empties both.
        QTest::mouseClick(child<QPushButton>(panel, "clearFiltersButton"), Qt::LeftButton);
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        QVERIFY(session->text().isEmpty());
        QCOMPARE(kind->currentIndex(), 0);
    }

    void clickingASessionShowsOnlyIt()
    {
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        auto *table = child<QTableView>(panel, "auditTable");
        clickRow(table, 5);
        const std::int64_t seq = shownSeq(table, 5);
        const std::string session = m_all[std::size_t(seq - 1)].body["session"].get<std::string>();
        auto *link = child<QLabel>(panel, "sessionLink");
        QTRY_VERIFY2(link->text().contains(QString::fromStdString(">" + session + "<")),
                     qPrintable(link->text()));

        // A click on the session id narrows the list to that session.
        const int x = link->fontMetrics().horizontalAdvance(QString::fromStdString(session)) / 2;
        QTest::mouseClick(link, Qt::LeftButton, {}, QPoint(x, link->height() / 2));
        QCOMPARE(child<QLineEdit>(panel, "sessionEdit")->text(), QString::fromStdString(session));
        audit::AuditFilter f;
        f.session = session;
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QTRY_COMPARE(shownSeq(table, 0), expectedSeqs(m_all, f, audit::AuditQuery::Order::NewestFirst)[0]);

        // From the keyboard: Tab from the record to its session, Enter.
        QTest::mouseClick(child<QPushButton>(panel, "clearFiltersButton"), Qt::LeftButton);
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        clickRow(table, 17);
        f.session = m_all[std::size_t(shownSeq(table, 17) - 1)].body["session"].get<std::string>();
        QTRY_VERIFY(link->text().contains(QString::fromStdString(">" + *f.session + "<")));
        auto *detail = child<QPlainTextEdit>(panel, "detailText");
        detail->setFocus(Qt::TabFocusReason);
        QTest::keyClick(detail, Qt::Key_Tab);
        QTRY_VERIFY(link->hasFocus());
        QTest::keyClick(link, Qt::Key_Return); // the link has the focus: Enter follows it
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QCOMPARE(child<QLineEdit>(panel, "sessionEdit")->text(), QString::fromStdString(*f.session));

        // The table's context action does the same for another record.
        QTest::mouseClick(child<QPushButton>(panel, "clearFiltersButton"), Qt::LeftButton);
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));
        auto *action = panel.findChild<QAction *>(QStringLiteral("filterSessionAction"));
        QVERIFY(action);
        QVERIFY(table->actions().contains(action));
        QVERIFY(!action->isEnabled()); // no record selected
        clickRow(table, 42);
        const std::int64_t other = shownSeq(table, 42);
        f.session = m_all[std::size_t(other - 1)].body["session"].get<std::string>();
        QTRY_VERIFY(action->isEnabled());
        action->trigger();
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QCOMPARE(child<QLineEdit>(panel, "sessionEdit")->text(), QString::fromStdString(*f.session));
    }

    void filtersAreKeptAcrossRuns()
    {
        audit::AuditFilter f;
        f.session = "s-7";
        f.kind = "outcome";
        f.principal = "bob";
        {
            Viewer viewer(m_world->config);
            AuditPanel &panel = viewer.panel;
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            typeFilter(child<QLineEdit>(panel, "sessionEdit"), QStringLiteral("s-7"));
            typeFilter(child<QLineEdit>(panel, "principalEdit"), QStringLiteral("bob"));
            typeFilter(child<QLineEdit>(panel, "fromEdit"), QStringLiteral("2000-01-01"));
            auto *kind = child<QComboBox>(panel, "kindBox");
            kind->setFocus();
            QTest::keyClick(kind, Qt::Key_Down);
            QTest::keyClick(kind, Qt::Key_Down);
            QCOMPARE(kind->currentData().toString(), QStringLiteral("outcome"));
            QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        }
        // Opened again, the panel shows the same records, but not the time range (kept days
        // later it would hide whatever came since).
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QCOMPARE(child<QLineEdit>(panel, "sessionEdit")->text(), QStringLiteral("s-7"));
        QCOMPARE(child<QLineEdit>(panel, "principalEdit")->text(), QStringLiteral("bob"));
        QCOMPARE(child<QComboBox>(panel, "kindBox")->currentData().toString(), QStringLiteral("outcome"));
        QVERIFY(child<QLineEdit>(panel, "fromEdit")->text().isEmpty());
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));
        QVERIFY(expectedCount(m_all, f) > 0 && expectedCount(m_all, f) < kCount);
    }

    void detailAndCheckAValue()
    {
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // Records with a redacted value: search for the HMAC prefix.
        typeFilter(child<QLineEdit>(panel, "textEdit"), QStringLiteral("hmac-sha256"));
        audit::AuditFilter f;
        f.text = "hmac-sha256";
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(expectedCount(m_all, f)));

        auto *table = child<QTableView>(panel, "auditTable");
        clickRow(table, 2);
        const std::int64_t seq =
            table->model()->index(2, AuditTableModel::SeqColumn).data().toLongLong();
        auto *detail = child<QPlainTextEdit>(panel, "detailText");
        QTRY_VERIFY(detail->toPlainText().contains(QStringLiteral("\"seq\": %1").arg(seq)));
        QVERIFY(detail->toPlainText().contains(QStringLiteral("hmac-sha256:")));
        QVERIFY(detail->toPlainText().contains(QStringLiteral("previous hash: ")));
        QVERIFY(!detail->toPlainText().contains(QString::fromLatin1(kRedactedValue)));
        auto *checkLabel = child<QLabel>(panel, "checkLabel");
        QCOMPARE(checkLabel->text(), QStringLiteral("1 redacted value in this record."));

        auto *checkEdit = child<QLineEdit>(panel, "checkEdit");
        QVERIFY(checkEdit->isEnabled());
        checkEdit->setFocus();
        QTest::keyClicks(checkEdit, QString::fromLatin1(kRedactedValue));
        QTest::keyClick(checkEdit, Qt::Key_Return);
        QTRY_VERIFY2(checkLabel->text().startsWith(QStringLiteral("Match")),
                     qPrintable(checkLabel->text()));
        QVERIFY(checkLabel->text().contains(QStringLiteral("/arguments/email")));
        shot(panel, QStringLiteral("audit-panel-detail"));

        checkEdit->selectAll();
        QTest::keyClicks(checkEdit, QStringLiteral("eve@example.com"));
        QTest::mouseClick(child<QPushButton>(panel, "checkButton"), Qt::LeftButton);
        QTRY_VERIFY2(checkLabel->text().startsWith(QStringLiteral("No match")),
                     qPrintable(checkLabel->text()));

        // Moving with the keyboard shows the next record.
        table->setFocus();
        QTest::keyClick(table->viewport(), Qt::Key_Down);
        const std::int64_t next =
            table->model()->index(3, AuditTableModel::SeqColumn).data().toLongLong();
        QTRY_VERIFY(detail->toPlainText().contains(QStringLiteral("\"seq\": %1").arg(next)));
    }

    void verifyAndExport()
    {
        Viewer viewer(m_world->config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(kCount));

        auto *jobLabel = child<QLabel>(panel, "jobLabel");
        QTest::mouseClick(child<QPushButton>(panel, "verifyButton"), Qt::LeftButton);
        QTRY_VERIFY2(
            jobLabel->text().startsWith(QStringLiteral("Chain intact: %1 records").arg(kCount)),
            qPrintable(jobLabel->text()));
        QCOMPARE(panel.jobs()->outcome(), AuditJobController::Outcome::Succeeded);
        shot(panel, QStringLiteral("audit-panel"));

        // Export what the filter selects, from the keyboard (Ctrl+E), as JSON Lines, then CSV.
        typeFilter(child<QLineEdit>(panel, "toolEdit"), QStringLiteral("db_get"));
        audit::AuditFilter f;
        f.tool = "db_get";
        const int n = expectedCount(m_all, f);
        QTRY_COMPARE(countText(panel), QStringLiteral("%1 records").arg(n));
        QString target = m_world->dir() + QStringLiteral("/export.jsonl");
        panel.setExportTarget([&target](QWidget *) { return target; });
        panel.activateWindow();
        QTest::keyClick(&panel, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY2(jobLabel->text().startsWith(QStringLiteral("Exported %1 records").arg(n)),
                     qPrintable(jobLabel->text()));
        QFile jsonl(target);
        QVERIFY(jsonl.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = jsonl.readAll().split('\n');
        QCOMPARE(lines.size(), n + 1); // the last line ends with a newline
        const Json first = Json::parse(lines[0].toStdString());
        QCOMPARE(first["record"]["target"].get<std::string>(), std::string("db_get"));

        target = m_world->dir() + QStringLiteral("/export.csv");
        QTest::mouseClick(child<QPushButton>(panel, "exportButton"), Qt::LeftButton);
        // "Exporting to …export.csv" while it runs, "Exported N records to …export.csv" after.
        QTRY_VERIFY2(jobLabel->text().startsWith(QStringLiteral("Exported %1 records").arg(n))
                         && jobLabel->text().contains(QStringLiteral("export.csv")),
                     qPrintable(jobLabel->text()));
        QCOMPARE(panel.jobs()->outcome(), AuditJobController::Outcome::Succeeded);
        QFile csv(target);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count("\r\n"),
                 qsizetype(n + 1)); // a header row, then one row per record

        // A folder that does not exist: the reason, no crash.
        target = m_world->dir() + QStringLiteral("/missing/folder/x.jsonl");
        QTest::mouseClick(child<QPushButton>(panel, "exportButton"), Qt::LeftButton);
        QTRY_VERIFY2(jobLabel->text().startsWith(QStringLiteral("Could not export")),
                     qPrintable(jobLabel->text()));
    }

    void tailKeepsWhatTheOperatorReads()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 400));
        Viewer viewer(world.config);
        viewer.service.setAuditLog(world.log);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(countText(panel), QStringLiteral("400 records"));
        auto *table = child<QTableView>(panel, "auditTable");
        QScrollBar *bar = table->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 200);

        // Scrolled away from the top: new records arrive above without moving the rows in view.
        bar->setValue(200);
        const int top = table->rowAt(0);
        table->model()->index(top, 0).data();
        QTRY_VERIFY(panel.model()->seqAt(top) != 0);
        const std::int64_t reading = panel.model()->seqAt(top);
        QVERIFY(world.write(400, 25));
        QTRY_COMPARE(countText(panel), QStringLiteral("425 records"));
        QCOMPARE(table->rowAt(0), top + 25);
        table->model()->index(top + 25, 0).data();
        QTRY_COMPARE(panel.model()->seqAt(top + 25), reading);

        // At the top: the newest record shows.
        bar->setValue(0);
        QVERIFY(world.write(425, 5));
        QTRY_COMPARE(countText(panel), QStringLiteral("430 records"));
        QCOMPARE(table->rowAt(0), 0);
        QTRY_COMPARE(table->model()->index(0, AuditTableModel::SeqColumn).data().toLongLong(),
                     world.log->lastSeq());
    }

    void tamperedTrailFailsVerification()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 80));
        world.log->close();
        // Someone edits record 42 behind the server's back.
        QVERIFY(world.tamper("UPDATE audit_records SET body = replace(body, 'tools/call', "
                             "'tools/list') WHERE seq = 42"));

        Viewer viewer(world.config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTest::mouseClick(child<QPushButton>(panel, "verifyButton"), Qt::LeftButton);
        auto *jobLabel = child<QLabel>(panel, "jobLabel");
        QTRY_VERIFY2(jobLabel->text().startsWith(QStringLiteral("Chain broken at record 42")),
                     qPrintable(jobLabel->text()));
        QCOMPARE(panel.jobs()->brokenSeq(), std::int64_t(42));
        shot(panel, QStringLiteral("audit-panel-verify-broken"));
    }

    void noTrailYetSaysWhatToDo()
    {
        const auto [config, advice] = m_world->missingTrail();
        Viewer viewer(config);
        AuditPanel &panel = viewer.panel;
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *error = child<QLabel>(panel, "auditErrorLabel");
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(error->text().contains(advice), qPrintable(error->text()));
        QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("deleteButton")));
    }

    void layoutIsRestored()
    {
        QByteArray header;
        {
            EmbeddedAuditService service(m_world->config);
            AuditPanel panel(&service);
            auto *table = child<QTableView>(panel, "auditTable");
            table->horizontalHeader()->resizeSection(AuditTableModel::ToolColumn, 211);
            header = table->horizontalHeader()->saveState();
        }
        EmbeddedAuditService service(m_world->config);
        AuditPanel panel(&service);
        QCOMPARE(child<QTableView>(panel, "auditTable")
                     ->horizontalHeader()
                     ->sectionSize(AuditTableModel::ToolColumn),
                 211);
    }
};

QTEST_MAIN(TestAuditPanel)
#include "TestAuditPanel.moc"
