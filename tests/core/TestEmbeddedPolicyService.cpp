// The policy service of an in-process Server over a real SQLite database and policy file:
// availability follows the server, answers arrive asynchronously, nothing invalid is written,
// and apply, history, diff and revert reach the PolicyStore in force.

#include "EmbeddedServerConfig.h"
#include "config/ServerConfig.h"
#include "server/EmbeddedPolicyService.h"
#include "server/PolicyStore.h"
#include "server/Server.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace warden;
using warden::test::readFile;
using warden::test::writeFile;

namespace {

Json policyDoc(const std::string &nationalIdAction)
{
    return Json { { "version", 1 },
                  { "tables",
                    Json {
                        { "people",
                          Json { { "columns",
                                   Json { { "national_id",
                                            Json { { "action", nationalIdAction } } } } } } } } } };
}

// Waits for one asynchronous answer; fails the wait if it came before the request returned.
template<typename T> struct Answer
{
    std::optional<T> value;
    bool early = false;
};

} // namespace

class TestEmbeddedPolicyService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<ServerConfig> m_config;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    template<typename T, typename Request> std::optional<T> ask(Request request)
    {
        auto answer = std::make_shared<Answer<T>>();
        bool returned = false;
        request(this, [answer, &returned](const T &value) {
            answer->early = !returned;
            answer->value = value;
        });
        returned = true;
        if (!QTest::qWaitFor([&] { return answer->value.has_value(); }, 10000))
            return std::nullopt;
        if (answer->early)
            qWarning("the answer came before the request returned");
        return answer->early ? std::nullopt : answer->value;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path("people.db")).constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db,
                              "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                              "national_id TEXT);",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(db);
        auto loaded = test::writeSqliteServerConfig(m_dir.path(), "people.db");
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        m_config = *loaded;
    }

    void init()
    {
        QFile::remove(path("state/policy-history.db"));
        QVERIFY(
            writeFile(path("policy.json"), QByteArray::fromStdString(policyDoc("hash").dump(2))));
    }

    void availabilityFollowsTheServer()
    {
        Server server(*m_config, Server::Options {});
        PolicyService *service = server.policyService();
        QVERIFY(service);
        QVERIFY(!service->isAvailable());
        QSignalSpy availability(service, &PolicyService::availabilityChanged);

        const auto stopped = ask<Result<PolicySnapshot>>(
            [&](QObject *ctx, auto done) { service->fetchCurrent(ctx, done); });
        QVERIFY(stopped && !stopped->ok());
        QCOMPARE(stopped->error().code, ErrorCode::Unavailable);
        const auto check = ask<PolicyCheck>(
            [&](QObject *ctx, auto done) { service->validate(policyDoc("hash"), ctx, done); });
        QVERIFY(check && !check->valid);

        QVERIFY(server.startNow().ok());
        QCOMPARE(availability.count(), 1);
        QCOMPARE(availability.at(0).at(0).toBool(), true);
        QVERIFY(service->isAvailable());
        const auto current = ask<Result<PolicySnapshot>>(
            [&](QObject *ctx, auto done) { service->fetchCurrent(ctx, done); });
        QVERIFY(current && current->ok());
        QCOMPARE((*current)->hash, server.policyStore()->currentHash());
        QVERIFY((*current)->document == policyDoc("hash"));
        QVERIFY((*current)->schema && (*current)->schema->table("people"));
        QCOMPARE((*current)->path, path("policy.json"));

        server.stop();
        QCOMPARE(availability.count(), 2);
        QCOMPARE(availability.at(1).at(0).toBool(), false);
        QVERIFY(!service->isAvailable());
    }

    void validateNamesEachProblem()
    {
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        PolicyService *service = server.policyService();
        Json bad = policyDoc("reveal");
        bad["tables"]["people"]["columns"]["nationl_id"] = Json { { "action", "allow" } };
        const auto check =
            ask<PolicyCheck>([&](QObject *ctx, auto done) { service->validate(bad, ctx, done); });
        QVERIFY(check);
        QVERIFY(!check->valid);
        QCOMPARE(check->problems.size(), 2);
        QCOMPARE(check->problems[0].pointer,
                 QStringLiteral("/tables/people/columns/national_id/action"));
        QCOMPARE(check->problems[1].pointer, QStringLiteral("/tables/people/columns/nationl_id"));
        QVERIFY2(
            check->problems[1].message.contains(QStringLiteral("did you mean \"national_id\"")),
            qPrintable(check->problems[1].message));
        const auto good = ask<PolicyCheck>(
            [&](QObject *ctx, auto done) { service->validate(policyDoc("mask"), ctx, done); });
        QVERIFY(good && good->valid && good->problems.isEmpty());
    }

    void applyWritesOnlyValidPoliciesAndRevertRestores()
    {
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        PolicyService *service = server.policyService();
        PolicyStore *store = server.policyStore();
        const QString original = store->currentHash();
        const QByteArray originalFile = readFile(path("policy.json"));
        QSignalSpy changed(service, &PolicyService::policyChanged);

        const auto refused = ask<Result<QString>>(
            [&](QObject *ctx, auto done) { service->apply(policyDoc("reveal"), ctx, done); });
        QVERIFY(refused && !refused->ok());
        QCOMPARE(refused->error().code, ErrorCode::ConfigInvalid);
        QCOMPARE(store->currentHash(), original);
        QCOMPARE(readFile(path("policy.json")), originalFile);
        QCOMPARE(changed.count(), 0);

        const auto applied = ask<Result<QString>>(
            [&](QObject *ctx, auto done) { service->apply(policyDoc("mask"), ctx, done); });
        QVERIFY(applied && applied->ok());
        QCOMPARE(**applied, store->currentHash());
        QVERIFY(**applied != original);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), original);
        QVERIFY(readFile(path("policy.json")).contains("\"mask\""));

        const auto versions = ask<Result<std::vector<PolicyVersion>>>(
            [&](QObject *ctx, auto done) { service->fetchVersions(ctx, done); });
        QVERIFY(versions && versions->ok());
        QCOMPARE((*versions)->size(), std::size_t(2));
        QCOMPARE((*versions)->back().source, QStringLiteral("apply"));
        const auto diff = ask<Result<std::vector<PolicyChange>>>(
            [&](QObject *ctx, auto done) { service->diff(original, **applied, ctx, done); });
        QVERIFY(diff && diff->ok());
        QCOMPARE((*diff)->size(), std::size_t(1));
        QCOMPARE((*diff)->front().pointer, std::string("/tables/people/columns/national_id"));

        const auto reverted = ask<Result<QString>>(
            [&](QObject *ctx, auto done) { service->revert(original, ctx, done); });
        QVERIFY(reverted && reverted->ok());
        QCOMPARE(**reverted, original);
        QCOMPARE(store->currentHash(), original);
        QVERIFY(readFile(path("policy.json")).contains("\"hash\""));
        const auto unknown = ask<Result<QString>>([&](QObject *ctx, auto done) {
            service->revert(QStringLiteral("feedbeef"), ctx, done);
        });
        QVERIFY(unknown && !unknown->ok());
        QCOMPARE(unknown->error().code, ErrorCode::NotFound);
    }

    void aRefusedReloadIsAnnounced()
    {
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        server.policyStore()->setReloadDelay(std::chrono::milliseconds(20));
        QSignalSpy refused(server.policyService(), &PolicyService::reloadFailed);
        QVERIFY(
            writeFile(path("policy.json"), QByteArray::fromStdString(policyDoc("reveal").dump(2))));
        QTRY_COMPARE(refused.count(), 1);
        QVERIFY(refused.at(0).at(0).toString().contains(QStringLiteral("national_id")));
    }

    void answersToADestroyedContextAreDropped()
    {
        Server server(*m_config, Server::Options {});
        QVERIFY(server.startNow().ok());
        PolicyService *service = server.policyService();
        int answers = 0;
        {
            QObject context;
            service->fetchCurrent(&context,
                                  [&answers](const Result<PolicySnapshot> &) { ++answers; });
            service->validate(policyDoc("mask"), &context,
                              [&answers](const PolicyCheck &) { ++answers; });
        }
        QObject alive;
        bool done = false;
        service->fetchCurrent(&alive, [&done](const Result<PolicySnapshot> &) { done = true; });
        QTRY_VERIFY(done);
        QTest::qWait(50);
        QCOMPARE(answers, 0);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedPolicyService)
#include "TestEmbeddedPolicyService.moc"
