#pragma once

#include "common/Json.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>

namespace warden {

// Who a query-tester call runs as. The console user stays the one acting: audit records name
// both (docs/audit.md, "impersonated_by").
struct Impersonation
{
    QString user;
    QString tenant; // empty: no tenant (tenant-scoped tables then refuse)
    QStringList roles;
    QStringList scopes;

    bool operator==(const Impersonation &other) const = default;
};

// One tool as the tester offers it: its MCP definition's schemas.
struct ToolDescription
{
    QString name;
    QString title;
    QString description;
    Json inputSchema = Json::object();
    Json outputSchema; // null when the tool declares none
};

// What the tester can offer before a call: the tools, and the roles and scopes the policy in
// force names (presets for the principal editor).
struct ToolCatalogue
{
    QList<ToolDescription> tools;
    QStringList policyRoles;
    QStringList policyScopes;
};

// One finished call, everything the tester shows about it.
struct ToolRun
{
    QString tool;
    Json arguments = Json::object();
    Impersonation principal;
    QDateTime started; // UTC
    qint64 durationUs = 0; // from sending tools/call to its response, as the caller sees it

    // The call's answer: structuredContent (an {error: {...}} object for tool errors), or the
    // JSON-RPC error object for protocol errors.
    Json result;
    bool isError = false;
    QString errorCode; // the stable code (FIELD_NOT_ALLOWED...), "RPC_<n>", or empty
    QString errorMessage;

    // From db_explain with the same arguments (query-like tools), else empty/null.
    QString sql;
    Json parameters;
    // Every policy decision: db_explain's, or the ones the call's outcome record noted.
    Json decisions = Json::array();
    QString explainError; // why there is no SQL, when db_explain refused

    // The audit records the call produced (request and outcome bodies, read back from the
    // store), and the outcome record's seq (0 when it could not be read).
    std::int64_t auditSeq = 0;
    Json auditRecords = Json::array();
    QString auditError;
};

// The console's query tester: calls a tool as an impersonated principal through exactly the
// path a real MCP tools/call takes (scopes, limits, policy, audit), and reports what happened.
// Answers arrive asynchronously on the caller's thread; a callback whose context object is
// gone is dropped. Calls are audited as the console user acting as the principal.
class ToolTesterService : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ToolTesterService() override = default;

    // Whether calls can be made now (the engine behind the service is running).
    virtual bool isAvailable() const = 0;
    // Who is acting: the OS user name of the console.
    virtual QString consoleUser() const = 0;

    using CatalogueDone = std::function<void(const ToolCatalogue &catalogue)>;
    virtual void fetchCatalogue(QObject *context, CatalogueDone done) = 0;

    using RunDone = std::function<void(const ToolRun &run)>;
    // Calls `tool` with `arguments` as `principal`. `done` gets the run, also when the call
    // could not be made (isError with a message saying why). Returns an id for cancel().
    virtual quint64 run(const QString &tool, const Json &arguments, const Impersonation &principal,
                        QObject *context, RunDone done) = 0;
    // Stops a run in flight (MCP cancellation); its `done` gets errorCode CANCELLED unless the
    // call had already answered. What ran before stays in the audit trail.
    virtual void cancel(quint64 runId) = 0;

Q_SIGNALS:
    // The engine came or went (server start, stop, restart) or its policy changed: fetch the
    // catalogue again.
    void availabilityChanged(bool available);
    void catalogueChanged();
};

} // namespace warden
