#pragma once
// EventBuffer holds what a ReportClient has not sent yet: counter deltas summed and gauges kept at
// their last value per series, observations one by one, and the latest health. One bound covers
// pending events and those cut into a batch that is not resolved yet (`in_flight`); an event that
// would need a new slot beyond it is refused. Thread-compatible: the ReportClient guards it with
// its mutex.

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fleetgate/v1/reporter.pb.h"

namespace fleetgate::client {

using Labels = std::map<std::string, std::string>;

class EventBuffer {
 public:
  explicit EventBuffer(size_t max_events) : max_events_(max_events) {}

  // Each returns false when the event was refused for lack of room. A delta or value for a series
  // already pending never needs room.
  bool AddCounter(std::string_view name, const Labels& labels, double delta);
  bool SetGauge(std::string_view name, const Labels& labels, double value);
  bool AddObservation(std::string_view name, const Labels& labels, double value);
  // Replaces any pending health event; health always has its own slot.
  void SetHealth(v1::HealthEvent health) { health_ = std::move(health); }
  bool has_health() const { return health_.has_value(); }

  // Moves up to `max` pending events into `out` (counters, gauges, observations, then health) and
  // counts them as in flight; returns how many.
  size_t TakeBatch(size_t max, google::protobuf::RepeatedPtrField<v1::Event>* out);
  // The `count` events of a batch were acknowledged or given up: their room is free again.
  void Release(size_t count) { in_flight_ -= std::min(count, in_flight_); }

  size_t pending() const;
  size_t in_flight() const { return in_flight_; }
  bool empty() const { return pending() == 0; }

 private:
  using SeriesKey = std::pair<std::string, Labels>;
  struct Observation {
    std::string name;
    Labels labels;
    double value;
  };

  bool HasRoom() const { return pending() - (health_ ? 1 : 0) + in_flight_ < max_events_; }

  const size_t max_events_;
  size_t in_flight_ = 0;
  std::map<SeriesKey, double> counters_;
  std::map<SeriesKey, double> gauges_;
  std::deque<Observation> observations_;
  std::optional<v1::HealthEvent> health_;
};

}  // namespace fleetgate::client
