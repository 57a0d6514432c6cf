#pragma once
// Checks of the parts of a report that are not metric series: the source and health events.
// Pure functions, thread-safe.

#include <string>
#include <vector>

#include "core/error.h"
#include "fleetgate/v1/reporter.pb.h"
#include "health/instance.h"
#include "metrics/metric_store.h"
#include "metrics/rejection.h"

namespace fleetgate::ingest {

struct IngestOptions;

// OK when the source is usable; otherwise why the whole request is malformed (kInvalidArgument,
// with the field, e.g. "source.service").
Status CheckSource(const v1::Source& source, const IngestOptions& options);

// The source's labels sorted by name, as views into `source`.
std::vector<metrics::LabelView> SortedLabels(const v1::Source& source);

// Source labels overlaid with the event's own (the event wins on a clash), sorted by name.
void MergeLabels(const std::vector<metrics::LabelView>& source,
                 const google::protobuf::Map<std::string, std::string>& event,
                 std::vector<metrics::LabelView>& out);

// Converts a health event, or says why it is rejected.
Status ToHealthReport(const v1::HealthEvent& event, const IngestOptions& options,
                      health::HealthReport& out);

}  // namespace fleetgate::ingest
