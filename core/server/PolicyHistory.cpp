#include "PolicyHistory.h"

#include "StateLocation.h"

#include "common/StrictJson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <set>

namespace warden {
namespace {

constexpr int kFormatVersion = 1;
constexpr int kBusyTimeoutMs = 5000;

// A prepared statement that finalises itself.
class Statement
{
public:
    Statement(sqlite3 *db, const char *sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool ok() const { return m_rc == SQLITE_OK && m_stmt; }
    void bind(int index, const std::string &text)
    {
        sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    }
    int step() { return sqlite3_step(m_stmt); }
    std::string text(int column) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return p ? std::string(p, std::size_t(sqlite3_column_bytes(m_stmt, column))) : std::string();
    }
    int integer(int column) const { return sqlite3_column_int(m_stmt, column); }

private:
    sqlite3_stmt *m_stmt = nullptr;
    int m_rc = SQLITE_ERROR;
};

Error ioError(const QString &path, const std::string &what, sqlite3 *db)
{
    // The history is our own file, not the governed database: its error text helps the operator.
    return Error(ErrorCode::IoError, "policy history " + path.toStdString() + ": " + what + " ("
                                         + (db ? sqlite3_errmsg(db) : "out of memory")
                                         + "); check the \"policy_history\" path in the configuration");
}

std::string stamp(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs).toStdString();
}

bool isHex(const std::string &s)
{
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return !s.empty();
}

} // namespace

PolicyHistory::PolicyHistory(QString policyPath)
    : m_policyPath(std::move(policyPath))
{
}

PolicyHistory::~PolicyHistory()
{
    if (m_db)
        sqlite3_close(m_db);
}

QString PolicyHistory::defaultPath()
{
    return statePath(QStringLiteral("policy-history.db"));
}

Result<std::unique_ptr<PolicyHistory>> PolicyHistory::open(const QString &databasePath, const QString &policyPath)
{
    const QFileInfo info(databasePath);
    const QString path = info.absoluteFilePath();
    if (info.isDir())
        return Error(ErrorCode::IoError, "policy history " + path.toStdString()
                                             + " is a directory; give the path of a file, e.g. "
                                             + QDir(path).filePath(QStringLiteral("policy-history.db")).toStdString());
    if (!QDir().mkpath(info.absolutePath()))
        return Error(ErrorCode::IoError, "cannot create the folder " + info.absolutePath().toStdString()
                                             + " for the policy history; check its permissions or set \"policy_history\"");
    const bool existed = info.exists();

    std::unique_ptr<PolicyHistory> h(new PolicyHistory());
    h->m_databasePath = path;
    h->m_policyPath = policyPath;
    const QByteArray native = QFile::encodeName(path);
    const int rc = sqlite3_open_v2(native.constData(), &h->m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK)
        return ioError(path, "cannot open it", h->m_db);
    if (!existed) // policies describe the schema and its protections: not for every local user
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    sqlite3_busy_timeout(h->m_db, kBusyTimeoutMs); // a console and a server may share the file
    if (auto s = h->createSchema(); !s)
        return s.takeError();
    return h;
}

Status PolicyHistory::createSchema()
{
    Statement version(m_db, "PRAGMA user_version");
    if (!version.ok() || version.step() != SQLITE_ROW)
        return ioError(m_databasePath, "cannot read it; is it an SQLite file?", m_db);
    const int found = version.integer(0);
    if (found > kFormatVersion)
        return Error(ErrorCode::IoError, "policy history " + m_databasePath.toStdString()
                                             + " was written by a newer Warden; upgrade, or set \"policy_history\" to another file");
    static const char *const kSchema = "CREATE TABLE IF NOT EXISTS policy_history ("
                                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                       " policy_path TEXT NOT NULL,"
                                       " hash TEXT NOT NULL,"
                                       " loaded_at TEXT NOT NULL,"
                                       " source TEXT NOT NULL,"
                                       " document TEXT NOT NULL);"
                                       "CREATE INDEX IF NOT EXISTS policy_history_path ON policy_history(policy_path, id);"
                                       "PRAGMA user_version = 1;";
    if (sqlite3_exec(m_db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK)
        return ioError(m_databasePath, "cannot create its table", m_db);
    return {};
}

Status PolicyHistory::record(const std::string &hash, const Json &document, const QString &source, const QDateTime &at)
{
    std::lock_guard lock(m_mutex);
    PolicyVersion v{hash, at.toUTC(), source, m_policyPath, document};
    v.loadedAt = QDateTime::fromString(QString::fromStdString(stamp(at)), Qt::ISODateWithMs); // as stored
    if (!m_db) {
        if (!m_memory.empty() && m_memory.back().hash == hash)
            return {};
        m_memory.push_back(std::move(v));
        return {};
    }
    const std::string path = m_policyPath.toStdString();
    {
        // Another process (the console, a second server) may have recorded since we last looked.
        Statement last(m_db, "SELECT hash FROM policy_history WHERE policy_path = ?1 ORDER BY id DESC LIMIT 1");
        if (!last.ok())
            return ioError(m_databasePath, "cannot read it", m_db);
        last.bind(1, path);
        if (last.step() == SQLITE_ROW && last.text(0) == hash)
            return {};
    }
    m_memory.push_back(v);
    Statement insert(m_db, "INSERT INTO policy_history (policy_path, hash, loaded_at, source, document)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert.ok())
        return ioError(m_databasePath, "cannot write to it", m_db);
    insert.bind(1, path);
    insert.bind(2, hash);
    insert.bind(3, stamp(at));
    insert.bind(4, source.toStdString());
    insert.bind(5, StrictJson::dump(document));
    if (insert.step() != SQLITE_DONE)
        return ioError(m_databasePath, "cannot write to it", m_db);
    return {};
}

std::vector<PolicyVersion> PolicyHistory::readAll() const
{
    std::vector<PolicyVersion> out;
    Statement select(m_db, "SELECT hash, loaded_at, source, document FROM policy_history"
                           " WHERE policy_path = ?1 ORDER BY id");
    if (!select.ok()) {
        spdlog::warn("policy history {}: cannot read it ({})", m_databasePath.toStdString(), sqlite3_errmsg(m_db));
        return m_memory;
    }
    select.bind(1, m_policyPath.toStdString());
    while (select.step() == SQLITE_ROW) {
        PolicyVersion v;
        v.hash = select.text(0);
        v.loadedAt = QDateTime::fromString(QString::fromStdString(select.text(1)), Qt::ISODateWithMs);
        v.source = QString::fromStdString(select.text(2));
        v.policyPath = m_policyPath;
        auto doc = StrictJson::parse(select.text(3));
        v.document = doc ? std::move(doc).value() : Json();
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<PolicyVersion> PolicyHistory::versions() const
{
    std::lock_guard lock(m_mutex);
    return m_db ? readAll() : m_memory;
}

std::optional<PolicyVersion> PolicyHistory::version(const std::string &hash) const
{
    const auto all = versions();
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (it->hash == hash)
            return *it;
    return std::nullopt;
}

Result<PolicyVersion> PolicyHistory::find(const std::string &hashOrPrefix) const
{
    if (hashOrPrefix.size() < 4 || !isHex(hashOrPrefix))
        return Error(ErrorCode::InvalidArgument, "a policy version is a hash of lowercase hex digits (at least 4 of them)");
    std::set<std::string> matches;
    for (const auto &v : versions())
        if (v.hash.compare(0, hashOrPrefix.size(), hashOrPrefix) == 0)
            matches.insert(v.hash);
    if (matches.empty())
        return Error(ErrorCode::NotFound, "no policy version " + hashOrPrefix
                                              + " in the history; `warden-server policy history` lists them");
    if (matches.size() > 1)
        return Error(ErrorCode::InvalidArgument, "policy version " + hashOrPrefix + " is ambiguous ("
                                                     + std::to_string(matches.size()) + " versions start with it); give more digits");
    return *version(*matches.begin());
}

} // namespace warden
