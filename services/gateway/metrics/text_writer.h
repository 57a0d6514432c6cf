#pragma once
// Writes metric families in the Prometheus text exposition format 0.0.4 into a string, without
// iostreams: numbers through std::to_chars (shortest form that reads back to the same double),
// label values and help text escaped as the format asks. Pure functions, thread-safe.

#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleetgate::metrics {

// A sample value: the shortest round-trip decimal, or "+Inf", "-Inf", "NaN".
void AppendValue(std::string& out, double value);
// A bucket bound or quantile as a label value ("le", "quantile"): 16 significant digits like
// printf's %.16g, as prometheus-cpp wrote them, so a bucket keeps its series identity.
void AppendBound(std::string& out, double bound);
void AppendCount(std::string& out, uint64_t count);
// A label value with `\`, `"` and newline escaped.
void AppendLabelValue(std::string& out, std::string_view value);
// "# HELP name help" (help with `\` and newline escaped) and "# TYPE name type".
void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        prometheus::MetricType type);
// One family: its header, then every sample; histograms as _count, _sum and _bucket{le}.
void AppendFamily(std::string& out, const prometheus::MetricFamily& family);
void AppendFamilies(std::string& out, const std::vector<prometheus::MetricFamily>& families);

}  // namespace fleetgate::metrics
