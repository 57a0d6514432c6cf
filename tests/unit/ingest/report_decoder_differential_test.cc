// ReportView::Decode against protobuf's parser on random batches: messages serialized by
// protobuf (all event kinds, empty and non-ASCII strings, label names repeated through merged
// messages, unknown fields) read the same, and random mutations of them are accepted exactly
// when protobuf accepts them, and then read the same.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ingest/report_view.h"
#include "wire_bytes.h"

namespace fleetgate::ingest {
namespace {

using namespace wire;  // NOLINT: the wire builders read as a notation here

class RandomBatches {
 public:
  explicit RandomBatches(uint32_t seed) : random_(seed) {}

  // A serialized request, possibly several merged, with unknown fields in places.
  std::string Next() {
    std::string bytes;
    const int parts = Below(4) == 0 ? 2 : 1;  // concatenated messages merge
    for (int part = 0; part < parts; ++part) {
      bytes += Unknown() + Request().SerializeAsString() + Unknown();
      for (int merged = Below(3); merged > 0; --merged) bytes += MergedEvent();
    }
    return bytes;
  }

  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(random_() % n); }

 private:
  std::string Text() {
    static const std::vector<std::string> pool = {"",
                                                  "a",
                                                  "billing",
                                                  "i-1",
                                                  "env",
                                                  "prod",
                                                  "route",
                                                  "/r/1",
                                                  "caf\xC3\xA9",
                                                  "\xE2\x82\xAC",
                                                  "\xF0\x9F\x98\x80",
                                                  "jobs_total",
                                                  "x y",
                                                  std::string(300, 'z'),
                                                  std::string("\0a", 2)};
    return pool[Below(static_cast<uint32_t>(pool.size()))];
  }

  template <typename Map>
  void AddLabels(Map& labels) {
    for (int n = Below(8); n > 0; --n) labels[Text()] = Text();
  }

  double Value() {
    const double values[] = {0,
                             -0.0,
                             1,
                             -2.5,
                             1e300,
                             std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN(),
                             4.9e-324};
    return values[Below(8)];
  }

  int Status() { return static_cast<int>(Below(6)) - 1; }  // -1 and 4: outside the enum

  v1::ReportRequest Request() {
    v1::ReportRequest request;
    if (Below(5) != 0) {
      v1::Source* source = request.mutable_source();
      source->set_service(Text());
      if (Below(4) != 0) source->set_instance(Text());
      if (Below(2) == 0) source->set_version(Text());
      AddLabels(*source->mutable_labels());
    }
    if (Below(2) == 0) request.set_batch_id(random_() * uint64_t{random_()});
    for (int n = Below(6); n > 0; --n) *request.add_events() = Event();
    return request;
  }

  v1::Event Event() {
    v1::Event event;
    if (Below(4) == 0) event.mutable_time()->set_seconds(random_());
    switch (Below(5)) {
      case 0:
        FillMetric(*event.mutable_counter());
        break;
      case 1:
        FillMetric(*event.mutable_gauge());
        break;
      case 2:
        FillMetric(*event.mutable_observation());
        break;
      case 3:
        Health(*event.mutable_health());
        break;
      default:
        break;  // no kind
    }
    return event;
  }

  template <typename Metric>
  void FillMetric(Metric& metric) {
    metric.set_name(Text());
    AddLabels(*metric.mutable_labels());
    if constexpr (std::is_same_v<Metric, v1::CounterEvent>) {
      metric.set_delta(Value());
    } else {
      metric.set_value(Value());
    }
  }

  void Health(v1::HealthEvent& health) {
    health.set_status(static_cast<v1::HealthStatus>(Status()));
    health.set_detail(Text());
    health.set_ttl_seconds(Below(3) == 0 ? random_() : 0);
    for (int n = Below(3); n > 0; --n) {
      v1::Check* check = health.add_checks();
      check->set_name(Text());
      check->set_status(static_cast<v1::HealthStatus>(Status()));
      check->set_detail(Text());
    }
  }

  // One event made of two serialized events: oneof members merge or replace each other, label
  // names repeat.
  std::string MergedEvent() {
    return Bytes(2, Event().SerializeAsString() + Unknown() + Event().SerializeAsString());
  }

  std::string Unknown() {
    std::string out;
    for (int n = Below(3) == 0 ? Below(3) : 0; n > 0; --n) {
      const uint32_t field = 6 + Below(40);
      switch (Below(5)) {
        case 0:
          out += Number(field, random_());
          break;
        case 1:
          out += Double(field, 1.5);
          break;
        case 2:
          out += Bytes(field, Text());
          break;
        case 3:
          out += Tag(field, 5) + "abcd";
          break;
        default:
          out += Tag(field, 3) + Number(1, 2) + Tag(field, 4);
          break;
      }
    }
    return out;
  }

  std::mt19937 random_;
};

TEST(ReportDecoderDifferentialTest, ReadsWhatProtobufReadsFromRandomBatches) {
  RandomBatches batches(15);
  for (int round = 0; round < 20'000; ++round) {
    const std::string bytes = batches.Next();
    ASSERT_TRUE(ProtobufAccepts(bytes)) << "round " << round;
    ASSERT_EQ(AgainstProtobuf(bytes), "") << "round " << round;
  }
}

// Mutations: bytes flipped, set to the varint and tag boundaries, inserted, removed, or the end
// cut off; both verdicts and contents must agree.
TEST(ReportDecoderDifferentialTest, AcceptsExactlyWhatProtobufAcceptsAfterRandomMutations) {
  RandomBatches batches(16);
  const char special[] = {'\x00', '\x01', '\x02', '\x03', '\x04', '\x05', '\x06', '\x07',
                          '\x7F', '\x80', '\xFF', '\x0A', '\x12', '\x1A', '\x22', '\x2A'};
  int accepted = 0, refused = 0;
  for (int round = 0; round < 60'000; ++round) {
    std::string bytes = batches.Next();
    if (bytes.empty()) continue;
    for (int n = 1 + static_cast<int>(batches.Below(3)); n > 0; --n) {
      const size_t at = batches.Below(static_cast<uint32_t>(bytes.size()));
      switch (batches.Below(5)) {
        case 0:
          bytes[at] = static_cast<char>(bytes[at] ^ (1 << batches.Below(8)));
          break;
        case 1:
          bytes[at] = special[batches.Below(16)];
          break;
        case 2:
          bytes.insert(at, 1, special[batches.Below(16)]);
          break;
        case 3:
          bytes.erase(at, 1);
          break;
        default:
          bytes.resize(at);
          break;
      }
      if (bytes.empty()) break;
    }
    ASSERT_EQ(AgainstProtobuf(bytes), "")
        << "round " << round << ": " << ::testing::PrintToString(bytes);
    (ProtobufAccepts(bytes) ? accepted : refused)++;
  }
  // Both verdicts were exercised many times.
  EXPECT_GT(accepted, 5'000);
  EXPECT_GT(refused, 5'000);
}

}  // namespace
}  // namespace fleetgate::ingest
