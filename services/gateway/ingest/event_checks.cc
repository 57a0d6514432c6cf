#include "ingest/event_checks.h"

#include <algorithm>

#include "ingest/batch_processor.h"
#include "ingest/label_order.h"
#include "metrics/validation.h"

namespace fleetgate::ingest {
namespace {

using metrics::EventError;
namespace reason = metrics::reason;

Status CheckSourceField(const char* name, std::string_view value, size_t max_bytes, bool required) {
  std::string field = std::string("source.") + name;
  if (required && value.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, field + " is required", field);
  }
  if (value.size() > max_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     field + " is longer than " + std::to_string(max_bytes) + " bytes", field,
                     reason::kValueTooLong);
  }
  if (!metrics::IsValidUtf8(value)) {
    return MakeError(ErrorCode::kInvalidArgument, field + " is not valid UTF-8", field,
                     reason::kInvalidUtf8);
  }
  return Status::Ok();
}

std::optional<health::Status> ToStatus(int32_t status) {
  switch (status) {
    case v1::HEALTH_STATUS_SERVING:
      return health::Status::kServing;
    case v1::HEALTH_STATUS_DEGRADED:
      return health::Status::kDegraded;
    case v1::HEALTH_STATUS_NOT_SERVING:
      return health::Status::kNotServing;
    default:
      return std::nullopt;
  }
}

Status CheckText(std::string_view text, const char* what, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return EventError(reason::kValueTooLong, std::string(what) + " is longer than " +
                                                 std::to_string(max_bytes) + " bytes");
  }
  if (!metrics::IsValidUtf8(text)) {
    return EventError(reason::kInvalidUtf8, std::string(what) + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status ToCheck(const CheckView& check, const IngestOptions& options, health::Check& out) {
  if (check.name.empty() || check.name.size() > options.label_limits.max_label_name_bytes ||
      !metrics::IsValidUtf8(check.name)) {
    return EventError(reason::kInvalidCheck,
                      "a check needs a name of at most " +
                          std::to_string(options.label_limits.max_label_name_bytes) +
                          " bytes of UTF-8");
  }
  auto status = ToStatus(check.status);
  if (!status) {
    return EventError(reason::kInvalidCheck,
                      "check \"" + std::string(check.name) + "\" has no valid status");
  }
  if (Status bad = CheckText(check.detail, "check detail", options.max_detail_bytes); !bad.ok()) {
    return bad;
  }
  out = health::Check{std::string(check.name), *status, std::string(check.detail)};
  return Status::Ok();
}

}  // namespace

Status CheckSource(const SourceView& source, const IngestOptions& options) {
  for (auto [field, value, max_bytes, required] :
       {std::tuple{"service", source.service, options.max_service_bytes, true},
        std::tuple{"instance", source.instance, options.max_instance_bytes, true},
        std::tuple{"version", source.version, options.max_source_bytes, false}}) {
    Status status = CheckSourceField(field, value, max_bytes, required);
    if (!status.ok()) return status;
  }
  if (source.labels.size() + 2 > options.label_limits.max_labels_per_series) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "source.labels has more labels than a series may carry", "source.labels",
                     reason::kTooManyLabels);
  }
  for (const auto& [name, value] : source.labels) {
    Status status = metrics::CheckLabel(name, value, options.label_limits);
    if (!status.ok()) {
      const Error& error = status.error();
      return MakeError(error.code, "source.labels: " + error.message, "source.labels",
                       error.reason);
    }
  }
  return Status::Ok();
}

// A forward merge of the two sorted lists into `out` (no allocation once it has grown).
void MergeLabels(absl::Span<const metrics::LabelView> source,
                 absl::Span<const metrics::LabelView> event, std::vector<metrics::LabelView>& out) {
  out.clear();
  size_t i = 0, j = 0;
  while (i < event.size() && j < source.size()) {
    const int order = CompareNames(event[i].first, source[j].first);
    if (order > 0) {
      out.push_back(source[j++]);
      continue;
    }
    if (order == 0) ++j;  // the event's label wins
    out.push_back(event[i++]);
  }
  out.insert(out.end(), event.begin() + i, event.end());
  out.insert(out.end(), source.begin() + j, source.end());
}

Status ToHealthReport(const HealthView& event, absl::Span<const CheckView> checks,
                      const IngestOptions& options, health::HealthReport& out) {
  auto status = ToStatus(event.status);
  if (!status) {
    return EventError(reason::kInvalidStatus,
                      "health status must be SERVING, DEGRADED or NOT_SERVING");
  }
  if (std::chrono::seconds(event.ttl_seconds) > options.max_ttl) {
    return EventError(reason::kInvalidTtl, "ttl_seconds is above the maximum of " +
                                               std::to_string(options.max_ttl.count()));
  }
  if (Status bad = CheckText(event.detail, "health detail", options.max_detail_bytes); !bad.ok()) {
    return bad;
  }
  if (checks.size() > options.max_checks) {
    return EventError(reason::kTooManyChecks, "a health event may carry at most " +
                                                  std::to_string(options.max_checks) + " checks");
  }
  out.status = *status;
  out.detail = std::string(event.detail);
  out.ttl = std::chrono::seconds(event.ttl_seconds);
  out.checks.resize(checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    if (Status bad = ToCheck(checks[i], options, out.checks[i]); !bad.ok()) return bad;
  }
  return Status::Ok();
}

}  // namespace fleetgate::ingest
