#include "api/json_views.h"

#include <chrono>
#include <string>

#include "core/time_format.h"

namespace fleetgate::api {
namespace {

std::string Name(health::Status status) { return std::string(health::StatusName(status)); }

nlohmann::json MaintenanceJson(const health::Instance& instance) {
  if (!instance.maintenance) return nullptr;
  return {{"until", FormatRfc3339(instance.maintenance->until)},
          {"reason", instance.maintenance->reason},
          {"reported_status", Name(instance.maintenance->reported)}};
}

}  // namespace

nlohmann::json InstanceJson(const health::Instance& instance) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : instance.checks) {
    checks.push_back(
        {{"name", check.name}, {"status", Name(check.status)}, {"detail", check.detail}});
  }
  return {
      {"service", instance.service},
      {"instance", instance.instance},
      {"version", instance.version},
      {"status", Name(instance.status)},
      {"detail", instance.detail},
      {"checks", std::move(checks)},
      {"first_seen", FormatRfc3339(instance.first_seen)},
      {"last_seen", FormatRfc3339(instance.last_seen)},
      {"last_change", FormatRfc3339(instance.status_since)},
      {"last_report", instance.last_report ? nlohmann::json(FormatRfc3339(*instance.last_report))
                                           : nlohmann::json(nullptr)},
      {"ttl_seconds", std::chrono::duration<double>(instance.ttl).count()},
      {"expires_at", FormatRfc3339(instance.expires_at)},
      {"maintenance", MaintenanceJson(instance)},
  };
}

nlohmann::json CountsJson(const std::map<health::Status, size_t>& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (health::Status status : health::kAllStatuses) {
    auto it = counts.find(status);
    out[Name(status)] = it == counts.end() ? 0 : it->second;
  }
  return out;
}

nlohmann::json ServiceSummaryJson(const health::ServiceSummary& summary) {
  return {{"service", summary.service},
          {"instances", summary.instances},
          {"worst_status", Name(summary.worst)},
          {"counts", CountsJson(summary.counts)}};
}

http::Response PageJson(nlohmann::json transitions, const std::string& next_cursor) {
  return http::Json(200, {{"transitions", std::move(transitions)},
                          {"next_cursor", next_cursor.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(next_cursor)}});
}

}  // namespace fleetgate::api
