#include "gateway_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fleetgate::testing {
namespace {

// Forks and execs the binary with stdout+stderr to `log_path`.
pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  int devnull = open("/dev/null", O_RDONLY);
  dup2(devnull, STDIN_FILENO);
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv;
  std::string binary = FLEETGATE_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (auto& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

int WaitExit(pid_t pid, std::chrono::seconds deadline) {
  int status = 0;
  bool done = Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, deadline);
  if (!done) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TempDir::TempDir() {
  char pattern[] = "/tmp/fleetgate-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }

GatewayProcess::GatewayProcess() : log_path_(dir_.path() + "/fleetgate.log") {}

GatewayProcess::~GatewayProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool GatewayProcess::Start(const Options& options) {
  std::vector<std::string> args = {
      "--grpc-address",
      "127.0.0.1:0",
      "--http-address",
      "127.0.0.1:0",
      "--database",
      options.database.empty() ? dir_.path() + "/fleetgate.db" : options.database};
  args.insert(args.end(), options.args.begin(), options.args.end());
  pid_ = Spawn(args, options.env, log_path_);
  static const std::regex ports("serving gRPC on port ([0-9]+) and HTTP on port ([0-9]+)");
  std::smatch match;
  bool started = Eventually([&] {
    std::string log = ReadFile(log_path_);
    if (!std::regex_search(log, match, ports)) return !Running();
    grpc_port_ = std::stoi(match[1]);
    http_port_ = std::stoi(match[2]);
    return true;
  });
  return started && grpc_port_ > 0 && Running();
}

bool GatewayProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int GatewayProcess::Stop(int signal, std::chrono::seconds deadline) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int code = WaitExit(pid_, deadline);
  if (code >= 0) pid_ = -1;
  return code;
}

std::string GatewayProcess::Log() const { return ReadFile(log_path_); }

std::pair<int, std::string> GatewayProcess::RunToExit(
    const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  TempDir dir;
  std::string log = dir.path() + "/out.log";
  pid_t pid = Spawn(args, env, log);
  int code = WaitExit(pid, std::chrono::seconds(30));
  if (code < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  return {code, ReadFile(log)};
}

}  // namespace fleetgate::testing
