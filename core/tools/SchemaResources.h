#pragma once

#include "ToolServices.h"
#include "protocol/ResourceCatalog.h"

namespace warden {

// The visible schema as MCP resources: warden://schema (every table the caller may read) and
// warden://schema/{table}. Invisible tables read as "not found", exactly like missing ones.
class SchemaResources : public ResourceProvider
{
public:
    explicit SchemaResources(const ToolServices &services) : m_services(services) {}

    std::vector<Json> list(const Principal &principal) const override;
    std::vector<Json> templates() const override;
    std::optional<Json> read(const std::string &uri, const Principal &principal) const override;
    std::optional<std::vector<std::string>> complete(const std::string &uriTemplate, const std::string &argument,
                                                     const std::string &prefix, const Principal &principal) const override;

    // Table names visible to `principal` that start with `prefix` (prompt completion too).
    static std::vector<std::string> tableNames(const ToolServices &services, const std::string &prefix,
                                               const Principal &principal);

private:
    const ToolServices &m_services;
};

// Prompts that walk an agent through a safe query workflow.
class PromptCatalog;
void addWorkflowPrompts(PromptCatalog &catalog, const ToolServices &services);

} // namespace warden
