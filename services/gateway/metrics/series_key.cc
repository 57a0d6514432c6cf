#include "metrics/series_key.h"

#include <cstdint>
#include <cstring>
#include <functional>

#include "metrics/text_writer.h"

namespace fleetgate::metrics {
namespace {

void AppendField(std::string& key, std::string_view field) {
  auto size = static_cast<uint32_t>(field.size());
  key.append(reinterpret_cast<const char*>(&size), sizeof size);
  key.append(field);
}

// Reads the field at `pos` and moves `pos` past it.
std::string_view NextField(std::string_view key, size_t& pos) {
  uint32_t size = 0;
  std::memcpy(&size, key.data() + pos, sizeof size);
  std::string_view field(key.data() + pos + sizeof size, size);
  pos += sizeof size + size;
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
