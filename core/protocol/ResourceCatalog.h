#pragma once

#include "common/Json.h"
#include "common/Result.h"
#include "policy/Principal.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

// A source of MCP resources (the visible schema, conformance fixtures, ...).
class ResourceProvider
{
public:
    virtual ~ResourceProvider() = default;
    // Resource descriptors {uri, name, title?, description?, mimeType?} this principal may see.
    virtual std::vector<Json> list(const Principal &principal) const = 0;
    // Resource template descriptors {uriTemplate, name, ...}.
    virtual std::vector<Json> templates() const = 0;
    // nullopt: not this provider's URI (or invisible to this principal: the same answer).
    // Otherwise the `contents` array of a ReadResourceResult.
    virtual std::optional<Json> read(const std::string &uri, const Principal &principal) const = 0;
    // Completion values for a template argument, or nullopt if the template is not ours.
    virtual std::optional<std::vector<std::string>> complete(const std::string &uriTemplate,
                                                             const std::string &argument,
                                                             const std::string &prefix,
                                                             const Principal &principal) const = 0;
};

// All providers of a server, queried in order.
class ResourceCatalog
{
public:
    void add(std::shared_ptr<ResourceProvider> provider) { m_providers.push_back(std::move(provider)); }
    std::vector<Json> list(const Principal &principal) const;
    std::vector<Json> templates() const;
    std::optional<Json> read(const std::string &uri, const Principal &principal) const;
    std::optional<std::vector<std::string>> complete(const std::string &uriTemplate,
                                                     const std::string &argument,
                                                     const std::string &prefix,
                                                     const Principal &principal) const;

private:
    std::vector<std::shared_ptr<ResourceProvider>> m_providers;
};

} // namespace warden
