#include "api/json_views.h"
#include "api/routes.h"

namespace fleetgate::api {
namespace {

// Transitions per instance over the last 24 hours, from history; empty when it cannot answer.
std::map<std::string, int64_t> Flaps24h(const ApiContext& context, const std::string& service) {
  std::map<std::string, int64_t> flaps;
  if (context.history == nullptr) return flaps;
  const TimePoint now = context.clock->Now();
  CommitQueuedHistory(context);
  auto result = context.history->Availability(service, now - std::chrono::hours(24), now);
  if (!result.ok()) return flaps;
  for (const auto& entry : result.value().instances)
    flaps[entry.instance] = entry.stats.transitions;
  return flaps;
}

nlohmann::json WithFlaps(nlohmann::json instance, const std::map<std::string, int64_t>& flaps,
                         bool history_known) {
  auto it = flaps.find(instance["instance"].get<std::string>());
  if (it != flaps.end()) {
    instance["flaps_24h"] = it->second;
  } else {
    instance["flaps_24h"] = history_known ? nlohmann::json(0) : nlohmann::json(nullptr);
  }
  return instance;
}

nlohmann::json SummaryWithHealth(const ApiContext& context, const health::ServiceSummary& summary) {
  nlohmann::json body = ServiceSummaryJson(summary);
  if (context.policies != nullptr) {
    health::ServiceVerdict verdict = context.policies->Evaluate(summary);
    body["health"] = health::ServiceHealthName(verdict.health);
    body["health_reason"] = verdict.reason;
  }
  return body;
}

http::Response UnknownService(const std::string& service) {
  return http::ErrorResponse(MakeError(ErrorCode::kNotFound,
                                       "no live instance of service \"" + service + "\"", {},
                                       "service_not_found"));
}

http::Response UnknownInstance(const std::string& service, const std::string& instance) {
  return http::ErrorResponse(MakeError(
      ErrorCode::kNotFound, "no instance \"" + instance + "\" of service \"" + service + "\"", {},
      "instance_not_found"));
}

http::Response ListServices(const ApiContext& context) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& summary : context.registry->Services()) {
    services.push_back(SummaryWithHealth(context, summary));
  }
  return http::Json(200, {{"services", std::move(services)}});
}

http::Response GetService(const ApiContext& context, const std::string& service) {
  auto instances = context.registry->ServiceInstances(service);
  if (instances.empty()) return UnknownService(service);
  health::ServiceSummary summary;
  for (const auto& summary_entry : context.registry->Services()) {
    if (summary_entry.service == service) summary = summary_entry;
  }
  nlohmann::json body = SummaryWithHealth(context, summary);
  const auto flaps = Flaps24h(context, service);
  const bool history_known = context.history != nullptr;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& instance : instances) {
    list.push_back(WithFlaps(InstanceJson(instance), flaps, history_known));
  }
  body["instances"] = std::move(list);
  return http::Json(200, body);
}

http::Response GetInstance(const ApiContext& context, const std::string& service,
                           const std::string& instance) {
  auto found = context.registry->Find(service, instance);
  if (!found) return UnknownInstance(service, instance);
  return http::Json(
      200, WithFlaps(InstanceJson(*found), Flaps24h(context, service), context.history != nullptr));
}

http::Response DeleteInstance(const ApiContext& context, const http::Request& request) {
  const std::string& service = request.path_params.at("service");
  const std::string& instance = request.path_params.at("instance");
  if (!context.registry->Deregister(service, instance)) return UnknownInstance(service, instance);
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

http::Response FleetSummary(const ApiContext& context) {
  std::map<health::Status, size_t> counts;
  size_t instances = 0;
  health::Status worst = health::Status::kServing;
  nlohmann::json unhealthy = nlohmann::json::array();
  auto services = context.registry->Services();
  for (const auto& summary : services) {
    for (const auto& [status, count] : summary.counts) counts[status] += count;
    instances += summary.instances;
    if (health::Severity(summary.worst) > health::Severity(worst)) worst = summary.worst;
    if (summary.worst != health::Status::kServing) unhealthy.push_back(summary.service);
  }
  return http::Json(200,
                    {{"services", services.size()},
                     {"instances", instances},
                     {"worst_status", services.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(health::StatusName(worst))},
                     {"counts", CountsJson(counts)},
                     {"services_not_serving", std::move(unhealthy)}});
}

}  // namespace

void AddFleetRoutes(http::Router& router, const ApiContext& context) {
  router.Handle("GET", "/api/v1/services",
                [context](const http::Request&) { return ListServices(context); });
  router.Handle("GET", "/api/v1/services/{service}", [context](const http::Request& request) {
    return GetService(context, request.path_params.at("service"));
  });
  router.Handle("GET", "/api/v1/services/{service}/instances/{instance}",
                [context](const http::Request& request) {
                  return GetInstance(context, request.path_params.at("service"),
                                     request.path_params.at("instance"));
                });
  router.Handle(
      "DELETE", "/api/v1/services/{service}/instances/{instance}",
      [context](const http::Request& request) { return DeleteInstance(context, request); });
  router.Handle("GET", "/api/v1/fleet/summary",
                [context](const http::Request&) { return FleetSummary(context); });
}

}  // namespace fleetgate::api
