#include "history/history_recorder.h"

#include <nlohmann/json.hpp>

#include "history/transition_capture.h"

namespace fleetgate::history {
namespace {

int64_t EpochMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// A maintenance window rides along in the checks column as one element marked "maintenance", so
// it survives a restart without a schema change; ParseChecks skips it.
std::string ChecksJson(const health::Instance& instance) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& check : instance.checks) {
    out.push_back({{"name", check.name},
                   {"status", std::string(health::StatusName(check.status))},
                   {"detail", check.detail}});
  }
  if (const auto& window = instance.maintenance) {
    out.push_back({{"maintenance",
                    {{"until_ms", EpochMs(window->until)},
                     {"reason", window->reason},
                     {"reported", std::string(health::StatusName(window->reported))},
                     {"reported_detail", window->reported_detail}}}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<health::Maintenance> ParseMaintenance(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return std::nullopt;
  for (const auto& item : parsed) {
    if (!item.is_object() || !item.contains("maintenance")) continue;
    const auto& window = item["maintenance"];
    auto reported = health::ParseStatus(window.value("reported", ""));
    if (!window.is_object() || !reported) return std::nullopt;
    return health::Maintenance{
        TimePoint(std::chrono::milliseconds(window.value("until_ms", int64_t{0}))),
        window.value("reason", ""), *reported, window.value("reported_detail", "")};
  }
  return std::nullopt;
}

std::vector<health::Check> ParseChecks(const std::string& text) {
  std::vector<health::Check> checks;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return checks;
  for (const auto& item : parsed) {
    if (!item.is_object() || item.contains("maintenance")) continue;
    auto status = health::ParseStatus(item.value("status", ""));
    if (!status) continue;
    checks.push_back({item.value("name", ""), *status, item.value("detail", "")});
  }
  return checks;
}

}  // namespace

storage::InstanceState ToInstanceState(const health::Instance& instance) {
  storage::InstanceState state;
  state.service = instance.service;
  state.instance = instance.instance;
  state.status = std::string(health::StatusName(instance.status));
  state.detail = instance.detail;
  state.version = instance.version;
  state.status_since = instance.status_since;
  state.last_seen = instance.last_seen;
  state.checks_json = ChecksJson(instance);
  state.ttl = instance.ttl;
  return state;
}

void HistoryRecorder::OnTransition(const health::StatusChange& transition,
                                   const health::Instance* now) {
  storage::TransitionRecord row;
  row.service = transition.service;
  row.instance = transition.instance;
  row.from = transition.from ? std::string(health::StatusName(*transition.from)) : "";
  row.to = transition.to ? std::string(health::StatusName(*transition.to)) : storage::kDeregistered;
  row.detail = transition.detail;
  row.time = transition.time;
  bool queued = sink_.Enqueue(std::move(row));
  if (now != nullptr) {
    queued = sink_.Enqueue(ToInstanceState(*now)) && queued;
  } else {
    queued = sink_.EnqueueDelete(transition.service, transition.instance) && queued;
  }
  TransitionCapture::Note(queued);
}

void HistoryRecorder::OnForgotten(const health::Instance& instance) {
  sink_.EnqueueDelete(instance.service, instance.instance);
}

size_t RestoreRegistry(const std::vector<storage::InstanceState>& states, TimePoint now,
                       health::HealthRegistry& registry) {
  size_t restored = 0;
  for (const auto& state : states) {
    auto status = health::ParseStatus(state.status);
    if (!status) continue;
    health::Instance instance;
    instance.service = state.service;
    instance.instance = state.instance;
    instance.version = state.version;
    instance.status = *status;
    instance.detail = state.detail;
    instance.checks = ParseChecks(state.checks_json);
    instance.first_seen = state.status_since;
    instance.last_seen = state.last_seen;
    instance.status_since = state.status_since;
    instance.ttl = state.ttl.count() > 0 ? state.ttl : registry.options().default_ttl;
    instance.expires_at = now + instance.ttl;
    if (*status != health::Status::kUnknown) instance.last_report = state.last_seen;
    if (*status == health::Status::kMaintenance) {
      // The window ends with the next sweep if it is over; without one, the instance is UNKNOWN
      // until it reports.
      instance.maintenance = ParseMaintenance(state.checks_json);
      if (!instance.maintenance) instance.status = health::Status::kUnknown;
    }
    registry.Restore(std::move(instance));
    ++restored;
  }
  return restored;
}

}  // namespace fleetgate::history
