#include "otlp/attributes.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

#include "metrics/text_writer.h"
#include "otlp/names.h"

namespace fleetgate::otlp {
namespace {

using opentelemetry::proto::common::v1::AnyValue;

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

nlohmann::json ToJson(const AnyValue& value, int depth);

nlohmann::json ToJson(const AnyValue& value, int depth) {
  if (depth > 8) return nullptr;  // nesting that deep says nothing a label could show
  switch (value.value_case()) {
    case AnyValue::kStringValue:
      return value.string_value();
    case AnyValue::kBoolValue:
      return value.bool_value();
    case AnyValue::kIntValue:
      return value.int_value();
    case AnyValue::kDoubleValue:
      return value.double_value();
    case AnyValue::kBytesValue:
      return Base64(value.bytes_value());
    case AnyValue::kArrayValue: {
      nlohmann::json array = nlohmann::json::array();
      for (const AnyValue& item : value.array_value().values()) {
        array.push_back(ToJson(item, depth + 1));
      }
      return array;
    }
    case AnyValue::kKvlistValue: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : value.kvlist_value().values()) {
        object[entry.key()] = ToJson(entry.value(), depth + 1);
      }
      return object;
    }
    default:
      return nullptr;
  }
}

const AnyValue* Find(const Attributes& attributes, std::string_view key) {
  for (const auto& attribute : attributes) {
    if (attribute.key() == key) return &attribute.value();
  }
  return nullptr;
}

std::string FindText(const Attributes& attributes, std::string_view key) {
  const AnyValue* value = Find(attributes, key);
  return value != nullptr ? ValueText(*value) : std::string();
}

constexpr std::array<std::string_view, 4> kReserved{"service", "instance", "le", "quantile"};

// ValueText written into `out`; a string (the usual attribute) is copied without allocating.
void ValueTextInto(const AnyValue& value, std::string& out) {
  if (value.value_case() == AnyValue::kStringValue) {
    out.assign(value.string_value());
  } else {
    out = ValueText(value);
  }
}

}  // namespace

std::string ValueText(const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue:
      return value.string_value();
    case AnyValue::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case AnyValue::kIntValue:
      return std::to_string(value.int_value());
    case AnyValue::kDoubleValue: {
      std::string out;
      metrics::AppendValue(out, value.double_value());
      return out;
    }
    case AnyValue::kBytesValue:
      return Base64(value.bytes_value());
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue:
      return ToJson(value, 0).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    default:
      return {};
  }
}

std::string ServiceOf(const opentelemetry::proto::resource::v1::Resource& resource) {
  std::string service = FindText(resource.attributes(), "service.name");
  if (service.empty()) service = "unknown_service";
  return service;
}

Reporter ReporterOf(const opentelemetry::proto::resource::v1::Resource& resource,
                    const std::vector<std::string>& promote) {
  const Attributes& attributes = resource.attributes();
  Reporter reporter;
  reporter.service = ServiceOf(resource);
  reporter.instance = FindText(attributes, "service.instance.id");
  if (reporter.instance.empty()) reporter.instance = FindText(attributes, "host.name");
  reporter.version = FindText(attributes, "service.version");
  Attributes promoted;
  for (const std::string& key : promote) {
    for (const auto& attribute : attributes) {
      if (attribute.key() == key) *promoted.Add() = attribute;
    }
  }
  ToLabels(promoted, {}, reporter.labels);
  return reporter;
}

void ToLabels(const Attributes& attributes, const std::vector<Label>& base,
              std::vector<Label>& out) {
  // Runs for every data point, so its buffers keep their strings' capacity between calls.
  // (label, original key, value), so that clashing keys join in a stable order.
  struct Named {
    std::string name;
    std::string_view key;
    std::string value;
  };
  thread_local std::vector<Named> named;
  thread_local std::vector<const Named*> order;
  size_t count = 0;
  for (const auto& attribute : attributes) {
    if (count == named.size()) named.emplace_back();
    Named& entry = named[count];
    LabelNameInto(attribute.key(), entry.name);
    if (entry.name.empty()) continue;
    if (std::find(kReserved.begin(), kReserved.end(), entry.name) != kReserved.end()) {
      entry.name.insert(0, "exported_");
    }
    entry.key = attribute.key();
    ValueTextInto(attribute.value(), entry.value);
    ++count;
  }
  order.clear();
  for (size_t i = 0; i < count; ++i) order.push_back(&named[i]);
  std::sort(order.begin(), order.end(), [](const Named* a, const Named* b) {
    return std::tie(a->name, a->key) < std::tie(b->name, b->key);
  });
  size_t used = 0;
  for (const Named* entry : order) {
    if (used > 0 && out[used - 1].first == entry->name) {
      out[used - 1].second += ';';
      out[used - 1].second += entry->value;
      continue;
    }
    if (used == out.size()) out.emplace_back();
    out[used].first.assign(entry->name);
    out[used].second.assign(entry->value);
    ++used;
  }
  out.resize(used);
  for (const Label& label : base) {
    auto end = out.begin() + static_cast<std::ptrdiff_t>(used);
    auto it = std::lower_bound(out.begin(), end, label.first,
                               [](const Label& a, const std::string& b) { return a.first < b; });
    if (it == end || it->first != label.first) out.push_back(label);
  }
  std::sort(out.begin(), out.end());
}

}  // namespace fleetgate::otlp
