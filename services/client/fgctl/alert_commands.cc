// fgctl alerts [history]

#include "client/fgctl/commands.h"
#include "client/fgctl/history_pages.h"
#include "client/fgctl/table.h"

namespace fleetgate::fgctl {
namespace {

// "a=b,c=d" from a JSON object of strings.
std::string Pairs(const nlohmann::json& object) {
  std::string text;
  if (!object.is_object()) return "-";
  for (const auto& [key, value] : object.items()) {
    text += (text.empty() ? "" : ",") + key + "=" + Cell(value);
  }
  return text.empty() ? "-" : text;
}

Error ListAlerts(const Globals& globals, std::ostream& out) {
  JsonResult result = globals.rest().Call("GET", "/api/v1/alerts", "GET /api/v1/alerts");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  nlohmann::json alerts =
      result.body.value("data", nlohmann::json::object()).value("alerts", nlohmann::json::array());
  Table table({"ALERT", "STATE", "ACTIVE_SINCE", "VALUE", "LABELS"});
  for (const auto& alert : alerts) {
    nlohmann::json labels = alert.value("labels", nlohmann::json::object());
    std::string name = labels.value("alertname", "-");
    labels.erase("alertname");
    table.Add({name, Cell(alert.value("state", nlohmann::json())),
               Cell(alert.value("activeAt", nlohmann::json())),
               SampleValue(alert.value("value", nlohmann::json())), Pairs(labels)});
  }
  if (table.size() == 0)
    out << "no active alerts\n";
  else
    table.Print(out);
  return std::nullopt;
}

struct AlertHistoryFlags {
  std::string rule;
  std::string since = "24h";
  PageFlags page;
};

Error ShowAlertHistory(const Globals& globals, const AlertHistoryFlags& flags, std::ostream& out) {
  auto from = FromParameter(flags.since);
  if (!from) return SinceError(flags.since);
  std::string path = "/api/v1/alerts/history?" + *from;
  if (!flags.rule.empty()) path += "&rule=" + UrlEncode(flags.rule);
  JsonResult result = FetchHistory(globals.rest(), path, "GET /api/v1/alerts/history", flags.page);
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  Table table({"TIME", "RULE", "FROM", "TO", "VALUE", "LABELS"});
  for (const auto& t : result.body.value("transitions", nlohmann::json::array())) {
    nlohmann::json labels = t.value("labels", nlohmann::json::object());
    if (labels.is_object()) labels.erase("alertname");
    table.Add({Cell(t["time"]), Cell(t["rule"]), Cell(t["from"]), Cell(t["to"]),
               Cell(t.value("value", nlohmann::json())), Pairs(labels)});
  }
  if (table.size() == 0)
    out << "no alert changes since " << flags.since << " ago\n";
  else
    table.Print(out);
  PrintMore(result.body, out);
  return std::nullopt;
}

}  // namespace

void AddAlertCommands(CLI::App& app, const Globals& globals, Action& action) {
  CLI::App* alerts = app.add_subcommand("alerts", "active alerts; alerts history: their changes");
  auto history = std::make_shared<AlertHistoryFlags>();
  CLI::App* history_cmd =
      alerts->add_subcommand("history", "alert state changes (pending, firing, resolved)");
  history_cmd->add_option("--rule", history->rule, "only this rule");
  history_cmd->add_option("--since", history->since, "how far back (default 24h)");
  AddPageFlags(*history_cmd, history->page);
  history_cmd->callback([&, history] {
    action = [&, history](std::ostream& out) { return ShowAlertHistory(globals, *history, out); };
  });
  // Runs after a nested command's callback: `alerts history` keeps its own action.
  alerts->callback([&, history_cmd] {
    if (history_cmd->parsed()) return;
    action = [&](std::ostream& out) { return ListAlerts(globals, out); };
  });
}

}  // namespace fleetgate::fgctl
