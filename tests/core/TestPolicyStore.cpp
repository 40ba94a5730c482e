#include "common/StrictJson.h"
#include "server/PolicyStore.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace warden;
using namespace std::chrono_literals;

namespace {

db::Schema shopSchema()
{
    auto col = [](const char *name, const char *type, bool pk = false) {
        db::ColumnInfo c;
        c.name = name;
        c.type = type;
        c.declaredType = type;
        c.primaryKey = pk;
        c.nullable = !pk;
        return c;
    };
    db::Schema s;
    db::TableInfo customers;
    customers.name = "customers";
    customers.columns = {col("id", "integer", true), col("tenant_id", "integer"), col("email", "text"),
                         col("name", "text")};
    customers.primaryKey = {"id"};
    db::TableInfo orders;
    orders.name = "orders";
    orders.columns = {col("id", "integer", true), col("tenant_id", "integer"), col("total", "real")};
    orders.primaryKey = {"id"};
    s.tables = {customers, orders};
    return s;
}

// The policy the tests start from; `emailAction` varies it into a new version.
Json policyDoc(const std::string &emailAction = "mask")
{
    Json email = Json{{"action", emailAction}};
    if (emailAction == "mask")
        email["mask"] = "email";
    return Json{{"version", 1},
                {"defaults", Json{{"tenant_column", "tenant_id"}}},
                {"tables", Json{{"customers", Json{{"columns", Json{{"email", email}}}}}, {"orders", Json::object()}}}};
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size() && f.flush();
}

bool writeJson(const QString &path, const Json &doc)
{
    return writeFile(path, QByteArray::fromStdString(doc.dump(2)));
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// How editors such as vim (backupcopy=no), VS Code and `sed -i` save: a new file renamed over the old.
bool replaceByRename(const QString &path, const Json &doc)
{
    const QString temp = path + QStringLiteral(".swp");
    return writeJson(temp, doc) && std::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData()) == 0;
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

class TestPolicyStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<PolicyStore> m_store;

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = QDir(m_dir.path()).filePath(QStringLiteral("policy.json"));
        QVERIFY(writeJson(m_path, policyDoc()));
        m_store = std::make_unique<PolicyStore>(shopSchema());
        m_store->setReloadDelay(50ms);
        const Status s = m_store->load(m_path);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    }

    void cleanup()
    {
        m_store.reset();
        QDir(m_dir.path()).removeRecursively();
        QDir().mkpath(m_dir.path());
    }

    void loadsTheFile()
    {
        const auto policy = m_store->current();
        QVERIFY(policy);
        QCOMPARE(m_store->currentHash(), q(policy->versionHash()));
        QCOMPARE(m_store->filePath(), m_path);
        QVERIFY(policy->table("customers", Principal{}));
        const auto versions = m_store->versions();
        QCOMPARE(versions.size(), std::size_t(1));
        QCOMPARE(versions[0].source, QStringLiteral("start"));
        QCOMPARE(js(versions[0].document), js(policyDoc()));
    }

    void loadRefusesAnInvalidFile()
    {
        QVERIFY(writeFile(m_path, R"({"version": 1, "tables": {"customer": {}}})"));
        PolicyStore store(shopSchema());
        const Status s = store.load(m_path);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::ConfigInvalid);
        QVERIFY(q(s.error().message).contains(m_path));
        QVERIFY(q(s.error().message).contains(QStringLiteral("/tables/customer: no table \"customer\"")));
        QVERIFY(!store.current());
        const Status missing = store.load(m_path + QStringLiteral(".nope"));
        QCOMPARE(missing.error().code, ErrorCode::IoError);
    }

    void editInPlaceTakesEffect()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        const auto inFlight = m_store->current(); // a call that started before the edit
        const QString oldHash = m_store->currentHash();

        QVERIFY(writeJson(m_path, policyDoc("allow")));
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(failed.size(), 0);
        const QString newHash = m_store->currentHash();
        QVERIFY(newHash != oldHash);
        QCOMPARE(changed[0][0].toString(), oldHash);
        QCOMPARE(changed[0][1].toString(), newHash);
        QCOMPARE(m_store->current()->table("customers", Principal{})->column("email")->action, ColumnAction::Allow);
        // The running call keeps the rules it started with.
        QCOMPARE(q(inFlight->versionHash()), oldHash);
        QCOMPARE(inFlight->table("customers", Principal{})->column("email")->action, ColumnAction::Mask);

        const auto versions = m_store->versions();
        QCOMPARE(versions.size(), std::size_t(2));
        QCOMPARE(versions[1].source, QStringLiteral("reload"));
        QCOMPARE(q(versions[1].hash), newHash);
    }

    void invalidJsonIsRefused()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        const QString oldHash = m_store->currentHash();
        QVERIFY(writeFile(m_path, R"({"version": 1, "tables": {)"));
        QTRY_COMPARE(failed.size(), 1);
        const QString message = failed[0][0].toString();
        QVERIFY2(message.contains(m_path), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("not valid JSON")), qPrintable(message));
        QCOMPARE(m_store->currentHash(), oldHash);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(m_store->versions().size(), std::size_t(1));
        // reload() on the same content answers with the same refusal, without a second signal.
        QVERIFY(!m_store->reload().ok());
        QCOMPARE(failed.size(), 1);
    }

    void unknownKeyIsRefusedWithItsPointer()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        const QString oldHash = m_store->currentHash();
        Json bad = policyDoc("allow");
        bad["tables"]["orders"]["raed"] = true;
        QVERIFY(writeJson(m_path, bad));
        QTRY_COMPARE(failed.size(), 1);
        const QString message = failed[0][0].toString();
        QVERIFY2(message.contains(QStringLiteral("/tables/orders/raed: unknown key; did you mean \"read\"?")),
                 qPrintable(message));
        QCOMPARE(m_store->currentHash(), oldHash);

        // An unrelated file appearing in the folder does not report the same refusal again.
        QVERIFY(writeFile(QDir(m_dir.path()).filePath(QStringLiteral("notes.txt")), "x"));
        QTest::qWait(300);
        QCOMPARE(failed.size(), 1);

        // Fixing the file puts it in force.
        QVERIFY(writeJson(m_path, policyDoc("allow")));
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toString(), oldHash);
        QVERIFY(m_store->reload().ok());
    }

    void renameReplacingEditors()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QVERIFY(replaceByRename(m_path, policyDoc("allow")));
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(m_store->current()->table("customers", Principal{})->column("email")->action, ColumnAction::Allow);
        // The store must follow the new file, not the inode it watched first.
        QVERIFY(replaceByRename(m_path, policyDoc("hash")));
        QTRY_COMPARE(changed.size(), 2);
        QCOMPARE(m_store->current()->table("customers", Principal{})->column("email")->action, ColumnAction::Hash);
        // Move away, then write anew (vim with a backup file).
        QVERIFY(QFile::rename(m_path, m_path + QStringLiteral("~")));
        QVERIFY(writeJson(m_path, policyDoc("deny")));
        QTRY_COMPARE(changed.size(), 3);
        QVERIFY(!m_store->current()->table("customers", Principal{})->column("email"));
        QCOMPARE(m_store->versions().size(), std::size_t(4));
    }

    void deletedFileKeepsThePolicy()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        const QString oldHash = m_store->currentHash();
        QVERIFY(QFile::remove(m_path));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(failed[0][0].toString().contains(QStringLiteral("cannot read the policy file")));
        QCOMPARE(m_store->currentHash(), oldHash);
        QVERIFY(writeJson(m_path, policyDoc("allow")));
        QTRY_COMPARE(changed.size(), 1);
    }

    void formattingIsNotANewVersion()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        QVERIFY(writeFile(m_path, QByteArray::fromStdString(policyDoc().dump()) + "\n\n"));
        QTest::qWait(300);
        QVERIFY(m_store->reload().ok());
        QCOMPARE(changed.size(), 0);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(m_store->versions().size(), std::size_t(1));
    }

    void applyWritesAndLoads()
    {
        QSignalSpy changed(m_store.get(), &PolicyStore::policyChanged);
        QSignalSpy failed(m_store.get(), &PolicyStore::reloadFailed);
        const QString oldHash = m_store->currentHash();

        const Status s = m_store->apply(policyDoc("hash"));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QCOMPARE(changed.size(), 1); // at once, not after the watcher
        QCOMPARE(m_store->current()->table("customers", Principal{})->column("email")->action, ColumnAction::Hash);
        auto onDisk = StrictJson::parse(readFile(m_path).toStdString());
        QVERIFY(onDisk.ok());
        QCOMPARE(js(*onDisk), js(policyDoc("hash")));
        QCOMPARE(m_store->versions().back().source, QStringLiteral("apply"));
        // The watcher sees our own write and finds nothing new.
        QTest::qWait(300);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(m_store->versions().size(), std::size_t(2));

        // An invalid document changes nothing, on disk or in force.
        const QByteArray before = readFile(m_path);
        const QString hash = m_store->currentHash();
        Json bad = policyDoc();
        bad["tables"]["customers"]["columns"]["emial"] = Json{{"action", "deny"}};
        const Status refused = m_store->apply(bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::ConfigInvalid);
        QVERIFY(q(refused.error().message).contains(QStringLiteral("/tables/customers/columns/emial")));
        QCOMPARE(readFile(m_path), before);
        QCOMPARE(m_store->currentHash(), hash);

        // diff between the two recorded versions
        auto d = m_store->diff(oldHash.toStdString(), hash.toStdString());
        QVERIFY(d.ok());
        QCOMPARE(d->size(), std::size_t(1));
        QCOMPARE(q((*d)[0].toString()), QStringLiteral("~ /tables/customers/columns/email: mask(email) \u2192 hash"));
        QCOMPARE(m_store->diff("ffff", hash.toStdString()).error().code, ErrorCode::NotFound);
    }

    void historyPersistsThroughTheStore()
    {
        const QString db = QDir(m_dir.path()).filePath(QStringLiteral("state/history.db"));
        {
            PolicyStore store(shopSchema());
            auto h = PolicyHistory::open(db, m_path);
            QVERIFY(h.ok());
            store.setHistory(std::move(h).value());
            QVERIFY(store.load(m_path).ok());
            QVERIFY(store.apply(policyDoc("allow")).ok());
        }
        PolicyStore again(shopSchema());
        auto h = PolicyHistory::open(db, m_path);
        QVERIFY(h.ok());
        again.setHistory(std::move(h).value());
        QVERIFY(again.load(m_path).ok()); // the version in force: not recorded twice
        const auto v = again.versions();
        QCOMPARE(v.size(), std::size_t(2));
        QCOMPARE(v[0].source, QStringLiteral("start"));
        QCOMPARE(v[1].source, QStringLiteral("apply"));
        QCOMPARE(js(v[1].document), js(policyDoc("allow")));
    }

    void fixedPolicyHasNoFile()
    {
        auto policy = Policy::fromJson(policyDoc(), shopSchema());
        QVERIFY(policy.ok());
        PolicyStore store(*policy);
        QCOMPARE(store.current(), *policy);
        QVERIFY(store.filePath().isEmpty());
        QVERIFY(store.reload().ok());
        QCOMPARE(store.apply(policyDoc("allow")).error().code, ErrorCode::InvalidArgument);
        QSignalSpy changed(&store, &PolicyStore::policyChanged);
        auto other = Policy::fromJson(policyDoc("allow"), shopSchema());
        store.replace(*other);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(store.versions().size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestPolicyStore)
#include "TestPolicyStore.moc"
