#pragma once

#include "Tool.h"
#include "ToolServices.h"

namespace warden {

// db_query: a structured, policy-compiled read (select, where, order_by, take, cursor, include).
class QueryTool : public Tool
{
public:
    explicit QueryTool(const ToolServices &services) : m_services(services) {}
    std::string name() const override { return "db_query"; }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;
    bool auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const override;

    static Json conditionSchema();
    // The `include` argument, shared with db_get.
    static Json includeSchema();

private:
    const ToolServices &m_services;
};

} // namespace warden
