#pragma once

#include "Tool.h"
#include "ToolServices.h"

namespace warden {

// db_get: one row by primary key, scoped and redacted like db_query, with includes. A row
// that does not exist and a row the caller may not see answer the same: {row: null, found: false}.
class GetTool : public Tool
{
public:
    explicit GetTool(const ToolServices &services)
        : m_services(services)
    {
    }
    std::string name() const override { return "db_get"; }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;
    bool auditsInClear(const Json &arguments, const Principal &principal, const std::string &field) const override;

private:
    const ToolServices &m_services;
};

} // namespace warden
