#include "ingest/event_checks.h"

#include <algorithm>

#include "ingest/batch_processor.h"
#include "metrics/validation.h"

namespace fleetgate::ingest {
namespace {

using metrics::EventError;
namespace reason = metrics::reason;

Status CheckSourceField(const char* name, const std::string& value, size_t max_bytes,
                        bool required) {
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

std::optional<health::Status> ToStatus(v1::HealthStatus status) {
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

Status CheckText(const std::string& text, const char* what, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return EventError(reason::kValueTooLong, std::string(what) + " is longer than " +
                                                 std::to_string(max_bytes) + " bytes");
  }
  if (!metrics::IsValidUtf8(text)) {
    return EventError(reason::kInvalidUtf8, std::string(what) + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status ToCheck(const v1::Check& check, const IngestOptions& options, health::Check& out) {
  if (check.name().empty() || check.name().size() > options.label_limits.max_label_name_bytes ||
      !metrics::IsValidUtf8(check.name())) {
    return EventError(reason::kInvalidCheck,
                      "a check needs a name of at most " +
                          std::to_string(options.label_limits.max_label_name_bytes) +
                          " bytes of UTF-8");
  }
  auto status = ToStatus(check.status());
  if (!status) {
    return EventError(reason::kInvalidCheck, "check \"" + check.name() + "\" has no valid status");
  }
  if (Status bad = CheckText(check.detail(), "check detail", options.max_detail_bytes); !bad.ok()) {
    return bad;
  }
  out = health::Check{check.name(), *status, check.detail()};
  return Status::Ok();
}

// Label names in the order of std::string_view's comparison (bytes as unsigned char); most
// differ in their first byte, compared inline before anything calls memcmp.
int CompareNames(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]) ? -1 : 1;
  }
  return a.compare(b);
}

// A few labels by insertion sort (std::sort's set-up costs more than sorting two or three).
void SortByName(std::vector<metrics::LabelView>& labels) {
  if (labels.size() > 8) {
    std::sort(labels.begin(), labels.end(),
              [](const auto& a, const auto& b) { return CompareNames(a.first, b.first) < 0; });
    return;
  }
  for (size_t i = 1; i < labels.size(); ++i) {
    const metrics::LabelView label = labels[i];
    size_t j = i;
    for (; j > 0 && CompareNames(label.first, labels[j - 1].first) < 0; --j) {
      labels[j] = labels[j - 1];
    }
    labels[j] = label;
  }
}

}  // namespace

Status CheckSource(const v1::Source& source, const IngestOptions& options) {
  for (auto [field, value, max_bytes, required] :
       {std::tuple{"service", &source.service(), options.max_service_bytes, true},
        std::tuple{"instance", &source.instance(), options.max_instance_bytes, true},
        std::tuple{"version", &source.version(), options.max_source_bytes, false}}) {
    Status status = CheckSourceField(field, *value, max_bytes, required);
    if (!status.ok()) return status;
  }
  if (source.labels_size() + 2 > static_cast<int>(options.label_limits.max_labels_per_series)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "source.labels has more labels than a series may carry", "source.labels",
                     reason::kTooManyLabels);
  }
  for (const auto& [name, value] : source.labels()) {
    Status status = metrics::CheckLabel(name, value, options.label_limits);
    if (!status.ok()) {
      const Error& error = status.error();
      return MakeError(error.code, "source.labels: " + error.message, "source.labels",
                       error.reason);
    }
  }
  return Status::Ok();
}

std::vector<metrics::LabelView> SortedLabels(const v1::Source& source) {
  std::vector<metrics::LabelView> labels(source.labels().begin(), source.labels().end());
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Without allocating once `out` has grown: the event's labels are sorted in `out`, then the source
// labels it does not override are merged in from the back (std::inplace_merge would take a
// temporary buffer per event). Names are unique on each side (protobuf map keys), so comparing
// names alone orders the labels.
void MergeLabels(const std::vector<metrics::LabelView>& source,
                 const google::protobuf::Map<std::string, std::string>& event,
                 std::vector<metrics::LabelView>& out) {
  out.clear();
  // One walk of the map (insert() with its iterators would walk it twice, counting first).
  for (const auto& label : event) out.emplace_back(label.first, label.second);
  SortByName(out);
  if (source.empty()) return;
  const size_t own = out.size();
  size_t added = 0;  // source labels the event does not override
  for (size_t i = 0, j = 0; j < source.size(); ++j) {
    int order = 0;
    while (i < own && (order = CompareNames(out[i].first, source[j].first)) < 0) ++i;
    if (i == own || order != 0) ++added;
  }
  if (added == 0) return;
  out.resize(own + added);
  size_t i = own, j = source.size(), k = own + added;  // one past the next to place
  while (j > 0) {
    const int order = i > 0 ? CompareNames(out[i - 1].first, source[j - 1].first) : -1;
    if (order >= 0) {
      if (order == 0) --j;  // the event's label wins
      out[--k] = out[--i];
    } else {
      out[--k] = source[--j];
    }
  }
}

Status ToHealthReport(const v1::HealthEvent& event, const IngestOptions& options,
                      health::HealthReport& out) {
  auto status = ToStatus(event.status());
  if (!status) {
    return EventError(reason::kInvalidStatus,
                      "health status must be SERVING, DEGRADED or NOT_SERVING");
  }
  if (std::chrono::seconds(event.ttl_seconds()) > options.max_ttl) {
    return EventError(reason::kInvalidTtl, "ttl_seconds is above the maximum of " +
                                               std::to_string(options.max_ttl.count()));
  }
  if (Status bad = CheckText(event.detail(), "health detail", options.max_detail_bytes);
      !bad.ok()) {
    return bad;
  }
  if (static_cast<size_t>(event.checks_size()) > options.max_checks) {
    return EventError(reason::kTooManyChecks, "a health event may carry at most " +
                                                  std::to_string(options.max_checks) + " checks");
  }
  out.status = *status;
  out.detail = event.detail();
  out.ttl = std::chrono::seconds(event.ttl_seconds());
  out.checks.resize(event.checks_size());
  for (int i = 0; i < event.checks_size(); ++i) {
    if (Status bad = ToCheck(event.checks(i), options, out.checks[i]); !bad.ok()) return bad;
  }
  return Status::Ok();
}

}  // namespace fleetgate::ingest
