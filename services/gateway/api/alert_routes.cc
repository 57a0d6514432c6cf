// The alerting API: rule CRUD, the Prometheus rule-file export, active alerts in Prometheus'
// envelope, and the alert history from SQLite.
#include <charconv>

#include "alerts/promql.h"
#include "api/json_views.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "core/time_format.h"

namespace fleetgate::api {
namespace {

using nlohmann::json;

constexpr char kYamlContentType[] = "application/yaml; charset=utf-8";

// Prometheus' API writes sample values with Go's FormatFloat(v, 'e', -1, 64): "1e+02".
std::string PrometheusValue(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  return std::string(buffer, result.ptr);
}

// A rule as the API shows it: Prometheus' rules-API fields (name, query, state, health,
// lastError, lastEvaluation, evaluationTime) around the definition in `rule`, which POST and PUT
// accept back as it is.
json RuleJson(const alerts::RuleEntry& entry, const std::optional<alerts::RuleStatus>& status) {
  alerts::RuleStatus s = status.value_or(alerts::RuleStatus{});
  json out = {
      {"name", entry.rule.name},
      {"rule", alerts::RuleToJson(entry.rule)},
      {"source", entry.source == alerts::RuleSource::kFile ? "file" : "api"},
      {"query", alerts::ToPromQL(entry.rule)},
      {"createdAt", FormatRfc3339(entry.created)},
      {"updatedAt", FormatRfc3339(entry.updated)},
      {"state", alerts::ToString(s.state)},
      {"health", s.health},
      {"lastError", s.last_error},
      {"lastEvaluation", s.last_evaluation ? json(FormatRfc3339(*s.last_evaluation)) : json()},
      {"evaluationTime", s.evaluation_seconds}};
  if (!entry.file.empty()) out["file"] = entry.file;
  return out;
}

Error InvalidRule(std::string field, std::string reason) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(field),
                   alerts::kInvalidRule);
}

// The rule in a request body; for PUT the name may be left out and is taken from the path.
Result<alerts::Rule> RuleFromBody(const http::Request& request, const std::string* path_name) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return MakeError(ErrorCode::kInvalidArgument, "the body is not JSON", {}, "invalid_json");
  }
  if (path_name != nullptr && body.is_object()) {
    if (!body.contains("name")) body["name"] = *path_name;
    if (body["name"] != *path_name) {
      return InvalidRule("name", "must match the rule name in the path (" + *path_name + ")");
    }
  }
  return alerts::ParseRule(body);
}

http::Response Changed(const ApiContext& context, const Result<alerts::RuleEntry>& change,
                       int status) {
  if (!change.ok()) return http::ErrorResponse(change.error());
  const alerts::RuleEntry& entry = change.value();
  return http::Json(status, RuleJson(entry, context.evaluator->Status(entry.rule.name)));
}

http::Response ListRules(const ApiContext& context) {
  json rules = json::array();
  for (const auto& entry : context.rules->List()) {
    rules.push_back(RuleJson(entry, context.evaluator->Status(entry.rule.name)));
  }
  return http::Json(200, {{"rules", std::move(rules)}});
}

http::Response GetRule(const ApiContext& context, const http::Request& request) {
  const std::string& name = request.path_params.at("name");
  auto entry = context.rules->Find(name);
  if (!entry) {
    return http::ErrorResponse(
        MakeError(ErrorCode::kNotFound, "no rule named " + name, {}, alerts::kRuleNotFound));
  }
  return http::Json(200, RuleJson(*entry, context.evaluator->Status(name)));
}

http::Response CreateRule(const ApiContext& context, const http::Request& request) {
  Result<alerts::Rule> rule = RuleFromBody(request, nullptr);
  if (!rule.ok()) return http::ErrorResponse(rule.error());
  return Changed(context, context.rules->Create(rule.value()), 201);
}

http::Response ReplaceRule(const ApiContext& context, const http::Request& request) {
  const std::string& name = request.path_params.at("name");
  // An unknown or provisioned rule is refused whatever the body says.
  if (Status writable = context.rules->CheckWritable(name); !writable.ok()) {
    return http::ErrorResponse(writable.error());
  }
  Result<alerts::Rule> rule = RuleFromBody(request, &name);
  if (!rule.ok()) return http::ErrorResponse(rule.error());
  return Changed(context, context.rules->Replace(rule.value()), 200);
}

http::Response DeleteRule(const ApiContext& context, const http::Request& request) {
  Result<alerts::RuleEntry> deleted = context.rules->Delete(request.path_params.at("name"));
  if (!deleted.ok()) return http::ErrorResponse(deleted.error());
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

http::Response ExportRules(const ApiContext& context) {
  std::vector<alerts::Rule> rules;
  for (auto& entry : context.rules->List()) rules.push_back(std::move(entry.rule));
  http::Response response;
  response.content_type = kYamlContentType;
  response.body = alerts::ExportRuleFile(rules);
  return response;
}

http::Response ActiveAlerts(const ApiContext& context) {
  json alerts = json::array();
  for (const alerts::AlertView& alert : context.evaluator->Alerts()) {
    alerts.push_back({{"labels", alert.labels},
                      {"annotations", alert.annotations},
                      {"state", alerts::ToString(alert.state)},
                      {"activeAt", FormatRfc3339(alert.active_at)},
                      {"value", PrometheusValue(alert.value)}});
  }
  return http::Json(200, {{"status", "success"}, {"data", {{"alerts", std::move(alerts)}}}});
}

json AlertTransitionJson(const storage::AlertTransition& t) {
  json labels = json::parse(t.labels_json, nullptr, false);
  return {{"rule", t.rule},
          {"labels", labels.is_discarded() ? json::object() : labels},
          {"from", t.from},
          {"to", t.to},
          {"value", t.value ? json(*t.value) : json()},
          {"time", FormatRfc3339(t.time)}};
}

http::Response AlertHistory(const ApiContext& context, const http::Request& request) {
  auto params = PageParam(request, context.clock->Now(), storage::kMaxQueryLimit);
  if (!params.ok()) return http::ErrorResponse(params.error());
  const PageParams& page_params = params.value();
  storage::AlertHistoryQuery query;
  query.rule = request.Query("rule");
  if (query.rule && query.rule->empty()) query.rule.reset();
  ApplyPage(page_params, query);
  auto page = context.history->QueryAlertHistory(query);
  if (!page.ok()) return http::ErrorResponse(page.error());
  json transitions = json::array();
  for (const auto& t : page.value().transitions) transitions.push_back(AlertTransitionJson(t));
  return PageJson(std::move(transitions), page.value().next_cursor);
}

}  // namespace

void AddAlertRoutes(http::Router& router, const ApiContext& context) {
  router.Handle("GET", "/api/v1/rules",
                [context](const http::Request&) { return ListRules(context); });
  router.Handle("POST", "/api/v1/rules",
                [context](const http::Request& request) { return CreateRule(context, request); });
  router.Handle("GET", "/api/v1/rules/export",
                [context](const http::Request&) { return ExportRules(context); });
  router.Handle("GET", "/api/v1/rules/{name}",
                [context](const http::Request& request) { return GetRule(context, request); });
  router.Handle("PUT", "/api/v1/rules/{name}",
                [context](const http::Request& request) { return ReplaceRule(context, request); });
  router.Handle("DELETE", "/api/v1/rules/{name}",
                [context](const http::Request& request) { return DeleteRule(context, request); });
  router.Handle("GET", "/api/v1/alerts",
                [context](const http::Request&) { return ActiveAlerts(context); });
  router.Handle("GET", "/api/v1/alerts/history",
                [context](const http::Request& request) { return AlertHistory(context, request); });
}

}  // namespace fleetgate::api
