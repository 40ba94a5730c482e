#include "../core/AuditWorld.h"
#include "AuditDetailController.h"

#include <QSignalSpy>
#include <QTest>

using namespace warden;
using namespace warden::test;
using Check = AuditDetailController::Check;

// One record in full and "check a value" over a real store: the value's keyed HMAC is
// compared with the record's redacted values, never the value itself.
class TestAuditDetailController : public QObject
{
    Q_OBJECT

    std::unique_ptr<AuditWorld> m_world;
    std::unique_ptr<EmbeddedAuditService> m_service;

private Q_SLOTS:
    void initTestCase()
    {
        m_world = std::make_unique<AuditWorld>();
        QVERIFY(m_world->open());
        QVERIFY(m_world->write(0, 20)); // records 0, 7 and 14 hold a redacted value
        m_service = std::make_unique<EmbeddedAuditService>(m_world->config);
    }

    void showsARecordInFull()
    {
        AuditDetailController detail(m_service.get());
        QSignalSpy changed(&detail, &AuditDetailController::recordChanged);
        detail.showRecord(8); // fixture record 7
        QCOMPARE(detail.seq(), std::int64_t(8));
        QTRY_VERIFY(detail.hasRecord());
        const QString text = detail.text();
        QVERIFY(text.contains(QStringLiteral("\"seq\": 8")));
        QVERIFY(text.contains(QStringLiteral("hash: ")));
        QVERIFY(text.contains(QStringLiteral("MAC: ")));
        const QStringList redacted = detail.redactedValues();
        QCOMPARE(redacted.size(), 1);
        QVERIFY(redacted[0].startsWith(QStringLiteral("/arguments/email = hmac-sha256:")));
        QVERIFY(changed.count() >= 2); // cleared, then filled
        QCOMPARE(detail.session(), QStringLiteral("s-0")); // fixture record 7's session
        detail.showRecord(16); // fixture record 15
        QCOMPARE(detail.session(), QString()); // nothing while it loads
        QTRY_VERIFY(detail.hasRecord());
        QCOMPARE(detail.session(), QStringLiteral("s-1"));
    }

    void aRecordWithoutASessionHasNone()
    {
        AuditWorld world;
        QVERIFY(world.open());
        QVERIFY(world.write(0, 1, [](int) {
            return Json { { "kind", std::string(audit::kind::PolicyChange) }, { "details", Json::object() } };
        }));
        EmbeddedAuditService service(world.config);
        AuditDetailController detail(&service);
        detail.showRecord(1);
        QTRY_VERIFY(detail.hasRecord());
        QCOMPARE(detail.session(), QString());
    }

    void checksAValueRightAndWrong()
    {
        AuditDetailController detail(m_service.get());
        detail.showRecord(8);
        QTRY_VERIFY(detail.hasRecord());
        detail.checkValue(QString::fromLatin1(kRedactedValue));
        QCOMPARE(detail.checkState(), Check::Checking);
        QTRY_COMPARE(detail.checkState(), Check::Match);
        QVERIFY(detail.checkText().contains(QStringLiteral("/arguments/email")));
        detail.checkValue(QStringLiteral("Ada@example.com")); // case matters
        QTRY_COMPARE(detail.checkState(), Check::NoMatch);
        QVERIFY(detail.checkText().startsWith(QStringLiteral("No match")));
    }

    void recordWithoutRedactedValues()
    {
        AuditDetailController detail(m_service.get());
        detail.showRecord(2);
        QTRY_VERIFY(detail.hasRecord());
        QVERIFY(detail.redactedValues().isEmpty());
        detail.checkValue(QString::fromLatin1(kRedactedValue));
        QCOMPARE(detail.checkState(), Check::NoMatch);
        QVERIFY(detail.checkText().contains(QStringLiteral("no redacted values")));
    }

    void missingRecordAndKeylessCheck()
    {
        AuditDetailController detail(m_service.get());
        detail.showRecord(999);
        QTRY_VERIFY(!detail.errorText().isEmpty());
        QVERIFY(!detail.hasRecord());

        ServerConfig keyless = m_world->config;
        keyless.secrets.auditKeyRef.clear();
        EmbeddedAuditService service(keyless);
        AuditDetailController withoutKey(&service);
        withoutKey.showRecord(1);
        QTRY_VERIFY(withoutKey.hasRecord());
        withoutKey.checkValue(QString::fromLatin1(kRedactedValue));
        QTRY_COMPARE(withoutKey.checkState(), Check::Failed);
        QVERIFY(withoutKey.checkText().contains(QStringLiteral("secrets.audit_key")));
    }

    void pathsOfFindsEveryPlace()
    {
        const std::string h = auditTestKeys().valueHmac("x");
        const Json body = {
            { "arguments",
              { { "where", Json::array({ { { "value", h } }, { { "value", "clear" } } }) },
                { "a/b", h } } }
        };
        QCOMPARE(AuditDetailController::pathsOf(body, h),
                 QStringList({ QStringLiteral("/arguments/where/0/value"),
                               QStringLiteral("/arguments/a~1b") }));
        QVERIFY(AuditDetailController::pathsOf(body, auditTestKeys().valueHmac("y")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditDetailController)
#include "TestAuditDetailController.moc"
