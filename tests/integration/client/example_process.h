#pragma once
// Runs the real fleetgate-example for integration tests: the caller's FLEETGATE_* client
// variables removed and `env` added, stderr kept in a temp file, stopped with SIGTERM.
// Not thread-safe; one per example process.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "gateway_process.h"

namespace fleetgate::testing {

class ExampleProcess {
 public:
  ExampleProcess(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});
  ~ExampleProcess();  // SIGKILL if still running
  ExampleProcess(const ExampleProcess&) = delete;
  ExampleProcess& operator=(const ExampleProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Sends SIGTERM; the exit code once it ended within the deadline, else -1.
  int Stop();
  // Waits (with a deadline) for an exit without a signal; its code, or -1.
  int WaitForExit();
  // What it wrote to stderr so far.
  std::string Stderr() const { return ReadFile(err_path_); }

 private:
  TempDir dir_;
  std::string err_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool ended_ = false;
};

}  // namespace fleetgate::testing
