#pragma once
// Exposition gathers every collectable (self-metrics, reported series, health, process) and
// renders the Prometheus text format 0.0.4 for GET /metrics. Collectables are added at start-up;
// Render is thread-safe and holds no lock of ours while serializing.

#include <prometheus/collectable.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace fleetgate::metrics {

inline constexpr char kTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A collectable that can also write its samples in the text format itself, without building
// prometheus::MetricFamily values first (the reported series: 100k of them would be copied).
class TextCollectable : public prometheus::Collectable {
 public:
  // Appends whole families (header and samples) in the text format; thread-safe.
  virtual void AppendText(std::string& out) const = 0;
};

class Exposition {
 public:
  // Not thread-safe: call before serving.
  void Add(std::shared_ptr<prometheus::Collectable> collectable);
  std::string Render() const;

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  // The last rendering's size, so the next one allocates its buffer once.
  mutable std::atomic<size_t> last_size_{0};
};

}  // namespace fleetgate::metrics
