#include "ResourceCatalog.h"

namespace warden {

std::vector<Json> ResourceCatalog::list(const Principal &principal) const
{
    std::vector<Json> out;
    for (const auto &p : m_providers) {
        auto items = p->list(principal);
        out.insert(out.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    }
    return out;
}

std::vector<Json> ResourceCatalog::templates() const
{
    std::vector<Json> out;
    for (const auto &p : m_providers) {
        auto items = p->templates();
        out.insert(out.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    }
    return out;
}

std::optional<Json> ResourceCatalog::read(const std::string &uri, const Principal &principal) const
{
    for (const auto &p : m_providers)
        if (auto r = p->read(uri, principal))
            return r;
    return std::nullopt;
}

std::optional<std::vector<std::string>> ResourceCatalog::complete(const std::string &uriTemplate,
                                                                  const std::string &argument,
                                                                  const std::string &prefix,
                                                                  const Principal &principal) const
{
    for (const auto &p : m_providers)
        if (auto r = p->complete(uriTemplate, argument, prefix, principal))
            return r;
    return std::nullopt;
}

} // namespace warden
