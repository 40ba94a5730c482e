#include "ColumnAudit.h"

#include "policy/Policy.h"
#include "server/PolicyStore.h"

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

} // namespace warden
