// PUT/DELETE /api/v1/services/{service}/instances/{instance}/maintenance: an operator's
// maintenance window (admin).

#include <nlohmann/json.hpp>
#include <variant>

#include "api/json_views.h"
#include "api/routes.h"
#include "core/time_format.h"

namespace fleetgate::api {
namespace {

constexpr size_t kMaxReasonBytes = 1024;
constexpr auto kMaxWindow = std::chrono::hours(24 * 366);

struct Window {
  TimePoint until;
  std::string reason;
};

http::Response BadWindow(std::string message) {
  return http::JsonError(400, "invalid_argument", std::move(message));
}

// Parses {"until": RFC 3339, "reason": text}; an error response when it is not acceptable.
std::variant<Window, http::Response> ParseWindow(const std::string& body, TimePoint now) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return BadWindow("the body must be a JSON object {\"until\", \"reason\"}");
  if (!json.contains("until") || !json["until"].is_string()) {
    return BadWindow("\"until\" (RFC 3339 time) is required");
  }
  std::optional<TimePoint> until = ParseRfc3339(json["until"].get<std::string>());
  if (!until) return BadWindow("\"until\" must be an RFC 3339 time such as 2026-11-22T06:00:00Z");
  if (*until <= now) return BadWindow("\"until\" must lie in the future");
  if (*until - now > kMaxWindow) return BadWindow("\"until\" may lie at most 366 days ahead");
  Window window{*until, ""};
  if (json.contains("reason")) {
    if (!json["reason"].is_string()) return BadWindow("\"reason\" must be a string");
    window.reason = json["reason"].get<std::string>();
    if (window.reason.size() > kMaxReasonBytes) {
      return BadWindow("\"reason\" may be at most 1024 bytes");
    }
  }
  return window;
}

http::Response NoInstance(const std::string& service, const std::string& instance) {
  return http::JsonError(404, "instance_not_found",
                         "no instance \"" + instance + "\" of service \"" + service + "\"");
}

http::Response Start(const ApiContext& context, const http::Request& request) {
  const std::string& service = request.path_params.at("service");
  const std::string& instance = request.path_params.at("instance");
  auto parsed = ParseWindow(request.body, context.clock->Now());
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  Window& window = std::get<Window>(parsed);
  if (!context.registry->StartMaintenance(service, instance, window.until, window.reason)) {
    return NoInstance(service, instance);
  }
  auto found = context.registry->Find(service, instance);
  if (!found) return NoInstance(service, instance);  // deregistered meanwhile
  return http::Json(200, InstanceJson(*found));
}

http::Response End(const ApiContext& context, const http::Request& request) {
  const std::string& service = request.path_params.at("service");
  const std::string& instance = request.path_params.at("instance");
  if (!context.registry->EndMaintenance(service, instance)) {
    if (!context.registry->Find(service, instance)) return NoInstance(service, instance);
    return http::JsonError(
        404, "not_in_maintenance",
        "instance \"" + instance + "\" of service \"" + service + "\" is not in maintenance");
  }
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace

void AddMaintenanceRoutes(http::Router& router, const ApiContext& context) {
  const std::string path = "/api/v1/services/{service}/instances/{instance}/maintenance";
  router.Handle("PUT", path,
                [context](const http::Request& request) { return Start(context, request); });
  router.Handle("DELETE", path,
                [context](const http::Request& request) { return End(context, request); });
}

}  // namespace fleetgate::api
