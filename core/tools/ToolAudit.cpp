#include "ToolAudit.h"

#include "crypto/Crypto.h"
#include "policy/Policy.h"
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
