#pragma once

#include "PolicyHistory.h"
#include "common/Json.h"
#include "common/Result.h"
#include "db/Schema.h"
#include "policy/Policy.h"
#include "policy/PolicyDiff.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace warden {

// The policy in force, and the facade the console uses to read, edit and audit it.
//
// Calls take a snapshot (current(), a shared_ptr) when they start and keep it to the end, so a
// reload never changes the rules under a running call. The store watches its policy file
// (and the file's folder: editors save by writing a new file and renaming it over the old
// one) and reloads it shortly after it changes. A valid new version takes effect for new
// calls (policyChanged); an invalid one is refused, the version in force stays, and the
// problems are reported (reloadFailed, and a warning in the log). Every version put in force
// is recorded in a PolicyHistory.
//
// current() is thread-safe; everything else belongs to the thread the store lives on.
class PolicyStore : public QObject
{
    Q_OBJECT
public:
    // A fixed policy with no file behind it: no watching, history in memory only.
    explicit PolicyStore(std::shared_ptr<const Policy> policy, QObject *parent = nullptr);
    // Policies for `schema`, read from a file by load().
    explicit PolicyStore(db::Schema schema, QObject *parent = nullptr);
    ~PolicyStore() override;

    // Where versions are recorded; call before load(). Without it the history is in memory.
    void setHistory(std::unique_ptr<PolicyHistory> history);
    const PolicyHistory &history() const { return *m_history; }

    // Reads and validates the file, puts it in force and starts watching it. ConfigInvalid or
    // IoError with every problem (JSON pointers) when the file cannot be used.
    Status load(const QString &path);

    std::shared_ptr<const Policy> current() const;
    QString currentHash() const;
    QString filePath() const { return m_path; }

    // Puts a policy in force directly (nothing is written to the file).
    void replace(std::shared_ptr<const Policy> policy);

    // Validates a document against the schema the store governs, without putting it in force.
    Result<std::shared_ptr<const Policy>> validate(const Json &document) const;
    // The console's "save": validates, writes the file atomically (QSaveFile), puts it in
    // force. An invalid document changes nothing and comes back as ConfigInvalid.
    Status apply(const Json &document);
    // Re-reads the file now (the watcher calls this after its debounce). Ok when the file is
    // in force or unchanged; the error otherwise, which reloadFailed reports too.
    Status reload();

    std::vector<PolicyVersion> versions() const { return m_history->versions(); }
    std::optional<PolicyVersion> version(const std::string &hash) const { return m_history->version(hash); }
    // What changed from one recorded version to another; NotFound names an unknown hash.
    Result<std::vector<PolicyChange>> diff(const std::string &oldHash, const std::string &newHash) const;

    // How long the file must be quiet before it is re-read (editors write in several steps).
    void setReloadDelay(std::chrono::milliseconds delay);

Q_SIGNALS:
    void policyChanged(const QString &oldHash, const QString &newHash);
    void reloadFailed(const QString &message);

private:
    void onFileEvent();
    void watch();
    void install(std::shared_ptr<const Policy> policy, const QString &source);
    Result<std::shared_ptr<const Policy>> parse(const QByteArray &bytes) const;
    void refuse(const Error &error, const QByteArray &contentHash);

    db::Schema m_schema;
    QString m_path;
    std::unique_ptr<PolicyHistory> m_history;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QByteArray m_lastSeen; // SHA-256 of the file content last loaded or refused
    std::optional<Error> m_lastRefusal;

    mutable std::mutex m_mutex;
    std::shared_ptr<const Policy> m_policy;
};

} // namespace warden
