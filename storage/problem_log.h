#pragma once
// ProblemLog turns the writer's storage errors and dropped writes into log lines an operator sees,
// at most one line per interval: each line names the last SQLite error and how many errors and
// dropped writes happened since the previous line, so a full disk cannot flood the log.
// Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace fleetgate::storage {

class ProblemLog {
 public:
  // `emit` receives each line (default: spdlog at warning level).
  using Emit = std::function<void(const std::string& line)>;
  ProblemLog(std::shared_ptr<const Clock> clock, std::chrono::milliseconds interval,
             Emit emit = nullptr);

  void Error(const std::string& what, const std::string& message);
  void Dropped(const std::string& why, size_t rows);

 private:
  void MaybeEmitLocked();

  const std::shared_ptr<const Clock> clock_;
  const std::chrono::milliseconds interval_;
  const Emit emit_;
  std::mutex mu_;
  bool emitted_ = false;
  TimePoint last_line_;
  size_t errors_ = 0;
  size_t dropped_ = 0;
  std::string last_error_;
  std::string last_drop_;
};

}  // namespace fleetgate::storage
