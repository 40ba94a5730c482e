#pragma once

#include "Tool.h"
#include "ToolServices.h"

namespace warden {

// db_describe_schema: the tables, columns and relations the caller's policy lets it see.
class DescribeSchemaTool : public Tool
{
public:
    explicit DescribeSchemaTool(const ToolServices &services) : m_services(services) {}
    std::string name() const override { return "db_describe_schema"; }
    Json definition() const override;
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override;

private:
    const ToolServices &m_services;
};

} // namespace warden
