#pragma once
// A YAML document as JSON, the way fleetgate reads rule files (the gateway's alerting.rule_files
// and `fgctl rules apply`). Thread-safe.

#include <nlohmann/json.hpp>
#include <string>

namespace fleetgate {

// Plain scalars that read as numbers, booleans or null become those; quoted scalars stay strings;
// an empty document is null. JSON is YAML, so a JSON text gives the same value.
// Throws std::runtime_error ("line 3, column 5: …") on YAML syntax errors.
nlohmann::json YamlToJson(const std::string& text);

}  // namespace fleetgate
