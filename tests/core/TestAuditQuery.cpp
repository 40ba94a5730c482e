#include "AuditQueryFixture.h"
#include "audit/AuditKeys.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "crypto/Crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <functional>
#include <limits>
#include <set>

using namespace warden;
using namespace warden::audit;
using namespace warden::test;

namespace {

QString testTempRoot()
{
    const QString root = qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

} // namespace

class TestAuditQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openRefusesWhatIsNotAStore();
    void recordsComeBackWhole();
    void recordMissingIsNullopt();
    void filters_data();
    void filters();
    void textIsLiteral_data();
    void textIsLiteral();
    void paging_data();
    void paging();
    void pageLimitsValidated();
    void liveTail();
    void planUsesIndex_data();
    void planUsesIndex();
    void timePlans();

private:
    std::vector<AuditRecord> all() const; // oldest first, read back once
    std::vector<std::int64_t> expected(const AuditFilter &f, AuditQuery::Order order) const;
    std::vector<std::int64_t> paged(const AuditFilter &f, int limit, AuditQuery::Order order) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<AuditQuery> m_query;
    std::vector<AuditRecord> m_all;
};

void TestAuditQuery::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>(testTempRoot() + QStringLiteral("/audit-query-XXXXXX"));
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("audit.db"));
    {
        AuditLog::Options o;
        o.path = m_path;
        o.instance = "test";
        auto log = AuditLog::open(o, AuditKeys("secret"));
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        for (int i = 0; i < kRecords; ++i) {
            auto seq = (*log)->appendAndWait(fixtureBody(i));
            QVERIFY2(seq.ok(), seq.ok() ? "" : seq.error().message.c_str());
            QCOMPARE(*seq, std::int64_t(i + 1));
            if (i % 3 == 2)
                QThread::msleep(2); // spread time_ms, so time ranges cut between records
        }
    }
    auto q = AuditQuery::open(m_path);
    QVERIFY2(q.ok(), q.ok() ? "" : q.error().message.c_str());
    m_query = std::move(*q);
    m_all = all();
    QCOMPARE(m_all.size(), std::size_t(kRecords));
}

std::vector<AuditRecord> TestAuditQuery::all() const
{
    auto page =
        m_query->page({}, std::nullopt, AuditQuery::kMaxPageSize, AuditQuery::Order::OldestFirst);
    return page ? page->records : std::vector<AuditRecord>();
}

std::vector<std::int64_t> TestAuditQuery::expected(const AuditFilter &f,
                                                   AuditQuery::Order order) const
{
    return expectedSeqs(m_all, f, order);
}

std::vector<std::int64_t> TestAuditQuery::paged(const AuditFilter &f, int limit,
                                                AuditQuery::Order order) const
{
    std::vector<std::int64_t> seqs;
    std::optional<std::int64_t> after;
    for (int guard = 0; guard < 1000; ++guard) {
        auto page = m_query->page(f, after, limit, order);
        if (!page) {
            qWarning("%s", page.error().message.c_str());
            return {};
        }
        if (int(page->records.size()) > limit)
            return {};
        for (const AuditRecord &r : page->records)
            seqs.push_back(r.seq);
        if (!page->next)
            return seqs;
        // `next` is set only when more records follow, so a page before it is never short.
        if (int(page->records.size()) != limit || *page->next != page->records.back().seq)
            return {};
        after = page->next;
    }
    return {};
}

void TestAuditQuery::openRefusesWhatIsNotAStore()
{
    auto missing = AuditQuery::open(m_dir->filePath(QStringLiteral("nope/missing.db")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::IoError);
    QVERIFY2(missing.error().message.find("no such file") != std::string::npos,
             missing.error().message.c_str());
    QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("nope")))); // nothing created

    const QString other = m_dir->filePath(QStringLiteral("other.db"));
    {
        QFile f(other);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database at all, just some text that is long enough to be a header......");
    }
    auto garbage = AuditQuery::open(other);
    QVERIFY(!garbage.ok());
    QVERIFY2(garbage.error().message.find("cannot read the audit store") != std::string::npos,
             garbage.error().message.c_str());
}

void TestAuditQuery::recordsComeBackWhole()
{
    std::string prev = zeroHash();
    const AuditKeys keys("secret");
    for (int i = 0; i < kRecords; ++i) {
        const AuditRecord &r = m_all[std::size_t(i)];
        QCOMPARE(r.seq, std::int64_t(i + 1));
        QCOMPARE(r.body["seq"].get<std::int64_t>(), r.seq);
        // The fields the fixture set come back as written.
        const Json want = fixtureBody(i);
        for (auto it = want.begin(); it != want.end(); ++it)
            QCOMPARE(QString::fromStdString(canonicalForm(r.body[it.key()])),
                     QString::fromStdString(canonicalForm(it.value())));
        QCOMPARE(r.prevHash.size(), std::size_t(32));
        QVERIFY(r.prevHash == prev);
        const std::string input = chainInput(r.prevHash, r.body);
        QVERIFY(r.hash == crypto::sha256(input));
        QVERIFY(r.mac == keys.recordMac(input));
        prev = r.hash;
    }
    // Times ascend with seq, which the time-range tests below rely on to cut between records.
    QVERIFY(m_all.front().timeMs() < m_all.back().timeMs());
}

void TestAuditQuery::recordMissingIsNullopt()
{
    auto r = m_query->record(17);
    QVERIFY(r.ok());
    QVERIFY(r->has_value());
    QCOMPARE((*r)->seq, std::int64_t(17));
    QVERIFY((*r)->hash == m_all[16].hash);
    QCOMPARE(QString::fromStdString(canonicalForm((*r)->body)),
             QString::fromStdString(canonicalForm(m_all[16].body)));

    for (std::int64_t missing : { std::int64_t(0), std::int64_t(-1), std::int64_t(kRecords + 1),
                                  std::numeric_limits<std::int64_t>::max() }) {
        auto none = m_query->record(missing);
        QVERIFY(none.ok());
        QVERIFY(!none->has_value());
    }
}

void TestAuditQuery::filters_data()
{
    QTest::addColumn<int>("index");
    // A named filter per row; built in filters() from the fixture's real times.
    const char *names[] = { "principal",
                            "tenant",
                            "tool",
                            "outcome",
                            "errorCode",
                            "session",
                            "kind",
                            "fromMs",
                            "toMs",
                            "time range",
                            "text",
                            "fromSeq/toSeq",
                            "principal+tool",
                            "principal+time",
                            "tool+time",
                            "tenant+outcome+kind",
                            "session+errorCode",
                            "errorCode+text",
                            "everything",
                            "no match",
                            "no filter",
                            "unknown principal",
                            "empty range",
                            "narrow time",
                            "principal+narrow time",
                            "tool+fromMs",
                            "outcome+toMs",
                            "kind+narrow time" };
    for (int i = 0; i < int(std::size(names)); ++i)
        QTest::newRow(names[i]) << i;
}

void TestAuditQuery::filters()
{
    QFETCH(int, index);
    // Cut between records 20|21 and 45|46 at real times (ties put both sides in range).
    const std::int64_t t20 = m_all[20].timeMs(), t45 = m_all[45].timeMs();
    AuditFilter f;
    switch (index) {
    case 0:
        f.principal = "bob";
        break;
    case 1:
        f.tenant = "t-1";
        break;
    case 2:
        f.tool = "db_aggregate";
        break;
    case 3:
        f.outcome = "error";
        break;
    case 4:
        f.errorCode = "QUERY_TIMEOUT";
        break;
    case 5:
        f.session = "s-3";
        break;
    case 6:
        f.kind = "outcome";
        break;
    case 7:
        f.fromMs = t20;
        break;
    case 8:
        f.toMs = t45;
        break;
    case 9:
        f.fromMs = t20;
        f.toMs = t45;
        break;
    case 10:
        f.text = "ROW 1";
        break; // row 1, row 10..19
    case 11:
        f.fromSeq = 5;
        f.toSeq = 12;
        break;
    case 12:
        f.principal = "alice";
        f.tool = "db_query";
        break;
    case 13:
        f.principal = "carol";
        f.fromMs = t20;
        f.toMs = t45;
        break;
    case 14:
        f.tool = "db_get";
        f.fromMs = t20;
        f.toMs = t45;
        break;
    case 15:
        f.tenant = "t-0";
        f.outcome = "error";
        f.kind = "request";
        break;
    case 16:
        f.session = "s-2";
        f.errorCode = "BUDGET_EXCEEDED";
        break;
    case 17:
        f.errorCode = "QUERY_TIMEOUT";
        f.text = "row 4";
        break;
    case 18:
        f.principal = "alice";
        f.tenant = "t-1";
        f.tool = "db_get";
        f.outcome = "ok";
        f.kind = "outcome";
        f.fromMs = m_all[0].timeMs();
        f.toMs = m_all.back().timeMs() + 1;
        f.text = "orders";
        break;
    case 19:
        f.principal = "alice";
        f.tenant = "t-0";
        f.tool = "db_get";
        break; // i%3==0, i%2==0, i%4==1
    case 20:
        break;
    case 21:
        f.principal = "mallory";
        break;
    case 22:
        f.fromMs = t45;
        f.toMs = t20;
        break;
    // Narrow ranges take the seq-window plan, wide ones the residual check (timePlans()).
    case 23:
        f.fromMs = m_all[30].timeMs();
        f.toMs = m_all[36].timeMs();
        break;
    case 24:
        f.principal = "bob";
        f.fromMs = m_all[30].timeMs();
        f.toMs = m_all[36].timeMs();
        break;
    case 25:
        f.tool = "db_query";
        f.fromMs = t45;
        break;
    case 26:
        f.outcome = "ok";
        f.toMs = t20;
        break;
    case 27:
        f.kind = "request";
        f.fromMs = m_all[12].timeMs();
        f.toMs = m_all[18].timeMs();
        break;
    default:
        QFAIL("no such row");
    }
    const auto want = expected(f, AuditQuery::Order::OldestFirst);
    if (index != 19 && index != 21 && index != 22)
        QVERIFY2(!want.empty() && int(want.size()) < (index == 20 ? kRecords + 1 : kRecords),
                 "a useless fixture row");
    else
        QVERIFY(want.empty());

    auto count = m_query->count(f);
    QVERIFY(count.ok());
    QCOMPARE(*count, std::int64_t(want.size()));
    QCOMPARE(paged(f, 1000, AuditQuery::Order::OldestFirst), want);
    QCOMPARE(paged(f, 3, AuditQuery::Order::NewestFirst),
             expected(f, AuditQuery::Order::NewestFirst));

    // seqAt: the record at every offset into the matches, in both orders, and none past them.
    for (const auto order : { AuditQuery::Order::OldestFirst, AuditQuery::Order::NewestFirst }) {
        const auto inOrder = expected(f, order);
        for (std::size_t i = 0; i <= inOrder.size(); ++i) {
            auto at = m_query->seqAt(f, std::int64_t(i), order);
            QVERIFY(at.ok());
            QCOMPARE(*at, i < inOrder.size() ? std::optional<std::int64_t>(inOrder[i]) : std::nullopt);
        }
    }
}

void TestAuditQuery::textIsLiteral_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<std::vector<std::int64_t>>("seqs");
    QTest::newRow("percent and underscore")
        << QStringLiteral("50%_off") << std::vector<std::int64_t> { 8 };
    QTest::newRow("underscore alone") << QStringLiteral("0%_") << std::vector<std::int64_t> { 8 };
    QTest::newRow("no wildcard match") << QStringLiteral("50__off") << std::vector<std::int64_t> {};
    QTest::newRow("percent is not any") << QStringLiteral("%") << std::vector<std::int64_t> { 8 };
    QTest::newRow("case-insensitive")
        << QStringLiteral("mixed case NEEDLE") << std::vector<std::int64_t> { 10 };
    // Canonical text escapes a backslash as \\, and the search is over that text.
    QTest::newRow("backslash as stored")
        << QStringLiteral("back\\\\slash") << std::vector<std::int64_t> { 11 };
    QTest::newRow("lone backslash") << QStringLiteral("k\\") << std::vector<std::int64_t> { 11 };
    QTest::newRow("quote") << QStringLiteral("'; DROP TABLE audit_records; --")
                           << std::vector<std::int64_t> {};
}

void TestAuditQuery::textIsLiteral()
{
    QFETCH(QString, text);
    QFETCH(std::vector<std::int64_t>, seqs);
    AuditFilter f;
    f.text = text.toStdString();
    QCOMPARE(paged(f, 10, AuditQuery::Order::OldestFirst), seqs);
    QCOMPARE(paged(f, 10, AuditQuery::Order::OldestFirst),
             expected(f, AuditQuery::Order::OldestFirst));
    QCOMPARE(*m_query->count(f), std::int64_t(seqs.size()));
}

void TestAuditQuery::paging_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("filtered");
    for (int limit : { 1, 7, 10, 59, 60, 61, 10000 }) {
        QTest::addRow("limit %d", limit) << limit << false;
        QTest::addRow("limit %d, principal=bob", limit) << limit << true;
    }
}

void TestAuditQuery::paging()
{
    QFETCH(int, limit);
    QFETCH(bool, filtered);
    AuditFilter f;
    if (filtered)
        f.principal = "bob";
    for (const auto order : { AuditQuery::Order::OldestFirst, AuditQuery::Order::NewestFirst }) {
        const auto seqs = paged(f, limit, order);
        const auto want = expected(f, order);
        QCOMPARE(seqs, want); // in order, each exactly once
        QCOMPARE(std::set<std::int64_t>(seqs.begin(), seqs.end()).size(), want.size());
    }
    // `after` past either end gives an empty last page.
    auto past = m_query->page(f, kRecords, limit, AuditQuery::Order::OldestFirst);
    QVERIFY(past.ok());
    QVERIFY(past->records.empty());
    QVERIFY(!past->next);
    auto before = m_query->page(f, 1, limit, AuditQuery::Order::NewestFirst);
    QVERIFY(before.ok());
    QVERIFY(before->records.empty());
}

void TestAuditQuery::pageLimitsValidated()
{
    for (int bad : { 0, -1, AuditQuery::kMaxPageSize + 1, std::numeric_limits<int>::min(),
                     std::numeric_limits<int>::max() }) {
        auto page = m_query->page({}, std::nullopt, bad, AuditQuery::Order::NewestFirst);
        QVERIFY(!page.ok());
        QCOMPARE(page.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!m_query->pagePlan({}, std::nullopt, bad, AuditQuery::Order::NewestFirst).ok());
    }
    QVERIFY(m_query->page({}, std::nullopt, 1, AuditQuery::Order::NewestFirst).ok());
    QVERIFY(
        m_query->page({}, std::nullopt, AuditQuery::kMaxPageSize, AuditQuery::Order::NewestFirst)
            .ok());
}

void TestAuditQuery::liveTail()
{
    // A reader open on a store its writer keeps appending to: the tail shows up after lastSeq.
    const QString path = m_dir->filePath(QStringLiteral("tail.db"));
    AuditLog::Options o;
    o.path = path;
    auto log = AuditLog::open(o, AuditKeys("secret"));
    QVERIFY(log.ok());
    QVERIFY((*log)->appendAndWait(fixtureBody(0)).ok());
    auto q = AuditQuery::open(path);
    QVERIFY(q.ok());
    auto last = (*q)->lastSeq();
    QVERIFY(last.ok());
    QCOMPARE(*last, std::int64_t(1));
    for (int i = 1; i <= 3; ++i)
        QVERIFY((*log)->appendAndWait(fixtureBody(i)).ok());
    auto tail = (*q)->page({}, *last, 100, AuditQuery::Order::OldestFirst);
    QVERIFY(tail.ok());
    QCOMPARE(tail->records.size(), std::size_t(3));
    QCOMPARE(tail->records.front().seq, std::int64_t(2));
    QVERIFY(!tail->next);
    QCOMPARE(*(*q)->lastSeq(), std::int64_t(4));

    // An empty store: lastSeq 0, empty pages.
    const QString emptyPath = m_dir->filePath(QStringLiteral("empty.db"));
    {
        o.path = emptyPath;
        QVERIFY(AuditLog::open(o, AuditKeys("secret")).ok());
    }
    auto empty = AuditQuery::open(emptyPath);
    QVERIFY(empty.ok());
    QCOMPARE(*(*empty)->lastSeq(), std::int64_t(0));
    QCOMPARE(*(*empty)->count({}), std::int64_t(0));
    QVERIFY((*empty)->page({}, std::nullopt, 10, AuditQuery::Order::NewestFirst)->records.empty());
}

void TestAuditQuery::planUsesIndex_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("newestFirst");
    QTest::addColumn<bool>("withAfter");
    QTest::addColumn<QString>("expectedIndex");
    const char *names[] = { "principal+time",
                            "principal",
                            "tool",
                            "tool+time",
                            "principal+tool+tenant+text",
                            "session+errorCode+kind",
                            "tenant+outcome",
                            "time only",
                            "kind",
                            "kind+session" };
    const char *indexes[] = { "audit_records_principal", "audit_records_principal",
                              "audit_records_tool",      "audit_records_tool",
                              "audit_records_principal", "audit_records_session",
                              "audit_records_tenant",    "",
                              "audit_records_kind",      "audit_records_session" };
    for (int i = 0; i < int(std::size(names)); ++i)
        for (bool newest : { true, false })
            for (bool after : { false, true })
                QTest::addRow("%s, %s%s", names[i], newest ? "newest first" : "oldest first",
                              after ? ", after" : "")
                    << i << newest << after << QString::fromLatin1(indexes[i]);
}

void TestAuditQuery::planUsesIndex()
{
    QFETCH(int, index);
    QFETCH(bool, newestFirst);
    QFETCH(bool, withAfter);
    QFETCH(QString, expectedIndex);
    AuditFilter f;
    switch (index) {
    case 0:
        f.principal = "alice";
        f.fromMs = 1;
        f.toMs = 2;
        break;
    case 1:
        f.principal = "alice";
        break;
    case 2:
        f.tool = "db_get";
        break;
    case 3:
        f.tool = "db_get";
        f.fromMs = 1;
        f.toMs = 2;
        break;
    case 4:
        f.principal = "alice";
        f.tool = "db_get";
        f.tenant = "t-1";
        f.text = "x";
        break;
    case 5:
        f.session = "s-1";
        f.errorCode = "QUERY_TIMEOUT";
        f.kind = "request";
        break;
    case 6:
        f.tenant = "t-1";
        f.outcome = "ok";
        break;
    case 7:
        f.fromMs = 1;
        f.toMs = 2;
        break;
    case 8:
        f.kind = "policy_change";
        break;
    case 9:
        f.kind = "request";
        f.session = "s-1";
        break;
    default:
        QFAIL("no such row");
    }
    const auto order =
        newestFirst ? AuditQuery::Order::NewestFirst : AuditQuery::Order::OldestFirst;
    auto plan = m_query->pagePlan(f, withAfter ? std::optional<std::int64_t>(30) : std::nullopt,
                                  100, order);
    QVERIFY2(plan.ok(), plan.ok() ? "" : plan.error().message.c_str());
    QString text;
    for (const std::string &line : *plan)
        text += QString::fromStdString(line) + QLatin1Char('\n');
    QVERIFY2(!text.contains(QStringLiteral("TEMP B-TREE")), qPrintable(text));
    // "SCAN audit_records" alone is a walk over the whole table; a scan of a covering index
    // is reported as "SCAN audit_records USING COVERING INDEX ...".
    for (const std::string &line : *plan)
        QVERIFY2(line.rfind("SCAN audit_records", 0) != 0
                     || line.find("USING") != std::string::npos,
                 qPrintable(text));
    if (!expectedIndex.isEmpty())
        QVERIFY2(text.contains(QStringLiteral("SEARCH audit_records USING INDEX ") + expectedIndex),
                 qPrintable(text));
    else
        QVERIFY2(text.contains(QStringLiteral("SEARCH audit_records USING INTEGER PRIMARY KEY")),
                 qPrintable(text));
}

void TestAuditQuery::timePlans()
{
    auto planText = [&](const AuditFilter &f, std::optional<std::int64_t> after,
                        AuditQuery::Order order) {
        auto plan = m_query->pagePlan(f, after, 10, order);
        QString text;
        if (plan)
            for (const std::string &line : *plan)
                text += QString::fromStdString(line) + QLatin1Char('\n');
        return text;
    };
    const QString window = QStringLiteral("USING COVERING INDEX audit_records_time");
    const QString bounded =
        QStringLiteral("USING INDEX audit_records_principal (principal=? AND seq>? AND seq<?)");
    AuditFilter f;
    f.principal = "bob";
    // Six records in the range, 23 after it: newest first, the walk would cross those 23.
    f.fromMs = m_all[30].timeMs();
    f.toMs = m_all[36].timeMs();
    QString text = planText(f, std::nullopt, AuditQuery::Order::NewestFirst);
    QVERIFY2(text.contains(window) && text.contains(bounded), qPrintable(text));
    QVERIFY2(planText(f, std::nullopt, AuditQuery::Order::OldestFirst).contains(window),
             qPrintable(text));
    // A page that starts inside the range has nothing to cross.
    text = planText(f, 35, AuditQuery::Order::NewestFirst);
    QVERIFY2(!text.contains(window), qPrintable(text));
    // The whole history: scanning the range would read everything; the walk stops at `limit`.
    f.fromMs = m_all.front().timeMs();
    f.toMs = m_all.back().timeMs() + 1;
    text = planText(f, std::nullopt, AuditQuery::Order::NewestFirst);
    QVERIFY2(!text.contains(window) && text.contains(QStringLiteral("audit_records_principal")),
             qPrintable(text));
    for (const QString &t : { text, planText(f, 20, AuditQuery::Order::OldestFirst) })
        QVERIFY2(!t.contains(QStringLiteral("TEMP B-TREE")), qPrintable(t));
    // Both plans answer the same.
    f.fromMs = m_all[30].timeMs();
    f.toMs = m_all[36].timeMs();
    QCOMPARE(paged(f, 1, AuditQuery::Order::NewestFirst),
             expected(f, AuditQuery::Order::NewestFirst));
    QCOMPARE(paged(f, 1, AuditQuery::Order::OldestFirst),
             expected(f, AuditQuery::Order::OldestFirst));
}

QTEST_GUILESS_MAIN(TestAuditQuery)
#include "TestAuditQuery.moc"
