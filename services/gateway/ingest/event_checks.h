#pragma once
// Checks of the parts of a report that are not metric series: the source and health events.
// Pure functions, thread-safe.

#include <string>
#include <vector>

#include "core/error.h"
#include "health/instance.h"
#include "ingest/report_view.h"
#include "metrics/metric_store.h"
#include "metrics/rejection.h"

namespace fleetgate::ingest {

struct IngestOptions;

// OK when the source is usable; otherwise why the whole request is malformed (kInvalidArgument,
// with the field, e.g. "source.service").
Status CheckSource(const SourceView& source, const IngestOptions& options);

// Source labels overlaid with the event's own (the event wins on a clash), sorted by name. Both
// come sorted by name, one label per name (as ReportView gives them).
void MergeLabels(absl::Span<const metrics::LabelView> source,
                 absl::Span<const metrics::LabelView> event, std::vector<metrics::LabelView>& out);

// Converts a health event with its checks, or says why it is rejected.
Status ToHealthReport(const HealthView& event, absl::Span<const CheckView> checks,
                      const IngestOptions& options, health::HealthReport& out);

}  // namespace fleetgate::ingest
