#include "storage/problem_log.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace fleetgate::storage {

ProblemLog::ProblemLog(std::shared_ptr<const Clock> clock, std::chrono::milliseconds interval,
                       Emit emit)
    : clock_(std::move(clock)),
      interval_(interval),
      emit_(emit ? std::move(emit) : Emit([](const std::string& line) { spdlog::warn(line); })) {}

void ProblemLog::Error(const std::string& what, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  ++errors_;
  last_error_ = what + ": " + message;
  MaybeEmitLocked();
}

void ProblemLog::Dropped(const std::string& why, size_t rows) {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_ += rows;
  last_drop_ = why;
  MaybeEmitLocked();
}

void ProblemLog::MaybeEmitLocked() {
  const TimePoint now = clock_->Now();
  if (emitted_ && now - last_line_ < interval_) return;
  std::string line = "storage: " + std::to_string(errors_) + " error(s) and " +
                     std::to_string(dropped_) + " dropped write(s) since the last report";
  if (!last_error_.empty()) line += "; last error: " + last_error_;
  if (!last_drop_.empty()) line += "; last drop: " + last_drop_;
  emit_(line);
  emitted_ = true;
  last_line_ = now;
  errors_ = 0;
  dropped_ = 0;
  last_error_.clear();
  last_drop_.clear();
}

}  // namespace fleetgate::storage
