// fgctl rules list|get|apply|delete, fgctl alerts

#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include "client/fgctl/commands.h"
#include "client/fgctl/table.h"

namespace fleetgate::fgctl {
namespace {

constexpr char kRulesRoute[] = "/api/v1/rules";

// "a=b,c=d" from a JSON object of strings.
std::string Pairs(const nlohmann::json& object) {
  std::string text;
  if (!object.is_object()) return "-";
  for (const auto& [key, value] : object.items()) {
    text += (text.empty() ? "" : ",") + key + "=" + Cell(value);
  }
  return text.empty() ? "-" : text;
}

Error ListRules(const Globals& globals, std::ostream& out) {
  JsonResult result = globals.rest().Call("GET", kRulesRoute, "GET /api/v1/rules");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  const nlohmann::json& rules =
      result.body.is_array() ? result.body : result.body.value("rules", nlohmann::json::array());
  Table table({"NAME", "STATE", "HEALTH", "FOR", "QUERY", "SUMMARY"});
  for (const auto& rule : rules) {
    const nlohmann::json definition = rule.value("rule", nlohmann::json::object());
    table.Add({Cell(rule.value("name", nlohmann::json())),
               Cell(rule.value("state", nlohmann::json())),
               Cell(rule.value("health", nlohmann::json())),
               Cell(definition.value("for", nlohmann::json())),
               Cell(rule.value("query", nlohmann::json())),
               Cell(definition.value("annotations", nlohmann::json::object())
                        .value("summary", nlohmann::json()))});
  }
  table.Print(out);
  return std::nullopt;
}

Error GetRule(const Globals& globals, const std::string& name, std::ostream& out) {
  JsonResult result = globals.rest().Call("GET", std::string(kRulesRoute) + "/" + UrlEncode(name),
                                          "GET /api/v1/rules/{name}");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, result.body);
  out << result.body.dump(2) << "\n";
  return std::nullopt;
}

// The rules in a file: one rule object, an array of them, or {"rules": [...]}. A rule as
// `fgctl --json rules get|list` prints it (the definition under "rule") is taken too.
std::variant<nlohmann::json, std::string> ReadRules(const std::string& file) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) return "cannot read " + file;
    text << in.rdbuf();
  }
  nlohmann::json parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (parsed.is_discarded()) return file + ": not valid JSON";
  if (parsed.is_object() && parsed.contains("rules")) parsed = parsed["rules"];
  if (parsed.is_object()) parsed = nlohmann::json::array({parsed});
  if (!parsed.is_array()) return file + ": expected a rule object or an array of rules";
  for (auto& rule : parsed) {
    if (rule.is_object() && rule.value("rule", nlohmann::json()).is_object()) {
      nlohmann::json definition = rule["rule"];
      rule = std::move(definition);
    }
    if (!rule.is_object() || !rule.value("name", nlohmann::json()).is_string()) {
      return file + ": every rule needs a string \"name\"";
    }
  }
  return parsed;
}

Error ApplyRules(const Globals& globals, const std::string& file, std::ostream& out) {
  auto rules = ReadRules(file);
  if (auto* error = std::get_if<std::string>(&rules)) return *error;
  nlohmann::json applied = nlohmann::json::array();
  for (const auto& rule : std::get<nlohmann::json>(rules)) {
    std::string name = rule["name"];
    // Replace the rule, or create it when the gateway does not know it yet.
    JsonResult result = globals.rest().Call("PUT", std::string(kRulesRoute) + "/" + UrlEncode(name),
                                            "PUT /api/v1/rules/{name}", rule.dump());
    if (result.error_code == "rule_not_found") {
      result = globals.rest().Call("POST", kRulesRoute, "POST /api/v1/rules", rule.dump());
    }
    if (!result.ok()) return "rule " + name + ": " + result.error;
    applied.push_back(result.body.is_null() ? rule : result.body);
    if (!globals.json) out << "rule " << name << " applied\n";
  }
  if (globals.json) return PrintJson(out, {{"applied", applied}});
  return std::nullopt;
}

Error DeleteRule(const Globals& globals, const std::string& name, std::ostream& out) {
  JsonResult result = globals.rest().Call(
      "DELETE", std::string(kRulesRoute) + "/" + UrlEncode(name), "DELETE /api/v1/rules/{name}");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, {{"deleted", name}});
  out << "rule " << name << " deleted\n";
  return std::nullopt;
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
               Cell(alert.value("value", nlohmann::json())), Pairs(labels)});
  }
  if (table.size() == 0)
    out << "no active alerts\n";
  else
    table.Print(out);
  return std::nullopt;
}

}  // namespace

void AddRuleCommands(CLI::App& app, const Globals& globals, Action& action) {
  CLI::App* rules = app.add_subcommand("rules", "alert rules")->require_subcommand(1);
  rules->add_subcommand("list", "every rule")->callback([&] {
    action = [&](std::ostream& out) { return ListRules(globals, out); };
  });
  auto name = std::make_shared<std::string>();
  CLI::App* get = rules->add_subcommand("get", "one rule as JSON");
  get->add_option("NAME", *name, "rule name")->required();
  get->callback([&, name] {
    action = [&, name](std::ostream& out) { return GetRule(globals, *name, out); };
  });
  auto file = std::make_shared<std::string>();
  CLI::App* apply = rules->add_subcommand("apply", "create or replace rules from a JSON file");
  apply
      ->add_option("-f,--file", *file, "a rule, an array of rules or {\"rules\": […]}; - for stdin")
      ->required();
  apply->callback([&, file] {
    action = [&, file](std::ostream& out) { return ApplyRules(globals, *file, out); };
  });
  CLI::App* remove = rules->add_subcommand("delete", "delete a rule");
  remove->add_option("NAME", *name, "rule name")->required();
  remove->callback([&, name] {
    action = [&, name](std::ostream& out) { return DeleteRule(globals, *name, out); };
  });

  app.add_subcommand("alerts", "active alerts")->callback([&] {
    action = [&](std::ostream& out) { return ListAlerts(globals, out); };
  });
}

}  // namespace fleetgate::fgctl
