#pragma once
// Builds the effective Config: defaults < YAML file < FLEETGATE_* environment < flags, then
// validates it. Start-up only: every problem throws ConfigError naming the key and why.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace fleetgate::config {

using EnvLookup = std::function<const char*(const char*)>;

struct Sources {
  std::string file;  // empty: no file
  EnvLookup env = [](const char*) -> const char* { return nullptr; };
  std::vector<std::pair<std::string, std::string>> flags;  // "section.key" -> text
};

Config Load(const Sources& sources);

// Semantic checks across keys (ranges, formats, sorted buckets); throws ConfigError.
void Validate(const Config& config);

// The effective configuration as YAML that Load accepts back.
std::string RenderYaml(const Config& config);

}  // namespace fleetgate::config
