#include "otlp/names.h"

#include <array>
#include <utility>

namespace fleetgate::otlp {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// UCUM units as OpenTelemetry writes them, spelled out as Prometheus suffixes.
constexpr std::array<Pair, 27> kUnits{{{"d", "days"},          {"h", "hours"},
                                       {"min", "minutes"},     {"s", "seconds"},
                                       {"ms", "milliseconds"}, {"us", "microseconds"},
                                       {"ns", "nanoseconds"},  {"By", "bytes"},
                                       {"KiBy", "kibibytes"},  {"MiBy", "mebibytes"},
                                       {"GiBy", "gibibytes"},  {"TiBy", "tebibytes"},
                                       {"KBy", "kilobytes"},   {"MBy", "megabytes"},
                                       {"GBy", "gigabytes"},   {"TBy", "terabytes"},
                                       {"m", "meters"},        {"V", "volts"},
                                       {"A", "amperes"},       {"J", "joules"},
                                       {"W", "watts"},         {"g", "grams"},
                                       {"Cel", "celsius"},     {"Hz", "hertz"},
                                       {"%", "percent"},       {"1", ""},
                                       {"bit", "bits"}}};

// The denominator of a rate ("By/s" → "per_second").
constexpr std::array<Pair, 7> kPerUnits{{{"s", "second"},
                                         {"m", "minute"},
                                         {"h", "hour"},
                                         {"d", "day"},
                                         {"w", "week"},
                                         {"mo", "month"},
                                         {"y", "year"}}};

template <size_t N>
std::string Lookup(const std::array<Pair, N>& table, std::string_view unit) {
  for (const auto& [from, to] : table) {
    if (from == unit) return std::string(to);
  }
  return std::string(unit);
}

bool IsNameChar(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (colon && c == ':');
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Invalid characters become `_`, and runs of `_` one `_`; written into `out` (emptied first).
void SanitizeInto(std::string_view text, bool colon, std::string& out) {
  bool clean = true;  // the usual case (`route`, `http_method`): nothing to replace or collapse
  for (size_t i = 0; i < text.size() && clean; ++i) {
    clean = IsNameChar(text[i], colon) && !(text[i] == '_' && i > 0 && text[i - 1] == '_');
  }
  if (clean) {
    out.assign(text.data(), text.size());
    return;
  }
  out.clear();
  out.reserve(text.size());
  for (char c : text) {
    const char mapped = IsNameChar(c, colon) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out += mapped;
  }
}

std::string Sanitize(std::string_view text, bool colon) {
  std::string out;
  SanitizeInto(text, colon, out);
  return out;
}

// The unit without `{annotations}`, trimmed of spaces.
std::string StripAnnotations(std::string_view unit) {
  std::string out;
  int depth = 0;
  for (char c : unit) {
    if (c == '{') ++depth;
    if (depth == 0 && c != ' ') out += c;
    if (c == '}' && depth > 0) --depth;
  }
  return out;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string UnitSuffix(std::string_view unit, NameKind kind) {
  const std::string bare = StripAnnotations(unit);
  if (bare == "1") return kind == NameKind::kGauge ? "ratio" : "";
  if (bare.empty()) return "";
  const size_t slash = bare.find('/');
  std::string main = Lookup(kUnits, std::string_view(bare).substr(0, slash));
  std::string suffix = Sanitize(main, /*colon=*/false);
  if (slash != std::string::npos) {
    std::string per = Sanitize(Lookup(kPerUnits, std::string_view(bare).substr(slash + 1)), false);
    if (!per.empty() && per != "_") suffix += (suffix.empty() ? "per_" : "_per_") + per;
  }
  while (!suffix.empty() && suffix.front() == '_') suffix.erase(0, 1);
  while (!suffix.empty() && suffix.back() == '_') suffix.pop_back();
  return suffix;
}

std::string MetricName(std::string_view name, std::string_view unit, NameKind kind) {
  std::string out = Sanitize(name, /*colon=*/true);
  if (out.empty() || IsDigit(out.front())) out.insert(0, "_");
  if (kind == NameKind::kCounter && EndsWith(out, "_total")) out.resize(out.size() - 6);
  if (const std::string suffix = UnitSuffix(unit, kind);
      !suffix.empty() && !EndsWith(out, "_" + suffix)) {
    out += (out.back() == '_' ? "" : "_") + suffix;
  }
  if (kind == NameKind::kCounter) out += out.back() == '_' ? "total" : "_total";
  return out;
}

std::string LabelName(std::string_view key) {
  std::string out;
  LabelNameInto(key, out);
  return out;
}

void LabelNameInto(std::string_view key, std::string& out) {
  SanitizeInto(key, /*colon=*/false, out);
  if (out.empty()) return;
  if (IsDigit(out.front())) {
    out.insert(0, "key_");
  } else if (out.front() == '_') {
    out.insert(0, "key");
  }
}

}  // namespace fleetgate::otlp
