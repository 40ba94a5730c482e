#include "common/StrictJson.h"

#include <QTest>

using namespace warden;

class TestStrictJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesValidDocument()
    {
        auto r = StrictJson::parse(R"({"a":1,"b":[true,null,"x"],"c":{"d":2.5}})");
        QVERIFY(r.ok());
        QCOMPARE(r->at("a").get<int>(), 1);
        QCOMPARE(r->at("b").size(), std::size_t(3));
        QCOMPARE(r->at("c").at("d").get<double>(), 2.5);
    }

    void keepsKeyOrder()
    {
        auto r = StrictJson::parse(R"({"z":1,"a":2})");
        QVERIFY(r.ok());
        QCOMPARE(QString::fromStdString(r->begin().key()), QStringLiteral("z"));
    }

    void rejectsDuplicateKeys_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("where");
        QTest::newRow("top") << QByteArray(R"({"id":1,"id":2})") << QStringLiteral("the top level");
        QTest::newRow("nested") << QByteArray(R"({"params":{"name":"a","name":"b"}})") << QStringLiteral("/params");
        QTest::newRow("in-array") << QByteArray(R"({"a":[{"k":1},{"k":1,"k":2}]})") << QStringLiteral("/a/1");
        // past the linear-scan threshold the set-based check must still catch it
        QByteArray many = "{";
        for (int i = 0; i < 40; ++i)
            many += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ",";
        many += "\"k7\":0}";
        QTest::newRow("many-keys") << many << QStringLiteral("the top level");
    }
    void rejectsDuplicateKeys()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, where);
        auto r = StrictJson::parse(std::string_view(text.constData(), std::size_t(text.size())));
        QVERIFY(!r.ok());
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains(QStringLiteral("duplicate key")), qPrintable(msg));
        QVERIFY2(msg.contains(where), qPrintable(msg));
    }

    void rejectsDeepNesting()
    {
        std::string deep(100, '[');
        deep += std::string(100, ']');
        JsonLimits limits;
        limits.maxDepth = 64;
        auto r = StrictJson::parse(deep, limits);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(QStringLiteral("deeper than 64")));
        limits.maxDepth = 128;
        QVERIFY(StrictJson::parse(deep, limits).ok());
    }

    void rejectsOversizedInput()
    {
        JsonLimits limits;
        limits.maxBytes = 10;
        auto r = StrictJson::parse(R"({"a":"0123456789"})", limits);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(QStringLiteral("limit is 10")));
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("truncated") << QByteArray(R"({"a":)");
        QTest::newRow("trailing") << QByteArray(R"({"a":1} x)");
        QTest::newRow("bad-utf8") << QByteArray("{\"a\":\"\xff\"}");
        QTest::newRow("lone-surrogate") << QByteArray(R"({"a":"\ud800"})");
        QTest::newRow("single-quotes") << QByteArray("{'a':1}");
    }
    void rejectsMalformed()
    {
        QFETCH(QByteArray, text);
        auto r = StrictJson::parse(std::string_view(text.constData(), std::size_t(text.size())));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!r.error().message.empty());
    }

    void dumpNeverEmitsRawNewlines()
    {
        Json j = {{"text", "line1\nline2"}, {"bad", std::string("\xff")}};
        const std::string out = StrictJson::dump(j);
        QVERIFY(out.find('\n') == std::string::npos);
        QVERIFY(StrictJson::parse(out).ok());
    }
};

QTEST_GUILESS_MAIN(TestStrictJson)
#include "TestStrictJson.moc"
