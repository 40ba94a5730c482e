#include "audit/AuditRecord.h"
#include "crypto/Crypto.h"

#include <QTest>

using namespace warden;
using namespace warden::audit;

// The canonical form is part of the record format (docs/audit.md): these bytes must never
// change for a given body, or every stored chain stops verifying.
class TestAuditRecord : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void canonicalFormIsPinned()
    {
        Json body = Json::object();
        body["b"] = 1;
        body["a"] = Json{{"d", "x\n\x01\"\\"}, {"c", Json::array({true, nullptr, "\xc3\xa9", -7})}};
        body["B"] = "upper sorts first";
        QCOMPARE(QByteArray::fromStdString(canonicalForm(body)),
                 QByteArray("{\"B\":\"upper sorts first\",\"a\":{\"c\":[true,null,\"\xc3\xa9\",-7],"
                            "\"d\":\"x\\n\\u0001\\\"\\\\\"},\"b\":1}"));
    }

    void keysOutsideThePlainSetAreEscaped()
    {
        // agents choose the keys of their arguments: quotes, control characters, UTF-8, a
        // bad byte; and a float (never written by Warden) is kept as a string
        Json body = Json::object();
        body["k\"e\x01y\xc3\xa9"] = 1.5;
        body["bad\xff"] = Json::object({ { "plain_key-1.x", nullptr } });
        QCOMPARE(QByteArray::fromStdString(canonicalForm(body)),
                 QByteArray("{\"bad\xef\xbf\xbd\":{\"plain_key-1.x\":null},"
                            "\"k\\\"e\\u0001y\xc3\xa9\":\"1.500000\"}"));
    }

    void invalidUtf8DoesNotThrow()
    {
        const Json body{{"s", std::string("bad \xff byte")}};
        QCOMPARE(QByteArray::fromStdString(canonicalForm(body)), QByteArray("{\"s\":\"bad \xef\xbf\xbd byte\"}"));
    }

    void chainInputBindsThePredecessor()
    {
        const Json body{{"kind", "request"}};
        const std::string a = chainInput(zeroHash(), body);
        QCOMPARE(QByteArray::fromStdString(a),
                 QByteArray("warden-audit-v1\n") + QByteArray(64, '0') + QByteArray("\n{\"kind\":\"request\"}"));
        QVERIFY(chainInput(crypto::sha256("x"), body) != a);
        QCOMPARE(chainInputOfCanonical(zeroHash(), canonicalForm(body)), a);
    }

    void capStringKeepsUtf8Whole()
    {
        QCOMPARE(QString::fromStdString(capString("abc", 3)), QStringLiteral("abc"));
        const std::string capped = capString("\xc3\xa9\xc3\xa9", 3); // cut inside the second é
        QVERIFY(capped.rfind("\xc3\xa9", 0) == 0);
        QVERIFY(capped.find("truncated 2 bytes") != std::string::npos);
    }

    void timesAreUtcWithMilliseconds()
    {
        QCOMPARE(QString::fromStdString(formatTime(1795392000123)), QStringLiteral("2026-11-23T00:00:00.123Z"));
    }
};

QTEST_GUILESS_MAIN(TestAuditRecord)
#include "TestAuditRecord.moc"
