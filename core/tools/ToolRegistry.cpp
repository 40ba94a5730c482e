#include "ToolRegistry.h"

namespace warden {

bool ToolRegistry::isValidName(const std::string &name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

bool ToolRegistry::add(std::shared_ptr<Tool> tool)
{
    if (!tool || !isValidName(tool->name()) || find(tool->name()))
        return false;
    m_tools.push_back(std::move(tool));
    return true;
}

Tool *ToolRegistry::find(const std::string &name) const
{
    for (const auto &t : m_tools)
        if (t->name() == name)
            return t.get();
    return nullptr;
}

std::vector<std::string> ToolRegistry::names() const
{
    std::vector<std::string> out;
    out.reserve(m_tools.size());
    for (const auto &t : m_tools)
        out.push_back(t->name());
    return out;
}

} // namespace warden
