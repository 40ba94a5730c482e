#pragma once

namespace warden {

// Registers the resources compiled into warden_resources (a static library: its
// initialiser is not pulled in unless someone references it). Idempotent.
void initResources();

} // namespace warden
