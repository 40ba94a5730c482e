#include "secrets/EnvSecretStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretRef.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretValue.h"

#include <QTest>

#include <utility>

using namespace warden;

namespace {

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

// A variable name no real environment uses, so tests never read the user's secrets.
QByteArray testVar(const char *suffix)
{
    return "WARDEN_TEST_SECRET_" + QByteArray::number(QCoreApplication::applicationPid()) + "_"
        + suffix;
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesReferences_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("scheme");
        QTest::addColumn<QString>("first"); // name, or service
        QTest::addColumn<QString>("second"); // key
        const int env = int(SecretRef::Scheme::Env);
        const int kc = int(SecretRef::Scheme::Keychain);
        QTest::newRow("env") << QStringLiteral("env:WARDEN_DB_PASSWORD") << env
                             << QStringLiteral("WARDEN_DB_PASSWORD") << QString();
        QTest::newRow("env short")
            << QStringLiteral("env:_") << env << QStringLiteral("_") << QString();
        QTest::newRow("env digits")
            << QStringLiteral("env:A1_2") << env << QStringLiteral("A1_2") << QString();
        QTest::newRow("keychain") << QStringLiteral("keychain:warden/db-main") << kc
                                  << QStringLiteral("warden") << QStringLiteral("db-main");
        QTest::newRow("keychain nested key")
            << QStringLiteral("keychain:db/main/replica") << kc << QStringLiteral("db")
            << QStringLiteral("main/replica");
        QTest::newRow("keychain chars")
            << QStringLiteral("keychain:org.example_x-1/user@host.v2") << kc
            << QStringLiteral("org.example_x-1") << QStringLiteral("user@host.v2");
    }

    void parsesReferences()
    {
        QFETCH(QString, text);
        QFETCH(int, scheme);
        QFETCH(QString, first);
        QFETCH(QString, second);
        auto ref = SecretRef::parse(text);
        QVERIFY2(ref.ok(), ref.ok() ? "" : ref.error().message.c_str());
        QCOMPARE(int(ref->scheme()), scheme);
        if (ref->scheme() == SecretRef::Scheme::Env) {
            QCOMPARE(ref->name(), first);
        } else {
            QCOMPARE(ref->service(), first);
            QCOMPARE(ref->key(), second);
        }
        QCOMPARE(ref->toString(), text);
        QVERIFY(SecretRef::hasKnownScheme(text));
        auto again = SecretRef::parse(ref->toString());
        QVERIFY(again.ok());
        QVERIFY(*again == *ref);
    }

    void rejectsReferences_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        const QString literal = QStringLiteral("must be a secret reference");
        const QString envForm = QStringLiteral("an env: reference needs a variable name");
        const QString kcForm = QStringLiteral("keychain:SERVICE/KEY");
        QTest::newRow("literal") << QStringLiteral("hunter2") << literal;
        QTest::newRow("empty") << QString() << literal;
        QTest::newRow("scheme case") << QStringLiteral("ENV:X") << literal;
        QTest::newRow("unknown scheme") << QStringLiteral("vault:x/y") << literal;
        QTest::newRow("leading space") << QStringLiteral(" env:X") << literal;
        QTest::newRow("env empty") << QStringLiteral("env:") << envForm;
        QTest::newRow("env lower") << QStringLiteral("env:db_password") << envForm;
        QTest::newRow("env digit first") << QStringLiteral("env:1ABC") << envForm;
        QTest::newRow("env dash") << QStringLiteral("env:DB-PASS") << envForm;
        QTest::newRow("env space") << QStringLiteral("env:DB PASS") << envForm;
        QTest::newRow("env too long") << QStringLiteral("env:") + QString(256, u'A') << envForm;
        QTest::newRow("kc no slash") << QStringLiteral("keychain:nokey") << kcForm;
        QTest::newRow("kc empty service") << QStringLiteral("keychain:/key") << kcForm;
        QTest::newRow("kc empty key") << QStringLiteral("keychain:svc/") << kcForm;
        QTest::newRow("kc space") << QStringLiteral("keychain:my svc/key") << kcForm;
        QTest::newRow("kc unicode") << QStringLiteral("keychain:svc/kä") << kcForm;
        QTest::newRow("kc control") << QStringLiteral("keychain:svc/k\ney") << kcForm;
        QTest::newRow("kc service too long")
            << QStringLiteral("keychain:") + QString(129, u's') + QStringLiteral("/k") << kcForm;
    }

    void rejectsReferences()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        auto ref = SecretRef::parse(text);
        QVERIFY(!ref.ok());
        QCOMPARE(ref.error().code, ErrorCode::InvalidArgument);
        const QString message = q(ref.error().message);
        QVERIFY2(message.contains(fragment), qPrintable(message));
        // the rejected text may be a password: it is never quoted back
        if (text.size() > 4)
            QVERIFY2(!message.contains(text), qPrintable(message));
    }

    void factoriesValidate()
    {
        QVERIFY(SecretRef::env(QStringLiteral("OK_NAME")).ok());
        QVERIFY(!SecretRef::env(QStringLiteral("bad")).ok());
        auto k = SecretRef::keychain(QStringLiteral("svc"), QStringLiteral("a/b"));
        QVERIFY(k.ok());
        QCOMPARE(k->toString(), QStringLiteral("keychain:svc/a/b"));
        QVERIFY(!SecretRef::keychain(QStringLiteral("s/v"), QStringLiteral("k")).ok());
    }

    void secretValueOwnsAndWipes()
    {
        SecretValue empty;
        QVERIFY(empty.isEmpty());
        QCOMPARE(empty.size(), std::size_t(0));
        QCOMPARE(std::string(empty.c_str()), std::string());

        const std::string bytes("a\0b", 3);
        SecretValue v(bytes);
        QCOMPARE(v.size(), std::size_t(3));
        QVERIFY(v.view() == bytes);
        QCOMPARE(std::string(v.c_str()), std::string("a")); // C view stops at the NUL

        SecretValue moved(std::move(v));
        QVERIFY(v.isEmpty()); // NOLINT(bugprone-use-after-move): the contract under test
        QVERIFY(moved.view() == bytes);
        SecretValue assigned;
        assigned = std::move(moved);
        QVERIFY(moved.isEmpty()); // NOLINT(bugprone-use-after-move)
        QVERIFY(assigned.view() == bytes);
        assigned.clear();
        QVERIFY(assigned.isEmpty());
    }

    void wipeOverwritesSharedBuffers()
    {
        QByteArray original("top-secret");
        QByteArray shared = original; // implicitly shared, as QtKeychain's copy is
        SecretValue::wipe(shared);
        QVERIFY(shared.isEmpty());
        QCOMPARE(original.size(), qsizetype(10));
        QCOMPARE(original, QByteArray(10, '\0'));

        QString text = QStringLiteral("abc") + QString::number(42); // heap, mutable
        QString textCopy = text;
        SecretValue::wipe(text);
        QVERIFY(text.isEmpty());
        QCOMPARE(textCopy, QString(5, QChar(u'\0')));

        // literals live in read-only memory: left alone rather than crashing
        QString literal = QStringLiteral("literal");
        SecretValue::wipe(literal);
        QVERIFY(literal.isEmpty());
        QCOMPARE(QStringLiteral("literal"), QString::fromLatin1("literal"));
        QByteArray raw = QByteArray::fromRawData("static", 6);
        SecretValue::wipe(raw);
        QVERIFY(raw.isEmpty());

        std::string s = "secret";
        SecretValue::wipe(s);
        QVERIFY(s.empty());
    }

    void envReadsVariable()
    {
        const QByteArray name = testVar("READ");
        QVERIFY(qputenv(name.constData(), QByteArray("p\xC3\xA4ss word=1")));
        EnvSecretStore store;
        QCOMPARE(store.scheme(), SecretRef::Scheme::Env);
        QVERIFY(store.availability().ok());
        QVERIFY(!store.isWritable());
        auto ref = SecretRef::env(QString::fromLatin1(name));
        QVERIFY(ref.ok());
        auto secret = store.read(*ref);
        QVERIFY(secret.ok());
        QVERIFY(secret->view() == std::string_view("p\xC3\xA4ss word=1"));
        qunsetenv(name.constData());
    }

    void envMissingAndEmpty()
    {
        const QByteArray name = testVar("MISSING");
        qunsetenv(name.constData());
        EnvSecretStore store;
        auto ref = SecretRef::env(QString::fromLatin1(name));
        auto missing = store.read(*ref);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(q(missing.error().message)
                    .contains(QString::fromLatin1(name) + QStringLiteral(" is not set")));

        QVERIFY(qputenv(name.constData(), QByteArray("")));
        auto empty = store.read(*ref);
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, ErrorCode::NotFound);
        QVERIFY2(q(empty.error().message).contains(QStringLiteral(" is empty")),
                 empty.error().message.c_str());
        qunsetenv(name.constData());
    }

    void envIsReadOnly()
    {
        const QByteArray name = testVar("RO");
        qunsetenv(name.constData());
        EnvSecretStore store;
        auto ref = SecretRef::env(QString::fromLatin1(name));
        const auto written = store.write(*ref, "value");
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, ErrorCode::InvalidArgument);
        QVERIFY(q(written.error().message).contains(QStringLiteral("read-only")));
        QVERIFY(!q(written.error().message).contains(QStringLiteral("value")));
        QVERIFY(qgetenv(name.constData()).isNull());
        QVERIFY(!store.remove(*ref).ok());
    }

    void storesRefuseOtherSchemes()
    {
        auto kc = SecretRef::parse(QStringLiteral("keychain:svc/key"));
        auto env = SecretRef::parse(QStringLiteral("env:SOME_VAR"));
        EnvSecretStore envStore;
        auto r = envStore.read(*kc);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        // no keychain traffic happens for a wrong scheme
        KeychainSecretStore keychain(std::chrono::milliseconds(100));
        auto k = keychain.read(*env);
        QVERIFY(!k.ok());
        QCOMPARE(k.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!keychain.write(*env, "x").ok());
        QVERIFY(!keychain.remove(*env).ok());
    }

    void resolveDispatchesByScheme()
    {
        const QByteArray name = testVar("RESOLVE");
        QVERIFY(qputenv(name.constData(), QByteArray("s3")));
        auto value = resolveSecret(QString(QStringLiteral("env:") + QString::fromLatin1(name)));
        QVERIFY(value.ok());
        QVERIFY(value->view() == "s3");
        qunsetenv(name.constData());

        auto bad = resolveSecret(QStringLiteral("plaintext-password"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!q(bad.error().message).contains(QStringLiteral("plaintext-password")));

        QCOMPARE(SecretStore::create(SecretRef::Scheme::Env)->scheme(), SecretRef::Scheme::Env);
        QCOMPARE(SecretStore::create(SecretRef::Scheme::Keychain)->scheme(),
                 SecretRef::Scheme::Keychain);
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "TestSecretStore.moc"
