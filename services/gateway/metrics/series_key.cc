#include "metrics/series_key.h"

#include <cstdint>
#include <functional>

#include "metrics/text_writer.h"

namespace fleetgate::metrics {
namespace {

// Each field is its length as a varint (7 bits a byte, lowest first, the high bit set on all but
// the last byte), then its bytes: one byte of overhead for fields under 128 bytes.
void AppendField(std::string& key, std::string_view field) {
  char length[10];
  size_t used = 0;
  uint64_t size = field.size();
  do {
    length[used] = static_cast<char>((size & 0x7f) | (size > 0x7f ? 0x80 : 0));
    ++used;
    size >>= 7;
  } while (size != 0);
  key.append(length, used);
  key.append(field);
}

// Reads the field at `pos` and moves `pos` past it.
std::string_view NextField(std::string_view key, size_t& pos) {
  uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(key[pos++]);
    size |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  std::string_view field = key.substr(pos, size);
  pos += size;
  return field;
}

}  // namespace

void BuildSeriesKey(SeriesKey& key, std::string_view name, std::string_view service,
                    std::string_view instance, const std::vector<LabelView>& labels) {
  std::string& bytes = key.bytes;
  bytes.clear();
  AppendField(bytes, name);
  AppendField(bytes, service);
  AppendField(bytes, instance);
  for (const auto& [label, value] : labels) {
    AppendField(bytes, label);
    AppendField(bytes, value);
  }
  key.hash = std::hash<std::string_view>{}(bytes);
}

std::string_view SeriesService(std::string_view key) {
  size_t pos = 0;
  NextField(key, pos);  // name
  return NextField(key, pos);
}

void SeriesLabels(std::string_view key, std::vector<LabelView>& out) {
  out.clear();
  size_t pos = 0;
  NextField(key, pos);  // name
  const LabelView service{"service", NextField(key, pos)};
  const LabelView instance{"instance", NextField(key, pos)};
  bool instance_placed = false;
  bool service_placed = false;
  while (pos < key.size()) {
    std::string_view label = NextField(key, pos);
    std::string_view value = NextField(key, pos);
    if (!instance_placed && instance.first < label) {
      out.push_back(instance);
      instance_placed = true;
    }
    if (!service_placed && service.first < label) {
      out.push_back(service);
      service_placed = true;
    }
    out.emplace_back(label, value);
  }
  if (!instance_placed) out.push_back(instance);
  if (!service_placed) out.push_back(service);
}

void AppendLabelPairs(std::string& out, const std::vector<LabelView>& labels) {
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += label;
    out += "=\"";
    AppendLabelValue(out, value);
    out += '"';
  }
}

}  // namespace fleetgate::metrics
