#include "example/request_simulator.h"

namespace fleetgate::example {

RequestSimulator::RequestSimulator(client::ReportClient& reporter, SimulatorOptions options)
    : reporter_(reporter),
      options_(options),
      health_("example-health", SystemClock::Shared(), options_.health_interval,
              [this](TimePoint) { ReportHealth(); }) {}

void RequestSimulator::Start() {
  reporter_.Health(HealthStatus::kServing, "starting");
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back(&RequestSimulator::Work, this, std::random_device{}());
  }
  health_.Start();
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
  health_.Stop();  // after one last health report, replaced at once by NOT_SERVING
  reporter_.Health(HealthStatus::kNotServing, "shutting down");
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
  reporter_.Gauge("example_inflight_requests", {}, ++inflight_);
  auto latency = std::chrono::duration<double, std::milli>(latency_ms(random));
  bool stopping = !SleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(latency));
  bool failed = !stopping && fails(random);
  const char* code = stopping ? "503" : failed ? "500" : "200";
  reporter_.Counter("example_requests_total", {{"code", code}});
  reporter_.Observe("example_request_duration_seconds", {}, latency.count() / 1000);
  reporter_.Gauge("example_inflight_requests", {}, --inflight_);
  ++handled_;
  if (failed || stopping) ++errors_;
}

void RequestSimulator::ReportHealth() {
  uint64_t handled = handled_.load();
  uint64_t errors = errors_.load();
  double ratio = handled == handled_before_
                     ? 0
                     : double(errors - errors_before_) / double(handled - handled_before_);
  handled_before_ = handled;
  errors_before_ = errors;
  bool degraded = ratio > options_.degraded_above;
  std::string detail = std::to_string(static_cast<int>(ratio * 1000) / 10.0) + "% errors";
  HealthStatus status = degraded ? HealthStatus::kDegraded : HealthStatus::kServing;
  reporter_.Health(status, detail, {{"errors", status, detail}});
}

}  // namespace fleetgate::example
