#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <QDateTime>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace warden {

// One policy version as it was put in force.
struct PolicyVersion
{
    std::string hash;   // Policy::versionHash(): SHA-256 of the canonical document
    QDateTime loadedAt; // UTC, millisecond precision
    QString source;     // "start", "reload" (the file changed), "apply" (the console), "replace"
    QString policyPath; // the policy file it governs
    Json document;
};

// Every policy version a policy file has had, newest last, so an operator can tell which
// rules were in force when and compare two versions (PolicyDiff). Kept in memory and, when
// opened on a file, in a small SQLite database of its own (never in the governed database):
// the default is <data dir>/policy-history.db, ServerConfig's `policy_history` names another.
// Several policy files can share one history file; each instance sees only its policy's
// versions. A version is recorded when it differs from the last one recorded, so restarts
// with an unchanged policy add nothing. Thread-safe.
class PolicyHistory
{
public:
    // Memory only: versions last as long as the object.
    explicit PolicyHistory(QString policyPath);
    ~PolicyHistory();
    PolicyHistory(const PolicyHistory &) = delete;
    PolicyHistory &operator=(const PolicyHistory &) = delete;

    // Opens (creating if needed, owner-only permissions) the history database at
    // `databasePath` for the versions of `policyPath`. IoError says what to fix.
    static Result<std::unique_ptr<PolicyHistory>> open(const QString &databasePath, const QString &policyPath);
    // <data dir>/policy-history.db: $STATE_DIRECTORY under systemd (StateDirectory=), else the
    // user's application data folder.
    static QString defaultPath();

    QString databasePath() const { return m_databasePath; } // empty when memory only
    QString policyPath() const { return m_policyPath; }

    // Adds a version unless it is the most recent one already. A write failure is returned
    // (the version is still kept in memory).
    Status record(const std::string &hash, const Json &document, const QString &source,
                  const QDateTime &at = QDateTime::currentDateTimeUtc());

    // Oldest first.
    std::vector<PolicyVersion> versions() const;
    // The most recent entry with exactly this hash.
    std::optional<PolicyVersion> version(const std::string &hash) const;
    // By hash or unambiguous hash prefix (at least 4 hex digits), for people typing hashes.
    Result<PolicyVersion> find(const std::string &hashOrPrefix) const;

private:
    PolicyHistory() = default;
    Status createSchema();
    std::vector<PolicyVersion> readAll() const;

    QString m_databasePath;
    QString m_policyPath;
    sqlite3 *m_db = nullptr;
    mutable std::mutex m_mutex;
    std::vector<PolicyVersion> m_memory;
};

} // namespace warden
