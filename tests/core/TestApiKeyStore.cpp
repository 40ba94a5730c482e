// ApiKeyStore on real SQLite files: keys are made once, stored only as scrypt hashes, listed
// without secrets, revoked, and seen by a second connection (another process's view).
#include "TestTempRoot.h"
#include "auth/ApiKeyStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace warden;
using namespace warden::auth;

class TestApiKeyStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString path() const { return m_tmp->filePath(QStringLiteral("keys.db")); }

    static ApiKeyRequest request(const std::string &user, const std::string &tenant = "t1")
    {
        ApiKeyRequest r;
        r.name = "ci";
        r.principal.userId = user;
        r.principal.tenantId = tenant;
        r.principal.roles = { "analyst" };
        r.principal.scopes = { "warden.read", "warden.explain" };
        return r;
    }

private Q_SLOTS:
    void init() { m_tmp = std::make_unique<QTemporaryDir>(test::tempRoot() + QStringLiteral("/keys-XXXXXX")); }

    void keyFormat_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const QString secret = QString(43, QLatin1Char('A'));
        QTest::newRow("good") << QStringLiteral("wk_0123456789abcdef_") + secret << true;
        QTest::newRow("upper hex id") << QStringLiteral("wk_0123456789ABCDEF_") + secret << false;
        QTest::newRow("short id") << QStringLiteral("wk_0123456789abcde_A") + secret << false;
        QTest::newRow("short secret") << QStringLiteral("wk_0123456789abcdef_") + secret.left(42) << false;
        QTest::newRow("padding") << QStringLiteral("wk_0123456789abcdef_") + secret.left(42) + QLatin1Char('=') << false;
        QTest::newRow("plus") << QStringLiteral("wk_0123456789abcdef_") + secret.left(42) + QLatin1Char('+') << false;
        QTest::newRow("other prefix") << QStringLiteral("xk_0123456789abcdef_") + secret << false;
        QTest::newRow("no separator") << QStringLiteral("wk_0123456789abcdefA") + secret << false;
    }

    void keyFormat()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QCOMPARE(ApiKeyText::parse(text.toStdString()).has_value(), valid);
    }

    void createListRevoke()
    {
        auto store = ApiKeyStore::open(path(), ApiKeyStore::Access::ReadWrite);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        ApiKeyRecord created;
        auto key = (*store)->create(request("svc-a"), &created);
        QVERIFY(key.ok());
        const auto parts = ApiKeyText::parse(*key);
        QVERIFY(parts);
        QCOMPARE(parts->id, created.id);
        QCOMPARE(created.principal.authMethod, std::string("api-key"));

        // Another connection (a server) sees it, with the principal and a hash that checks.
        auto reader = ApiKeyStore::open(path(), ApiKeyStore::Access::ReadOnly);
        QVERIFY(reader.ok());
        auto entries = (*reader)->entries();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), std::size_t(1));
        const auto &entry = entries->front();
        QCOMPARE(entry.record.principal.userId, std::string("svc-a"));
        QCOMPARE(entry.record.principal.tenantId, std::string("t1"));
        QCOMPARE(entry.record.principal.roles, std::vector<std::string>{ "analyst" });
        QCOMPARE(entry.record.principal.scopes, (std::vector<std::string>{ "warden.read", "warden.explain" }));
        QVERIFY(entry.hash.rfind("scrypt$32768$8$1$", 0) == 0);
        QVERIFY(ApiKeyStore::secretMatches(parts->secret, entry.hash));
        std::string wrong = parts->secret;
        wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
        QVERIFY(!ApiKeyStore::secretMatches(wrong, entry.hash));

        // The secret is nowhere in the file.
        QFile file(path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(QByteArray::fromStdString(parts->secret)));

        const std::int64_t before = (*reader)->changeCounter();
        QVERIFY((*store)->revoke(created.id).ok());
        QVERIFY((*reader)->changeCounter() != before);
        auto listed = (*reader)->list();
        QVERIFY(listed.ok());
        QVERIFY(listed->front().revokedAt.has_value());
        QVERIFY(!listed->front().usableAt(QDateTime::currentSecsSinceEpoch()));
        const auto firstRevocation = *listed->front().revokedAt;
        QVERIFY((*store)->revoke(created.id).ok()); // twice keeps the first time
        QCOMPARE(*(*reader)->list()->front().revokedAt, firstRevocation);
        QCOMPARE((*store)->revoke("ffffffffffffffff").error().code, ErrorCode::NotFound);
    }

    void hashesAreSaltedAndDamagedRowsNeverMatch()
    {
        const std::string a = ApiKeyStore::hashSecret("same-secret");
        const std::string b = ApiKeyStore::hashSecret("same-secret");
        QVERIFY(a != b);
        QVERIFY(ApiKeyStore::secretMatches("same-secret", a));
        QVERIFY(ApiKeyStore::secretMatches("same-secret", b));
        for (const std::string &damaged : { std::string("plain"), std::string("scrypt$1$8$1$AAAA$AAAA"),
                                            std::string("scrypt$32768$8$1$!!$AAAA"), a.substr(0, a.size() - 4),
                                            std::string("scrypt$x$8$1$AAAA$AAAA") })
            QVERIFY(!ApiKeyStore::secretMatches("same-secret", damaged));
    }

    void expiryAndValidation()
    {
        auto store = ApiKeyStore::open(path(), ApiKeyStore::Access::ReadWrite);
        QVERIFY(store.ok());
        ApiKeyRequest r = request("svc-b");
        r.expiresAt = QDateTime::currentSecsSinceEpoch() - 1;
        ApiKeyRecord created;
        QVERIFY((*store)->create(r, &created).ok());
        QVERIFY(!created.usableAt(QDateTime::currentSecsSinceEpoch()));
        ApiKeyRequest noUser = request("");
        const auto refused = (*store)->create(noUser);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    }

    void openErrors()
    {
        const auto missing = ApiKeyStore::open(m_tmp->filePath(QStringLiteral("nope.db")), ApiKeyStore::Access::ReadOnly);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(QString::fromStdString(missing.error().message).contains(QStringLiteral("keys create")));

        QFile junk(m_tmp->filePath(QStringLiteral("junk.db")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        const auto notAStore = ApiKeyStore::open(junk.fileName(), ApiKeyStore::Access::ReadWrite);
        QVERIFY(!notAStore.ok());
        QCOMPARE(notAStore.error().code, ErrorCode::IoError);

        auto store = ApiKeyStore::open(path(), ApiKeyStore::Access::ReadWrite);
        QVERIFY(store.ok());
        QCOMPARE(int(QFile::permissions(path()) & (QFileDevice::ReadGroup | QFileDevice::ReadOther)), 0);
    }
};

QTEST_GUILESS_MAIN(TestApiKeyStore)
#include "TestApiKeyStore.moc"
