#include <chrono>

#include "api/json_views.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace fleetgate::api {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMaxWindow = std::chrono::hours(24 * 366);

nlohmann::json TransitionJson(const storage::TransitionRecord& t) {
  return {{"service", t.service},
          {"instance", t.instance},
          {"from", t.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.from)},
          {"to", t.to},
          {"detail", t.detail},
          {"time", FormatRfc3339(t.time)}};
}

nlohmann::json StatsJson(const storage::AvailabilityStats& stats) {
  nlohmann::json seconds = nlohmann::json::object();
  for (const auto& [status, time] : stats.time_in_status) {
    seconds[status] = std::chrono::duration<double>(time).count();
  }
  return {{"serving_share",
           stats.serving_share ? nlohmann::json(*stats.serving_share) : nlohmann::json(nullptr)},
          {"observed_seconds", std::chrono::duration<double>(stats.observed).count()},
          {"time_in_status_seconds", std::move(seconds)},
          {"transitions", stats.transitions}};
}

http::Response History(const ApiContext& context, const http::Request& request) {
  const TimePoint now = context.clock->Now();
  storage::TransitionQuery query;
  query.service = request.path_params.at("service");
  query.instance = request.Query("instance");
  if (query.instance && query.instance->empty()) query.instance.reset();
  auto params = PageParam(request, now, storage::kMaxQueryLimit);
  if (!params.ok()) return http::ErrorResponse(params.error());
  ApplyPage(params.value(), query);
  CommitQueuedHistory(context);
  auto page = context.history->QueryTransitions(query);
  if (!page.ok()) return http::ErrorResponse(page.error());
  nlohmann::json transitions = nlohmann::json::array();
  for (const auto& t : page.value().transitions) transitions.push_back(TransitionJson(t));
  return PageJson(std::move(transitions), page.value().next_cursor);
}

http::Response Availability(const ApiContext& context, const http::Request& request) {
  auto window = DurationParam(request, "window", std::chrono::hours(24), kMaxWindow);
  if (!window.ok()) return http::ErrorResponse(window.error());
  const milliseconds span = window.value();
  const TimePoint end = context.clock->Now();
  const std::string& service = request.path_params.at("service");
  CommitQueuedHistory(context);
  auto result = context.history->Availability(service, end - span, end);
  if (!result.ok()) return http::ErrorResponse(result.error());
  const storage::ServiceAvailability& availability = result.value();
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& entry : availability.instances) {
    nlohmann::json item = StatsJson(entry.stats);
    item["instance"] = entry.instance;
    instances.push_back(std::move(item));
  }
  nlohmann::json body = StatsJson(availability.total);
  body["service"] = service;
  body["window"] = FormatDuration(span);
  body["from"] = FormatRfc3339(availability.window_start);
  body["to"] = FormatRfc3339(availability.window_end);
  body["instances"] = std::move(instances);
  return http::Json(200, body);
}

}  // namespace

void AddHistoryRoutes(http::Router& router, const ApiContext& context) {
  router.Handle("GET", "/api/v1/services/{service}/history",
                [context](const http::Request& request) { return History(context, request); });
  router.Handle("GET", "/api/v1/services/{service}/availability",
                [context](const http::Request& request) { return Availability(context, request); });
}

}  // namespace fleetgate::api
