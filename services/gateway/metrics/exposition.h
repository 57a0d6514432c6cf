#pragma once
// Exposition gathers every collectable (self-metrics, reported series, health, process) and
// renders the Prometheus text format 0.0.4 for GET /metrics. Collectables are added at start-up;
// Render is thread-safe and holds no lock of ours while serializing.

#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

namespace fleetgate::metrics {

inline constexpr char kTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

class Exposition {
 public:
  // Not thread-safe: call before serving.
  void Add(std::shared_ptr<prometheus::Collectable> collectable);
  std::string Render() const;

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
};

}  // namespace fleetgate::metrics
