#pragma once

#include "Tool.h"
#include "ToolServices.h"

namespace warden {

// db_explain: what db_query, db_get or db_aggregate would run (SQL, parameters), every policy
// decision, and the estimated cost, without running the statement. A call the tool would
// refuse is refused here with the same error.
class ExplainTool : public Tool
{
public:
    explicit ExplainTool(const ToolServices &services)
        : m_services(services)
    {
    }
    std::string name() const override { return "db_explain"; }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;
    bool auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const override;

private:
    const ToolServices &m_services;
};

} // namespace warden
