#include "audit/AuditExport.h"
#include "audit/AuditKeys.h"
#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "crypto/Crypto.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <future>

using namespace warden;
using namespace warden::audit;

namespace {

QString testTempRoot()
{
    const QString root = qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string fromHex(const std::string &hex)
{
    return QByteArray::fromHex(QByteArray::fromStdString(hex)).toStdString();
}

// Record i: ordinary values, plus the CSV troublemakers in a few of them.
Json exportBody(int i)
{
    Json body = { { "kind", "request" },
                  { "session", "s-" + std::to_string(i / 100) },
                  { "transport", "http" },
                  { "client", { { "name", "claude-desktop" }, { "version", "1.2" } } },
                  { "principal",
                    { { "user", i % 2 == 0 ? "alice" : "bob" },
                      { "tenant", "acme" },
                      { "roles", Json::array({ "analyst", "auditor" }) } } },
                  { "method", "tools/call" },
                  { "target", "db_query" },
                  { "arguments", { { "model", "orders" }, { "limit", i } } },
                  { "outcome", "ok" },
                  { "rows", i },
                  { "duration_us", 1000 + i },
                  { "policy_version", "p-1" },
                  { "sql_fingerprint", "fp-" + std::to_string(i % 7) } };
    switch (i) {
    case 1:
        body["arguments"]["where"] = "a, b and \"c\"\r\nnext line";
        break;
    case 2:
        body["principal"]["user"] = "=cmd|' /C calc'!A0";
        break;
    case 3:
        body["principal"]["tenant"] = "+41 22 000";
        body["session"] = "-2+3";
        break;
    case 4:
        body["target"] = "@SUM(A1:A9)";
        body["method"] = "\tindent";
        break;
    case 5:
        body["sql_fingerprint"] = "\rcarriage";
        body["policy_version"] = "x;=1+1";
        break;
    case 6:
        body.erase("client");
        body.erase("rows");
        body["error_code"] = "BUDGET_EXCEEDED";
        break;
    default:
        break;
    }
    return body;
}

// A minimal RFC 4180 reader: enough to check that what we write reads back cell for cell.
std::vector<std::vector<std::string>> parseCsv(const std::string &text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
            ++i;
        } else {
            cell += c;
            any = true;
        }
    }
    if (any && !row.empty())
        rows.push_back(std::move(row));
    return rows;
}

// Accepts `budget` bytes, then fails every write as a full disk would.
class FailingDevice : public QIODevice
{
public:
    explicit FailingDevice(qint64 budget)
        : m_budget(budget)
    {
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 len) override
    {
        if (len > m_budget) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        m_budget -= len;
        return len;
    }

private:
    qint64 m_budget;
};

} // namespace

class TestAuditExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jsonlLinesParseBackAndVerify();
    void csvRowsReadBack();
    void csvCell_data();
    void csvCell();
    void csvInjectionInAnExport();
    void emptySelection();
    void progressReportsEveryPage();
    void cancelViaProgress();
    void setIsPinnedAtStart();
    void failingDevice();
    void closedDevice();

private:
    std::string exportText(const AuditFilter &f, AuditExport::Format format,
                           std::int64_t *written = nullptr);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<AuditLog> m_log; // stays open: exports run beside a live writer
    std::unique_ptr<AuditQuery> m_query;
    static constexpr int kRecords = 1234; // three pages of kPageSize
};

void TestAuditExport::initTestCase()
{
    m_dir =
        std::make_unique<QTemporaryDir>(testTempRoot() + QStringLiteral("/audit-export-XXXXXX"));
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("audit.db"));
    AuditLog::Options o;
    o.path = m_path;
    o.instance = "test-instance";
    auto log = AuditLog::open(o, AuditKeys("secret"));
    QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
    m_log = std::move(*log);
    // Queued together, committed in a few group commits (one fsync each), not 1234 fsyncs.
    std::atomic<int> pending = kRecords;
    std::atomic<int> failed = 0;
    std::promise<void> all;
    for (int i = 0; i < kRecords; ++i) {
        m_log->append(exportBody(i), [&](const Result<std::int64_t> &r) {
            if (!r)
                ++failed;
            if (--pending == 0)
                all.set_value();
        });
    }
    all.get_future().wait();
    QCOMPARE(failed.load(), 0);
    auto query = AuditQuery::open(m_path);
    QVERIFY(query.ok());
    m_query = std::move(*query);
    QCOMPARE(*m_query->lastSeq(), std::int64_t(kRecords));
}

std::string TestAuditExport::exportText(const AuditFilter &f, AuditExport::Format format,
                                        std::int64_t *written)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto n = AuditExport::write(*m_query, f, format, buffer);
    if (!n) {
        qWarning("%s", n.error().message.c_str());
        return "<failed>";
    }
    if (written)
        *written = *n;
    return buffer.data().toStdString();
}

void TestAuditExport::jsonlLinesParseBackAndVerify()
{
    AuditFilter f;
    f.principal = "alice";
    std::int64_t written = 0;
    const std::string text = exportText(f, AuditExport::Format::Jsonl, &written);
    QCOMPARE(written, std::int64_t(kRecords / 2 - 1)); // exportBody(2) renames alice
    QVERIFY(!text.empty() && text.back() == '\n');
    const AuditKeys keys("secret");
    std::int64_t lines = 0, lastSeq = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        QVERIFY(end != std::string::npos);
        const Json line = Json::parse(text.substr(start, end - start), nullptr, false);
        start = end + 1;
        QVERIFY(line.is_object());
        QCOMPARE(line.size(), std::size_t(5));
        const std::int64_t seq = line["seq"].get<std::int64_t>();
        QVERIFY(seq > lastSeq); // oldest first
        lastSeq = seq;
        auto stored = m_query->record(seq);
        QVERIFY(stored.ok() && stored->has_value());
        const AuditRecord &r = **stored;
        QCOMPARE(q(line["hash"].get<std::string>()), q(crypto::toHex(r.hash)));
        QCOMPARE(q(line["prev_hash"].get<std::string>()), q(crypto::toHex(r.prevHash)));
        QCOMPARE(q(line["mac"].get<std::string>()), q(crypto::toHex(r.mac)));
        QCOMPARE(q(line["record"].dump()), q(r.body.dump()));
        QCOMPARE(q(line["record"]["principal"]["user"].get<std::string>()),
                 QStringLiteral("alice"));
        // A line stands on its own: its hash and MAC can be recomputed from it.
        const std::string input =
            chainInput(fromHex(line["prev_hash"].get<std::string>()), line["record"]);
        QCOMPARE(q(crypto::toHex(crypto::sha256(input))), q(line["hash"].get<std::string>()));
        QCOMPARE(q(crypto::toHex(keys.recordMac(input))), q(line["mac"].get<std::string>()));
        ++lines;
    }
    QCOMPARE(lines, written);
}

void TestAuditExport::csvRowsReadBack()
{
    AuditFilter f;
    f.toSeq = 21;
    const std::string text = exportText(f, AuditExport::Format::Csv);
    const auto rows = parseCsv(text);
    QCOMPARE(rows.size(), std::size_t(21)); // header + 20
    std::vector<std::string> header(AuditExport::csvColumns().begin(),
                                    AuditExport::csvColumns().end());
    QCOMPARE(rows[0], header);
    QCOMPARE(
        q(text.substr(0, text.find("\r\n"))),
        QStringLiteral(
            "seq,time,kind,instance,session,transport,client,principal,tenant,roles,method,target,"
            "outcome,error_code,rows,duration_us,policy_version,sql_fingerprint,arguments,hash"));
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto &row = rows[i];
        QCOMPARE(row.size(), header.size());
        auto r = m_query->record(std::int64_t(i));
        QVERIFY(r.ok() && r->has_value());
        const Json &b = (*r)->body;
        QCOMPARE(q(row[0]), QString::number(i));
        QCOMPARE(q(row[1]), q(b["time"].get<std::string>()));
        QCOMPARE(q(row[3]), QStringLiteral("test-instance"));
        QCOMPARE(q(row[19]), q(crypto::toHex((*r)->hash)));
        QCOMPARE(q(row[18]), q(canonicalForm(b["arguments"])));
        if (i == 7) { // exportBody(6): no client, no rows, an error code
            QCOMPARE(q(row[6]), QString());
            QCOMPARE(q(row[14]), QString());
            QCOMPARE(q(row[13]), QStringLiteral("BUDGET_EXCEEDED"));
            continue;
        }
        QCOMPARE(q(row[6]), QStringLiteral("{\"name\":\"claude-desktop\",\"version\":\"1.2\"}"));
        QCOMPARE(q(row[9]), QStringLiteral("analyst;auditor"));
        QCOMPARE(q(row[14]), QString::number(i - 1));
        QCOMPARE(q(row[15]), QString::number(1000 + i - 1));
    }
    // Record 2 (exportBody(1)) holds a comma, quotes and a CRLF in its arguments: one cell.
    QCOMPARE(q(rows[2][18]), q(canonicalForm(exportBody(1)["arguments"])));
    QVERIFY(text.find("\"{\"\"limit\"\":1,\"\"model\"\":\"\"orders\"\",\"\"where\"\":")
            != std::string::npos);
}

void TestAuditExport::csvCell_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("cell");
    QTest::newRow("plain") << QStringLiteral("alice") << QStringLiteral("alice");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QStringLiteral("one\ntwo") << QStringLiteral("\"one\ntwo\"");
    QTest::newRow("crlf inside") << QStringLiteral("one\r\ntwo")
                                 << QStringLiteral("\"one\r\ntwo\"");
    QTest::newRow("semicolon") << QStringLiteral("a;b") << QStringLiteral("\"a;b\"");
    QTest::newRow("equals") << QStringLiteral("=1+1") << QStringLiteral("'=1+1");
    QTest::newRow("plus") << QStringLiteral("+41 22") << QStringLiteral("'+41 22");
    QTest::newRow("minus") << QStringLiteral("-2+3") << QStringLiteral("'-2+3");
    QTest::newRow("at") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
    QTest::newRow("tab") << QStringLiteral("\t=1") << QStringLiteral("\"'\t=1\"");
    QTest::newRow("cr") << QStringLiteral("\r=1") << QStringLiteral("\"'\r=1\"");
    QTest::newRow("dde") << QStringLiteral("=cmd|' /C calc'!A0")
                         << QStringLiteral("'=cmd|' /C calc'!A0");
    QTest::newRow("formula with quotes")
        << QStringLiteral("=HYPERLINK(\"http://x\",\"y\")")
        << QStringLiteral("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    QTest::newRow("separator then formula")
        << QStringLiteral("x;=1+1") << QStringLiteral("\"x;=1+1\"");
    QTest::newRow("equals inside") << QStringLiteral("a=b") << QStringLiteral("a=b");
    QTest::newRow("leading space") << QStringLiteral(" =1") << QStringLiteral(" =1");
    QTest::newRow("utf-8") << QStringLiteral("Zürich — 東京") << QStringLiteral("Zürich — 東京");
}

void TestAuditExport::csvCell()
{
    QFETCH(QString, value);
    QFETCH(QString, cell);
    QCOMPARE(q(AuditExport::csvCell(value.toStdString())), cell);
}

void TestAuditExport::csvInjectionInAnExport()
{
    AuditFilter f;
    f.fromSeq = 3;
    f.toSeq = 7;
    const auto rows = parseCsv(exportText(f, AuditExport::Format::Csv));
    QCOMPARE(rows.size(), std::size_t(5));
    QCOMPARE(q(rows[1][7]), QStringLiteral("'=cmd|' /C calc'!A0")); // seq 3: principal
    QCOMPARE(q(rows[2][8]), QStringLiteral("'+41 22 000")); // seq 4: tenant
    QCOMPARE(q(rows[2][4]), QStringLiteral("'-2+3")); // seq 4: session
    QCOMPARE(q(rows[3][11]), QStringLiteral("'@SUM(A1:A9)")); // seq 5: target
    QCOMPARE(q(rows[3][10]), QStringLiteral("'\tindent")); // seq 5: method
    QCOMPARE(q(rows[4][17]), QStringLiteral("'\rcarriage")); // seq 6: sql_fingerprint
    QCOMPARE(q(rows[4][16]), QStringLiteral("x;=1+1")); // quoted, so not split at the ;
    // No cell of the whole export starts a formula.
    for (const auto &row : parseCsv(exportText({}, AuditExport::Format::Csv)))
        for (const std::string &cell : row)
            QVERIFY2(cell.empty()
                         || std::string_view("=+-@\t\r").find(cell.front())
                             == std::string_view::npos,
                     cell.c_str());
}

void TestAuditExport::emptySelection()
{
    AuditFilter f;
    f.principal = "nobody";
    std::int64_t written = -1;
    QCOMPARE(q(exportText(f, AuditExport::Format::Jsonl, &written)), QString());
    QCOMPARE(written, std::int64_t(0));
    const std::string csv = exportText(f, AuditExport::Format::Csv, &written);
    QCOMPARE(written, std::int64_t(0));
    QCOMPARE(parseCsv(csv).size(), std::size_t(1)); // the header only
}

void TestAuditExport::progressReportsEveryPage()
{
    std::vector<std::pair<std::int64_t, std::int64_t>> calls;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto n = AuditExport::write(*m_query, {}, AuditExport::Format::Jsonl, buffer,
                                [&](std::int64_t done, std::int64_t total) {
                                    calls.emplace_back(done, total);
                                    return true;
                                });
    QVERIFY(n.ok());
    QCOMPARE(*n, std::int64_t(kRecords));
    const std::vector<std::pair<std::int64_t, std::int64_t>> want = {
        { 0, kRecords }, { 500, kRecords }, { 1000, kRecords }, { kRecords, kRecords }
    };
    QCOMPARE(calls, want);
}

void TestAuditExport::cancelViaProgress()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    int calls = 0;
    auto n = AuditExport::write(
        *m_query, {}, AuditExport::Format::Csv, buffer,
        [&](std::int64_t done, std::int64_t) { return ++calls < 2 && done < 500; });
    QVERIFY(!n.ok());
    QCOMPARE(n.error().code, ErrorCode::Cancelled);
    QVERIFY2(n.error().message.find("after 500 of 1234") != std::string::npos,
             n.error().message.c_str());
    QCOMPARE(parseCsv(buffer.data().toStdString()).size(),
             std::size_t(501)); // header + the first page

    QBuffer none;
    none.open(QIODevice::WriteOnly);
    auto early = AuditExport::write(*m_query, {}, AuditExport::Format::Jsonl, none,
                                    [](std::int64_t, std::int64_t) { return false; });
    QVERIFY(!early.ok());
    QCOMPARE(early.error().code, ErrorCode::Cancelled);
    QVERIFY(none.data().isEmpty());
}

void TestAuditExport::setIsPinnedAtStart()
{
    // Records committed while the export runs are not in it, so done and total agree.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    std::int64_t lastTotal = -1;
    auto n = AuditExport::write(*m_query, {}, AuditExport::Format::Jsonl, buffer,
                                [&](std::int64_t, std::int64_t total) {
                                    lastTotal = total;
                                    return m_log->appendAndWait(exportBody(9)).ok();
                                });
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().message.c_str());
    QCOMPARE(*n, lastTotal);
    QCOMPARE(buffer.data().count('\n'), qsizetype(lastTotal));
    QVERIFY(*m_query->lastSeq() > lastTotal);
}

void TestAuditExport::failingDevice()
{
    for (const qint64 budget : { qint64(0), qint64(100), qint64(200000) }) {
        FailingDevice device(budget);
        QVERIFY(device.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        auto n = AuditExport::write(*m_query, {}, AuditExport::Format::Jsonl, device);
        QVERIFY(!n.ok());
        QCOMPARE(n.error().code, ErrorCode::IoError);
        QVERIFY2(n.error().message.find("cannot write the audit export") == 0,
                 n.error().message.c_str());
        QVERIFY2(n.error().message.find("No space left on device") != std::string::npos,
                 n.error().message.c_str());
    }
    // A real file on a device that is full: the error shows at the latest when flushed.
    if (QFile::exists(QStringLiteral("/dev/full"))) {
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly));
        auto n = AuditExport::write(*m_query, {}, AuditExport::Format::Csv, full);
        QVERIFY(!n.ok());
        QCOMPARE(n.error().code, ErrorCode::IoError);
        QVERIFY2(n.error().message.find("/dev/full") != std::string::npos,
                 n.error().message.c_str());
    }
}

void TestAuditExport::closedDevice()
{
    QBuffer closed;
    auto n = AuditExport::write(*m_query, {}, AuditExport::Format::Csv, closed);
    QVERIFY(!n.ok());
    QCOMPARE(n.error().code, ErrorCode::IoError);
    QBuffer readOnly;
    readOnly.open(QIODevice::ReadOnly);
    QVERIFY(!AuditExport::write(*m_query, {}, AuditExport::Format::Csv, readOnly).ok());
}

QTEST_GUILESS_MAIN(TestAuditExport)
#include "TestAuditExport.moc"
