#pragma once

#include "common/Json.h"
#include "common/Result.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace warden {

// One health check of the server's configuration, in words: what was checked, what was
// found, and when it failed, what to do about it.
struct HealthCheck
{
    enum class Outcome { Ok, Problem };
    QString name; // "Database reachable"
    Outcome outcome = Outcome::Ok;
    QString detail; // what was found
    QString fix; // what to do; empty when ok

    bool ok() const { return outcome == Outcome::Ok; }
};

// A secret to put in the OS keychain under a reference ("keychain:warden/db-main") that the
// configuration names. Only ever travels to the keychain, never to a file.
struct PendingSecret
{
    QString reference;
    QString value;
};

// The console's view of the server configuration file (ServerConfig, docs/configuration.md):
// read it as stored, validate an edited document, write it atomically, keep secrets in the
// keychain, and check the server's health. Answers arrive through callbacks, delivered on
// the GUI thread and only while `context` lives; file, database and keychain work never runs
// on the GUI thread. Changes take effect when the server restarts (ServerInterface::restart).
class ServerSettingsService : public QObject
{
    Q_OBJECT
public:
    using DocumentDone = std::function<void(Result<Json>)>;
    using StatusDone = std::function<void(Status)>;
    using HealthDone = std::function<void(QList<HealthCheck>)>;

    using QObject::QObject;
    ~ServerSettingsService() override = default;

    // Where the configuration lives; empty when the server runs without a file (then
    // nothing can be saved).
    virtual QString configPath() const = 0;

    // The file as stored: relative paths and keys the console does not edit stay as they are.
    virtual void readDocument(QObject *context, DocumentDone done) = 0;

    // Whether the server would accept `document`: ConfigInvalid naming each bad key as a JSON
    // pointer ("/transports/http/listen: has an invalid port; ..."), including the rules for
    // serving HTTP. Pure and quick: the console calls it as the operator types.
    virtual Status validate(const Json &document) const = 0;

    // Stores `secrets` in the OS keychain, then validates and writes `document` atomically
    // (the old file stays whole on any failure). Nothing is written when a secret cannot be
    // stored; the error says why and what to do.
    virtual void apply(const Json &document, std::vector<PendingSecret> secrets, QObject *context,
                       StatusDone done) = 0;

    // Ok when the OS keychain answers; Unavailable with what to start otherwise.
    virtual void checkKeychain(QObject *context, StatusDone done) = 0;

    // Database reachable, audit writable, keychain available, for the configuration as stored.
    virtual void checkHealth(QObject *context, HealthDone done) = 0;

Q_SIGNALS:
    // apply() wrote the file.
    void configurationWritten();
};

} // namespace warden
