#pragma once

// The demo shop in a temporary directory behind the real database pool, policy, redactor and
// read tools, driven through an MCP session the way a client drives them. Every result is
// checked against its tool's outputSchema (with DemoToolWorld's validator). Shared by the tool
// tests; each test binary builds its own copy of the demo database.

#include "DemoToolWorld.h"

#include "common/StrictJson.h"
#include "config/ServerConfig.h"
#include "crypto/Crypto.h"
#include "db/DatabasePool.h"
#include "demo/DemoDataset.h"
#include "policy/Policy.h"
#include "policy/Redactor.h"
#include "protocol/JsonRpc.h"
#include "protocol/McpServer.h"
#include "protocol/McpSession.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/ResourceCatalog.h"
#include "query/CursorCodec.h"
#include "server/PolicyStore.h"
#include "tools/AggregateTool.h"
#include "tools/DescribeSchemaTool.h"
#include "tools/ExplainTool.h"
#include "tools/GetTool.h"
#include "tools/QueryTool.h"
#include "tools/ToolRegistry.h"
#include "tools/ToolServices.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <sqlite3.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace warden::testing {

class DemoTools
{
public:
    // Writes the demo database (no config files) to `dir`/shop.db; returns its path.
    static QString createDemo(const QString &dir)
    {
        DemoOptions options;
        options.databasePath = dir + QStringLiteral("/shop.db");
        options.writeConfigFiles = false;
        auto summary = DemoDataset::create(options);
        if (!summary)
            qFatal("demo database: %s", summary.error().message.c_str());
        return options.databasePath;
    }

    // The bundled demo policy, optionally changed by `edit` before it is compiled.
    static Json demoPolicy(const std::function<void(Json &)> &edit = {})
    {
        auto text = DemoDataset::policyDocument();
        if (!text)
            qFatal("demo policy: %s", text.error().message.c_str());
        auto doc = StrictJson::parse(text->toStdString());
        if (!doc)
            qFatal("demo policy JSON: %s", doc.error().message.c_str());
        if (edit)
            edit(*doc);
        return *doc;
    }

    static Principal tenant(const std::string &tenantId, const std::string &user = "analyst")
    {
        Principal p;
        p.userId = user;
        p.tenantId = tenantId;
        p.authMethod = "local";
        return p;
    }

    // Opens the pool on the SQLite file `databasePath` and compiles `policy` against it.
    void open(const QString &databasePath, const Json &policy,
              const Principal &principal = tenant("1"))
    {
        DatabaseConfig config;
        config.driver = DatabaseConfig::Driver::Sqlite;
        config.path = databasePath;
        open(config, std::string(), policy, principal);
    }

    // Opens the pool on any configured database (`password` for PostgreSQL).
    void open(const DatabaseConfig &config, const std::string &password, const Json &policy,
              const Principal &principal = tenant("1"))
    {
        close();
        m_path = config.path;
        auto pool = db::DatabasePool::open(config, password, 2);
        if (!pool)
            qFatal("pool: %s", pool.error().message.c_str());
        m_pool = std::move(pool).value();
        setPolicy(policy);
        m_services.pool = m_pool.get();
        m_services.redactor = std::make_shared<Redactor>(crypto::randomBytes(32));
        m_services.cursors = std::make_shared<CursorCodec>(crypto::randomBytes(32));
        auto tools = std::make_unique<ToolRegistry>();
        tools->add(std::make_shared<DescribeSchemaTool>(m_services));
        tools->add(std::make_shared<QueryTool>(m_services));
        tools->add(std::make_shared<GetTool>(m_services));
        tools->add(std::make_shared<AggregateTool>(m_services));
        tools->add(std::make_shared<ExplainTool>(m_services));
        m_server = std::make_unique<McpServer>(McpServer::Options {}, std::move(tools),
                                               std::make_unique<ResourceCatalog>(),
                                               std::make_unique<PromptCatalog>());
        setPrincipal(principal);
    }

    void setPolicy(const Json &policy)
    {
        auto compiled = Policy::fromJson(policy, m_pool->schema());
        if (!compiled)
            qFatal("policy: %s", compiled.error().message.c_str());
        if (m_policies)
            m_policies->replace(std::move(compiled).value());
        else
            m_policies = std::make_unique<PolicyStore>(std::move(compiled).value());
        m_services.policies = m_policies.get();
    }

    // A new session for `principal` (initialised).
    void setPrincipal(const Principal &principal)
    {
        m_session.reset();
        m_session = m_server->createSession(QStringLiteral("test"), principal);
        request("initialize", Json::parse(R"({"protocolVersion":"2025-11-25","capabilities":{},
            "clientInfo":{"name":"test","version":"1"}})"));
        m_session->handle(
            message(Json::parse(R"({"method":"notifications/initialized","jsonrpc":"2.0"})")),
            nullptr);
        m_definitions.clear();
        for (const Json &t : request("tools/list", Json::object())
                                 .value("result", Json())
                                 .value("tools", Json::array()))
            m_definitions[t["name"].get<std::string>()] = t;
    }

    // The tool's definition from tools/list (null if it is not listed).
    Json definition(const std::string &name) const
    {
        const auto it = m_definitions.find(name);
        return it == m_definitions.end() ? Json() : it->second;
    }

    void close()
    {
        m_session.reset();
        m_server.reset();
        if (m_pool)
            m_pool->shutdown();
        m_pool.reset();
        m_policies.reset();
    }

    ~DemoTools() { close(); }

    // tools/call: the CallToolResult ({content, structuredContent, isError}).
    Json callTool(const std::string &name, const Json &arguments, int timeoutMs = 20000)
    {
        Json params = Json::object();
        params["name"] = name;
        params["arguments"] = arguments;
        const Json r = request("tools/call", std::move(params), timeoutMs);
        const Json result = r.value("result", Json());
        // Clients validate structuredContent against outputSchema, errors included.
        const Json schema = definition(name).value("outputSchema", Json());
        if (result.contains("structuredContent") && !schema.is_null()) {
            std::vector<std::string> problems;
            test::validateSchema(schema, result["structuredContent"], "", problems);
            if (!problems.empty())
                QTest::qFail(("structuredContent of " + name
                              + " does not match its outputSchema: " + problems.front())
                                 .c_str(),
                             __FILE__, __LINE__);
        }
        return result;
    }

    // structuredContent of a successful call; fails the test (empty object) otherwise.
    Json ok(const std::string &name, const Json &arguments)
    {
        const Json r = callTool(name, arguments);
        if (r.value("isError", true)) {
            qWarning("%s failed: %s", name.c_str(), StrictJson::dump(r).c_str());
            return Json::object();
        }
        return r["structuredContent"];
    }

    // structuredContent.error of a failing call (null if it did not fail).
    Json error(const std::string &name, const Json &arguments)
    {
        const Json r = callTool(name, arguments);
        if (!r.value("isError", false))
            return Json();
        return r["structuredContent"]["error"];
    }

    const QString &path() const { return m_path; }
    db::DatabasePool &pool() { return *m_pool; }
    std::shared_ptr<const Policy> policy() const { return m_policies->current(); }

    // Scalar results of direct SQL on a database file (the ground truth for comparisons).
    static std::vector<std::vector<Json>> sql(const QString &path, const std::string &statement)
    {
        sqlite3 *db = nullptr;
        std::vector<std::vector<Json>> rows;
        if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr)
            != SQLITE_OK)
            qFatal("open %s", qPrintable(path));
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(db, statement.c_str(), -1, &st, nullptr) != SQLITE_OK)
            qFatal("prepare %s: %s", statement.c_str(), sqlite3_errmsg(db));
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<Json> row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                switch (sqlite3_column_type(st, c)) {
                case SQLITE_INTEGER:
                    row.emplace_back(std::int64_t(sqlite3_column_int64(st, c)));
                    break;
                case SQLITE_FLOAT:
                    row.emplace_back(sqlite3_column_double(st, c));
                    break;
                case SQLITE_NULL:
                    row.emplace_back(nullptr);
                    break;
                default:
                    row.emplace_back(
                        std::string(reinterpret_cast<const char *>(sqlite3_column_text(st, c))));
                }
            }
            rows.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE)
            qFatal("step %s: %s", statement.c_str(), sqlite3_errmsg(db));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return rows;
    }

    static std::int64_t sqlInt(const QString &path, const std::string &statement)
    {
        const auto rows = sql(path, statement);
        return rows.empty() || !rows[0][0].is_number_integer() ? -1
                                                               : rows[0][0].get<std::int64_t>();
    }

private:
    class Recording : public Outbound
    {
    public:
        void send(const Json &) override { }
        void finish(const Json &r) override
        {
            response = r;
            finished = true;
        }
        void abandon() override { finished = true; }
        bool isOpen() const override { return !finished; }
        Json response;
        bool finished = false;
    };

    static rpc::Message message(const Json &value)
    {
        rpc::Message m;
        Json error;
        if (!rpc::classify(value, m, error))
            qFatal("test message rejected: %s", StrictJson::dump(error).c_str());
        return m;
    }

    Json request(const std::string &method, Json params, int timeoutMs = 20000)
    {
        Json msg = Json::object();
        msg["jsonrpc"] = "2.0";
        msg["id"] = m_nextId++;
        msg["method"] = method;
        msg["params"] = std::move(params);
        auto out = std::make_shared<Recording>();
        m_session->handle(message(msg), out);
        QElapsedTimer t;
        t.start();
        while (!out->finished && t.elapsed() < timeoutMs)
            QTest::qWait(2);
        return out->finished ? out->response : Json { { "timeout", true } };
    }

    QString m_path;
    std::unique_ptr<db::DatabasePool> m_pool;
    std::unique_ptr<PolicyStore> m_policies;
    ToolServices m_services;
    std::unique_ptr<McpServer> m_server;
    std::unique_ptr<McpSession> m_session;
    std::map<std::string, Json> m_definitions;
    int m_nextId = 1;
};

} // namespace warden::testing
