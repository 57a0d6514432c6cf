#pragma once
// Runs the real fgctl binary to completion for integration tests, with stdout and stderr kept
// apart so tests can check that a failure is exactly one line. Not thread-safe.

#include <map>
#include <string>
#include <vector>

namespace fleetgate::testing {

struct FgctlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` is added to the environment; FLEETGATE_* variables of the caller are removed first.
FgctlRun RunFgctl(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {});

}  // namespace fleetgate::testing
