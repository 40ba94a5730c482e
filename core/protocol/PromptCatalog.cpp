#include "PromptCatalog.h"

namespace warden {

std::vector<Json> PromptCatalog::list() const
{
    std::vector<Json> out;
    for (const auto &p : m_prompts) {
        Json j = Json::object();
        j["name"] = p.name;
        if (!p.title.empty())
            j["title"] = p.title;
        if (!p.description.empty())
            j["description"] = p.description;
        if (!p.arguments.empty()) {
            Json args = Json::array();
            for (const auto &a : p.arguments) {
                Json aj = Json::object();
                aj["name"] = a.name;
                if (!a.description.empty())
                    aj["description"] = a.description;
                aj["required"] = a.required;
                args.push_back(std::move(aj));
            }
            j["arguments"] = std::move(args);
        }
        out.push_back(std::move(j));
    }
    return out;
}

const PromptDefinition *PromptCatalog::find(const std::string &name) const
{
    for (const auto &p : m_prompts)
        if (p.name == name)
            return &p;
    return nullptr;
}

Result<Json> PromptCatalog::get(const std::string &name, const Json &arguments, const Principal &principal) const
{
    const PromptDefinition *p = find(name);
    if (!p)
        return Error(ErrorCode::NotFound, "unknown prompt \"" + name + "\"");
    std::map<std::string, std::string> args;
    if (!arguments.is_null()) {
        if (!arguments.is_object())
            return Error(ErrorCode::InvalidArgument, "prompt arguments must be an object of strings");
        for (auto it = arguments.begin(); it != arguments.end(); ++it) {
            bool known = false;
            for (const auto &a : p->arguments)
                known = known || a.name == it.key();
            if (!known)
                return Error(ErrorCode::InvalidArgument,
                             "prompt \"" + name + "\" has no argument \"" + it.key() + "\"");
            if (!it.value().is_string())
                return Error(ErrorCode::InvalidArgument,
                             "prompt argument \"" + it.key() + "\" must be a string");
            args[it.key()] = it.value().get<std::string>();
        }
    }
    for (const auto &a : p->arguments)
        if (a.required && !args.count(a.name))
            return Error(ErrorCode::InvalidArgument,
                         "prompt \"" + name + "\" needs the argument \"" + a.name + "\"");
    return p->render(args, principal);
}

std::optional<std::vector<std::string>> PromptCatalog::complete(const std::string &prompt,
                                                                const std::string &argument,
                                                                const std::string &prefix,
                                                                const Principal &principal) const
{
    const PromptDefinition *p = find(prompt);
    if (!p)
        return std::nullopt;
    for (const auto &a : p->arguments)
        if (a.name == argument)
            return a.complete ? a.complete(prefix, principal) : std::vector<std::string>{};
    return std::vector<std::string>{};
}

} // namespace warden
