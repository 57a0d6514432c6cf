#pragma once
// Runs the real Alertmanager (Debian's prometheus-alertmanager) for integration tests: a minimal
// config with one receiver that notifies nobody (or one webhook), 127.0.0.1:<free port>,
// clustering off, storage in a temp dir; stopped on destruction. Not thread-safe; one per test.

#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway_process.h"

namespace fleetgate::testing {

class AlertmanagerProcess {
 public:
  // With `webhook_url`, the receiver posts every notification (send_resolved) there.
  explicit AlertmanagerProcess(const std::string& webhook_url = "");
  ~AlertmanagerProcess();  // SIGTERM, then SIGKILL if it lingers
  AlertmanagerProcess(const AlertmanagerProcess&) = delete;
  AlertmanagerProcess& operator=(const AlertmanagerProcess&) = delete;

  // Starts it and waits until GET /-/ready answers 200; false when it exits or `deadline` passes
  // (Log() says why). Retries on a fresh port if the chosen one was taken meanwhile.
  bool Start(std::chrono::seconds deadline = std::chrono::seconds(30));

  // http://127.0.0.1:<port>, the base URL for AlertmanagerClient.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // GET /api/v2/alerts[?query] (e.g. "active=true&silenced=false"); empty when it cannot be read.
  // Alertmanager lists no resolved alert here: a resolved alert disappears.
  std::vector<nlohmann::json> Alerts(const std::string& query = "") const;

  // alertmanager_alerts_received_total{status=<status>,version="v2"} from its /metrics
  // ("firing" or "resolved"); -1 when it cannot be read.
  double ReceivedAlerts(const std::string& status) const;

  std::string Log() const;

 private:
  bool StartOnce(std::chrono::steady_clock::time_point deadline);
  void Kill();
  bool Running();

  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace fleetgate::testing
