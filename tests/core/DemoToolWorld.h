#pragma once

// Shared by the tool tests (TestQueryTool, TestDescribeSchemaTool): the real demo shop in a
// temporary SQLite file, a real DatabasePool over it, the tools and schema resources wired
// into a real McpServer, and MCP sessions driven the way a transport drives them, with an
// Outbound that records what the engine sends.

#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "crypto/Crypto.h"
#include "db/DatabasePool.h"
#include "demo/DemoDataset.h"
#include "policy/Redactor.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/ResourceCatalog.h"
#include "query/CursorCodec.h"
#include "server/PolicyStore.h"
#include "tools/DescribeSchemaTool.h"
#include "tools/QueryTool.h"
#include "tools/SchemaResources.h"
#include "tools/ToolRegistry.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace warden::test {

// Records what the engine writes for one request, in order.
class RecordingOutbound : public Outbound
{
public:
    void send(const Json &message) override { sent.push_back(message); }
    void finish(const Json &r) override
    {
        response = r;
        finished = true;
    }
    void abandon() override { abandoned = true; }
    bool isOpen() const override { return !finished && !abandoned; }

    std::vector<Json> sent;
    Json response;
    bool finished = false;
    bool abandoned = false;
};

// The subset of JSON Schema that tool schemas use: type, required, properties,
// additionalProperties: false, items, enum, anyOf, minItems, maxItems, minimum. Appends one
// line per violation to `problems`.
inline void validateSchema(const Json &schema, const Json &value, const std::string &at,
                           std::vector<std::string> &problems)
{
    if (!schema.is_object())
        return;
    if (schema.contains("anyOf")) {
        bool any = false;
        std::vector<std::string> all;
        for (const Json &alt : schema["anyOf"]) {
            std::vector<std::string> p;
            validateSchema(alt, value, at, p);
            any = any || p.empty();
            all.insert(all.end(), p.begin(), p.end());
        }
        if (!any)
            problems.push_back(at + ": matches no anyOf alternative (" + std::to_string(all.size())
                               + " problems)");
    }
    if (schema.contains("type")) {
        const Json &t = schema["type"];
        auto is = [&](const std::string &name) {
            if (name == "object")
                return value.is_object();
            if (name == "array")
                return value.is_array();
            if (name == "string")
                return value.is_string();
            if (name == "integer")
                return value.is_number_integer();
            if (name == "number")
                return value.is_number();
            if (name == "boolean")
                return value.is_boolean();
            if (name == "null")
                return value.is_null();
            return false;
        };
        bool ok = false;
        if (t.is_string())
            ok = is(t.get<std::string>());
        else
            for (const Json &n : t)
                ok = ok || is(n.get<std::string>());
        if (!ok) {
            problems.push_back(at + ": wrong type, expected " + t.dump() + ", got "
                               + value.dump().substr(0, 80));
            return;
        }
    }
    if (schema.contains("enum")) {
        bool found = false;
        for (const Json &e : schema["enum"])
            found = found || e == value;
        if (!found)
            problems.push_back(at + ": " + value.dump() + " is not in " + schema["enum"].dump());
    }
    if (value.is_object()) {
        if (schema.contains("required"))
            for (const Json &k : schema["required"])
                if (!value.contains(k.get<std::string>()))
                    problems.push_back(at + ": required key \"" + k.get<std::string>()
                                       + "\" is missing");
        const Json props = schema.value("properties", Json::object());
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (props.contains(it.key()))
                validateSchema(props[it.key()], it.value(), at + "/" + it.key(), problems);
            else if (schema.contains("additionalProperties")
                     && schema["additionalProperties"] == false)
                problems.push_back(at + "/" + it.key() + ": not allowed by the schema");
        }
    }
    if (value.is_array()) {
        if (schema.contains("items"))
            for (std::size_t i = 0; i < value.size(); ++i)
                validateSchema(schema["items"], value[i], at + "/" + std::to_string(i), problems);
        if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>())
            problems.push_back(at + ": too few items");
        if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>())
            problems.push_back(at + ": too many items");
    }
    if (value.is_number() && schema.contains("minimum")
        && value.get<double>() < schema["minimum"].get<double>())
        problems.push_back(at + ": below the minimum");
}

inline std::vector<std::string> schemaProblems(const Json &schema, const Json &value)
{
    std::vector<std::string> problems;
    validateSchema(schema, value, "", problems);
    return problems;
}

// Direct, read-only SQL against the demo file: the independent answer a tool result is
// compared with.
class DirectDb
{
public:
    explicit DirectDb(const QString &path)
    {
        sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, SQLITE_OPEN_READONLY, nullptr);
    }
    ~DirectDb() { sqlite3_close(m_db); }
    DirectDb(const DirectDb &) = delete;
    DirectDb &operator=(const DirectDb &) = delete;

    // Every row as JSON values (integers, reals, text, null).
    std::vector<std::vector<Json>> rows(const std::string &sql) const
    {
        std::vector<std::vector<Json>> out;
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            qWarning("direct SQL failed: %s: %s", sql.c_str(), sqlite3_errmsg(m_db));
            return out;
        }
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            std::vector<Json> row;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                switch (sqlite3_column_type(stmt, c)) {
                case SQLITE_INTEGER:
                    row.emplace_back(std::int64_t(sqlite3_column_int64(stmt, c)));
                    break;
                case SQLITE_FLOAT:
                    row.emplace_back(sqlite3_column_double(stmt, c));
                    break;
                case SQLITE_NULL:
                    row.emplace_back(nullptr);
                    break;
                default:
                    row.emplace_back(
                        std::string(reinterpret_cast<const char *>(sqlite3_column_text(stmt, c)),
                                    std::size_t(sqlite3_column_bytes(stmt, c))));
                }
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(stmt);
        return out;
    }

    std::int64_t integer(const std::string &sql) const
    {
        const auto r = rows(sql);
        return r.empty() || r[0].empty() || !r[0][0].is_number_integer()
            ? -1
            : r[0][0].get<std::int64_t>();
    }

    std::vector<std::int64_t> ids(const std::string &sql) const
    {
        std::vector<std::int64_t> out;
        for (const auto &r : rows(sql))
            out.push_back(r.at(0).get<std::int64_t>());
        return out;
    }

private:
    sqlite3 *m_db = nullptr;
};

// The demo database, the pool, the policy and an MCP server with the database tools.
class DemoToolWorld
{
public:
    static constexpr const char *hashKey = "tool-test hash key: not a real secret";

    // Writes the demo (once per test run: it takes a second or two), runs `extraSql` on it
    // (views the policy may then name), opens a pool and builds the server. `policyFor` turns
    // the demo's own policy document into the one to use.
    bool setUp(const std::function<Json(Json)> &policyFor, const std::string &extraSql, int threads,
               std::string &error)
    {
        if (!m_dir.isValid()) {
            error = "no temporary directory";
            return false;
        }
        m_dbPath = m_dir.filePath(QStringLiteral("shop.sqlite"));
        DemoOptions options;
        options.databasePath = m_dbPath;
        auto summary = DemoDataset::create(options);
        if (!summary) {
            error = "demo: " + summary.error().message;
            return false;
        }
        if (!extraSql.empty()) {
            sqlite3 *db = nullptr;
            sqlite3_open(QFile::encodeName(m_dbPath).constData(), &db);
            char *msg = nullptr;
            const int rc = sqlite3_exec(db, extraSql.c_str(), nullptr, nullptr, &msg);
            if (rc != SQLITE_OK)
                error = std::string("extra SQL: ") + (msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_close(db);
            if (rc != SQLITE_OK)
                return false;
        }
        QFile policyFile(summary->policyPath);
        if (!policyFile.open(QIODevice::ReadOnly)) {
            error = "no demo policy.json";
            return false;
        }
        auto demoPolicy = StrictJson::parse(policyFile.readAll().toStdString());
        if (!demoPolicy) {
            error = "demo policy: " + demoPolicy.error().message;
            return false;
        }
        m_demoPolicy = *demoPolicy;

        DatabaseConfig config;
        config.driver = DatabaseConfig::Driver::Sqlite;
        config.path = m_dbPath;
        config.poolSize = threads;
        auto pool = db::DatabasePool::open(config, std::string(), threads);
        if (!pool) {
            error = "pool: " + pool.error().message;
            return false;
        }
        m_pool = std::move(pool).value();
        auto policy = Policy::fromJson(policyFor(m_demoPolicy), m_pool->schema());
        if (!policy) {
            error = "policy: " + policy.error().message;
            return false;
        }
        m_policies = std::make_unique<PolicyStore>(std::move(policy).value());
        m_services.pool = m_pool.get();
        m_services.policies = m_policies.get();
        m_services.redactor = std::make_shared<Redactor>(hashKey);
        m_services.cursors = std::make_shared<CursorCodec>(crypto::randomBytes(32));

        auto tools = std::make_unique<ToolRegistry>();
        tools->add(std::make_shared<DescribeSchemaTool>(m_services));
        tools->add(std::make_shared<QueryTool>(m_services));
        auto resources = std::make_unique<ResourceCatalog>();
        resources->add(std::make_shared<SchemaResources>(m_services));
        auto prompts = std::make_unique<PromptCatalog>();
        addWorkflowPrompts(*prompts, m_services);
        m_server = std::make_unique<McpServer>(McpServer::Options {}, std::move(tools),
                                               std::move(resources), std::move(prompts));
        return true;
    }

    void tearDown()
    {
        m_server.reset();
        if (m_pool)
            m_pool->shutdown();
        m_pool.reset();
        m_policies.reset();
    }

    McpServer &server() { return *m_server; }
    db::DatabasePool &pool() { return *m_pool; }
    const Policy &policy() const { return *m_policies->current(); }
    const Json &demoPolicy() const { return m_demoPolicy; }
    const QString &databasePath() const { return m_dbPath; }

private:
    QTemporaryDir m_dir;
    QString m_dbPath;
    Json m_demoPolicy;
    std::unique_ptr<db::DatabasePool> m_pool;
    std::unique_ptr<PolicyStore> m_policies;
    ToolServices m_services;
    std::unique_ptr<McpServer> m_server;
};

// One initialised MCP session as a given principal.
class McpClient
{
public:
    McpClient(McpServer &server, Principal principal)
        : m_session(server.createSession(QStringLiteral("test"), std::move(principal)))
    {
        const Json init = request(
            "initialize", Json::parse(R"({"protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "tool-test", "version": "1"}})"));
        if (!init.contains("result"))
            qWarning("initialize failed: %s", init.dump().c_str());
        notify("notifications/initialized", nullptr);
    }

    // Sends a request; the response arrives later on the returned outbound.
    std::shared_ptr<RecordingOutbound> start(const std::string &method, Json params,
                                             Json *id = nullptr)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["id"] = m_nextId++;
        if (id)
            *id = msg["id"];
        msg["method"] = method;
        if (!params.is_null())
            msg["params"] = std::move(params);
        auto out = std::make_shared<RecordingOutbound>();
        m_session->handle(classified(msg), out);
        return out;
    }

    void notify(const std::string &method, Json params)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["method"] = method;
        if (!params.is_null())
            msg["params"] = std::move(params);
        m_session->handle(classified(msg), nullptr);
    }

    // The whole JSON-RPC response ({"timeout": true} if none came).
    Json request(const std::string &method, Json params = nullptr, int timeoutMs = 20000)
    {
        auto out = start(method, std::move(params));
        QElapsedTimer t;
        t.start();
        while (!out->finished && !out->abandoned && t.elapsed() < timeoutMs)
            QTest::qWait(5);
        if (!out->finished)
            return Json { { "timeout", true } };
        return out->response;
    }

    // A tools/call result: {content, structuredContent, isError}.
    Json callTool(const std::string &name, Json arguments, int timeoutMs = 20000)
    {
        Json params = Json::object();
        params["name"] = name;
        params["arguments"] = std::move(arguments);
        const Json r = request("tools/call", std::move(params), timeoutMs);
        if (!r.contains("result"))
            qWarning("tools/call %s: no result: %s", name.c_str(), r.dump().c_str());
        return r.value("result", Json());
    }

    McpSession &session() { return *m_session; }

private:
    static rpc::Message classified(const Json &value)
    {
        rpc::Message m;
        Json error;
        if (!rpc::classify(value, m, error))
            qFatal("test message rejected: %s", StrictJson::dump(error).c_str());
        return m;
    }

    std::unique_ptr<McpSession> m_session;
    int m_nextId = 1;
};

inline Principal tenantPrincipal(const std::string &tenant, const std::string &user = "analyst")
{
    Principal p;
    p.tenantId = tenant;
    p.userId = user;
    p.authMethod = "local";
    return p;
}

} // namespace warden::test
