#pragma once
// The child side of running a client binary (fgctl, the example service) from a test.

#include <map>
#include <string>
#include <vector>

namespace fleetgate::testing {

// In a forked child: stdin from /dev/null, stdout and stderr to the files `out` and `err`, the
// clients' own FLEETGATE_* variables unset and `env` set instead, then `binary` with `args`.
[[noreturn]] void ExecClient(const std::string& binary, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, const std::string& out,
                             const std::string& err);

}  // namespace fleetgate::testing
