#include "client/exec_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace fleetgate::testing {

void ExecClient(const std::string& binary, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, const std::string& out,
                const std::string& err) {
  dup2(open("/dev/null", O_RDONLY), STDIN_FILENO);
  dup2(open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDOUT_FILENO);
  dup2(open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDERR_FILENO);
  for (const char* name : {"FLEETGATE_URL", "FLEETGATE_TARGET", "FLEETGATE_GRPC_ADDRESS",
                           "FLEETGATE_TOKEN", "FLEETGATE_CA_FILE", "FLEETGATE_CERT_FILE",
                           "FLEETGATE_KEY_FILE", "FLEETGATE_SERVICE", "FLEETGATE_INSTANCE"}) {
    unsetenv(name);
  }
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::string path = binary;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{path.data()};
  for (auto& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(path.c_str(), argv.data());
  _exit(127);
}

}  // namespace fleetgate::testing
