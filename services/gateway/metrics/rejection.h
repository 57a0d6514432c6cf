#pragma once
// Why an event was refused: a stable machine-readable reason (documented in docs/metrics.md and
// counted in fleetgate_events_rejected_total{reason}) carried as the reason of a fleetgate::Error.

#include <array>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fleetgate::metrics {

namespace reason {
inline constexpr std::string_view kEmptyEvent = "empty_event";
inline constexpr std::string_view kInvalidName = "invalid_name";
inline constexpr std::string_view kNameTooLong = "name_too_long";
inline constexpr std::string_view kReservedName = "reserved_name";
inline constexpr std::string_view kInvalidLabelName = "invalid_label_name";
inline constexpr std::string_view kReservedLabel = "reserved_label";
inline constexpr std::string_view kTooManyLabels = "too_many_labels";
inline constexpr std::string_view kLabelNameTooLong = "label_name_too_long";
inline constexpr std::string_view kValueTooLong = "value_too_long";
inline constexpr std::string_view kInvalidUtf8 = "invalid_utf8";
inline constexpr std::string_view kNegativeDelta = "negative_delta";
inline constexpr std::string_view kNonFiniteValue = "non_finite_value";
inline constexpr std::string_view kTypeConflict = "type_conflict";
inline constexpr std::string_view kSeriesLimit = "series_limit";
inline constexpr std::string_view kTotalSeriesLimit = "total_series_limit";
inline constexpr std::string_view kTooManyEvents = "too_many_events";
inline constexpr std::string_view kInvalidStatus = "invalid_status";
inline constexpr std::string_view kInvalidTtl = "invalid_ttl";
inline constexpr std::string_view kTooManyChecks = "too_many_checks";
inline constexpr std::string_view kInvalidCheck = "invalid_check";
inline constexpr std::string_view kRateLimited = "rate_limited";  // the service's quota (auth/)
inline constexpr std::string_view kInstanceLimit = "instance_limit";
// The batch's source (service, instance, version, labels) is missing or breaks a limit: the
// whole call fails with INVALID_ARGUMENT and every event of it is counted.
inline constexpr std::string_view kInvalidSource = "invalid_source";

// OTLP ingest
inline constexpr std::string_view kInvalidHistogram = "invalid_histogram";
inline constexpr std::string_view kUnsupportedExponentialHistogram =
    "unsupported_exponential_histogram";
inline constexpr std::string_view kInvalidTemporality = "invalid_temporality";
inline constexpr std::string_view kMissingInstance = "missing_instance";
inline constexpr std::string_view kStreamLimit = "stream_limit";
inline constexpr std::string_view kTooManyBuckets = "too_many_buckets";

// Every reason, so self-metrics can export each one from zero.
inline constexpr std::array<std::string_view, 29> kAll{
    kEmptyEvent,         kInvalidName,
    kReservedName,       kInvalidLabelName,
    kReservedLabel,      kTooManyLabels,
    kLabelNameTooLong,   kValueTooLong,
    kInvalidUtf8,        kNegativeDelta,
    kNonFiniteValue,     kTypeConflict,
    kSeriesLimit,        kTotalSeriesLimit,
    kTooManyEvents,      kInvalidStatus,
    kInvalidTtl,         kTooManyChecks,
    kInvalidCheck,       kRateLimited,
    kInvalidHistogram,   kUnsupportedExponentialHistogram,
    kInvalidTemporality, kMissingInstance,
    kStreamLimit,        kNameTooLong,
    kInstanceLimit,      kInvalidSource,
    kTooManyBuckets};
}  // namespace reason

// The Error of a refused event: `why` is one of reason::k*; a limit (series_limit,
// total_series_limit, too_many_events, instance_limit) is kResourceExhausted, anything else
// kInvalidArgument. Out of line and cold: it keeps the accepting path of the callers small.
[[gnu::cold]] Error EventError(std::string_view why, std::string message, std::string field = {});

}  // namespace fleetgate::metrics
