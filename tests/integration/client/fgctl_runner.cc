#include "client/fgctl_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gateway_process.h"

namespace fleetgate::testing {
namespace {

[[noreturn]] void Exec(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, const std::string& out,
                       const std::string& err) {
  dup2(open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDOUT_FILENO);
  dup2(open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDERR_FILENO);
  dup2(open("/dev/null", O_RDONLY), STDIN_FILENO);
  for (const char* name : {"FLEETGATE_URL", "FLEETGATE_TARGET", "FLEETGATE_GRPC_ADDRESS",
                           "FLEETGATE_TOKEN", "FLEETGATE_CA_FILE", "FLEETGATE_CERT_FILE",
                           "FLEETGATE_KEY_FILE", "FLEETGATE_SERVICE", "FLEETGATE_INSTANCE"}) {
    unsetenv(name);
  }
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::vector<std::string> copy = args;
  std::string binary = FGCTL_BINARY;
  std::vector<char*> argv{binary.data()};
  for (auto& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

FgctlRun RunFgctl(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string err = dir.path() + "/err";
  pid_t pid = fork();
  if (pid == 0) Exec(args, env, out, err);
  FgctlRun run;
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    run.exit_code = WEXITSTATUS(status);
  }
  run.out = ReadFile(out);
  run.err = ReadFile(err);
  return run;
}

}  // namespace fleetgate::testing
