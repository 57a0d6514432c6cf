// fgctl report counter|gauge|observe|health: one event in one unary Report call.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <vector>

#include "client/channel_credentials.h"
#include "client/fgctl/commands.h"
#include "fleetgate/v1/reporter.grpc.pb.h"

namespace fleetgate::fgctl {
namespace {

struct ReportFlags {
  std::string service;
  std::string instance;
  std::string version;
  std::vector<std::string> labels;  // k=v
  std::string name;
  double value = 1;
  std::string status;
  std::string detail;
  uint32_t ttl_seconds = 0;
  std::vector<std::string> checks;  // name=STATUS[:detail]
};

std::string Hostname() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "fgctl";
}

std::optional<v1::HealthStatus> ParseHealth(const std::string& text) {
  static const std::map<std::string, v1::HealthStatus> kNames{
      {"SERVING", v1::HEALTH_STATUS_SERVING},
      {"DEGRADED", v1::HEALTH_STATUS_DEGRADED},
      {"NOT_SERVING", v1::HEALTH_STATUS_NOT_SERVING}};
  std::string upper;
  for (char c : text) upper += static_cast<char>(toupper(static_cast<unsigned char>(c)));
  auto it = kNames.find(upper);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

Error AddLabels(const std::vector<std::string>& pairs,
                google::protobuf::Map<std::string, std::string>* labels) {
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0)
      return "--label: expected NAME=VALUE, got \"" + pair + "\"";
    (*labels)[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return std::nullopt;
}

Error FillHealth(const ReportFlags& flags, v1::HealthEvent* health) {
  auto status = ParseHealth(flags.status);
  if (!status) return "unknown status \"" + flags.status + "\": SERVING, DEGRADED or NOT_SERVING";
  health->set_status(*status);
  health->set_detail(flags.detail);
  health->set_ttl_seconds(flags.ttl_seconds);
  for (const std::string& check : flags.checks) {
    size_t eq = check.find('=');
    size_t colon = check.find(':', eq == std::string::npos ? 0 : eq);
    auto check_status =
        eq == std::string::npos ? std::nullopt : ParseHealth(check.substr(eq + 1, colon - eq - 1));
    if (!check_status) return "--check: expected NAME=STATUS[:DETAIL], got \"" + check + "\"";
    v1::Check* out = health->add_checks();
    out->set_name(check.substr(0, eq));
    out->set_status(*check_status);
    if (colon != std::string::npos) out->set_detail(check.substr(colon + 1));
  }
  return std::nullopt;
}

// Builds the event of `kind` ("counter", "gauge", "observe", "health") from the flags.
Error FillEvent(const std::string& kind, const ReportFlags& flags, v1::Event* event) {
  if (kind == "health") return FillHealth(flags, event->mutable_health());
  google::protobuf::Map<std::string, std::string>* labels = nullptr;
  if (kind == "counter") {
    event->mutable_counter()->set_name(flags.name);
    event->mutable_counter()->set_delta(flags.value);
    labels = event->mutable_counter()->mutable_labels();
  } else if (kind == "gauge") {
    event->mutable_gauge()->set_name(flags.name);
    event->mutable_gauge()->set_value(flags.value);
    labels = event->mutable_gauge()->mutable_labels();
  } else {
    event->mutable_observation()->set_name(flags.name);
    event->mutable_observation()->set_value(flags.value);
    labels = event->mutable_observation()->mutable_labels();
  }
  return AddLabels(flags.labels, labels);
}

nlohmann::json ResponseJson(const v1::ReportResponse& response) {
  nlohmann::json rejections = nlohmann::json::array();
  for (const auto& r : response.rejections()) {
    rejections.push_back({{"index", r.index()}, {"reason", r.reason()}, {"message", r.message()}});
  }
  return {{"batch_id", response.batch_id()},
          {"accepted", response.accepted()},
          {"rejected", response.rejected()},
          {"rejections", rejections}};
}

Error Report(const Globals& globals, const std::string& kind, const ReportFlags& flags,
             std::ostream& out) {
  v1::ReportRequest request;
  request.set_batch_id(1);
  request.mutable_source()->set_service(flags.service);
  request.mutable_source()->set_instance(flags.instance.empty() ? Hostname() : flags.instance);
  request.mutable_source()->set_version(flags.version);
  if (Error error = FillEvent(kind, flags, request.add_events())) return error;

  const ChannelSecurity security{globals.tls, globals.ca_file, globals.cert_file, globals.key_file};
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  try {
    credentials = MakeChannelCredentials(security);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  auto stub = v1::Reporter::NewStub(grpc::CreateChannel(globals.grpc_server, credentials));
  grpc::ClientContext context;
  if (!globals.token.empty()) context.AddMetadata("authorization", "Bearer " + globals.token);
  context.set_deadline(std::chrono::system_clock::now() + globals.timeout());
  v1::ReportResponse response;
  grpc::Status status = stub->Report(&context, request, &response);
  if (!status.ok()) {
    std::string message = status.error_message();
    message = message.substr(0, message.find('\n'));
    const std::string hint = status.error_code() == grpc::StatusCode::UNAVAILABLE
                                 ? TlsFailureHint(security)
                                 : std::string();
    if (!hint.empty()) message += " (" + hint + ")";
    return "cannot report to fleetgate at " + globals.grpc_server + ": " + message;
  }
  if (globals.json) PrintJson(out, ResponseJson(response));
  if (response.rejected() > 0) {
    const v1::Rejection& r = response.rejections(0);
    return "rejected: " + r.reason() + ": " + r.message();
  }
  if (!globals.json)
    out << "accepted " << kind << " event from " << flags.service << "/"
        << request.source().instance() << "\n";
  return std::nullopt;
}

CLI::App* AddKind(CLI::App& report, const std::string& kind, const std::string& help,
                  const Globals& globals, const std::shared_ptr<ReportFlags>& flags,
                  Action& action) {
  CLI::App* command = report.add_subcommand(kind, help);
  command->callback([&globals, &action, kind, flags] {
    action = [&globals, kind, flags](std::ostream& out) {
      return Report(globals, kind, *flags, out);
    };
  });
  return command;
}

}  // namespace

void AddReportCommands(CLI::App& app, const Globals& globals, Action& action) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* report =
      app.add_subcommand("report", "report one event over gRPC")->require_subcommand(1);
  report->add_option("--service", flags->service, "reporting service")
      ->envname("FLEETGATE_SERVICE")
      ->required();
  report->add_option("--instance", flags->instance, "reporting instance (default: hostname)")
      ->envname("FLEETGATE_INSTANCE");
  report->add_option("--version", flags->version, "the instance's version");

  for (auto [kind, help] : {std::pair{"counter", "add DELTA (default 1) to a counter (_total)"},
                            std::pair{"gauge", "set a gauge to VALUE"},
                            std::pair{"observe", "one histogram observation of VALUE"}}) {
    CLI::App* command = AddKind(*report, kind, help, globals, flags, action);
    command->add_option("NAME", flags->name, "metric name")->required();
    command->add_option("VALUE", flags->value, "delta or value")
        ->required(std::string(kind) != "counter");
    command->add_option("-l,--label", flags->labels, "NAME=VALUE label; repeatable");
  }
  CLI::App* health =
      AddKind(*report, "health", "report health (also a heartbeat)", globals, flags, action);
  health->add_option("STATUS", flags->status, "SERVING, DEGRADED or NOT_SERVING")->required();
  health->add_option("--detail", flags->detail, "human detail");
  health->add_option("--ttl", flags->ttl_seconds, "seconds this report holds (gateway default: 0)");
  health->add_option("--check", flags->checks, "NAME=STATUS[:DETAIL] sub-check; repeatable");
}

}  // namespace fleetgate::fgctl
