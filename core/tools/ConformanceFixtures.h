#pragma once

namespace warden {

class PromptCatalog;
class ResourceCatalog;
class ToolRegistry;

// The tools, resources, resource template and prompts that the official MCP conformance
// suite (@modelcontextprotocol/conformance, `server --suite all`) calls by name, with the
// literal content its checks compare. Only `warden-server --conformance-fixtures` adds them:
// they are test doubles and must never reach a normal tools/list.
void addConformanceFixtures(ToolRegistry &tools, ResourceCatalog &resources,
                            PromptCatalog &prompts);

} // namespace warden
