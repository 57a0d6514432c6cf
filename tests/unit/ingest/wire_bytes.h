#pragma once
// Test helpers for the ReportRequest decoder: protobuf wire bytes built by hand, protobuf's own
// verdict on them, and a field-by-field comparison of two ReportViews.

#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>

#include "ingest/report_view.h"

namespace fleetgate::ingest::wire {

inline std::string Varint(uint64_t value) {
  std::string out;
  do {
    const auto low = static_cast<char>(value & 0x7F);
    value >>= 7;
    out += static_cast<char>(low | (value != 0 ? 0x80 : 0));
  } while (value != 0);
  return out;
}

inline std::string Tag(uint32_t field, uint32_t wire_type) {
  return Varint(uint64_t{field} << 3 | wire_type);
}

// A length-delimited field (a string or a sub-message).
inline std::string Bytes(uint32_t field, std::string_view bytes) {
  return Tag(field, 2) + Varint(bytes.size()) + std::string(bytes);
}

inline std::string Number(uint32_t field, uint64_t value) { return Tag(field, 0) + Varint(value); }

inline std::string Double(uint32_t field, double value) {
  std::string out = Tag(field, 1);
  char bits[8];
  std::memcpy(bits, &value, 8);
  return out.append(bits, 8);
}

inline std::string Label(uint32_t field, std::string_view name, std::string_view value) {
  return Bytes(field, Bytes(1, name) + Bytes(2, value));
}

// protobuf's verdict (its log lines, e.g. on invalid UTF-8, silenced).
inline bool ProtobufAccepts(const std::string& bytes, v1::ReportRequest* parsed = nullptr) {
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  v1::ReportRequest request;
  return (parsed != nullptr ? parsed : &request)->ParseFromString(bytes);
}

inline std::string Checks(const ReportView& view, const HealthView& health) {
  std::string text;
  for (const CheckView& c : view.checks(health)) {
    text +=
        std::string(c.name) + ":" + std::to_string(c.status) + ":" + std::string(c.detail) + ";";
  }
  return text;
}

// The first difference between two views, or "" when they hold the same batch.
inline std::string Difference(const ReportView& a, const ReportView& b) {
  std::ostringstream out;
  auto labels = [](absl::Span<const metrics::LabelView> span) {
    std::string text;
    for (const auto& [name, value] : span)
      text += std::string(name) + "=" + std::string(value) + ";";
    return text;
  };
  const SourceView &x = a.source(), &y = b.source();
  if (x.service != y.service || x.instance != y.instance || x.version != y.version ||
      labels(x.labels) != labels(y.labels)) {
    out << "source: " << x.service << "/" << x.instance << "/" << x.version << " "
        << labels(x.labels) << " vs " << y.service << "/" << y.instance << "/" << y.version << " "
        << labels(y.labels);
  } else if (a.batch_id() != b.batch_id()) {
    out << "batch_id " << a.batch_id() << " vs " << b.batch_id();
  } else if (a.events().size() != b.events().size()) {
    out << a.events().size() << " events vs " << b.events().size();
  }
  for (size_t i = 0; out.tellp() == 0 && i < a.events().size(); ++i) {
    const EventView &e = a.events()[i], &f = b.events()[i];
    const HealthView &g = e.health, &h = f.health;
    const std::string checks_a = Checks(a, g), checks_b = Checks(b, h);
    const bool metric = e.kind != v1::Event::kHealth && e.kind != v1::Event::KIND_NOT_SET;
    if (e.kind != f.kind) {
      out << "event " << i << ": kind " << e.kind << " vs " << f.kind;
    } else if (metric && (e.name != f.name || std::memcmp(&e.value, &f.value, 8) != 0 ||
                          labels(a.labels(e)) != labels(b.labels(f)))) {
      out << "event " << i << ": " << e.name << " " << e.value << " " << labels(a.labels(e))
          << " vs " << f.name << " " << f.value << " " << labels(b.labels(f));
    } else if (e.kind == v1::Event::kHealth &&
               (g.status != h.status || g.detail != h.detail || g.ttl_seconds != h.ttl_seconds ||
                checks_a != checks_b)) {
      out << "event " << i << ": health " << g.status << " " << g.detail << " " << g.ttl_seconds
          << " " << checks_a << " vs " << h.status << " " << h.detail << " " << h.ttl_seconds << " "
          << checks_b;
    }
  }
  return out.str();
}

// Decodes `bytes` and says how that differs from protobuf: in the verdict, or in the content
// (compared with the view of protobuf's message). "" when they agree.
inline std::string AgainstProtobuf(const std::string& bytes) {
  v1::ReportRequest parsed;
  const bool protobuf = ProtobufAccepts(bytes, &parsed);
  ReportView decoded;
  const bool ours = decoded.Decode(bytes);
  if (ours != protobuf) {
    return std::string("protobuf ") + (protobuf ? "accepts" : "refuses") + ", Decode " +
           (ours ? "accepts" : "refuses");
  }
  if (!ours) return "";
  ReportView expected;
  expected.Assign(parsed);
  return Difference(decoded, expected);
}

}  // namespace fleetgate::ingest::wire
