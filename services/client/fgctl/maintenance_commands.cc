// fgctl maintenance set SERVICE INSTANCE --for 30m|--until TIME [--reason TEXT]
// fgctl maintenance clear SERVICE INSTANCE
// fgctl deregister SERVICE INSTANCE

#include "client/fgctl/commands.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace fleetgate::fgctl {
namespace {

struct MaintenanceFlags {
  std::string service;
  std::string instance;
  std::string duration;  // --for
  std::string until;     // --until (RFC 3339)
  std::string reason;
};

std::string PathOf(const MaintenanceFlags& flags) {
  return "/api/v1/services/" + UrlEncode(flags.service) + "/instances/" +
         UrlEncode(flags.instance) + "/maintenance";
}

const char kRoute[] = "/api/v1/services/{service}/instances/{instance}/maintenance";

Error Set(const Globals& globals, const MaintenanceFlags& flags, std::ostream& out) {
  std::string until = flags.until;
  if (until.empty() == flags.duration.empty()) return "give exactly one of --for and --until";
  if (!flags.duration.empty()) {
    auto duration = ParseDuration(flags.duration);
    if (!duration) return "--for: not a duration: \"" + flags.duration + "\" (e.g. 30m, 2h)";
    until = FormatRfc3339(SystemClock().Now() + *duration);
  }
  nlohmann::json body = {{"until", until}, {"reason", flags.reason}};
  JsonResult result =
      globals.rest().Call("PUT", PathOf(flags), std::string("PUT ") + kRoute, body.dump());
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  out << flags.service << "/" << flags.instance << " in maintenance until "
      << Cell(result.body["maintenance"]["until"]) << "\n";
  return std::nullopt;
}

Error Clear(const Globals& globals, const MaintenanceFlags& flags, std::ostream& out) {
  JsonResult result = globals.rest().Call("DELETE", PathOf(flags), std::string("DELETE ") + kRoute);
  if (!result.ok()) return result.error;
  out << flags.service << "/" << flags.instance << ": maintenance ended\n";
  return std::nullopt;
}

Error Deregister(const Globals& globals, const MaintenanceFlags& flags, std::ostream& out) {
  const std::string path =
      "/api/v1/services/" + UrlEncode(flags.service) + "/instances/" + UrlEncode(flags.instance);
  JsonResult result =
      globals.rest().Call("DELETE", path, "DELETE /api/v1/services/{service}/instances/{instance}");
  if (!result.ok()) return result.error;
  out << flags.service << "/" << flags.instance << ": deregistered\n";
  return std::nullopt;
}

}  // namespace

void AddMaintenanceCommands(CLI::App& app, const Globals& globals, Action& action) {
  CLI::App* group = app.add_subcommand("maintenance", "take an instance out of health alerting");
  group->require_subcommand(1);
  auto flags = std::make_shared<MaintenanceFlags>();
  CLI::App* set = group->add_subcommand("set", "start (or move) a maintenance window");
  CLI::App* clear = group->add_subcommand("clear", "end a maintenance window now");
  for (CLI::App* command : {set, clear}) {
    command->add_option("SERVICE", flags->service, "service name")->required();
    command->add_option("INSTANCE", flags->instance, "instance name")->required();
  }
  set->add_option("--for", flags->duration, "how long, e.g. 30m or 2h");
  set->add_option("--until", flags->until, "end time, RFC 3339");
  set->add_option("--reason", flags->reason, "why (shown on the page and in history)");
  set->callback(
      [&, flags] { action = [&, flags](std::ostream& out) { return Set(globals, *flags, out); }; });
  clear->callback([&, flags] {
    action = [&, flags](std::ostream& out) { return Clear(globals, *flags, out); };
  });

  CLI::App* deregister =
      app.add_subcommand("deregister", "remove an instance from the registry (admin)");
  deregister->add_option("SERVICE", flags->service, "service name")->required();
  deregister->add_option("INSTANCE", flags->instance, "instance name")->required();
  deregister->callback([&, flags] {
    action = [&, flags](std::ostream& out) { return Deregister(globals, *flags, out); };
  });
}

}  // namespace fleetgate::fgctl
