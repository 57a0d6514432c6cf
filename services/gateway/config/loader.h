#pragma once
// Builds the effective Config: defaults < YAML file < FLEETGATE_* environment < flags, then
// validates it. Start-up only: every problem throws ConfigError naming the key and why.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace fleetgate::config {

struct Sources {
  std::string file;  // empty: no file
  // The process environment (only FLEETGATE_* names matter): each must be a key's variable or
  // one of ForeignVariables(); anything else is an error with a did-you-mean.
  std::map<std::string, std::string> env;
  std::vector<std::pair<std::string, std::string>> flags;  // "section.key" -> text
};

// The FLEETGATE_* variables of `environ`.
std::map<std::string, std::string> ProcessEnvironment();

Config Load(const Sources& sources);

// Every key's validator, then the checks between keys; throws ConfigError.
void Validate(const Config& config);

// The effective configuration as YAML that Load accepts back; secrets that are set show as
// <redacted>.
std::string RenderYaml(const Config& config);

constexpr char kRedacted[] = "<redacted>";

}  // namespace fleetgate::config
