#include "ToolAudit.h"

#include "crypto/Crypto.h"
#include "limits/UsageMeter.h"
#include "policy/Policy.h"
#include "query/CostEstimator.h"
#include "protocol/RequestContext.h"
#include "server/PolicyStore.h"

#include <set>

namespace warden {

bool columnReadInClear(const ToolServices &services, const Json &arguments, const Principal &principal,
                       const std::string &field)
{
    if (!services.policies || !arguments.is_object())
        return false;
    const auto table = arguments.find("table");
    if (table == arguments.end() || !table->is_string())
        return false;
    const auto policy = services.policies->current();
    const TableView *view = policy ? policy->table(table->get<std::string>(), principal) : nullptr;
    const ColumnView *column = view ? view->column(field) : nullptr;
    return column && column->action == ColumnAction::Allow;
}

bool keyReadInClear(const ToolServices &services, const Json &arguments, const Principal &principal)
{
    const auto policy = services.policies ? services.policies->current() : nullptr;
    const auto table = arguments.is_object() ? arguments.find("table") : arguments.end();
    const TableView *view = policy && table != arguments.end() && table->is_string()
                                ? policy->table(table->get<std::string>(), principal)
                                : nullptr;
    if (!view || view->primaryKey().empty())
        return false;
    for (const auto &key : view->primaryKey())
        if (!columnReadInClear(services, arguments, principal, key))
            return false;
    return true;
}

Status checkCost(db::Connection &conn, const Policy &policy, const TableView &table, const std::string &sql,
                 const std::vector<Json> &params, int timeoutMs, RequestContext &ctx, limits::UsageMeter *usage)
{
    CostEstimator estimator(conn, policy.schema());
    auto estimate = estimator.estimate(sql, params, timeoutMs);
    if (!estimate)
        return estimate.error(); // stable code; the estimator keeps database text out
    const double limit = table.budget.maxCost;
    ctx.noteForAudit("estimated_cost", std::int64_t(estimate->cost));
    if (estimate->cost <= limit) {
        if (usage)
            if (auto over = usage->checkBudget(ctx.principal(), estimate->cost))
                return over->toError();
        return {};
    }
    Error e(ErrorCode::BudgetExceeded,
            "the estimated cost of this call (" + std::to_string(std::int64_t(estimate->cost)) + ") exceeds max_cost ("
                + std::to_string(std::int64_t(limit)) + ") for table \"" + table.name()
                + "\"; filter on an indexed field (such as the primary key) or ask for fewer rows");
    e.details = Json{{"budget", "max_cost"}, {"limit", std::int64_t(limit)}, {"estimated", std::int64_t(estimate->cost)}};
    return e;
}

void noteCompiledForAudit(RequestContext &ctx, const std::string &table, const std::string &sql, const Json &decisions)
{
    std::set<std::string> tables { table };
    for (const auto &d : decisions)
        if (d.is_object() && d.contains("table") && d["table"].is_string())
            tables.insert(d["table"].get<std::string>());
    Json list = Json::array();
    for (const auto &t : tables)
        if (!t.empty())
            list.push_back(t);
    ctx.noteForAudit("tables", std::move(list));
    ctx.noteForAudit("sql_fingerprint", crypto::toHex(crypto::sha256(sql)).substr(0, 16));
    ctx.noteForAudit("decisions", decisions);
}

} // namespace warden
