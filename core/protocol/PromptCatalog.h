#pragma once

#include "common/Error.h"
#include "common/Json.h"
#include "common/Result.h"
#include "policy/Principal.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace warden {

// Prompts offered to agents. Arguments are strings on the wire (MCP), so every prompt
// takes named string arguments only.
struct PromptDefinition
{
    struct Argument
    {
        std::string name;
        std::string description;
        bool required = false;
        // Completion source for this argument (may be empty).
        std::function<std::vector<std::string>(const std::string &prefix, const Principal &)> complete;
    };
    std::string name;
    std::string title;
    std::string description;
    std::vector<Argument> arguments;
    // Builds the GetPromptResult {description?, messages}; arguments are already checked.
    std::function<Json(const std::map<std::string, std::string> &args, const Principal &)> render;
};

class PromptCatalog
{
public:
    void add(PromptDefinition prompt) { m_prompts.push_back(std::move(prompt)); }
    std::vector<Json> list() const;
    const PromptDefinition *find(const std::string &name) const;
    // Checks the arguments (unknown, missing, non-string) and renders; InvalidArgument on error.
    Result<Json> get(const std::string &name, const Json &arguments, const Principal &principal) const;
    std::optional<std::vector<std::string>> complete(const std::string &prompt, const std::string &argument,
                                                     const std::string &prefix, const Principal &principal) const;

private:
    std::vector<PromptDefinition> m_prompts;
};

} // namespace warden
