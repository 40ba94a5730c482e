#include "Appearance.h"
#include "LabelTint.h"
#include "OutcomeDelegate.h"

#include <QApplication>
#include <QLabel>
#include <QTest>

using namespace warden;

// A tinted label keeps its outcome colour readable across a light/dark switch, and a label
// tinted back to plain follows the palette again.
class TestLabelTint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsThePalette()
    {
        QApplication::setPalette(Appearance::lightPalette());
        QLabel label(QStringLiteral("failed"));
        tintLabel(&label, Tint::Error);
        QCOMPARE(label.palette().color(QPalette::WindowText),
                 OutcomeDelegate::errorColor(Appearance::lightPalette()));

        QApplication::setPalette(Appearance::darkPalette());
        QTRY_COMPARE(label.palette().color(QPalette::WindowText),
                     OutcomeDelegate::errorColor(Appearance::darkPalette()));

        tintLabel(&label, Tint::Ok);
        QCOMPARE(label.palette().color(QPalette::WindowText),
                 OutcomeDelegate::okColor(Appearance::darkPalette()));
        tintLabel(&label, Tint::None);
        QCOMPARE(label.palette().color(QPalette::WindowText),
                 Appearance::darkPalette().color(QPalette::WindowText));
        QCOMPARE(label.children().size(), 1); // one keeper, however often it is tinted
    }
};

QTEST_MAIN(TestLabelTint)
#include "TestLabelTint.moc"
