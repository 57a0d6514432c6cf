#include "api/probes.h"

namespace fleetgate::api {

void Probes::Add(std::string name, ProbeKind kind, std::function<ProbeResult()> check) {
  entries_.push_back({std::move(name), kind, std::move(check)});
}

std::vector<ProbeReport> Probes::Evaluate() const {
  std::vector<ProbeReport> out;
  for (const auto& entry : entries_) out.push_back({entry.name, entry.kind, entry.check()});
  return out;
}

std::vector<ProbeReport> Probes::EvaluateLiveness() const {
  std::vector<ProbeReport> out;
  for (const auto& entry : entries_) {
    if (entry.kind == ProbeKind::kLiveness) out.push_back({entry.name, entry.kind, entry.check()});
  }
  return out;
}

}  // namespace fleetgate::api
