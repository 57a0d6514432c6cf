#include <chrono>

#include "api/routes.h"
#include "core/time_format.h"

namespace fleetgate::api {
namespace {

nlohmann::json ChecksJson(const std::vector<ProbeReport>& reports, bool* all_ok) {
  nlohmann::json checks = nlohmann::json::object();
  *all_ok = true;
  for (const auto& report : reports) {
    *all_ok = *all_ok && report.result.ok;
    nlohmann::json check = {
        {"status", report.result.ok ? "ok" : "failing"},
        {"kind", report.kind == ProbeKind::kLiveness ? "liveness" : "readiness"}};
    if (!report.result.detail.empty()) check["detail"] = report.result.detail;
    if (!report.result.reason.empty()) check["reason"] = report.result.reason;
    checks[report.name] = std::move(check);
  }
  return checks;
}

http::Response ProbeResponse(const std::vector<ProbeReport>& reports) {
  bool ok = false;
  nlohmann::json checks = ChecksJson(reports, &ok);
  nlohmann::json body = {{"status", ok ? "ok" : "failing"}, {"checks", checks}};
  // The first failing check's reason, so a probe (or a person) sees "standby" at a glance.
  for (const auto& report : reports) {
    if (!report.result.ok && !report.result.reason.empty()) {
      body["reason"] = report.result.reason;
      break;
    }
  }
  return http::Json(ok ? 200 : 503, body);
}

// HEALTHY, or UNHEALTHY when a probe fails; a component's verdict can make it worse.
health::ServiceHealth Overall(const ApiContext& context, bool probes_ok) {
  health::ServiceHealth overall =
      probes_ok ? health::ServiceHealth::kHealthy : health::ServiceHealth::kUnhealthy;
  if (context.components == nullptr) return overall;
  for (const auto& component : context.components->Evaluate()) {
    overall = Worst(overall, component.health);
  }
  return overall;
}

http::Response Details(const ApiContext& context) {
  bool ok = false;
  nlohmann::json probes = ChecksJson(context.probes->Evaluate(), &ok);
  nlohmann::json components = nlohmann::json::array();
  health::ServiceHealth overall =
      ok ? health::ServiceHealth::kHealthy : health::ServiceHealth::kUnhealthy;
  if (context.components != nullptr) {
    for (const auto& component : context.components->Evaluate()) {
      overall = Worst(overall, component.health);
      components.push_back({{"name", component.name},
                            {"status", health::ServiceHealthName(component.health)},
                            {"reason", component.reason}});
    }
  }
  return http::Json(overall == health::ServiceHealth::kUnhealthy ? 503 : 200,
                    {{"status", health::ServiceHealthName(overall)},
                     {"components", std::move(components)},
                     {"checks", std::move(probes)}});
}

}  // namespace

void AddProbeRoutes(http::Router& router, const ApiContext& context) {
  router.Handle("GET", "/health", [context](const http::Request&) {
    bool ok = false;
    nlohmann::json checks = ChecksJson(context.probes->Evaluate(), &ok);
    double uptime =
        std::chrono::duration<double>(context.clock->Now() - context.started_at).count();
    health::ServiceHealth overall = Overall(context, ok);
    int code = overall == health::ServiceHealth::kUnhealthy ? 503 : 200;
    return http::Json(code, {{"status", health::ServiceHealthName(overall)},
                             {"version", context.version},
                             {"started_at", FormatRfc3339(context.started_at)},
                             {"uptime_seconds", uptime},
                             {"checks", checks}});
  });
  router.Handle("GET", "/health/details",
                [context](const http::Request&) { return Details(context); });
  router.Handle("GET", "/health/live", [context](const http::Request&) {
    return ProbeResponse(context.probes->EvaluateLiveness());
  });
  router.Handle("GET", "/health/ready", [context](const http::Request&) {
    return ProbeResponse(context.probes->Evaluate());
  });
  router.Handle("GET", "/metrics", [context](const http::Request&) {
    http::Response response;
    response.content_type = metrics::kTextContentType;
    // Streamed: a million series never sit in memory as one text.
    auto stream = std::make_shared<metrics::ExpositionStream>(context.exposition->Stream());
    response.pieces = [stream](std::string& out) { return stream->Next(out); };
    return response;
  });
}

}  // namespace fleetgate::api
