#pragma once
// Runs the real fleetgate binary for integration tests: 127.0.0.1:0 ports (read back from its
// log), a temp directory for its database, SIGTERM/SIGKILL, and its log for assertions.
// Not thread-safe; one per test.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace fleetgate::testing {

// A temp directory removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class GatewayProcess {
 public:
  struct Options {
    std::vector<std::string> args;           // extra flags
    std::map<std::string, std::string> env;  // extra environment
    std::string database;                    // empty: <temp dir>/fleetgate.db
  };

  GatewayProcess();
  ~GatewayProcess();  // SIGKILL if still running

  // Starts and waits (with a deadline) until it logs its ports; false if it exits or times out.
  bool Start(const Options& options);
  // Sends `signal` and waits up to `deadline` for the exit; returns the exit code, or -1.
  int Stop(int signal, std::chrono::seconds deadline = std::chrono::seconds(30));
  bool Running();

  std::string grpc_target() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  std::string http_base() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  std::string Log() const;
  const TempDir& dir() const { return dir_; }

  // Runs the binary to completion with `args`; returns {exit code, stdout+stderr}.
  static std::pair<int, std::string> RunToExit(const std::vector<std::string>& args,
                                               const std::map<std::string, std::string>& env = {});

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int http_port_ = 0;
  std::string log_path_;
};

// The whole content of a file; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// Polls `condition` until true or `deadline` passes.
template <typename Condition>
bool Eventually(Condition condition,
                std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    struct timespec pause {
      0, 10 * 1000 * 1000
    };
    nanosleep(&pause, nullptr);
  }
  return condition();
}

}  // namespace fleetgate::testing
