// Runs against the real OS keychain. ctest starts it through tests/scripts/with-keychain.sh,
// which gives it a private D-Bus session, a temporary HOME and an unlocked gnome-keyring,
// so the user's own keyring is never touched.
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <cstdio>
#include <optional>

using namespace warden;

namespace {

constexpr char kChildVariable[] = "WARDEN_KEYCHAIN_TEST_CHILD";

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

// A service name of our own per run, so parallel runs and leftovers never collide.
QString testService()
{
    return QStringLiteral("warden-test-") + QString::number(QCoreApplication::applicationPid());
}

SecretRef ref(const QString &key)
{
    auto r = SecretRef::keychain(testService(), key);
    Q_ASSERT(r.ok());
    return *r;
}

QJsonObject errorJson(const Error &error)
{
    return QJsonObject { { QStringLiteral("code"), q(std::string(errorCodeName(error.code))) },
                         { QStringLiteral("message"), q(error.message) } };
}

// The child half of unavailableWithoutDBus: it runs with no session bus and reports what
// the store said, as one JSON line, for the parent to check.
int runChildWithoutDBus()
{
    KeychainSecretStore store(std::chrono::seconds(10));
    auto r = SecretRef::keychain(QStringLiteral("warden-test-child"), QStringLiteral("k"));
    QJsonObject out;
    auto read = store.read(*r);
    out[QStringLiteral("read")] = read.ok()
        ? QJsonObject { { QStringLiteral("code"), QStringLiteral("OK") } }
        : errorJson(read.error());
    const auto written = store.write(*r, "x");
    out[QStringLiteral("write")] = written.ok()
        ? QJsonObject { { QStringLiteral("code"), QStringLiteral("OK") } }
        : errorJson(written.error());
    const auto available = store.availability();
    out[QStringLiteral("availability")] = available.ok()
        ? QJsonObject { { QStringLiteral("code"), QStringLiteral("OK") } }
        : errorJson(available.error());
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputs("\n", stdout);
    return 0;
}

} // namespace

class TestKeychainSecretStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Without the wrapper this would talk to the user's own keyring: refuse.
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through tests/scripts/with-keychain.sh (ctest does)");
        QVERIFY2(qEnvironmentVariableIsSet("WARDEN_KEYCHAIN_SANDBOX"),
                 "run through tests/scripts/with-keychain.sh (ctest does)");
    }

    void isAvailable()
    {
        KeychainSecretStore store;
        const auto status = store.availability();
        QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
        QVERIFY(store.isWritable());
        QCOMPARE(store.scheme(), SecretRef::Scheme::Keychain);
    }

    void writeReadOverwriteRemove()
    {
        KeychainSecretStore store;
        const SecretRef r = ref(QStringLiteral("db/main"));

        auto before = store.read(r);
        QVERIFY(!before.ok());
        QCOMPARE(before.error().code, ErrorCode::NotFound);
        QVERIFY(q(before.error().message).contains(r.toString()));

        const std::string first = "s3cr\xC3\xA9t with spaces";
        auto w = store.write(r, first);
        QVERIFY2(w.ok(), w.ok() ? "" : w.error().message.c_str());
        auto read = store.read(r);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QVERIFY(read->view() == first);

        const std::string second = "rotated";
        QVERIFY(store.write(r, second).ok());
        auto reread = store.read(r);
        QVERIFY(reread.ok());
        QVERIFY(reread->view() == second);

        // resolveSecret goes to the same keychain through the reference text
        auto resolved = resolveSecret(r.toString());
        QVERIFY(resolved.ok());
        QVERIFY(resolved->view() == second);

        const auto removed = store.remove(r);
        QVERIFY2(removed.ok(), removed.ok() ? "" : removed.error().message.c_str());
        auto after = store.read(r);
        QVERIFY(!after.ok());
        QCOMPARE(after.error().code, ErrorCode::NotFound);
    }

    void binarySecretsSurvive()
    {
        KeychainSecretStore store;
        const SecretRef r = ref(QStringLiteral("hmac-key"));
        std::string key;
        for (int i = 0; i < 256; ++i)
            key += static_cast<char>(i);
        QVERIFY(store.write(r, key).ok());
        auto read = store.read(r);
        QVERIFY(read.ok());
        QCOMPARE(read->size(), key.size());
        QVERIFY(read->view() == key);
        QVERIFY(store.remove(r).ok());
    }

    void entriesAreSeparate()
    {
        KeychainSecretStore store;
        const SecretRef a = ref(QStringLiteral("a"));
        const SecretRef b = ref(QStringLiteral("b"));
        QVERIFY(store.write(a, "alpha").ok());
        QVERIFY(store.write(b, "beta").ok());
        QVERIFY(store.read(a)->view() == "alpha");
        QVERIFY(store.read(b)->view() == "beta");
        QVERIFY(store.remove(a).ok());
        QCOMPARE(store.read(a).error().code, ErrorCode::NotFound);
        QVERIFY(store.read(b)->view() == "beta");
        QVERIFY(store.remove(b).ok());
    }

    // The console's read: no nested event loop, the answer arrives through the callback.
    void readAsyncAnswersLater()
    {
        KeychainSecretStore store;
        const SecretRef r = ref(QStringLiteral("oauth-hs256"));
        QVERIFY(store.write(r, "an HS256 secret of more than 32 bytes, async").ok());
        std::optional<Result<SecretValue>> read;
        QObject context;
        store.readAsync(r, &context,
                        [&read](Result<SecretValue> value) { read.emplace(std::move(value)); });
        QVERIFY(!read); // not answered inside the call
        QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30000);
        QVERIFY2(read->ok(), read->ok() ? "" : read->error().message.c_str());
        QVERIFY((*read)->view() == "an HS256 secret of more than 32 bytes, async");

        QVERIFY(store.remove(r).ok());
        read.reset();
        store.readAsync(r, &context,
                        [&read](Result<SecretValue> value) { read.emplace(std::move(value)); });
        QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30000);
        QVERIFY(!read->ok());
        QCOMPARE(read->error().code, ErrorCode::NotFound);
    }

    void unavailableWithoutDBus()
    {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("DISPLAY")); // no X11 autolaunch of a new bus
        env.remove(QStringLiteral("XDG_RUNTIME_DIR")); // no $XDG_RUNTIME_DIR/bus either
        env.insert(QString::fromLatin1(kChildVariable), QStringLiteral("1"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        const QByteArray output = child.readAllStandardOutput();
        const QJsonObject result = QJsonDocument::fromJson(output.trimmed()).object();
        QVERIFY2(!result.isEmpty(), output.constData());
        for (const QString &operation :
             { QStringLiteral("read"), QStringLiteral("write"), QStringLiteral("availability") }) {
            const QJsonObject e = result.value(operation).toObject();
            QCOMPARE(e.value(QStringLiteral("code")).toString(), QStringLiteral("UNAVAILABLE"));
            const QString message = e.value(QStringLiteral("message")).toString();
            QVERIFY2(message.startsWith(QStringLiteral("the OS keychain is unavailable: ")),
                     qPrintable(message));
            QVERIFY2(message.endsWith(QStringLiteral(
                         "start a Secret Service (e.g. gnome-keyring) or use an env: reference")),
                     qPrintable(message));
        }
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildVariable))
        return runChildWithoutDBus();
    TestKeychainSecretStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestKeychainSecretStore.moc"
