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

// Where a streamed text rendering has got to; each call appends the next part (bounded in
// size) and returns false once nothing is left, then having appended nothing. Not thread-safe:
// one scrape uses it from one thread at a time.
class TextCursor {
 public:
  virtual ~TextCursor() = default;
  virtual bool AppendNext(std::string& out) = 0;
};

// A collectable that can also write its samples in the text format itself, without building
// prometheus::MetricFamily values first (the reported series: 100k of them would be copied).
class TextCollectable : public prometheus::Collectable {
 public:
  // Appends whole families (header and samples) in the text format; thread-safe.
  virtual void AppendText(std::string& out) const = 0;
  // The same text in parts, for a scrape that streams it; thread-safe. The cursor may outlive
  // the collectable's source and then ends.
  virtual std::unique_ptr<TextCursor> OpenCursor() const = 0;
};

// One streamed rendering: the same bytes as Exposition::Render, in pieces of about
// kPieceBytes (one family group or one shard of a large family may make a piece longer). It
// keeps the collectables alive and holds no lock between pieces. Not thread-safe.
class ExpositionStream {
 public:
  static constexpr size_t kPieceBytes = 256 * 1024;

  explicit ExpositionStream(std::vector<std::shared_ptr<prometheus::Collectable>> collectables);
  // Appends the next piece to `out`; false when it was the last (possibly empty) one.
  bool Next(std::string& out);

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  size_t next_ = 0;                     // the collectable to render next
  std::unique_ptr<TextCursor> cursor_;  // of collectables_[next_ - 1] while it streams
};

class Exposition {
 public:
  // Not thread-safe: call before serving.
  void Add(std::shared_ptr<prometheus::Collectable> collectable);
  // The whole text at once.
  std::string Render() const;
  // The same text, streamed: transient memory bounded whatever the number of series.
  ExpositionStream Stream() const { return ExpositionStream(collectables_); }

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  // The last rendering's size, so the next one allocates its buffer once.
  mutable std::atomic<size_t> last_size_{0};
};

}  // namespace fleetgate::metrics
