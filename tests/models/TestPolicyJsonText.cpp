#include "PolicyJsonText.h"

#include <QTest>

using namespace warden;

class TestPolicyJsonText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips()
    {
        const Json doc { { "version", 1 },
                         { "tables", Json { { "b", Json::object() }, { "a", Json::object() } } } };
        const QString text = PolicyJsonText::format(doc);
        QVERIFY(text.endsWith(QLatin1Char('\n')));
        QVERIFY(text.indexOf(QStringLiteral("\"b\""))
                < text.indexOf(QStringLiteral("\"a\""))); // the author's order
        const auto parsed = PolicyJsonText::parse(text);
        QVERIFY(parsed.document);
        QVERIFY(*parsed.document == doc);
        QVERIFY(parsed.error.isEmpty());
    }

    void syntaxErrorsNameTheLine()
    {
        const auto parsed =
            PolicyJsonText::parse(QStringLiteral("{\n  \"version\": 1,\n  \"tables\": {,}\n}\n"));
        QVERIFY(!parsed.document);
        QCOMPARE(parsed.line, 3);
        QVERIFY(parsed.column > 1);
        QVERIFY2(parsed.error.startsWith(QStringLiteral("Line 3, column")),
                 qPrintable(parsed.error));
    }

    void findsWhereAPointerIs()
    {
        const Json doc { { "version", 1 },
                         { "defaults", Json { { "budget", Json { { "max_rows", 5 } } } } },
                         { "column_rules",
                           Json::array({ Json { { "match", "*a/b*" }, { "action", "deny" } } }) },
                         { "tables", Json { { "max_rows", Json::object() } } } };
        const QString text = PolicyJsonText::format(doc);
        const qsizetype budget =
            PolicyJsonText::offsetOf(text, QStringLiteral("/defaults/budget/max_rows"));
        QVERIFY(text.mid(budget).startsWith(QStringLiteral("\"max_rows\": 5")));
        const qsizetype action =
            PolicyJsonText::offsetOf(text, QStringLiteral("/column_rules/0/action"));
        QVERIFY(text.mid(action).startsWith(QStringLiteral("\"action\": \"deny\"")));
        // The later "max_rows" key under tables is found from its own parent.
        const qsizetype table = PolicyJsonText::offsetOf(text, QStringLiteral("/tables/max_rows"));
        QVERIFY(table > budget);
        QCOMPARE(PolicyJsonText::offsetOf(text, QString()), qsizetype(0));
        QCOMPARE(PolicyJsonText::offsetOf(text, QStringLiteral("/nothing")), qsizetype(-1));
    }

    void duplicateKeysAreRefused()
    {
        const auto parsed =
            PolicyJsonText::parse(QStringLiteral("{\"version\": 1, \"version\": 2}"));
        QVERIFY(!parsed.document);
        QVERIFY2(parsed.error.contains(QStringLiteral("duplicate")), qPrintable(parsed.error));
    }
};

QTEST_GUILESS_MAIN(TestPolicyJsonText)
#include "TestPolicyJsonText.moc"
