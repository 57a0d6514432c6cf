#pragma once
// The checks of a loaded Config that need more than the key table: the provisioned rule files
// are read and parsed, and a rule name may be defined in one file only. `fleetgate
// --check-config` and start-up both run CheckStartupConfig, so the one refuses exactly what the
// other refuses. Reads files; thread-safe.

#include "config/config.h"

namespace fleetgate {

// Validates `config` (every key, the checks between keys, the rule files); throws
// config::ConfigError naming the key and why.
void CheckStartupConfig(const config::Config& config);

}  // namespace fleetgate
