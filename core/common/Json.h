#pragma once

// One alias for the JSON library used everywhere in core (nlohmann_json, ordered so that
// documents we write keep the author's key order).
#include <nlohmann/json.hpp>

namespace warden {
using Json = nlohmann::ordered_json;
} // namespace warden
