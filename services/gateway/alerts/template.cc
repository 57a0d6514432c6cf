#include "alerts/template.h"

#include <optional>

#include "alerts/number_format.h"
#include "metrics/validation.h"

namespace fleetgate::alerts {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The rendering of one action (the text between "{{" and "}}"), or nullopt when unsupported.
std::optional<std::string> RenderAction(std::string_view action, const LabelSet& labels,
                                        double value) {
  action = Trim(action);
  if (action == "$value") return FormatNumber(value);
  constexpr std::string_view kLabels = "$labels.";
  if (action.substr(0, kLabels.size()) != kLabels) return std::nullopt;
  std::string name(action.substr(kLabels.size()));
  if (!metrics::IsValidLabelName(name)) return std::nullopt;
  auto it = labels.find(name);
  return it == labels.end() ? std::string() : it->second;
}

RenderedTemplate Malformed(std::string_view text, std::string error) {
  return RenderedTemplate{std::string(text), false, std::move(error)};
}

}  // namespace

RenderedTemplate RenderTemplate(std::string_view text, const LabelSet& labels, double value) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Malformed(text, "unclosed {{ at offset " + std::to_string(open));
    }
    std::string_view action = text.substr(open + 2, close - open - 2);
    auto rendered = RenderAction(action, labels, value);
    if (!rendered) {
      return Malformed(text, "unsupported action {{" + std::string(action) +
                                 "}}; use "
                                 "{{ $labels.<name> }} or {{ $value }}");
    }
    out.append(text.substr(pos, open - pos)).append(*rendered);
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return RenderedTemplate{std::move(out), true, ""};
}

}  // namespace fleetgate::alerts
