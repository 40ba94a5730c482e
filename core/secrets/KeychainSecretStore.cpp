#include "KeychainSecretStore.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <utility>

namespace warden {
namespace {

struct JobOutcome
{
    bool finished = false;
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
};

Error unavailable(const std::string &reason, const std::string &firstRemedy = {})
{
    return Error(ErrorCode::Unavailable,
                 "the OS keychain is unavailable: " + reason + "; "
                     + (firstRemedy.empty() ? std::string() : firstRemedy + ", ")
                     + "start a Secret Service (e.g. gnome-keyring) or use an env: reference");
}

// Runs one job to completion in a local event loop. `harvest` runs inside the finished
// signal, before the job deletes itself, to copy results out.
JobOutcome runJob(QKeychain::Job *job, std::chrono::milliseconds timeout,
                  const std::function<void(QKeychain::Job &)> &harvest = {})
{
    JobOutcome outcome;
    QEventLoop loop;
    // Connections hang off this context: when we return (also on timeout) they go away,
    // so a job that answers late cannot write into our dead stack frame.
    QObject context;
    QObject::connect(job, &QKeychain::Job::finished, &context, [&](QKeychain::Job *done) {
        outcome.finished = true;
        outcome.error = done->error();
        outcome.errorString = done->errorString();
        if (harvest && outcome.error == QKeychain::NoError)
            harvest(*done);
        loop.quit();
    });
    QTimer::singleShot(timeout, &context, [&loop] { loop.quit(); });
    // Never the plain-file fallback. The job deletes itself once finished; on a timeout
    // it may still be running inside libsecret, so deleting it here would be unsafe.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->start();
    if (!outcome.finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return outcome;
}

std::string refText(const SecretRef &ref)
{
    return ref.toString().toStdString();
}

// Maps a finished (or timed-out) job to our errors. Everything that means "no keychain to
// talk to" (no D-Bus session, no Secret Service, locked, denied) is Unavailable.
Status toStatus(const JobOutcome &outcome, std::chrono::milliseconds timeout, const SecretRef &ref,
                const char *verb)
{
    if (!outcome.finished) {
        return unavailable("it did not answer within " + std::to_string(timeout.count())
                           + " ms while trying to " + verb + " " + refText(ref)
                           + " (a locked keyring may be waiting for a password)");
    }
    const std::string detail = outcome.errorString.isEmpty()
        ? std::string()
        : " (" + outcome.errorString.toStdString() + ")";
    switch (outcome.error) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return Error(ErrorCode::NotFound,
                     "no secret is stored in the OS keychain under " + refText(ref)
                         + "; store it first, for example from the Warden console");
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return unavailable("it is locked or refused access" + detail, "unlock it");
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return unavailable("no keychain service was found" + detail);
    case QKeychain::CouldNotDeleteEntry:
        return Error(ErrorCode::Internal,
                     "the OS keychain could not remove " + refText(ref) + detail);
    case QKeychain::OtherError:
        break;
    }
    return unavailable("it could not " + std::string(verb) + " " + refText(ref) + detail);
}

// The secret a finished read job holds, wiped from the job's buffer.
SecretValue takeSecret(QKeychain::Job &done)
{
    QByteArray bytes = static_cast<QKeychain::ReadPasswordJob &>(done).binaryData();
    SecretValue secret(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    // bytes shares its buffer with the job's copy: this wipes both.
    SecretValue::wipe(bytes);
    return secret;
}

Status checkPreconditions(const SecretRef &ref)
{
    if (ref.scheme() != SecretRef::Scheme::Keychain)
        return Error(ErrorCode::InvalidArgument,
                     "the keychain secret store only serves keychain: references");
    if (!QCoreApplication::instance())
        return Error(ErrorCode::Internal,
                     "the OS keychain can only be used once a QCoreApplication exists");
    return {};
}

} // namespace

KeychainSecretStore::KeychainSecretStore(std::chrono::milliseconds timeout)
    : m_timeout(timeout)
{
}

Status KeychainSecretStore::availability()
{
    auto probe =
        SecretRef::keychain(QStringLiteral("warden-probe"), QStringLiteral("availability-check"));
    Q_ASSERT(probe.ok());
    auto result = read(*probe);
    if (result.ok() || result.error().code == ErrorCode::NotFound)
        return {};
    return result.takeError();
}

Result<SecretValue> KeychainSecretStore::read(const SecretRef &ref)
{
    if (auto status = checkPreconditions(ref); !status)
        return status.takeError();
    SecretValue secret;
    auto *job = new QKeychain::ReadPasswordJob(ref.service());
    job->setKey(ref.key());
    const JobOutcome outcome =
        runJob(job, m_timeout, [&secret](QKeychain::Job &done) { secret = takeSecret(done); });
    if (auto status = toStatus(outcome, m_timeout, ref, "read"); !status)
        return status.takeError();
    return secret;
}

Status KeychainSecretStore::write(const SecretRef &ref, std::string_view secret)
{
    if (auto status = checkPreconditions(ref); !status)
        return status;
    // Binary mode so any bytes survive (QtKeychain stores them base64-encoded).
    QByteArray bytes(secret.data(), static_cast<qsizetype>(secret.size()));
    auto *job = new QKeychain::WritePasswordJob(ref.service());
    job->setKey(ref.key());
    job->setBinaryData(bytes);
    const JobOutcome outcome = runJob(job, m_timeout);
    // The job shares this buffer; once it finished, wipe it for both of us. After a
    // timeout the job may still read it, so leave it to the job.
    if (outcome.finished)
        SecretValue::wipe(bytes);
    return toStatus(outcome, m_timeout, ref, "write");
}

Status KeychainSecretStore::remove(const SecretRef &ref)
{
    if (auto status = checkPreconditions(ref); !status)
        return status;
    auto *job = new QKeychain::DeletePasswordJob(ref.service());
    job->setKey(ref.key());
    return toStatus(runJob(job, m_timeout), m_timeout, ref, "remove");
}

namespace {

// Starts one job and reports its outcome through `done` on the caller's thread, never
// blocking: for the console, which must not wait on the GUI thread. `harvest` runs inside the
// finished signal of a successful job, before `done`, to copy results out.
void startJob(QKeychain::Job *job, std::chrono::milliseconds timeout, QObject *context,
              std::function<void(const JobOutcome &)> done,
              std::function<void(QKeychain::Job &)> harvest = {})
{
    auto reported = std::make_shared<bool>(false);
    auto finish = std::make_shared<std::function<void(const JobOutcome &)>>(std::move(done));
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [reported, finish, harvest = std::move(harvest)](QKeychain::Job *ended) {
                         if (std::exchange(*reported, true))
                             return;
                         if (harvest && ended->error() == QKeychain::NoError)
                             harvest(*ended);
                         (*finish)(JobOutcome { true, ended->error(), ended->errorString() });
                     });
    QTimer::singleShot(timeout, context, [reported, finish] {
        if (!std::exchange(*reported, true))
            (*finish)(JobOutcome {});
    });
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->start();
}

} // namespace

void KeychainSecretStore::availabilityAsync(QObject *context,
                                            std::function<void(Status)> done) const
{
    auto probe =
        SecretRef::keychain(QStringLiteral("warden-probe"), QStringLiteral("availability-check"));
    Q_ASSERT(probe.ok());
    if (auto status = checkPreconditions(*probe); !status) {
        done(status);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(probe->service());
    job->setKey(probe->key());
    startJob(
        job, m_timeout, context,
        [timeout = m_timeout, ref = *probe, done = std::move(done)](const JobOutcome &outcome) {
            Status status = toStatus(outcome, timeout, ref, "read");
            done(status || status.error().code == ErrorCode::NotFound ? Status() : status);
        });
}

void KeychainSecretStore::writeAsync(const SecretRef &ref, QByteArray secret, QObject *context,
                                     std::function<void(Status)> done) const
{
    if (auto status = checkPreconditions(ref); !status) {
        SecretValue::wipe(secret);
        done(status);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(ref.service());
    job->setKey(ref.key());
    job->setBinaryData(secret);
    startJob(job, m_timeout, context,
             [timeout = m_timeout, ref, secret,
              done = std::move(done)](const JobOutcome &outcome) mutable {
                 // Shared with the job's copy: once it finished, this wipes both.
                 if (outcome.finished)
                     SecretValue::wipe(secret);
                 done(toStatus(outcome, timeout, ref, "write"));
             });
}

void KeychainSecretStore::readAsync(const SecretRef &ref, QObject *context,
                                    std::function<void(Result<SecretValue>)> done) const
{
    if (auto status = checkPreconditions(ref); !status) {
        done(status.takeError());
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(ref.service());
    job->setKey(ref.key());
    auto secret = std::make_shared<SecretValue>();
    startJob(
        job, m_timeout, context,
        [timeout = m_timeout, ref, secret, done = std::move(done)](const JobOutcome &outcome) {
            if (Status status = toStatus(outcome, timeout, ref, "read"); !status)
                done(status.takeError());
            else
                done(std::move(*secret));
        },
        [secret](QKeychain::Job &finished) { *secret = takeSecret(finished); });
}

} // namespace warden
