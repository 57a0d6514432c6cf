#include "metrics/validation.h"

#include <string>
#include <utility>

namespace fleetgate::metrics {
namespace {

bool IsNameStart(char c, bool colon_ok) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
}

bool IsNameChar(char c, bool colon_ok) {
  return IsNameStart(c, colon_ok) || (c >= '0' && c <= '9');
}

bool IsValidName(std::string_view name, bool colon_ok) {
  if (name.empty() || !IsNameStart(name[0], colon_ok)) return false;
  for (char c : name.substr(1)) {
    if (!IsNameChar(c, colon_ok)) return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Length of the UTF-8 sequence introduced by `lead`, 0 when it cannot start one.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

std::string Quote(std::string_view s) {
  constexpr size_t kShown = 64;
  std::string out = "\"";
  out.append(s.substr(0, kShown));
  if (s.size() > kShown) out += "…";
  out += "\"";
  return out;
}

}  // namespace

Error EventError(std::string_view why, std::string message, std::string field) {
  const bool limit = why == reason::kSeriesLimit || why == reason::kTotalSeriesLimit ||
                     why == reason::kTooManyEvents || why == reason::kInstanceLimit;
  return MakeError(limit ? ErrorCode::kResourceExhausted : ErrorCode::kInvalidArgument,
                   std::move(message), std::move(field), why);
}

bool IsValidMetricName(std::string_view name) { return IsValidName(name, true); }

bool IsValidLabelName(std::string_view name) { return IsValidName(name, false); }

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    int len = SequenceLength(lead);
    if (len == 0 || i + len > text.size()) return false;
    for (int k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
    }
    if (len >= 3) {
      auto second = static_cast<unsigned char>(text[i + 1]);
      // Overlong forms, UTF-16 surrogates, and code points above U+10FFFF.
      if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
          (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
        return false;
      }
    }
    i += len;
  }
  return true;
}

Status CheckMetricName(std::string_view name, size_t max_bytes) {
  if (name.size() > max_bytes) {
    return EventError(reason::kNameTooLong, "metric name " + Quote(name) + " is longer than " +
                                                std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(name)) {
    return EventError(reason::kInvalidUtf8, "metric name is not valid UTF-8");
  }
  if (!IsValidMetricName(name)) {
    return EventError(reason::kInvalidName,
                      "metric name " + Quote(name) + " does not match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  if (StartsWith(name, "__") || StartsWith(name, "fleetgate_") || StartsWith(name, "process_")) {
    return EventError(reason::kReservedName, "metric name " + Quote(name) +
                                                 " is reserved (prefix __, fleetgate_ or process_: "
                                                 "the gateway's own metrics)");
  }
  return Status::Ok();
}

Status CheckLabel(std::string_view name, std::string_view value, const LabelLimits& limits) {
  if (name.size() > limits.max_label_name_bytes) {
    return EventError(reason::kLabelNameTooLong, "label name " + Quote(name) + " is longer than " +
                                                     std::to_string(limits.max_label_name_bytes) +
                                                     " bytes");
  }
  if (!IsValidUtf8(name) || !IsValidLabelName(name)) {
    return EventError(reason::kInvalidLabelName, "label name " +
                                                     Quote(IsValidUtf8(name) ? name : "?") +
                                                     " does not match [a-zA-Z_][a-zA-Z0-9_]*");
  }
  if (name == "service" || name == "instance" || name == "le" || name == "job" ||
      StartsWith(name, "__")) {
    return EventError(reason::kReservedLabel,
                      "label " + Quote(name) + " is set by the gateway and may not be reported");
  }
  if (value.size() > limits.max_label_value_bytes) {
    return EventError(reason::kValueTooLong, "value of label " + Quote(name) + " is longer than " +
                                                 std::to_string(limits.max_label_value_bytes) +
                                                 " bytes");
  }
  if (!IsValidUtf8(value)) {
    return EventError(reason::kInvalidUtf8,
                      "value of label " + Quote(name) + " is not valid UTF-8");
  }
  return Status::Ok();
}

}  // namespace fleetgate::metrics
