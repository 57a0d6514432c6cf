#pragma once
// RequestSimulator stands in for a service's request handlers: worker threads "handle" requests
// (a random latency and status code) and report them through a ReportClient, and a periodic
// health worker turns the recent error ratio into SERVING/DEGRADED. Thread-safe: Start and Stop
// from one thread; Stop is idempotent.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "client/report_client.h"
#include "core/periodic_worker.h"

namespace fleetgate::example {

struct SimulatorOptions {
  int workers = 4;
  double error_ratio = 0.02;  // share of requests answered 500
  std::chrono::milliseconds mean_latency{40};
  std::chrono::milliseconds health_interval{5000};
  double degraded_above = 0.05;  // error ratio over the last interval that means DEGRADED
};

class RequestSimulator {
 public:
  RequestSimulator(client::ReportClient& reporter, SimulatorOptions options);
  ~RequestSimulator() { Stop(); }

  void Start();
  // Stops the workers and reports NOT_SERVING ("shutting down").
  void Stop();

  uint64_t handled() const { return handled_.load(); }

 private:
  void Work(unsigned seed);
  void HandleOne(std::mt19937& random);
  void ReportHealth();
  bool SleepFor(std::chrono::milliseconds duration);  // false once stopping

  client::ReportClient& reporter_;
  const SimulatorOptions options_;
  std::atomic<int> inflight_{0};
  std::atomic<uint64_t> handled_{0};
  std::atomic<uint64_t> errors_{0};
  uint64_t handled_before_ = 0;  // health worker only
  uint64_t errors_before_ = 0;   // health worker only
  // The request handlers are not periodic (random think times and latencies): plain threads that
  // sleep on stop_cv_ so Stop ends them at once.
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  PeriodicWorker health_;
};

}  // namespace fleetgate::example
