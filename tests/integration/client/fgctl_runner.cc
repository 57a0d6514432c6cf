#include "client/fgctl_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "client/exec_client.h"
#include "gateway_process.h"

namespace fleetgate::testing {

FgctlRun RunFgctl(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string err = dir.path() + "/err";
  pid_t pid = fork();
  if (pid == 0) ExecClient(FGCTL_BINARY, args, env, out, err);
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
