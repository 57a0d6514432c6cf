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

}  // namespace

void AddProbeRoutes(http::Router& router, const ApiContext& context) {
  router.Handle("GET", "/health", [context](const http::Request&) {
    bool ok = false;
    nlohmann::json checks = ChecksJson(context.probes->Evaluate(), &ok);
    double uptime =
        std::chrono::duration<double>(context.clock->Now() - context.started_at).count();
    return http::Json(ok ? 200 : 503, {{"status", ok ? "ok" : "failing"},
                                       {"version", context.version},
                                       {"started_at", FormatRfc3339(context.started_at)},
                                       {"uptime_seconds", uptime},
                                       {"checks", checks}});
  });
  router.Handle("GET", "/health/live", [context](const http::Request&) {
    return ProbeResponse(context.probes->EvaluateLiveness());
  });
  router.Handle("GET", "/health/ready", [context](const http::Request&) {
    return ProbeResponse(context.probes->Evaluate());
  });
  router.Handle("GET", "/metrics", [context](const http::Request&) {
    http::Response response;
    response.content_type = metrics::kTextContentType;
    response.body = context.exposition->Render();
    return response;
  });
}

}  // namespace fleetgate::api
