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

Reporter ReporterOf(const opentelemetry::proto::resource::v1::Resource& resource,
                    const std::vector<std::string>& promote) {
  const Attributes& attributes = resource.attributes();
  Reporter reporter;
  reporter.service = FindText(attributes, "service.name");
  if (reporter.service.empty()) reporter.service = "unknown_service";
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
  // (label, original key, value), so that clashing keys join in a stable order.
  thread_local std::vector<std::tuple<std::string, std::string_view, std::string>> named;
  named.clear();
  for (const auto& attribute : attributes) {
    std::string name = LabelName(attribute.key());
    if (name.empty()) continue;
    if (std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end()) {
      name.insert(0, "exported_");
    }
    named.emplace_back(std::move(name), attribute.key(), ValueText(attribute.value()));
  }
  std::sort(named.begin(), named.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  out.clear();
  for (auto& [name, key, value] : named) {
    if (!out.empty() && out.back().first == name) {
      out.back().second += ';';
      out.back().second += value;
    } else {
      out.emplace_back(std::move(name), std::move(value));
    }
  }
  const size_t own = out.size();
  for (const Label& label : base) {
    auto end = out.begin() + static_cast<std::ptrdiff_t>(own);
    auto it = std::lower_bound(out.begin(), end, label.first,
                               [](const Label& a, const std::string& b) { return a.first < b; });
    if (it == end || it->first != label.first) out.push_back(label);
  }
  std::sort(out.begin(), out.end());
}

}  // namespace fleetgate::otlp
