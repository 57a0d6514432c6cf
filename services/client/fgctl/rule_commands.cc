// fgctl rules list|get|apply|delete

#include <iostream>
#include <utility>

#include "client/fgctl/commands.h"
#include "client/fgctl/rule_file.h"
#include "client/fgctl/table.h"

namespace fleetgate::fgctl {
namespace {

constexpr char kRulesRoute[] = "/api/v1/rules";

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

// A refusal about the rule itself (invalid, read-only, a limit): the next rule may still apply.
// Anything else (unreachable, no credential, a server error) ends the apply.
bool RefusesTheRule(const JsonResult& result) {
  return result.status == 400 || result.status == 409 || result.status == 413 ||
         result.status == 429;
}

// Replaces the rule, or creates it when the gateway does not know it yet.
std::pair<JsonResult, std::string> ApplyRule(const RestClient& rest, const nlohmann::json& rule) {
  const std::string name = rule["name"];
  JsonResult result = rest.Call("PUT", std::string(kRulesRoute) + "/" + UrlEncode(name),
                                "PUT /api/v1/rules/{name}", rule.dump());
  if (result.error_code != "rule_not_found") return {std::move(result), "replaced"};
  return {rest.Call("POST", kRulesRoute, "POST /api/v1/rules", rule.dump()), "created"};
}

Error ApplyRules(const Globals& globals, const std::string& file, std::ostream& out) {
  RuleList rules = ReadRuleFile(file, std::cin);
  if (!rules.ok()) return rules.error;
  const RestClient rest = globals.rest();
  nlohmann::json results = nlohmann::json::array();
  std::string first_refusal;
  size_t refused = 0;
  for (const auto& rule : rules.rules) {
    const std::string name = rule["name"];
    auto [result, done] = ApplyRule(rest, rule);
    if (!result.ok() && !RefusesTheRule(result)) return "rule " + name + ": " + result.error;
    if (result.ok()) {
      results.push_back({{"name", name}, {"result", done}});
      if (!globals.json) out << "rule " << name << " " << done << "\n";
      continue;
    }
    results.push_back({{"name", name}, {"result", "refused"}, {"error", result.error}});
    if (!globals.json) out << "rule " << name << " refused: " << result.error << "\n";
    if (refused++ == 0) first_refusal = "rule " + name + " refused: " + result.error;
  }
  if (globals.json) PrintJson(out, {{"results", results}});
  if (refused == 0) return std::nullopt;
  if (refused == 1) return first_refusal;
  return std::to_string(refused) + " of " + CountOf(rules.rules.size(), "rule") +
         " refused; the first, " + first_refusal;
}

Error DeleteRule(const Globals& globals, const std::string& name, std::ostream& out) {
  JsonResult result = globals.rest().Call(
      "DELETE", std::string(kRulesRoute) + "/" + UrlEncode(name), "DELETE /api/v1/rules/{name}");
  if (!result.ok()) return result.error;
  if (globals.json) return PrintJson(out, {{"deleted", name}});
  out << "rule " << name << " deleted\n";
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
  CLI::App* apply = rules->add_subcommand("apply", "create or replace rules from a file");
  apply
      ->add_option("-f,--file", *file,
                   "YAML or JSON: a rule, a list, {rules: […]} or Helm alertRules; - for stdin")
      ->required();
  apply->callback([&, file] {
    action = [&, file](std::ostream& out) { return ApplyRules(globals, *file, out); };
  });
  CLI::App* remove = rules->add_subcommand("delete", "delete a rule");
  remove->add_option("NAME", *name, "rule name")->required();
  remove->callback([&, name] {
    action = [&, name](std::ostream& out) { return DeleteRule(globals, *name, out); };
  });
}

}  // namespace fleetgate::fgctl
