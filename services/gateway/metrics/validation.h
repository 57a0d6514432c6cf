#pragma once
// The Prometheus data model's rules for names, label names and label values, plus the gateway's
// size limits. Pure functions, thread-safe.

#include <string_view>

#include "config/config.h"
#include "metrics/rejection.h"

namespace fleetgate::metrics {

struct LabelLimits {
  // Defaults: the limits.* configuration keys.
  size_t max_labels_per_series = config::Defaults().limits.max_labels_per_series;
  size_t max_label_name_bytes = config::Defaults().limits.max_label_name_bytes;
  size_t max_label_value_bytes = config::Defaults().limits.max_label_value_bytes;
  size_t max_metric_name_bytes = config::Defaults().limits.max_metric_name_length;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*
bool IsValidLabelName(std::string_view name);
bool IsValidUtf8(std::string_view text);

// A name a client may report: at most `max_bytes` long, valid, not `__`-prefixed, not in the
// gateway's own namespaces (`fleetgate_`, `process_`).
Status CheckMetricName(std::string_view name,
                       size_t max_bytes = config::Defaults().limits.max_metric_name_length);
// One client-supplied label: valid name, not reserved (`service`, `instance`, `__*`, `le`
// which histograms own, and `job` which Prometheus sets: it scrapes with honor_labels), value
// within limits and valid UTF-8.
Status CheckLabel(std::string_view name, std::string_view value, const LabelLimits& limits);

}  // namespace fleetgate::metrics
