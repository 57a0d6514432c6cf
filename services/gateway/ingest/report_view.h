#pragma once
// ReportView: a fleetgate.v1.ReportRequest as views, decoded straight from its wire bytes without
// allocating per event (the vectors are reused from batch to batch), or laid over a message's own
// fields. Decode accepts exactly what protobuf's parser accepts and reads the same content
// (proto3 merge rules: a repeated singular field or oneof member keeps the last, a map keeps the
// last value of a key). Views point into the bytes or message, which must outlive their use.
// Not thread-safe; one per thread.

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "fleetgate/v1/reporter.pb.h"
#include "metrics/series_key.h"

namespace fleetgate::ingest {

struct SourceView {
  std::string_view service;
  std::string_view instance;
  std::string_view version;
  std::vector<metrics::LabelView> labels;  // sorted by name, one per name
};

struct CheckView {
  std::string_view name;
  int32_t status = 0;  // a v1::HealthStatus, possibly outside the enum
  std::string_view detail;
};

struct HealthView {
  int32_t status = 0;  // a v1::HealthStatus, possibly outside the enum
  std::string_view detail;
  uint32_t ttl_seconds = 0;
  uint32_t checks_begin = 0;  // in ReportView's checks
  uint32_t checks_end = 0;
};

struct EventView {
  v1::Event::KindCase kind = v1::Event::KIND_NOT_SET;
  std::string_view name;      // counter, gauge, observation
  double value = 0;           // the counter's delta, the gauge's or observation's value
  uint32_t labels_begin = 0;  // in ReportView's labels: sorted by name, one per name
  uint32_t labels_end = 0;
  HealthView health;  // kind kHealth
};

class ReportView {
 public:
  // Decodes `bytes`; false when protobuf would refuse them as a ReportRequest (malformed wire
  // format, a string field that is not UTF-8, nesting deeper than protobuf allows).
  bool Decode(std::string_view bytes);
  // The view of a message (which must outlive it). Its strings are taken as they are.
  void Assign(const v1::ReportRequest& request);

  const SourceView& source() const { return source_; }
  uint64_t batch_id() const { return batch_id_; }
  const std::vector<EventView>& events() const { return events_; }
  absl::Span<const metrics::LabelView> labels(const EventView& event) const {
    return {labels_.data() + event.labels_begin, event.labels_end - event.labels_begin};
  }
  absl::Span<const CheckView> checks(const HealthView& health) const {
    return {checks_.data() + health.checks_begin, health.checks_end - health.checks_begin};
  }

 private:
  friend class ReportDecoder;
  void Clear();
  // Sorts the labels an event added at the end of labels_ and keeps one per name.
  void SealLabels(EventView& event);
  void SealSourceLabels();

  SourceView source_;
  uint64_t batch_id_ = 0;
  std::vector<EventView> events_;
  std::vector<metrics::LabelView> labels_;
  std::vector<CheckView> checks_;
};

}  // namespace fleetgate::ingest
