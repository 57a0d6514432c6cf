#pragma once
// Probes are the named checks behind /health, /health/live and /health/ready: each component
// (gRPC listener, maintenance loop, later storage) registers a function saying whether it is
// fine and why not. Checks are registered before serving; Evaluate is thread-safe.

#include <functional>
#include <string>
#include <vector>

namespace fleetgate::api {

struct ProbeResult {
  bool ok = true;
  std::string detail;
  std::string reason = {};  // machine-readable, when failing ("standby"); may be empty
};

enum class ProbeKind {
  kLiveness,   // failing means: restart the process
  kReadiness,  // failing means: send no traffic
};

struct ProbeReport {
  std::string name;
  ProbeKind kind;
  ProbeResult result;
};

class Probes {
 public:
  void Add(std::string name, ProbeKind kind, std::function<ProbeResult()> check);
  std::vector<ProbeReport> Evaluate() const;
  // Liveness only: readiness checks are skipped.
  std::vector<ProbeReport> EvaluateLiveness() const;

 private:
  struct Entry {
    std::string name;
    ProbeKind kind;
    std::function<ProbeResult()> check;
  };
  std::vector<Entry> entries_;
};

}  // namespace fleetgate::api
