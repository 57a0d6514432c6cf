#include "alerts/rule_catalog.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "alerts/rule_loader.h"
#include "core/log_fields.h"

namespace fleetgate::alerts {
namespace {

Error Unavailable(const Error& error) {
  return MakeError(ErrorCode::kUnavailable, "the rule could not be stored: " + error.message, {},
                   error.Reason());
}

}  // namespace

RuleCatalog::RuleCatalog(storage::RuleRepository& store, std::shared_ptr<const Clock> clock,
                         size_t max_rules)
    : store_(store), clock_(std::move(clock)), max_rules_(max_rules) {}

void RuleCatalog::Provision(const std::vector<std::string>& files) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& file : files) {
    for (Rule& rule : LoadRuleFile(file)) {
      auto existing = rules_.find(rule.name);
      if (existing != rules_.end()) {
        throw std::runtime_error(file + ": rule " + rule.name + " is already defined in " +
                                 existing->second.file);
      }
      std::string name = rule.name;
      rules_.emplace(name, RuleEntry{std::move(rule), RuleSource::kFile, file, now, now});
    }
  }
}

size_t RuleCatalog::LoadStored() {
  auto stored = store_.List();
  if (!stored.ok()) {
    throw std::runtime_error("cannot read the alert rules: " + stored.error().message);
  }
  std::lock_guard<std::mutex> lock(mu_);
  size_t loaded = 0;
  for (const storage::StoredRule& row : stored.value()) {
    if (rules_.count(row.name)) {
      spdlog::warn("stored rule {} is ignored: a rule file defines it", row.name);
      continue;
    }
    Result<Rule> parsed = ParseRule(nlohmann::json::parse(row.definition_json, nullptr, false));
    if (!parsed.ok()) {
      LogFields fields({{"rule", row.name}, {"error", parsed.error().Describe()}});
      spdlog::warn("stored rule {} is ignored: {}", row.name, parsed.error().Describe());
      continue;
    }
    rules_.emplace(row.name, RuleEntry{std::move(parsed).value(), RuleSource::kApi, "", row.created,
                                       row.updated});
    ++loaded;
  }
  return loaded;
}

Result<RuleEntry> RuleCatalog::Create(const Rule& rule) {
  std::lock_guard<std::mutex> lock(mu_);
  if (rules_.count(rule.name)) {
    return MakeError(ErrorCode::kAlreadyExists, "a rule named " + rule.name + " exists already", {},
                     kRuleExists);
  }
  if (rules_.size() >= max_rules_) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "fleetgate holds " + std::to_string(rules_.size()) +
                         " rules already, the most alerting.max_rules allows",
                     {}, kTooManyRules);
  }
  auto stored = store_.Insert(rule.name, RuleToJson(rule).dump(), clock_->Now());
  if (!stored.ok()) {
    if (stored.error().code == ErrorCode::kAlreadyExists) return stored.error();
    return Unavailable(stored.error());
  }
  RuleEntry entry{rule, RuleSource::kApi, "", stored.value().created, stored.value().updated};
  rules_[rule.name] = entry;
  return entry;
}

Result<RuleEntry> RuleCatalog::Replace(const Rule& rule) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status writable = CheckWritableLocked(rule.name); !writable.ok()) return writable.error();
  auto stored = store_.Update(rule.name, RuleToJson(rule).dump(), clock_->Now());
  if (!stored.ok()) return Unavailable(stored.error());
  RuleEntry& entry = rules_[rule.name];
  entry.rule = rule;
  entry.updated = stored.value().updated;
  return entry;
}

Result<RuleEntry> RuleCatalog::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status writable = CheckWritableLocked(name); !writable.ok()) return writable.error();
  auto deleted = store_.Delete(name);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) {
    return Unavailable(deleted.error());
  }
  RuleEntry entry = std::move(rules_[name]);
  rules_.erase(name);
  return entry;
}

std::optional<RuleEntry> RuleCatalog::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rules_.find(name);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

std::vector<RuleEntry> RuleCatalog::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RuleEntry> out;
  out.reserve(rules_.size());
  for (const auto& [name, entry] : rules_) out.push_back(entry);
  return out;
}

Status RuleCatalog::CheckWritable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CheckWritableLocked(name);
}

// Called with mu_ held.
Status RuleCatalog::CheckWritableLocked(const std::string& name) const {
  auto it = rules_.find(name);
  if (it == rules_.end()) {
    return MakeError(ErrorCode::kNotFound, "no rule named " + name, {}, kRuleNotFound);
  }
  if (it->second.source == RuleSource::kFile) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rule " + name + " is provisioned from " + it->second.file +
                         " and read-only over the API; change the file instead",
                     {}, kRuleReadOnly);
  }
  return Status::Ok();
}

}  // namespace fleetgate::alerts
