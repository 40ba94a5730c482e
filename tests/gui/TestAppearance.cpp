#include "Appearance.h"

#include <QApplication>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTest>

using namespace warden;

// The light/dark choice: what it does to the application's palette and style, that it is kept
// across starts, and how the desktop portal's answer is read. The test has no desktop portal
// (no session bus), which is also what "follow the system" must survive.
class TestAppearance : public QObject
{
    Q_OBJECT

private:
    static bool windowIsDark() { return QApplication::palette().color(QPalette::Window).lightness() < 128; }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void followsThePlatformWithoutAPortal()
    {
        const QPalette before = QApplication::palette();
        Appearance appearance;
        QCOMPARE(appearance.scheme(), Appearance::Scheme::System);
        QVERIFY(!appearance.systemPrefersDark().has_value());
        QCOMPARE(appearance.isDark(), before.color(QPalette::Window).lightness() < 128);
        QCOMPARE(QApplication::palette().color(QPalette::Window), before.color(QPalette::Window));
    }

    void darkAndLightAreAppliedAndKept()
    {
        {
            Appearance appearance;
            QSignalSpy changed(&appearance, &Appearance::changed);
            QLabel label(QStringLiteral("text"));
            appearance.setScheme(Appearance::Scheme::Dark);
            QCOMPARE(changed.count(), 1);
            QVERIFY(appearance.isDark());
            QVERIFY(windowIsDark());
            QCOMPARE(QApplication::style()->name(), QStringLiteral("fusion"));
            // Widgets see it: text stays readable on its background.
            const QPalette p = label.palette();
            QVERIFY(qAbs(p.color(QPalette::WindowText).lightness() - p.color(QPalette::Window).lightness()) > 120);
        }
        QCOMPARE(QSettings().value(QStringLiteral("Appearance/scheme")).toString(), QStringLiteral("dark"));
        {
            // The next start applies the saved choice before anything is shown.
            Appearance appearance;
            QCOMPARE(appearance.scheme(), Appearance::Scheme::Dark);
            QVERIFY(windowIsDark());
            appearance.setScheme(Appearance::Scheme::Light);
            QVERIFY(!appearance.isDark());
            QVERIFY(!windowIsDark());
        }
        QCOMPARE(QSettings().value(QStringLiteral("Appearance/scheme")).toString(), QStringLiteral("light"));
    }

    void darkPaletteIsReadable()
    {
        const QPalette dark = Appearance::darkPalette();
        for (const auto &[fg, bg] : { std::pair { QPalette::Text, QPalette::Base },
                                      std::pair { QPalette::WindowText, QPalette::Window },
                                      std::pair { QPalette::ButtonText, QPalette::Button },
                                      std::pair { QPalette::HighlightedText, QPalette::Highlight } }) {
            const int contrast = dark.color(fg).lightness() - dark.color(bg).lightness();
            QVERIFY2(contrast > 100, qPrintable(QStringLiteral("roles %1/%2: %3").arg(fg).arg(bg).arg(contrast)));
        }
        QVERIFY(dark.color(QPalette::Disabled, QPalette::Text) != dark.color(QPalette::Active, QPalette::Text));
    }

    void readsThePortalsColorScheme()
    {
        QCOMPARE(Appearance::prefersDarkFromPortal(1), std::optional<bool>(true));
        QCOMPARE(Appearance::prefersDarkFromPortal(2), std::optional<bool>(false));
        QCOMPARE(Appearance::prefersDarkFromPortal(0), std::optional<bool>());
        QCOMPARE(Appearance::prefersDarkFromPortal(7), std::optional<bool>());
    }

    void unknownSavedValueMeansSystem()
    {
        QSettings().setValue(QStringLiteral("Appearance/scheme"), QStringLiteral("purple"));
        Appearance appearance;
        QCOMPARE(appearance.scheme(), Appearance::Scheme::System);
    }
};

QTEST_MAIN(TestAppearance)
#include "TestAppearance.moc"
