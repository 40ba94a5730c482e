#pragma once

#include "Tool.h"

#include <memory>
#include <string>
#include <vector>

namespace warden {

// The tools a server offers, in registration order. Names are checked against the pattern
// every desktop client accepts (^[a-zA-Z0-9_-]{1,64}$): one dotted name makes Claude
// Desktop refuse the whole server.
class ToolRegistry
{
public:
    static bool isValidName(const std::string &name);

    // Refuses (returns false) an invalid or duplicate name.
    bool add(std::shared_ptr<Tool> tool);
    Tool *find(const std::string &name) const;
    const std::vector<std::shared_ptr<Tool>> &all() const { return m_tools; }
    std::vector<std::string> names() const;

private:
    std::vector<std::shared_ptr<Tool>> m_tools;
};

} // namespace warden
