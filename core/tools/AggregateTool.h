#pragma once

#include "Tool.h"
#include "ToolServices.h"

namespace warden {

// db_aggregate: count, count_distinct, sum, avg, min and max, optionally grouped, under the same
// column rules and row scopes as db_query, with small-cell suppression.
class AggregateTool : public Tool
{
public:
    explicit AggregateTool(const ToolServices &services)
        : m_services(services)
    {
    }
    std::string name() const override { return "db_aggregate"; }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;
    bool auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const override;

private:
    const ToolServices &m_services;
};

} // namespace warden
