#pragma once
// OTLP attributes as fleetgate sees them: the reporting service and instance from the resource,
// and attributes turned into Prometheus labels. Pure functions, thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "opentelemetry/proto/resource/v1/resource.pb.h"

namespace fleetgate::otlp {

using Attributes = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;
using Label = std::pair<std::string, std::string>;

// An attribute value as a label value: strings as they are, numbers and booleans in their usual
// text form, bytes in base64, arrays and maps as JSON.
std::string ValueText(const opentelemetry::proto::common::v1::AnyValue& value);

// Who reports: `service.name` (else "unknown_service"), `service.instance.id` (else `host.name`;
// empty when neither is set), `service.version`, and the promoted resource attributes as labels.
struct Reporter {
  std::string service;
  std::string instance;
  std::string version;
  std::vector<Label> labels;  // sorted by name
};
// The service a resource reports as: `service.name`, else "unknown_service" (ReporterOf's).
std::string ServiceOf(const opentelemetry::proto::resource::v1::Resource& resource);
Reporter ReporterOf(const opentelemetry::proto::resource::v1::Resource& resource,
                    const std::vector<std::string>& promote);

// Attributes as labels, sorted by name: keys through LabelName; keys that become the same label
// have their values joined with ';' in the order of their original keys; `service`, `instance`,
// `le` and `quantile` (fleetgate's and Prometheus' own) become `exported_<name>`. `base` labels
// (the promoted resource attributes) are added where the attributes have no label of that name.
void ToLabels(const Attributes& attributes, const std::vector<Label>& base,
              std::vector<Label>& out);

}  // namespace fleetgate::otlp
