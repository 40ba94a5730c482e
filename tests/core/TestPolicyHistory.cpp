#include "server/PolicyHistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace warden;

namespace {

const std::string kHashA(64, 'a');
const std::string kHashB = "b1" + std::string(62, '0');
const std::string kHashB2 = "b2" + std::string(62, '0');

Json doc(int maxRows)
{
    return Json{{"version", 1}, {"defaults", Json{{"budget", Json{{"max_rows", maxRows}}}}}, {"tables", Json::object()}};
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString js(const Json &value)
{
    return QString::fromStdString(value.dump());
}

} // namespace

class TestPolicyHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void memoryOnly()
    {
        PolicyHistory h(QStringLiteral("/etc/warden/policy.json"));
        QVERIFY(h.databasePath().isEmpty());
        QVERIFY(h.versions().empty());
        QVERIFY(h.record(kHashA, doc(1), QStringLiteral("start")).ok());
        QVERIFY(h.record(kHashA, doc(1), QStringLiteral("reload")).ok()); // same as the last: not recorded
        QVERIFY(h.record(kHashB, doc(2), QStringLiteral("reload")).ok());
        const auto v = h.versions();
        QCOMPARE(v.size(), std::size_t(2));
        QCOMPARE(q(v[0].hash), q(kHashA));
        QCOMPARE(v[0].source, QStringLiteral("start"));
        QCOMPARE(js(v[1].document), js(doc(2)));
        QCOMPARE(v[1].policyPath, QStringLiteral("/etc/warden/policy.json"));
        QVERIFY(h.version(kHashB).has_value());
        QVERIFY(!h.version(kHashB2).has_value());
    }

    void persistedAcrossInstances()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("state/history.db"));
        const QString policy = dir.filePath(QStringLiteral("policy.json"));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2025-03-01T10:00:00.123Z"), Qt::ISODateWithMs);
        {
            auto h = PolicyHistory::open(db, policy);
            QVERIFY2(h.ok(), h.ok() ? "" : h.error().message.c_str());
            QCOMPARE((*h)->databasePath(), QFileInfo(db).absoluteFilePath());
            QVERIFY((*h)->record(kHashA, doc(1), QStringLiteral("start"), t0).ok());
            QVERIFY((*h)->record(kHashB, doc(2), QStringLiteral("reload"), t0.addSecs(60)).ok());
        }
        QVERIFY(QFileInfo::exists(db));
        QCOMPARE(QFileInfo(db).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());

        auto h = PolicyHistory::open(db, policy);
        QVERIFY(h.ok());
        auto v = (*h)->versions();
        QCOMPARE(v.size(), std::size_t(2));
        QCOMPARE(q(v[0].hash), q(kHashA));
        QCOMPARE(v[0].loadedAt, t0);
        QCOMPARE(v[0].loadedAt.timeSpec(), Qt::UTC);
        QCOMPARE(v[0].source, QStringLiteral("start"));
        QCOMPARE(js(v[0].document), js(doc(1)));
        QCOMPARE(v[1].source, QStringLiteral("reload"));
        QCOMPARE(js(v[1].document), js(doc(2)));

        // A restart with the version in force adds nothing; going back to A is a new entry.
        QVERIFY((*h)->record(kHashB, doc(2), QStringLiteral("start")).ok());
        QCOMPARE((*h)->versions().size(), std::size_t(2));
        QVERIFY((*h)->record(kHashA, doc(1), QStringLiteral("apply"), t0.addSecs(120)).ok());
        v = (*h)->versions();
        QCOMPARE(v.size(), std::size_t(3));
        QCOMPARE((*h)->version(kHashA)->loadedAt, t0.addSecs(120)); // the most recent one
        QCOMPARE((*h)->version(kHashA)->source, QStringLiteral("apply"));
    }

    void sharedFile()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("history.db"));
        auto one = PolicyHistory::open(db, QStringLiteral("/a/policy.json"));
        auto two = PolicyHistory::open(db, QStringLiteral("/a/policy.json"));
        auto other = PolicyHistory::open(db, QStringLiteral("/b/policy.json"));
        QVERIFY(one.ok() && two.ok() && other.ok());
        QVERIFY((*one)->record(kHashA, doc(1), QStringLiteral("start")).ok());
        // A second process (the console, another server) sees it and does not record it twice.
        QCOMPARE((*two)->versions().size(), std::size_t(1));
        QVERIFY((*two)->record(kHashA, doc(1), QStringLiteral("start")).ok());
        QCOMPARE((*one)->versions().size(), std::size_t(1));
        // Another policy file's versions are its own.
        QVERIFY((*other)->versions().empty());
        QVERIFY((*other)->record(kHashB, doc(2), QStringLiteral("start")).ok());
        QCOMPARE((*one)->versions().size(), std::size_t(1));
        QCOMPARE((*other)->versions().size(), std::size_t(1));
    }

    void findByPrefix()
    {
        PolicyHistory h(QStringLiteral("/p.json"));
        QVERIFY(h.record(kHashA, doc(1), QStringLiteral("start")).ok());
        QVERIFY(h.record(kHashB, doc(2), QStringLiteral("reload")).ok());
        QVERIFY(h.record(kHashB2, doc(3), QStringLiteral("reload")).ok());
        auto a = h.find("aaaa");
        QVERIFY(a.ok());
        QCOMPARE(js(a->document), js(doc(1)));
        QCOMPARE(js(h.find(kHashB2)->document), js(doc(3)));
        QCOMPARE(js(h.find("b100")->document), js(doc(2)));
        const auto missing = h.find("ffff");
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(q(missing.error().message).contains(QStringLiteral("policy history")));
        QCOMPARE(h.find("b").error().code, ErrorCode::InvalidArgument); // too short to mean anything
        QVERIFY(!h.find("AAAA").ok()); // hashes are lowercase hex
        QVERIFY(!h.find("aaag").ok());
    }

    void ambiguousPrefix()
    {
        PolicyHistory h(QStringLiteral("/p.json"));
        QVERIFY(h.record("abcd1" + std::string(59, '0'), doc(1), QStringLiteral("start")).ok());
        QVERIFY(h.record("abcd2" + std::string(59, '0'), doc(2), QStringLiteral("reload")).ok());
        const auto r = h.find("abcd");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(q(r.error().message).contains(QStringLiteral("ambiguous")));
        QVERIFY(h.find("abcd2").ok());
    }

    void unusableFiles()
    {
        QTemporaryDir dir;
        // a directory
        auto d = PolicyHistory::open(dir.path(), QStringLiteral("/p.json"));
        QVERIFY(!d.ok());
        QCOMPARE(d.error().code, ErrorCode::IoError);
        QVERIFY(q(d.error().message).contains(QStringLiteral("is a directory")));
        // not an SQLite file
        const QString junk = dir.filePath(QStringLiteral("junk.db"));
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        auto j = PolicyHistory::open(junk, QStringLiteral("/p.json"));
        QVERIFY(!j.ok());
        QVERIFY(q(j.error().message).contains(QStringLiteral("policy_history")));
        // written by a newer Warden
        const QString newer = dir.filePath(QStringLiteral("newer.db"));
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(newer).constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "PRAGMA user_version = 9", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        auto n = PolicyHistory::open(newer, QStringLiteral("/p.json"));
        QVERIFY(!n.ok());
        QVERIFY(q(n.error().message).contains(QStringLiteral("newer Warden")));
    }

    void defaultPath()
    {
        const QByteArray saved = qgetenv("STATE_DIRECTORY");
        qunsetenv("STATE_DIRECTORY");
        QCOMPARE(PolicyHistory::defaultPath(),
                 QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/policy-history.db"));
        qputenv("STATE_DIRECTORY", "/var/lib/warden:/var/lib/other");
        QCOMPARE(PolicyHistory::defaultPath(), QStringLiteral("/var/lib/warden/policy-history.db"));
        if (saved.isNull())
            qunsetenv("STATE_DIRECTORY");
        else
            qputenv("STATE_DIRECTORY", saved);
    }
};

QTEST_GUILESS_MAIN(TestPolicyHistory)
#include "TestPolicyHistory.moc"
