#include "JwksCache.h"

#include "crypto/Crypto.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden::auth {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kMinBytes = 1024;
constexpr std::int64_t kMaxBytes = 16 * 1024 * 1024;
constexpr qint64 kReadChunk = 64 * 1024;
constexpr qint64 kMaxCaFileBytes = 1024 * 1024;

Error configError(std::string message)
{
    return Error(ErrorCode::ConfigInvalid, std::move(message));
}

std::string urlText(const QUrl &url)
{
    return url.toDisplayString().toStdString();
}

std::string msText(milliseconds ms)
{
    return std::to_string(ms.count()) + " ms";
}

} // namespace

Status JwksCache::checkOptions(const JwksOptions &options)
{
    const QUrl &url = options.url;
    if (!url.isValid() || url.isRelative() || url.host().isEmpty())
        return configError(
            "the JWKS URL \"" + urlText(url)
            + "\" is not an absolute URL; give the "
              "issuer's jwks_uri, e.g. https://idp.example.com/.well-known/jwks.json");
    if (url.scheme() != QLatin1String("https"))
        return configError(
            "the JWKS URL \"" + urlText(url)
            + "\" does not use https; signing keys fetched "
              "over plain http could be replaced by anyone on the network path, so only "
              "https:// URLs are accepted");
    if (!url.userInfo().isEmpty())
        return configError("the JWKS URL must not carry a user name or password");
    if (url.hasFragment())
        return configError("the JWKS URL must not have a fragment (#...)");
    if (options.refreshInterval < std::chrono::seconds(1) || options.cooldown < milliseconds(1)
        || options.maxStaleness < options.refreshInterval || options.timeout < milliseconds(1))
        return configError(
            "the JWKS timings are out of range: the refresh interval must be at least 1 s, "
            "the cooldown and timeout positive, and the maximum staleness at least the "
            "refresh interval");
    if (options.maxBytes < kMinBytes || options.maxBytes > kMaxBytes)
        return configError("the JWKS size cap must be from " + std::to_string(kMinBytes) + " to "
                           + std::to_string(kMaxBytes) + " bytes");
    return {};
}

Result<std::unique_ptr<JwksCache>> JwksCache::create(JwksOptions options, Clock clock)
{
    if (auto ok = checkOptions(options); !ok)
        return ok.takeError();
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!options.caFile.isEmpty()) {
        QFile file(options.caFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorCode::IoError,
                         "cannot read the JWKS CA file " + options.caFile.toStdString() + ": "
                             + file.errorString().toStdString());
        const QList<QSslCertificate> extra =
            QSslCertificate::fromData(file.read(kMaxCaFileBytes), QSsl::Pem);
        if (extra.isEmpty())
            return configError("the JWKS CA file " + options.caFile.toStdString()
                               + " holds no PEM certificate; give a file with one or more "
                                 "-----BEGIN CERTIFICATE----- blocks");
        // Setting the CA list turns off Qt's on-demand loading of the system store, so the
        // system CAs are listed explicitly: the extra CA is added, not substituted.
        ssl.setCaCertificates(QSslConfiguration::systemCaCertificates() + extra);
    }
    if (!clock)
        clock = [] {
            return QDateTime::currentMSecsSinceEpoch();
        };
    return std::unique_ptr<JwksCache>(
        new JwksCache(std::move(options), std::move(ssl), std::move(clock)));
}

JwksCache::JwksCache(JwksOptions options, QSslConfiguration ssl, Clock clock)
    : m_options(std::move(options))
    , m_ssl(std::move(ssl))
    , m_clock(std::move(clock))
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_refreshTimer.setSingleShot(true);
    m_deadline.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        dropIfStale();
        if (!m_reply)
            startFetch();
    });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        abortFetch("the JWKS server did not answer within " + msText(m_options.timeout));
    });
}

JwksCache::~JwksCache()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

void JwksCache::start()
{
    if (!m_reply)
        startFetch();
}

bool JwksCache::isStale(std::int64_t nowMs) const
{
    return m_lastSuccessMs && nowMs - *m_lastSuccessMs > m_options.maxStaleness.count();
}

std::shared_ptr<const KeySet> JwksCache::current() const
{
    const std::int64_t nowMs = now();
    std::lock_guard lock(m_mutex);
    if (!m_keys || isStale(nowMs))
        return nullptr;
    return m_keys;
}

void JwksCache::whenKeyKnown(const std::string &kid, std::function<void()> done)
{
    const auto keys = current();
    if (keys && keys->find(kid)) {
        done();
        return;
    }
    if (m_reply) {
        m_waiters.push_back([done = std::move(done)](const Status &) { done(); });
        return;
    }
    if (m_lastAttemptMs && now() - *m_lastAttemptMs < m_options.cooldown.count()) {
        done();
        return;
    }
    m_waiters.push_back([done = std::move(done)](const Status &) { done(); });
    startFetch();
}

void JwksCache::refreshNow(std::function<void(Status)> done)
{
    if (done)
        m_waiters.push_back(std::move(done));
    if (!m_reply)
        startFetch();
}

JwksStatus JwksCache::status() const
{
    JwksStatus status;
    const std::int64_t nowMs = now();
    status.lastAttemptMs = m_lastAttemptMs;
    status.lastError = m_lastError;
    status.fetching = !m_reply.isNull();
    std::lock_guard lock(m_mutex);
    status.lastSuccessMs = m_lastSuccessMs;
    if (m_lastSuccessMs)
        status.stalenessMs = nowMs - *m_lastSuccessMs;
    if (m_keys && !isStale(nowMs)) {
        status.available = true;
        for (const Jwk &key : m_keys->keys())
            status.keys.push_back({ key.kid(), std::string(algorithmName(key.algorithm())),
                                    std::string(key.keyTypeName()), key.bits(), key.use(),
                                    key.thumbprint() });
        status.skipped = m_keys->skipped();
    }
    return status;
}

void JwksCache::startFetch()
{
    m_lastAttemptMs = now();
    m_body.clear();
    m_abortReason.clear();
    m_refreshTimer.stop();

    QNetworkRequest request(m_options.url);
    request.setSslConfiguration(m_ssl);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setRawHeader("Accept", "application/jwk-set+json, application/json");
    m_reply = m_network.get(request);
    // Bounds what Qt reads ahead of us; onReadyRead drains it and enforces the cap.
    m_reply->setReadBufferSize(std::min<qint64>(kReadChunk, m_options.maxBytes + 1));
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &JwksCache::onMetaDataChanged);
    connect(m_reply, &QNetworkReply::readyRead, this, &JwksCache::onReadyRead);
    // Queued, so an abort() from inside readyRead or a timer never re-enters this object.
    connect(m_reply, &QNetworkReply::finished, this, &JwksCache::onFinished, Qt::QueuedConnection);
    m_deadline.start(m_options.timeout);
}

void JwksCache::onMetaDataChanged()
{
    if (!m_reply)
        return;
    bool known = false;
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
    if (known && length > m_options.maxBytes)
        abortFetch("the JWKS response announces " + std::to_string(length)
                   + " bytes, more than the " + std::to_string(m_options.maxBytes) + "-byte cap");
}

void JwksCache::onReadyRead()
{
    if (!m_reply)
        return;
    if (m_body.size() + m_reply->bytesAvailable() > m_options.maxBytes) {
        abortFetch("the JWKS response is larger than the " + std::to_string(m_options.maxBytes)
                   + "-byte cap");
        return;
    }
    m_body += m_reply->readAll();
}

void JwksCache::abortFetch(std::string reason)
{
    if (!m_reply)
        return;
    m_abortReason = std::move(reason);
    m_deadline.stop();
    m_reply->abort(); // finished follows, queued to onFinished
}

void JwksCache::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    m_deadline.stop();
    reply->disconnect(this);
    reply->deleteLater();

    if (!m_abortReason.empty())
        return fetchFailedWith(std::move(m_abortReason));
    const QVariant statusCode = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (statusCode.isValid() && statusCode.toInt() != 200) {
        const int code = statusCode.toInt();
        if (code >= 300 && code < 400)
            return fetchFailedWith(
                "the JWKS URL answered with a redirect (HTTP " + std::to_string(code)
                + "); redirects are not followed: configure the final https URL");
        return fetchFailedWith("the JWKS server answered HTTP " + std::to_string(code)
                               + "; check the JWKS URL (the issuer's metadata names it jwks_uri)");
    }
    if (reply->error() != QNetworkReply::NoError) {
        if (reply->error() == QNetworkReply::SslHandshakeFailedError)
            return fetchFailedWith(
                "the TLS connection to the JWKS server failed (is its certificate trusted? set "
                "jwks_ca_file for a private CA): "
                + reply->errorString().toStdString());
        return fetchFailedWith("the JWKS could not be fetched from " + urlText(m_options.url) + ": "
                               + reply->errorString().toStdString()
                               + "; check the JWKS URL and that this machine can reach it");
    }
    if (m_body.size() + reply->bytesAvailable() > m_options.maxBytes)
        return fetchFailedWith("the JWKS response is larger than the "
                               + std::to_string(m_options.maxBytes) + "-byte cap");
    m_body += reply->readAll();

    const std::string_view text(m_body.constData(), static_cast<std::size_t>(m_body.size()));
    auto keys = KeySet::parse(text, static_cast<std::size_t>(m_options.maxBytes));
    if (!keys)
        return fetchFailedWith(keys.error().message);
    for (const KeySet::SkippedKey &skipped : keys->skipped())
        spdlog::warn("JWKS {}: key {} (kid \"{}\") is not used: {}", urlText(m_options.url),
                     skipped.index, skipped.kid, skipped.reason);
    fetchSucceeded(std::make_shared<const KeySet>(std::move(*keys)), crypto::sha256(text));
}

void JwksCache::fetchSucceeded(std::shared_ptr<const KeySet> keys, std::string fingerprint)
{
    bool changed = false;
    const std::size_t count = keys->keys().size();
    {
        std::lock_guard lock(m_mutex);
        changed = !m_keys || fingerprint != m_fingerprint;
        m_keys = std::move(keys);
        m_lastSuccessMs = now();
    }
    m_fingerprint = std::move(fingerprint);
    m_lastError.clear();
    m_failures = 0;
    m_refreshTimer.start(m_options.refreshInterval);
    if (changed) {
        spdlog::info("JWKS {}: {} signing key(s) in use", urlText(m_options.url), count);
        Q_EMIT keysChanged();
    }
    finishWaiters({});
}

void JwksCache::fetchFailedWith(std::string message)
{
    m_lastError = message;
    ++m_failures;
    const bool dropped = dropIfStale();
    bool haveKeys = false;
    {
        std::lock_guard lock(m_mutex);
        haveKeys = m_keys != nullptr;
    }
    spdlog::warn("JWKS {}: {}{}", urlText(m_options.url), message,
                 haveKeys      ? "; the last good key set stays in use"
                     : dropped ? ""
                               : "; no key set is available");
    // Retry after the cooldown, doubling on each further failure up to the refresh interval.
    const int shift = std::min(m_failures - 1, 16);
    const auto backoff =
        std::min(m_options.cooldown * (std::int64_t(1) << shift), m_options.refreshInterval);
    m_refreshTimer.start(backoff);
    Q_EMIT fetchFailed(QString::fromStdString(message));
    finishWaiters(Error(ErrorCode::Unavailable, std::move(message)));
}

bool JwksCache::dropIfStale()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_keys || !isStale(now()))
            return false;
        m_keys.reset();
    }
    spdlog::error(
        "JWKS {}: no successful fetch for more than {} s; the key set is dropped and every "
        "token is refused until the keys can be fetched again",
        urlText(m_options.url),
        std::chrono::duration_cast<std::chrono::seconds>(m_options.maxStaleness).count());
    Q_EMIT keysChanged();
    return true;
}

void JwksCache::finishWaiters(const Status &status)
{
    // Waiters may start another fetch or destroy this cache: take them first, touch nothing after.
    auto waiters = std::move(m_waiters);
    m_waiters.clear();
    for (auto &waiter : waiters)
        waiter(status);
}

} // namespace warden::auth
