#include "client/example_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/exec_client.h"

namespace fleetgate::testing {

ExampleProcess::ExampleProcess(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env)
    : err_path_(dir_.path() + "/stderr") {
  pid_ = fork();
  if (pid_ == 0) ExecClient(EXAMPLE_BINARY, args, env, "/dev/null", err_path_);
}

ExampleProcess::~ExampleProcess() {
  if (pid_ <= 0 || ended_) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

int ExampleProcess::Stop() {
  if (pid_ <= 0) return -1;
  if (!ended_) kill(pid_, SIGTERM);
  return WaitForExit();
}

int ExampleProcess::WaitForExit() {
  if (pid_ <= 0 || ended_) return exit_code_;
  int status = 0;
  ended_ = Eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; });
  if (ended_ && WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  return exit_code_;
}

}  // namespace fleetgate::testing
