#pragma once

#include "PolicyHistory.h"
#include "common/Json.h"
#include "common/Result.h"
#include "db/Schema.h"
#include "policy/PolicyDiff.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace warden {

// One problem of a policy document: where (RFC 6901 pointer, "" for the whole document) and a
// sentence saying what to fix.
struct PolicyProblem
{
    QString pointer;
    QString message;

    bool operator==(const PolicyProblem &) const = default;
};

// The answer to "may this document be put in force?".
struct PolicyCheck
{
    bool valid = false;
    QString message; // the whole report, or why nothing could be checked
    QList<PolicyProblem> problems; // each with its pointer, in document order

    // valid for an ok status; the problems of a ConfigInvalid error (details.problems), or
    // its message as one problem at the root for any other error.
    static PolicyCheck fromStatus(const Status &status);
};

// The policy in force as an editor needs it.
struct PolicySnapshot
{
    Json document;
    QString hash; // Policy::versionHash()
    std::shared_ptr<const db::Schema> schema; // the database the policy governs
    QString path; // the policy file (empty: none)
};

// What the console's policy editor asks of a server: the document in force and the schema it
// governs, validation against that schema, apply (write the file and put it in force), the
// version history, diff and revert. Answers arrive asynchronously, on the thread of the
// `context` object passed with the request and never before the request returns; when the
// context is destroyed first, the answer is dropped. An embedded server answers from its
// PolicyStore; a remote one can answer over the admin API.
//
// Nothing but a document that validates is ever written: apply() and revert() check again.
class PolicyService : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~PolicyService() override = default;

    template<typename T> using Callback = std::function<void(const T &)>;

    // Whether a policy is in force now (the server runs). Requests made while unavailable
    // answer with an Unavailable error (validate: an invalid check saying so).
    virtual bool isAvailable() const = 0;

    virtual void fetchCurrent(QObject *context, Callback<Result<PolicySnapshot>> done) = 0;
    virtual void validate(const Json &document, QObject *context, Callback<PolicyCheck> done) = 0;
    // The new version's hash, or why nothing was written (ConfigInvalid with the problems).
    virtual void apply(const Json &document, QObject *context, Callback<Result<QString>> done) = 0;
    // Every recorded version, oldest first.
    virtual void fetchVersions(QObject *context,
                               Callback<Result<std::vector<PolicyVersion>>> done) = 0;
    virtual void diff(const QString &oldHash, const QString &newHash, QObject *context,
                      Callback<Result<std::vector<PolicyChange>>> done) = 0;
    // Puts a recorded version's document in force again (as an apply: it is checked against
    // today's schema and becomes a new entry of the history). Answers the hash in force.
    virtual void revert(const QString &hash, QObject *context, Callback<Result<QString>> done) = 0;

Q_SIGNALS:
    void availabilityChanged(bool available);
    // A new version is in force (applied here, or the file changed and was reloaded).
    void policyChanged(const QString &oldHash, const QString &newHash);
    // The policy file changed but was refused; the version in force stays.
    void reloadFailed(const QString &message);
};

} // namespace warden
