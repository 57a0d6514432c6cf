#include "client/example_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fleetgate::testing {
namespace {

[[noreturn]] void Exec(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, const std::string& err) {
  for (const char* name : {"FLEETGATE_TARGET", "FLEETGATE_TOKEN", "FLEETGATE_CA_FILE",
                           "FLEETGATE_CERT_FILE", "FLEETGATE_KEY_FILE"}) {
    unsetenv(name);
  }
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, STDIN_FILENO);
  dup2(devnull, STDOUT_FILENO);
  dup2(open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), STDERR_FILENO);
  std::string binary = EXAMPLE_BINARY;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{binary.data()};
  for (auto& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

ExampleProcess::ExampleProcess(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env)
    : err_path_(dir_.path() + "/stderr") {
  pid_ = fork();
  if (pid_ == 0) Exec(args, env, err_path_);
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
