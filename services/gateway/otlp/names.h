#pragma once
// OpenTelemetry metric names, units and attribute keys turned into Prometheus names, following
// OpenTelemetry's Prometheus compatibility rules: invalid characters become `_`, the unit becomes
// a suffix (`ms` → `_milliseconds`, `By/s` → `_bytes_per_second`, `{requests}` dropped, `1` on a
// gauge → `_ratio`), monotonic sums end in `_total`. Pure functions, thread-safe.

#include <string>
#include <string_view>

namespace fleetgate::otlp {

// What the metric becomes in Prometheus, which decides its suffixes.
enum class NameKind { kCounter, kGauge, kOther };

// The Prometheus metric name of an OpenTelemetry metric.
std::string MetricName(std::string_view name, std::string_view unit, NameKind kind);

// The unit's suffix without its leading `_` ("milliseconds", "bytes_per_second"); empty when the
// unit adds none.
std::string UnitSuffix(std::string_view unit, NameKind kind);

// The Prometheus label name of an attribute key: invalid characters become `_`, a leading digit
// gets `key_` and a leading `_` gets `key` in front. Empty for an empty key.
std::string LabelName(std::string_view key);
// The same, written into `out` (whose capacity is reused: no allocation on the ingest path).
void LabelNameInto(std::string_view key, std::string& out);

}  // namespace fleetgate::otlp
