#include "client/fgctl/format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace fleetgate::fgctl {
namespace {

std::string Printf(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Six decimals at most, trailing zeros and a trailing point dropped: 0.25, 123.456789.
std::string Decimals(double value) {
  std::string text = Printf("%.6f", value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return "0";  // also -0
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e15) return Printf("%.15g", value);
  if (value == std::floor(value)) return Printf("%.0f", value);
  std::string text = Decimals(value);
  // Rounded away entirely (1e-09): %g keeps the value visible.
  if (text == "0" || text == "-0") return Printf("%.6g", value);
  return text;
}

std::string CountOf(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string Percent(const nlohmann::json& share) {
  if (!share.is_number()) return "-";
  return Printf("%.3f%%", share.get<double>() * 100);
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  if (value.is_number_float()) return FormatNumber(value.get<double>());
  return value.dump();
}

std::string SampleValue(const nlohmann::json& value) {
  if (!value.is_string()) return Cell(value);
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty()) return "-";
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return text;
  return FormatNumber(number);
}

}  // namespace fleetgate::fgctl
