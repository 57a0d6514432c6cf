#include "example/request_simulator.h"

namespace fleetgate::example {

RequestSimulator::RequestSimulator(Reporter& reporter, SimulatorOptions options)
    : reporter_(reporter), options_(options) {}

void RequestSimulator::Start() {
  reporter_.health(HealthStatus::kServing, "starting");
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back(&RequestSimulator::Work, this, std::random_device{}());
  }
  threads_.emplace_back(&RequestSimulator::WatchHealth, this);
}

void RequestSimulator::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || threads_.empty()) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  reporter_.health(HealthStatus::kNotServing, "shutting down");
}

bool RequestSimulator::SleepFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !stop_cv_.wait_for(lock, duration, [this] { return stopping_; });
}

void RequestSimulator::Work(unsigned seed) {
  std::mt19937 random(seed);
  std::exponential_distribution<double> think(1.0 / 10);  // ms between requests
  while (SleepFor(std::chrono::milliseconds(static_cast<int64_t>(think(random))))) {
    HandleOne(random);
  }
}

void RequestSimulator::HandleOne(std::mt19937& random) {
  std::exponential_distribution<double> latency_ms(1.0 / options_.mean_latency.count());
  std::bernoulli_distribution fails(options_.error_ratio);
  reporter_.gauge("example_inflight_requests", {}, ++inflight_);
  auto latency = std::chrono::duration<double, std::milli>(latency_ms(random));
  bool stopping = !SleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(latency));
  bool failed = !stopping && fails(random);
  const char* code = stopping ? "503" : failed ? "500" : "200";
  reporter_.counter("example_requests_total", {{"code", code}});
  reporter_.observe("example_request_duration_seconds", {}, latency.count() / 1000);
  reporter_.gauge("example_inflight_requests", {}, --inflight_);
  ++handled_;
  if (failed || stopping) ++errors_;
}

void RequestSimulator::WatchHealth() {
  uint64_t handled_before = 0;
  uint64_t errors_before = 0;
  while (SleepFor(options_.health_interval)) {
    uint64_t handled = handled_.load();
    uint64_t errors = errors_.load();
    double ratio = handled == handled_before
                       ? 0
                       : double(errors - errors_before) / double(handled - handled_before);
    handled_before = handled;
    errors_before = errors;
    bool degraded = ratio > options_.degraded_above;
    std::string detail = std::to_string(static_cast<int>(ratio * 1000) / 10.0) + "% errors";
    reporter_.health(
        degraded ? HealthStatus::kDegraded : HealthStatus::kServing, detail,
        {{"errors", degraded ? HealthStatus::kDegraded : HealthStatus::kServing, detail}});
  }
}

}  // namespace fleetgate::example
