#include "client/event_buffer.h"

namespace fleetgate::client {
namespace {

template <typename Message>
void Fill(Message* message, const std::string& name, const Labels& labels) {
  message->set_name(name);
  message->mutable_labels()->insert(labels.begin(), labels.end());
}

// Moves entries of `series` into `out` while `budget` lasts.
template <typename Setter>
void Drain(std::map<std::pair<std::string, Labels>, double>& series, size_t& budget,
           google::protobuf::RepeatedPtrField<v1::Event>* out, Setter set) {
  auto it = series.begin();
  for (; it != series.end() && budget > 0; --budget) {
    set(out->Add(), it->first, it->second);
    it = series.erase(it);
  }
}

}  // namespace

bool EventBuffer::AddCounter(std::string_view name, const Labels& labels, double delta) {
  SeriesKey key{std::string(name), labels};
  auto it = counters_.find(key);
  if (it != counters_.end()) {
    it->second += delta;
    return true;
  }
  if (!HasRoom()) return false;
  counters_.emplace(std::move(key), delta);
  return true;
}

bool EventBuffer::SetGauge(std::string_view name, const Labels& labels, double value) {
  SeriesKey key{std::string(name), labels};
  auto it = gauges_.find(key);
  if (it != gauges_.end()) {
    it->second = value;
    return true;
  }
  if (!HasRoom()) return false;
  gauges_.emplace(std::move(key), value);
  return true;
}

bool EventBuffer::AddObservation(std::string_view name, const Labels& labels, double value) {
  if (!HasRoom()) return false;
  observations_.push_back({std::string(name), labels, value});
  return true;
}

size_t EventBuffer::TakeBatch(size_t max, google::protobuf::RepeatedPtrField<v1::Event>* out) {
  size_t budget = max;
  Drain(counters_, budget, out, [](v1::Event* event, const SeriesKey& key, double delta) {
    Fill(event->mutable_counter(), key.first, key.second);
    event->mutable_counter()->set_delta(delta);
  });
  Drain(gauges_, budget, out, [](v1::Event* event, const SeriesKey& key, double value) {
    Fill(event->mutable_gauge(), key.first, key.second);
    event->mutable_gauge()->set_value(value);
  });
  for (; !observations_.empty() && budget > 0; --budget) {
    Observation& observation = observations_.front();
    v1::ObservationEvent* event = out->Add()->mutable_observation();
    Fill(event, observation.name, observation.labels);
    event->set_value(observation.value);
    observations_.pop_front();
  }
  if (health_ && budget > 0) {
    *out->Add()->mutable_health() = std::move(*health_);
    health_.reset();
    --budget;
  }
  size_t taken = max - budget;
  in_flight_ += taken;
  return taken;
}

size_t EventBuffer::pending() const {
  return counters_.size() + gauges_.size() + observations_.size() + (health_ ? 1 : 0);
}

}  // namespace fleetgate::client
