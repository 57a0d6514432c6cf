#include "metrics/series_key.h"

#include <cstdint>
#include <cstring>
#include <functional>

#include "metrics/text_writer.h"

namespace fleetgate::metrics {
namespace {

// Each field is its length as a varint (7 bits a byte, lowest first, the high bit set on all but
// the last byte), then its bytes: one byte of overhead for fields under 128 bytes.
size_t FieldSize(std::string_view field) {
  size_t bytes = 1;
  for (size_t size = field.size(); size > 0x7f; size >>= 7) ++bytes;
  return bytes + field.size();
}

// Writes the field at `out` (room for FieldSize bytes) and returns the end.
char* WriteField(char* out, std::string_view field) {
  uint64_t size = field.size();
  while (size > 0x7f) {
    *out++ = static_cast<char>((size & 0x7f) | 0x80);
    size >>= 7;
  }
  *out++ = static_cast<char>(size);
  std::memcpy(out, field.data(), field.size());
  return out + field.size();
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
  // One resize and plain copies: this runs for every event.
  size_t size = FieldSize(name) + FieldSize(service) + FieldSize(instance);
  for (const auto& [label, value] : labels) size += FieldSize(label) + FieldSize(value);
  std::string& bytes = key.bytes;
  bytes.resize(size);
  char* out = bytes.data();
  out = WriteField(out, name);
  out = WriteField(out, service);
  out = WriteField(out, instance);
  for (const auto& [label, value] : labels) {
    out = WriteField(out, label);
    out = WriteField(out, value);
  }
  constexpr size_t kKeyBits = (size_t{1} << kFamilyTagShift) - 1;
  key.hash = (std::hash<std::string_view>{}(bytes)&kKeyBits) |
             (size_t{FamilyTag(name)} << kFamilyTagShift);
}

uint16_t FamilyTag(std::string_view name) {
  // A batch's events mostly share a few names: the last one's tag is kept per thread, so most
  // events compare their name instead of hashing it again.
  thread_local std::string last_name;
  thread_local uint16_t last_tag = 0;
  if (name == last_name && !last_name.empty()) return last_tag;
  last_name.assign(name);
  last_tag = static_cast<uint16_t>(std::hash<std::string_view>{}(name) >> kFamilyTagShift);
  return last_tag;
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
