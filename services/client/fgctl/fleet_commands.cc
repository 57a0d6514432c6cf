// fgctl services | service NAME | history SERVICE | availability SERVICE

#include <cmath>
#include <map>

#include "client/fgctl/commands.h"
#include "client/fgctl/format.h"
#include "client/fgctl/history_pages.h"
#include "client/fgctl/table.h"
#include "core/duration.h"

namespace fleetgate::fgctl {
namespace {

const char* const kStatuses[] = {"SERVING", "DEGRADED", "NOT_SERVING",
                                 "STALE",   "UNKNOWN",  "MAINTENANCE"};

// History and availability answer 200 with nothing for a service the gateway does not know;
// answered like `fgctl service` does: the gateway's 404 as the error.
Error UnlessKnown(const Globals& globals, const std::string& service) {
  JsonResult known = globals.rest().Call("GET", "/api/v1/services/" + UrlEncode(service),
                                         "GET /api/v1/services/{service}");
  if (known.ok()) return std::nullopt;
  return known.error;
}

// The gateway's own health (GET /health) and the fleet in one line each.
Error ShowStatus(const Globals& globals, std::ostream& out) {
  JsonResult health = globals.rest().Call("GET", "/health", "GET /health");
  if (!health.ok()) return health.error;
  JsonResult fleet = globals.rest().Call("GET", "/api/v1/services", "GET /api/v1/services");
  if (!fleet.ok()) return fleet.error;
  if (globals.json) return PrintJson(out, {{"health", health.body}, {"fleet", fleet.body}});
  const nlohmann::json services = fleet.body.value("services", nlohmann::json::array());
  size_t instances = 0;
  std::map<std::string, size_t> by_status;
  for (const auto& service : services) {
    const nlohmann::json& count = service["instances"];
    if (count.is_number()) instances += count.get<size_t>();
    const nlohmann::json& counts = service["counts"];
    if (!counts.is_object()) continue;
    for (const auto& [status, n] : counts.items()) {
      if (n.is_number()) by_status[status] += n.get<size_t>();
    }
  }
  const nlohmann::json& uptime = health.body["uptime_seconds"];
  out << "fleetgate " << Cell(health.body["version"]) << ": " << Cell(health.body["status"])
      << ", up " << (uptime.is_number() ? FormatNumber(std::floor(uptime.get<double>())) : "-")
      << "s\n";
  out << "fleet: " << CountOf(services.size(), "service") << ", " << CountOf(instances, "instance");
  for (const char* status : kStatuses) {
    if (by_status[status] > 0) out << ", " << by_status[status] << " " << status;
  }
  out << "\n";
  return std::nullopt;
}

Error ListServices(const Globals& globals, std::ostream& out) {
  JsonResult result = globals.rest().Call("GET", "/api/v1/services", "GET /api/v1/services");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  Table table({"SERVICE", "INSTANCES", "WORST", "SERVING", "DEGRADED", "NOT_SERVING", "STALE",
               "UNKNOWN", "MAINTENANCE"});
  for (const auto& service : result.body.value("services", nlohmann::json::array())) {
    std::vector<std::string> row{Cell(service["service"]), Cell(service["instances"]),
                                 Cell(service["worst_status"])};
    for (const char* status : kStatuses) row.push_back(Cell(service["counts"].value(status, 0)));
    table.Add(std::move(row));
  }
  table.Print(out);
  return std::nullopt;
}

Error ShowService(const Globals& globals, const std::string& name, std::ostream& out) {
  JsonResult result = globals.rest().Call("GET", "/api/v1/services/" + UrlEncode(name),
                                          "GET /api/v1/services/{service}");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  out << "service " << Cell(result.body["service"]) << ": "
      << CountOf(result.body["instances"].size(), "instance") << ", worst "
      << Cell(result.body["worst_status"]) << "\n";
  Table table({"INSTANCE", "STATUS", "VERSION", "LAST_SEEN", "FLAPS_24H", "DETAIL"});
  for (const auto& instance : result.body["instances"]) {
    table.Add({Cell(instance["instance"]), Cell(instance["status"]), Cell(instance["version"]),
               Cell(instance["last_seen"]), Cell(instance.value("flaps_24h", nlohmann::json())),
               Cell(instance["detail"])});
  }
  table.Print(out);
  return std::nullopt;
}

struct HistoryFlags {
  std::string service;
  std::string instance;
  std::string since = "1h";
  PageFlags page;
};

Error ShowHistory(const Globals& globals, const HistoryFlags& flags, std::ostream& out) {
  auto from = FromParameter(flags.since);
  if (!from) return SinceError(flags.since);
  std::string path = "/api/v1/services/" + UrlEncode(flags.service) + "/history?" + *from;
  if (!flags.instance.empty()) path += "&instance=" + UrlEncode(flags.instance);
  JsonResult result =
      FetchHistory(globals.rest(), path, "GET /api/v1/services/{service}/history", flags.page);
  if (!result.ok()) return result.error;
  if (result.body.value("transitions", nlohmann::json::array()).empty()) {
    if (Error unknown = UnlessKnown(globals, flags.service)) return unknown;
  }
  if (globals.json) return PrintJson(out, result.body);
  Table table({"TIME", "INSTANCE", "FROM", "TO", "DETAIL"});
  for (const auto& t : result.body.value("transitions", nlohmann::json::array())) {
    table.Add(
        {Cell(t["time"]), Cell(t["instance"]), Cell(t["from"]), Cell(t["to"]), Cell(t["detail"])});
  }
  if (table.size() == 0)
    out << "no transitions since " << flags.since << " ago\n";
  else
    table.Print(out);
  PrintMore(result.body, out);
  return std::nullopt;
}

Error ShowAvailability(const Globals& globals, const std::string& service,
                       const std::string& window, std::ostream& out) {
  if (!ParseDuration(window)) return "--window: not a duration: \"" + window + "\"";
  JsonResult result = globals.rest().Call(
      "GET", "/api/v1/services/" + UrlEncode(service) + "/availability?window=" + UrlEncode(window),
      "GET /api/v1/services/{service}/availability");
  if (!result.ok()) return result.error;
  if (result.body.value("instances", nlohmann::json::array()).empty()) {
    if (Error unknown = UnlessKnown(globals, service)) return unknown;
  }
  if (globals.json) return PrintJson(out, result.body);
  out << "service " << service << " over " << Cell(result.body.value("window", window))
      << ": SERVING " << Percent(result.body["serving_share"]) << "\n";
  Table table({"INSTANCE", "SERVING", "TRANSITIONS"});
  for (const auto& instance : result.body.value("instances", nlohmann::json::array())) {
    table.Add({Cell(instance["instance"]), Percent(instance["serving_share"]),
               Cell(instance["transitions"])});
  }
  table.Print(out);
  return std::nullopt;
}

}  // namespace

void AddFleetCommands(CLI::App& app, const Globals& globals, Action& action) {
  app.add_subcommand("status", "the gateway's health and the fleet in two lines")->callback([&] {
    action = [&](std::ostream& out) { return ShowStatus(globals, out); };
  });
  app.add_subcommand("services", "every service: instance counts by status")->callback([&] {
    action = [&](std::ostream& out) { return ListServices(globals, out); };
  });

  auto name = std::make_shared<std::string>();
  CLI::App* service = app.add_subcommand("service", "one service and its instances");
  service->add_option("NAME", *name, "service name")->required();
  service->callback([&, name] {
    action = [&, name](std::ostream& out) { return ShowService(globals, *name, out); };
  });

  auto history = std::make_shared<HistoryFlags>();
  CLI::App* history_cmd = app.add_subcommand("history", "health transitions, newest first");
  history_cmd->add_option("SERVICE", history->service, "service name")->required();
  history_cmd->add_option("--instance", history->instance, "only this instance");
  history_cmd->add_option("--since", history->since, "how far back (default 1h)");
  AddPageFlags(*history_cmd, history->page);
  history_cmd->callback([&, history] {
    action = [&, history](std::ostream& out) { return ShowHistory(globals, *history, out); };
  });

  auto availability = std::make_shared<std::pair<std::string, std::string>>("", "24h");
  CLI::App* availability_cmd =
      app.add_subcommand("availability", "share of time SERVING per instance");
  availability_cmd->add_option("SERVICE", availability->first, "service name")->required();
  availability_cmd->add_option("--window", availability->second, "e.g. 24h, 7d (default 24h)");
  availability_cmd->callback([&, availability] {
    action = [&, availability](std::ostream& out) {
      return ShowAvailability(globals, availability->first, availability->second, out);
    };
  });
}

}  // namespace fleetgate::fgctl
