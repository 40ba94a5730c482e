#include "ExplainTool.h"

#include "ToolAudit.h"

#include "db/DatabasePool.h"
#include "protocol/RequestContext.h"
#include "query/AggregateCompiler.h"
#include "query/CostEstimator.h"
#include "query/CursorCodec.h"
#include "query/GetCompiler.h"
#include "query/QueryCompiler.h"
#include "server/PolicyStore.h"

namespace warden {
namespace {

// One statement the explained call would run, and how often at most.
struct Statement
{
    std::string role; // main, include, suppressed_groups
    std::string path; // includes: where the rows go
    std::string sql; // estimated
    std::vector<Json> params;
    std::string shownSql; // reported
    Json shownParams = Json::array();
    double times = 1; // includes: one parent key's cost times the parent rows there can be
    int timeoutMs = 0;
};

// A value of the link column's type, to plan an include for one parent key.
Json sampleKey(const ColumnView &c)
{
    const std::string &t = c.info->type;
    if (t == "integer" || t == "real" || t == "numeric")
        return 0;
    if (t == "boolean")
        return false;
    if (t == "date")
        return "2000-01-01";
    if (t == "datetime")
        return "2000-01-01 00:00:00";
    return "";
}

Json paramsJson(const std::vector<Json> &params)
{
    Json out = Json::array();
    for (const auto &p : params)
        out.push_back(p);
    return out;
}

void addIncludes(std::vector<Statement> &out, const std::vector<IncludePlan> &plans, double parents)
{
    for (const IncludePlan &plan : plans) {
        Statement s;
        s.role = "include";
        s.path = plan.path;
        s.sql = plan.sql(1);
        s.params = plan.params;
        s.params.push_back(sampleKey(*plan.columns[plan.linkColumn]));
        s.shownSql = plan.displaySql();
        s.shownParams = paramsJson(plan.params);
        s.times = parents;
        s.timeoutMs = plan.timeoutMs;
        out.push_back(std::move(s));
        addIncludes(out, plan.includes,
                    parents * (plan.kind == Relation::Kind::OneToMany ? double(plan.take) : 1.0));
    }
}

Statement mainStatement(const std::string &sql, const std::vector<Json> &params, int timeoutMs)
{
    Statement s;
    s.role = "main";
    s.sql = sql;
    s.params = params;
    s.shownSql = sql;
    s.shownParams = paramsJson(params);
    s.timeoutMs = timeoutMs;
    return s;
}

} // namespace

Json ExplainTool::definition() const
{
    Json d = Json::object();
    d["name"] = name();
    d["title"] = "Explain a read";
    d["description"] =
        "Shows what db_query, db_get or db_aggregate would do with the given arguments, without "
        "running it: the SQL and its parameters, every policy decision (row scopes added, fields "
        "masked or hashed, limits applied, cursor use) and the estimated cost. A call the tool "
        "would refuse is refused here with the same error.";
    d["inputSchema"] = Json::parse(R"({
      "type": "object",
      "required": ["tool", "arguments"],
      "properties": {
        "tool": {"type": "string", "enum": ["db_query", "db_get", "db_aggregate"]},
        "arguments": {"type": "object", "description": "The arguments you would pass to that tool"}
      },
      "additionalProperties": false
    })");
    d["outputSchema"] = toolschema::outputSchema(Json::parse(R"({
      "type": "object",
      "required": ["sql", "parameters", "decisions", "estimated_cost"],
      "properties": {
        "sql": {"type": "string", "description": "The main statement"},
        "parameters": {"type": "array", "description": "Its bound values, in placeholder order"},
        "decisions": {"type": "array", "items": {"type": "object"}, "description": "Every policy decision"},
        "estimated_cost": {"type": "number", "description": "All statements together, per cost_model"},
        "cost_model": {"type": "string"},
        "statements": {"type": "array", "items": {
          "type": "object",
          "required": ["role", "sql", "parameters", "estimated_cost"],
          "properties": {
            "role": {"type": "string", "enum": ["main", "include", "suppressed_groups"]},
            "path": {"type": "string"},
            "sql": {"type": "string"},
            "parameters": {"type": "array"},
            "estimated_cost": {"type": "number"},
            "plan": {"type": "array"}
          }
        }}
      }
    })"));
    d["annotations"] = toolschema::readOnlyAnnotations();
    return d;
}

void ExplainTool::call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments)
{
    static const char *tools = "Tools: db_query, db_get, db_aggregate";
    for (auto it = arguments.begin(); it != arguments.end(); ++it)
        if (it.key() != "tool" && it.key() != "arguments") {
            ctx->respondToolError(
                Error(ErrorCode::InvalidArgument, "/" + it.key() + ": unknown argument",
                      { "Arguments: tool, arguments" }, Json { { "pointer", "/" + it.key() } }));
            return;
        }
    const std::string tool = arguments.contains("tool") && arguments["tool"].is_string()
        ? arguments["tool"].get<std::string>()
        : std::string();
    if (tool != "db_query" && tool != "db_get" && tool != "db_aggregate") {
        ctx->respondToolError(Error(ErrorCode::InvalidArgument,
                                    "/tool: give the name of the read tool to explain", { tools },
                                    Json { { "pointer", "/tool" } }));
        return;
    }
    if (!arguments.contains("arguments") || !arguments["arguments"].is_object()) {
        ctx->respondToolError(
            Error(ErrorCode::InvalidArgument,
                  "/arguments: give the arguments you would pass to " + tool + ", as an object", {},
                  Json { { "pointer", "/arguments" } }));
        return;
    }
    const Json &args = arguments["arguments"];
    auto policy = m_services.policies->current();
    const db::Dialect dialect = m_services.pool->dialect();
    const Principal &principal = ctx->principal();

    // Compiled exactly as the tool compiles it: the same errors, the same statement.
    std::vector<Statement> statements;
    Json decisions = Json::array();
    if (tool == "db_aggregate") {
        auto a = AggregateCompiler(*policy, dialect).compile(args, principal);
        if (!a) {
            ctx->respondToolError(a.error());
            return;
        }
        statements.push_back(mainStatement(a->sql, a->params, a->timeoutMs));
        if (!a->suppressedSql.empty()) {
            Statement s = mainStatement(a->suppressedSql, a->suppressedParams, a->timeoutMs);
            s.role = "suppressed_groups";
            statements.push_back(std::move(s));
        }
        decisions = std::move(a->decisions);
        decisions.push_back({ { "kind", "limit" },
                              { "groups", a->maxGroups },
                              { "statement_timeout_ms", a->timeoutMs } });
    } else {
        auto q = tool == "db_get" ? GetCompiler(*policy, dialect).compile(args, principal)
                                  : QueryCompiler(*policy, dialect, m_services.cursors.get())
                                        .compileQuery(args, principal);
        if (!q) {
            ctx->respondToolError(q.error());
            return;
        }
        statements.push_back(mainStatement(q->sql, q->params, q->timeoutMs));
        addIncludes(statements, q->includes, double(q->take));
        decisions = std::move(q->decisions);
        decisions.push_back(
            { { "kind", "limit" }, { "rows", q->take }, { "statement_timeout_ms", q->timeoutMs } });
    }

    auto job = m_services.pool->submit(
        [ctx, policy, statements = std::move(statements),
         decisions = std::move(decisions)](db::Connection &conn) mutable {
            if (ctx->isCancelled())
                return;
            CostEstimator estimator(conn, policy->schema());
            double total = 0;
            Json shown = Json::array();
            for (const Statement &s : statements) {
                auto e = estimator.estimate(s.sql, s.params, s.timeoutMs);
                if (!e) {
                    ctx->respondToolError(e.error());
                    return;
                }
                const double cost = e->cost * s.times;
                total += cost;
                Json st = Json::object();
                st["role"] = s.role;
                if (!s.path.empty())
                    st["path"] = s.path;
                st["sql"] = s.shownSql;
                st["parameters"] = s.shownParams;
                st["estimated_cost"] = cost;
                if (s.role == "include")
                    st["parent_rows_at_most"] = s.times;
                st["plan"] = std::move(e->plan);
                shown.push_back(std::move(st));
            }
            const std::string model = CostEstimator::model(conn.dialect());
            decisions.push_back({ { "kind", "cost" }, { "estimated", total }, { "model", model } });
            Json result = Json::object();
            result["sql"] = shown[0]["sql"];
            result["parameters"] = shown[0]["parameters"];
            result["decisions"] = std::move(decisions);
            result["estimated_cost"] = total;
            result["cost_model"] = model;
            result["statements"] = std::move(shown);
            ctx->respondToolResult(std::move(result));
        },
        [ctx] {
            ctx->respondToolError(
                Error(ErrorCode::Cancelled, "the explanation was cancelled before it started"));
        });
    ctx->setCancelHandler([job] { job->cancel(); });
}

bool ExplainTool::auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const
{
    return columnReadInClear(m_services, arguments, principal, field);
}

} // namespace warden
