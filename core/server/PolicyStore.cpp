#include "PolicyStore.h"

#include "common/StrictJson.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <spdlog/spdlog.h>

namespace warden {
namespace {

constexpr std::chrono::milliseconds kDefaultReloadDelay{200};
constexpr qint64 kMaxPolicyBytes = 4 * 1024 * 1024; // StrictJson's default cap

std::string shortHash(const QString &hash)
{
    return hash.left(16).toStdString();
}

Result<QByteArray> readPolicyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, "cannot read the policy file " + path.toStdString() + ": "
                                             + file.errorString().toStdString()
                                             + "; check the \"policy\" path in the configuration");
    if (file.size() > kMaxPolicyBytes)
        return Error(ErrorCode::ConfigInvalid, "policy " + path.toStdString() + " is larger than 4 MiB; check that it is the right file");
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error(ErrorCode::IoError, "cannot read the policy file " + path.toStdString() + ": "
                                             + file.errorString().toStdString());
    return bytes;
}

QByteArray contentHash(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

} // namespace

PolicyStore::PolicyStore(db::Schema schema, QObject *parent)
    : QObject(parent)
    , m_schema(std::move(schema))
    , m_history(std::make_unique<PolicyHistory>(QString()))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDefaultReloadDelay);
    connect(&m_debounce, &QTimer::timeout, this, [this] { (void)reload(); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &PolicyStore::onFileEvent);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &PolicyStore::onFileEvent);
}

PolicyStore::PolicyStore(std::shared_ptr<const Policy> policy, QObject *parent)
    : PolicyStore(policy ? policy->schema() : db::Schema(), parent)
{
    if (policy)
        install(std::move(policy), QStringLiteral("start"));
}

PolicyStore::~PolicyStore() = default;

void PolicyStore::setHistory(std::unique_ptr<PolicyHistory> history)
{
    if (history)
        m_history = std::move(history);
}

void PolicyStore::setReloadDelay(std::chrono::milliseconds delay)
{
    m_debounce.setInterval(delay);
}

std::shared_ptr<const Policy> PolicyStore::current() const
{
    std::lock_guard lock(m_mutex);
    return m_policy;
}

QString PolicyStore::currentHash() const
{
    const auto policy = current();
    return policy ? QString::fromStdString(policy->versionHash()) : QString();
}

void PolicyStore::replace(std::shared_ptr<const Policy> policy)
{
    if (policy)
        install(std::move(policy), QStringLiteral("replace"));
}

Status PolicyStore::load(const QString &path)
{
    m_path = QFileInfo(path).absoluteFilePath();
    if (m_history->policyPath().isEmpty() && m_history->databasePath().isEmpty())
        m_history = std::make_unique<PolicyHistory>(m_path);
    auto bytes = readPolicyFile(m_path);
    if (!bytes)
        return bytes.takeError();
    auto policy = parse(*bytes);
    if (!policy)
        return policy.takeError();
    m_lastSeen = contentHash(*bytes);
    m_lastRefusal.reset();
    install(std::move(policy).value(), QStringLiteral("start"));
    watch();
    return {};
}

Result<std::shared_ptr<const Policy>> PolicyStore::parse(const QByteArray &bytes) const
{
    auto doc = StrictJson::parse(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    if (!doc)
        return Error(ErrorCode::ConfigInvalid, "policy " + m_path.toStdString() + " is not valid JSON: " + doc.error().message);
    auto policy = Policy::fromJson(*doc, m_schema);
    if (!policy)
        return Error(ErrorCode::ConfigInvalid, "policy " + m_path.toStdString() + " is invalid:\n" + policy.error().message);
    return policy;
}

Result<std::shared_ptr<const Policy>> PolicyStore::validate(const Json &document) const
{
    return Policy::fromJson(document, m_schema);
}

void PolicyStore::watch()
{
    if (m_path.isEmpty())
        return;
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
    // A rename-replacing editor takes the watched file away; watch its successor.
    if (!m_watcher.files().contains(m_path) && QFileInfo::exists(m_path))
        m_watcher.addPath(m_path);
}

void PolicyStore::onFileEvent()
{
    watch();
    m_debounce.start();
}

Status PolicyStore::reload()
{
    if (m_path.isEmpty())
        return {};
    watch();
    auto bytes = readPolicyFile(m_path);
    const QByteArray seen = bytes ? contentHash(*bytes) : QByteArray("unreadable");
    if (seen == m_lastSeen) // unchanged since the last look (or an unrelated file in the folder)
        return m_lastRefusal ? Status(*m_lastRefusal) : Status();
    m_lastSeen = seen;
    auto policy = bytes ? parse(*bytes) : Result<std::shared_ptr<const Policy>>(bytes.takeError());
    if (!policy) {
        const Error error = policy.takeError();
        m_lastRefusal = error;
        spdlog::warn("policy {}: the changed file was refused and version {} stays in force: {}", m_path.toStdString(),
                     shortHash(currentHash()), error.message);
        Q_EMIT reloadFailed(QString::fromStdString(error.message));
        return error;
    }
    m_lastRefusal.reset();
    if (policy.value()->versionHash() == currentHash().toStdString())
        return {}; // the same rules, written differently
    install(std::move(policy).value(), QStringLiteral("reload"));
    return {};
}

Status PolicyStore::apply(const Json &document)
{
    if (m_path.isEmpty())
        return Error(ErrorCode::InvalidArgument, "this policy has no file to save to");
    auto policy = validate(document);
    if (!policy)
        return policy.takeError();
    const QByteArray text =
        QByteArray::fromStdString(document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    QSaveFile file(m_path); // a new file renamed over the old one: readers never see half of it
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        return Error(ErrorCode::IoError, "cannot write the policy file " + m_path.toStdString() + ": "
                                             + file.errorString().toStdString());
    m_lastSeen = contentHash(text);
    m_lastRefusal.reset();
    watch();
    install(std::move(policy).value(), QStringLiteral("apply"));
    return {};
}

void PolicyStore::install(std::shared_ptr<const Policy> policy, const QString &source)
{
    const QString oldHash = currentHash();
    const QString newHash = QString::fromStdString(policy->versionHash());
    const Json document = policy->document();
    {
        std::lock_guard lock(m_mutex);
        m_policy = std::move(policy);
    }
    if (auto s = m_history->record(newHash.toStdString(), document, source); !s)
        spdlog::warn("{}", s.error().message);
    if (oldHash == newHash)
        return;
    if (!oldHash.isEmpty())
        spdlog::info("policy {}: version {} replaces {} ({})", m_path.toStdString(), shortHash(newHash),
                     shortHash(oldHash), source.toStdString());
    Q_EMIT policyChanged(oldHash, newHash);
}

Result<std::vector<PolicyChange>> PolicyStore::diff(const std::string &oldHash, const std::string &newHash) const
{
    auto before = m_history->find(oldHash);
    if (!before)
        return before.takeError();
    auto after = m_history->find(newHash);
    if (!after)
        return after.takeError();
    return PolicyDiff::compare(before->document, after->document);
}

} // namespace warden
