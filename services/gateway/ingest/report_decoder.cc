// ReportView::Decode: the wire format of fleetgate.v1.ReportRequest read field by field, as the
// protobuf 3.21 generated parser reads it. A field whose number and wire type are not known here
// is skipped as unknown (as protobuf does, also for a known number with another wire type).
#include <cstring>

#include "ingest/report_view.h"
#include "ingest/wire_reader.h"

namespace fleetgate::ingest {
namespace {

enum class Field { kRead, kUnknown, kBad };

Field Read(bool ok) { return ok ? Field::kRead : Field::kBad; }

// Reads every field of the message in `in`: `on_field(tag)` reads the fields it knows, the
// others are skipped.
template <typename OnField>
bool Fields(WireReader& in, int depth, OnField on_field) {
  while (!in.Done()) {
    uint32_t tag = 0;
    if (!in.ReadTag(tag)) return false;
    const Field field = on_field(tag);
    if (field == Field::kBad) return false;
    if (field == Field::kUnknown && !in.SkipField(tag, depth)) return false;
  }
  return true;
}

// A length-delimited sub-message, one level deeper.
template <typename Parse>
bool Nested(WireReader& in, int depth, Parse parse) {
  std::string_view bytes;
  if (!in.ReadBytes(bytes) || depth == 0) return false;
  WireReader message(bytes);
  return parse(message, depth - 1);
}

// A message of scalars only (google.protobuf.Timestamp): checked as unknown fields are.
bool Scalars(WireReader& in, int depth) {
  return Fields(in, depth, [](uint32_t) { return Field::kUnknown; });
}

bool ReadDouble(WireReader& in, double& value) {
  uint64_t bits = 0;
  if (!in.ReadFixed64(bits)) return false;
  std::memcpy(&value, &bits, sizeof value);
  return true;
}

// An enum (int32 on the wire as a varint; protobuf keeps the low 32 bits) or a uint32.
template <typename Int>
bool ReadInt32(WireReader& in, Int& value) {
  uint64_t wide = 0;
  if (!in.ReadVarint(wide)) return false;
  value = static_cast<Int>(static_cast<uint32_t>(wide));
  return true;
}

}  // namespace

class ReportDecoder {
 public:
  explicit ReportDecoder(ReportView& view) : view_(view) {}

  bool Request(WireReader& in, int depth) {
    return Fields(in, depth, [&](uint32_t tag) {
      switch (tag) {
        case WireTag(1, kLengthDelimited):
          return Read(Nested(in, depth, [&](WireReader& m, int d) { return Source(m, d); }));
        case WireTag(2, kLengthDelimited):
          return Read(Nested(in, depth, [&](WireReader& m, int d) { return Event(m, d); }));
        case WireTag(3, kVarint):
          return Read(in.ReadVarint(view_.batch_id_));
        default:
          return Field::kUnknown;
      }
    });
  }

 private:
  bool Source(WireReader& in, int depth) {
    SourceView& source = view_.source_;
    return Fields(in, depth, [&](uint32_t tag) {
      switch (tag) {
        case WireTag(1, kLengthDelimited):
          return Read(in.ReadString(source.service));
        case WireTag(2, kLengthDelimited):
          return Read(in.ReadString(source.instance));
        case WireTag(3, kLengthDelimited):
          return Read(in.ReadString(source.version));
        case WireTag(4, kLengthDelimited):
          return Read(Label(in, depth, source.labels));
        default:
          return Field::kUnknown;
      }
    });
  }

  // One map<string, string> entry, added to `labels` (duplicates are dropped when sealed). The
  // layout protobuf writes is read straight, any other field by field.
  static bool Label(WireReader& in, int depth, std::vector<metrics::LabelView>& labels) {
    return Nested(in, depth, [&](WireReader& m, int d) {
      metrics::LabelView label;
      if (m.ReadPlainEntry(label.first, label.second)) {
        if (!WireReader::IsUtf8(label.first) || !WireReader::IsUtf8(label.second)) return false;
        labels.push_back(label);
        return true;
      }
      const bool ok = Fields(m, d, [&](uint32_t tag) {
        switch (tag) {
          case WireTag(1, kLengthDelimited):
            return Read(m.ReadString(label.first));
          case WireTag(2, kLengthDelimited):
            return Read(m.ReadString(label.second));
          default:
            return Field::kUnknown;
        }
      });
      if (ok) labels.push_back(label);
      return ok;
    });
  }

  bool Event(WireReader& in, int depth) {
    EventView event;
    event.labels_begin = event.labels_end = static_cast<uint32_t>(view_.labels_.size());
    event.health.checks_begin = event.health.checks_end =
        static_cast<uint32_t>(view_.checks_.size());
    const bool ok = Fields(in, depth, [&](uint32_t tag) {
      switch (tag) {
        case WireTag(1, kLengthDelimited):  // time
          return Read(Nested(in, depth, Scalars));
        case WireTag(2, kLengthDelimited):
          return Read(Metric(in, depth, v1::Event::kCounter, event));
        case WireTag(3, kLengthDelimited):
          return Read(Metric(in, depth, v1::Event::kGauge, event));
        case WireTag(4, kLengthDelimited):
          return Read(Metric(in, depth, v1::Event::kObservation, event));
        case WireTag(5, kLengthDelimited):
          SwitchKind(event, v1::Event::kHealth);
          return Read(
              Nested(in, depth, [&](WireReader& m, int d) { return Health(m, d, event.health); }));
        default:
          return Field::kUnknown;
      }
    });
    if (!ok) return false;
    view_.SealLabels(event);
    view_.events_.push_back(event);
    return true;
  }

  // A oneof member: another member than the last clears what that one read; the same one again
  // merges into it.
  void SwitchKind(EventView& event, v1::Event::KindCase kind) {
    if (event.kind == kind) return;
    event.kind = kind;
    event.name = {};
    event.value = 0;
    view_.labels_.resize(event.labels_begin);
    view_.checks_.resize(event.health.checks_begin);
    event.health = HealthView{};
    event.health.checks_begin = event.health.checks_end =
        static_cast<uint32_t>(view_.checks_.size());
  }

  bool Metric(WireReader& in, int depth, v1::Event::KindCase kind, EventView& event) {
    SwitchKind(event, kind);
    return Nested(in, depth, [&](WireReader& m, int d) {
      return Fields(m, d, [&](uint32_t tag) {
        switch (tag) {
          case WireTag(1, kLengthDelimited):
            return Read(m.ReadString(event.name));
          case WireTag(2, kLengthDelimited):
            return Read(Label(m, d, view_.labels_));
          case WireTag(3, kFixed64):
            return Read(ReadDouble(m, event.value));
          default:
            return Field::kUnknown;
        }
      });
    });
  }

  bool Health(WireReader& in, int depth, HealthView& health) {
    return Fields(in, depth, [&](uint32_t tag) {
      switch (tag) {
        case WireTag(1, kVarint):
          return Read(ReadInt32(in, health.status));
        case WireTag(2, kLengthDelimited):
          return Read(in.ReadString(health.detail));
        case WireTag(3, kLengthDelimited):
          return Read(Nested(in, depth, [&](WireReader& m, int d) { return Check(m, d, health); }));
        case WireTag(4, kVarint):
          return Read(ReadInt32(in, health.ttl_seconds));
        default:
          return Field::kUnknown;
      }
    });
  }

  bool Check(WireReader& in, int depth, HealthView& health) {
    CheckView check;
    const bool ok = Fields(in, depth, [&](uint32_t tag) {
      switch (tag) {
        case WireTag(1, kLengthDelimited):
          return Read(in.ReadString(check.name));
        case WireTag(2, kVarint):
          return Read(ReadInt32(in, check.status));
        case WireTag(3, kLengthDelimited):
          return Read(in.ReadString(check.detail));
        default:
          return Field::kUnknown;
      }
    });
    if (!ok) return false;
    view_.checks_.push_back(check);
    health.checks_end = static_cast<uint32_t>(view_.checks_.size());
    return true;
  }

  ReportView& view_;
};

bool ReportView::Decode(std::string_view bytes) {
  Clear();
  WireReader in(bytes);
  if (!ReportDecoder(*this).Request(in, kMaxWireDepth)) return false;
  SealSourceLabels();
  return true;
}

}  // namespace fleetgate::ingest
