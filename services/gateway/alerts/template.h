#pragma once
// Renders alert annotations: `{{ $labels.<name> }}` and `{{ $value }}` (whitespace inside the
// braces optional), the subset of Prometheus' Go templates that rules here may use. Pure
// function, thread-safe.

#include <string>
#include <string_view>

#include "alerts/rule.h"

namespace fleetgate::alerts {

struct RenderedTemplate {
  std::string text;  // the rendering; the input unchanged when !ok
  bool ok = true;
  std::string error;  // why the template is malformed, e.g. "unclosed {{ at offset 4"
};

// An unknown label renders as "" (as Prometheus does); $value renders like Prometheus prints a
// sample value ("100", "0.25"). Any other action, or an unclosed "{{", is malformed.
RenderedTemplate RenderTemplate(std::string_view text, const LabelSet& labels, double value);

}  // namespace fleetgate::alerts
