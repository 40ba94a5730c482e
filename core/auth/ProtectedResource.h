#pragma once

#include "common/Json.h"

#include <string>
#include <vector>

namespace warden::auth {

// What RFC 9728 protected-resource metadata says about this server: its resource identifier
// (the URL clients use for /mcp), the authorization servers that issue tokens for it and the
// scopes it knows. Served at /.well-known/oauth-protected-resource[/mcp] and named in every
// 401 challenge.
struct ProtectedResource
{
    std::string resource;
    std::vector<std::string> authorizationServers;
    std::vector<std::string> scopes;

    // RFC 9728 section 3.1: the well-known segment goes between the host and the resource's
    // path, e.g. https://h/mcp → https://h/.well-known/oauth-protected-resource/mcp.
    std::string metadataUrl() const;
    Json document() const;
};

} // namespace warden::auth
