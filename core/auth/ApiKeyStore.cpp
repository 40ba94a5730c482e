#include "ApiKeyStore.h"

#include "audit/SqliteRow.h"
#include "common/Json.h"
#include "common/StrictJson.h"
#include "crypto/Crypto.h"
#include "server/StateLocation.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

namespace warden::auth {
namespace {

using audit::sqlite::Statement;
using audit::sqlite::text;

constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// scrypt cost: about 32 MiB and tens of milliseconds per check (OWASP's floor is N=2^17 with
// r=8 for passwords; these secrets are 256 random bits, so the hash only has to make a stolen
// store useless for offline guessing, which any cost does).
constexpr std::uint64_t kScryptN = 1u << 15;
constexpr std::uint64_t kScryptR = 8;
constexpr std::uint64_t kScryptP = 1;

const char *const kSchema = "CREATE TABLE IF NOT EXISTS api_keys ("
                            " id TEXT PRIMARY KEY,"
                            " name TEXT NOT NULL,"
                            " user_id TEXT NOT NULL,"
                            " tenant_id TEXT,"
                            " roles TEXT NOT NULL,"
                            " scopes TEXT NOT NULL,"
                            " hash TEXT NOT NULL,"
                            " created_at INTEGER NOT NULL,"
                            " expires_at INTEGER,"
                            " revoked_at INTEGER)";

std::int64_t nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

Error storeError(sqlite3 *db, const std::string &what)
{
    // SQLite's text names no secrets; it helps an operator fix a broken file.
    return Error(ErrorCode::IoError, "API key store: " + what + " (" + sqlite3_errmsg(db) + ")");
}

std::string joinList(const std::vector<std::string> &items)
{
    Json array = Json::array();
    for (const auto &item : items)
        array.push_back(item);
    return StrictJson::dump(array);
}

std::vector<std::string> splitList(const std::optional<std::string> &text)
{
    std::vector<std::string> out;
    if (!text)
        return out;
    auto parsed = StrictJson::parse(*text);
    if (!parsed || !parsed->is_array())
        return out;
    for (const auto &item : *parsed)
        if (item.is_string())
            out.push_back(item.get<std::string>());
    return out;
}

void bindText(sqlite3_stmt *stmt, int index, const std::string &value)
{
    sqlite3_bind_text(stmt, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
}

void bindOptional(sqlite3_stmt *stmt, int index, const std::optional<std::int64_t> &value)
{
    if (value)
        sqlite3_bind_int64(stmt, index, *value);
    else
        sqlite3_bind_null(stmt, index);
}

std::optional<std::int64_t> optionalInt(sqlite3_stmt *stmt, int column)
{
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(stmt, column);
}

bool isHex(std::string_view text)
{
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

std::optional<ApiKeyText> ApiKeyText::parse(std::string_view text)
{
    // wk_ + 16 hex + _ + 43 base64url characters (32 bytes, no padding).
    constexpr std::size_t kIdChars = kIdBytes * 2;
    constexpr std::size_t kSecretChars = 43;
    if (text.size() != 3 + kIdChars + 1 + kSecretChars || !looksLikeKey(text) || text[3 + kIdChars] != '_')
        return std::nullopt;
    ApiKeyText key;
    key.id = std::string(text.substr(3, kIdChars));
    key.secret = std::string(text.substr(3 + kIdChars + 1));
    std::string raw;
    if (!isHex(key.id) || !crypto::base64UrlDecode(key.secret, raw) || raw.size() != kSecretBytes)
        return std::nullopt;
    return key;
}

ApiKeyStore::ApiKeyStore(sqlite3 *db) : m_db(db) {}

ApiKeyStore::~ApiKeyStore()
{
    sqlite3_close_v2(m_db);
}

QString ApiKeyStore::defaultPath()
{
    return statePath(QStringLiteral("api-keys.db"));
}

Result<std::unique_ptr<ApiKeyStore>> ApiKeyStore::open(const QString &path, Access access)
{
    const bool write = access == Access::ReadWrite;
    if (write) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return Error(ErrorCode::IoError, "API key store: cannot create the folder of " + path.toStdString()
                                                 + "; check its permissions or set auth.api_keys.path");
        if (!QFileInfo::exists(path)) {
            // Hashes only, but still nobody else's business: owner read/write.
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return Error(ErrorCode::IoError, "API key store: cannot create " + path.toStdString()
                                                     + "; check the folder's permissions or set auth.api_keys.path");
            file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
    } else if (!QFileInfo::exists(path)) {
        return Error(ErrorCode::NotFound, "API key store: " + path.toStdString()
                                              + " does not exist; create a key with `warden-server keys create`");
    }
    sqlite3 *db = nullptr;
    const QByteArray encoded = QFile::encodeName(path);
    const int flags = (write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(encoded.constData(), &db, flags, nullptr) != SQLITE_OK) {
        Error e = storeError(db, "cannot open " + path.toStdString());
        sqlite3_close_v2(db);
        return e;
    }
    std::unique_ptr<ApiKeyStore> store(new ApiKeyStore(db));
    sqlite3_busy_timeout(db, 5000);
    if (auto s = store->exec("PRAGMA trusted_schema = OFF"); !s)
        return s.error();
    if (write) {
        for (const char *sql : { "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", kSchema })
            if (auto s = store->exec(sql); !s)
                return s.error();
    }
    // Fail now, not at the first call, when the file is not a key store.
    if (auto s = store->entries(); !s)
        return s.error();
    return store;
}

Status ApiKeyStore::exec(const char *sql) const
{
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return storeError(m_db, "cannot prepare the store");
    return {};
}

std::string ApiKeyStore::hashSecret(std::string_view secret)
{
    const std::string salt = crypto::randomBytes(kSaltBytes);
    const std::string hash = crypto::scrypt(secret, salt, kScryptN, kScryptR, kScryptP, kHashBytes);
    return "scrypt$" + std::to_string(kScryptN) + "$" + std::to_string(kScryptR) + "$" + std::to_string(kScryptP) + "$"
        + crypto::base64UrlEncode(salt) + "$" + crypto::base64UrlEncode(hash);
}

bool ApiKeyStore::secretMatches(std::string_view secret, std::string_view storedHash)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = storedHash.find('$', start);
        parts.emplace_back(storedHash.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    if (parts.size() != 6 || parts[0] != "scrypt")
        return false;
    try {
        const std::uint64_t n = std::stoull(parts[1]);
        const std::uint64_t r = std::stoull(parts[2]);
        const std::uint64_t p = std::stoull(parts[3]);
        std::string salt;
        std::string expected;
        if (n < 2 || n > (1u << 20) || r < 1 || r > 32 || p < 1 || p > 16
            || !crypto::base64UrlDecode(parts[4], salt) || !crypto::base64UrlDecode(parts[5], expected)
            || expected.size() != kHashBytes)
            return false;
        return crypto::constantTimeEqual(crypto::scrypt(secret, salt, n, r, p, expected.size()), expected);
    } catch (const std::exception &) {
        return false; // a damaged row never authenticates anyone
    }
}

Result<std::string> ApiKeyStore::create(const ApiKeyRequest &request, ApiKeyRecord *created)
{
    if (request.principal.userId.empty())
        return Error(ErrorCode::InvalidArgument, "an API key needs a user id for the principal it acts as (--user)");
    ApiKeyRecord record;
    record.id = crypto::toHex(crypto::randomBytes(kIdBytes));
    record.name = request.name;
    record.principal = request.principal;
    record.principal.authMethod = "api-key";
    record.createdAt = nowSeconds();
    record.expiresAt = request.expiresAt;
    const std::string secret = crypto::base64UrlEncode(crypto::randomBytes(kSecretBytes));

    Statement insert;
    const char *sql = "INSERT INTO api_keys (id, name, user_id, tenant_id, roles, scopes, hash, created_at, expires_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    if (sqlite3_prepare_v2(m_db, sql, -1, &insert.stmt, nullptr) != SQLITE_OK)
        return storeError(m_db, "cannot add the key");
    bindText(insert.stmt, 1, record.id);
    bindText(insert.stmt, 2, record.name);
    bindText(insert.stmt, 3, record.principal.userId);
    if (record.principal.tenantId.empty())
        sqlite3_bind_null(insert.stmt, 4);
    else
        bindText(insert.stmt, 4, record.principal.tenantId);
    bindText(insert.stmt, 5, joinList(record.principal.roles));
    bindText(insert.stmt, 6, joinList(record.principal.scopes));
    bindText(insert.stmt, 7, hashSecret(secret));
    sqlite3_bind_int64(insert.stmt, 8, record.createdAt);
    bindOptional(insert.stmt, 9, record.expiresAt);
    if (sqlite3_step(insert.stmt) != SQLITE_DONE)
        return storeError(m_db, "cannot add the key");
    ++m_ownWrites;
    if (created)
        *created = record;
    return "wk_" + record.id + "_" + secret;
}

Result<std::vector<ApiKeyStore::Entry>> ApiKeyStore::entries() const
{
    Statement select;
    const char *sql = "SELECT id, name, user_id, tenant_id, roles, scopes, hash, created_at, expires_at, revoked_at"
                      " FROM api_keys ORDER BY created_at, id";
    if (sqlite3_prepare_v2(m_db, sql, -1, &select.stmt, nullptr) != SQLITE_OK)
        return storeError(m_db, "cannot read the keys; is this file an API key store?");
    std::vector<Entry> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
        Entry entry;
        ApiKeyRecord &r = entry.record;
        r.id = text(select.stmt, 0).value_or("");
        r.name = text(select.stmt, 1).value_or("");
        r.principal.userId = text(select.stmt, 2).value_or("");
        r.principal.tenantId = text(select.stmt, 3).value_or("");
        r.principal.roles = splitList(text(select.stmt, 4));
        r.principal.scopes = splitList(text(select.stmt, 5));
        r.principal.authMethod = "api-key";
        entry.hash = text(select.stmt, 6).value_or("");
        r.createdAt = sqlite3_column_int64(select.stmt, 7);
        r.expiresAt = optionalInt(select.stmt, 8);
        r.revokedAt = optionalInt(select.stmt, 9);
        out.push_back(std::move(entry));
    }
    if (rc != SQLITE_DONE)
        return storeError(m_db, "cannot read the keys");
    return out;
}

Result<std::vector<ApiKeyRecord>> ApiKeyStore::list() const
{
    auto all = entries();
    if (!all)
        return all.error();
    std::vector<ApiKeyRecord> out;
    out.reserve(all->size());
    for (auto &entry : *all)
        out.push_back(std::move(entry.record));
    return out;
}

Status ApiKeyStore::revoke(const std::string &id)
{
    Statement update;
    const char *sql = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1";
    if (sqlite3_prepare_v2(m_db, sql, -1, &update.stmt, nullptr) != SQLITE_OK)
        return storeError(m_db, "cannot revoke the key");
    bindText(update.stmt, 1, id);
    sqlite3_bind_int64(update.stmt, 2, nowSeconds());
    if (sqlite3_step(update.stmt) != SQLITE_DONE)
        return storeError(m_db, "cannot revoke the key");
    if (sqlite3_changes(m_db) == 0)
        return Error(ErrorCode::NotFound, "no API key has the id " + id + "; `warden-server keys list` shows them");
    ++m_ownWrites;
    return {};
}

std::int64_t ApiKeyStore::changeCounter() const
{
    Statement pragma;
    std::int64_t version = -1;
    if (sqlite3_prepare_v2(m_db, "PRAGMA data_version", -1, &pragma.stmt, nullptr) == SQLITE_OK
        && sqlite3_step(pragma.stmt) == SQLITE_ROW)
        version = sqlite3_column_int64(pragma.stmt, 0);
    return version * 1000003 + m_ownWrites;
}

} // namespace warden::auth
