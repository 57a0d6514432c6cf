#include "alerts/rule_registry.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "alerts/rule_loader.h"

namespace fleetgate::alerts {

RuleRegistry::RuleRegistry(storage::RuleRepository& store, std::shared_ptr<const Clock> clock)
    : store_(store), clock_(std::move(clock)) {}

void RuleRegistry::Provision(const std::vector<std::string>& files) {
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

size_t RuleRegistry::LoadStored() {
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
    ParseResult parsed = ParseRule(nlohmann::json::parse(row.definition_json, nullptr, false));
    if (!parsed.ok()) {
      spdlog::warn("stored rule {} is ignored: {}: {}", row.name, parsed.error().field,
                   parsed.error().reason);
      continue;
    }
    rules_.emplace(row.name,
                   RuleEntry{parsed.rule(), RuleSource::kApi, "", row.created, row.updated});
    ++loaded;
  }
  return loaded;
}

RuleChange RuleRegistry::Create(const Rule& rule) {
  std::lock_guard<std::mutex> lock(mu_);
  if (rules_.count(rule.name)) {
    return RegistryError{RegistryError::Code::kAlreadyExists,
                         "a rule named " + rule.name + " exists already"};
  }
  auto stored = store_.Insert(rule.name, RuleToJson(rule).dump(), clock_->Now());
  if (!stored.ok()) {
    if (stored.error().code == storage::ErrorCode::kConflict) {
      return RegistryError{RegistryError::Code::kAlreadyExists, stored.error().message};
    }
    return Unavailable(stored.error());
  }
  RuleEntry entry{rule, RuleSource::kApi, "", stored.value().created, stored.value().updated};
  rules_[rule.name] = entry;
  return entry;
}

RuleChange RuleRegistry::Replace(const Rule& rule) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto error = CheckWritableLocked(rule.name)) return *error;
  auto stored = store_.Update(rule.name, RuleToJson(rule).dump(), clock_->Now());
  if (!stored.ok()) return Unavailable(stored.error());
  RuleEntry& entry = rules_[rule.name];
  entry.rule = rule;
  entry.updated = stored.value().updated;
  return entry;
}

RuleChange RuleRegistry::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto error = CheckWritableLocked(name)) return *error;
  auto deleted = store_.Delete(name);
  if (!deleted.ok() && deleted.error().code != storage::ErrorCode::kNotFound) {
    return Unavailable(deleted.error());
  }
  RuleEntry entry = std::move(rules_[name]);
  rules_.erase(name);
  return entry;
}

std::optional<RuleEntry> RuleRegistry::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rules_.find(name);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

std::vector<RuleEntry> RuleRegistry::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RuleEntry> out;
  out.reserve(rules_.size());
  for (const auto& [name, entry] : rules_) out.push_back(entry);
  return out;
}

std::optional<RegistryError> RuleRegistry::CheckWritable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CheckWritableLocked(name);
}

// Called with mu_ held.
std::optional<RegistryError> RuleRegistry::CheckWritableLocked(const std::string& name) const {
  auto it = rules_.find(name);
  if (it == rules_.end()) {
    return RegistryError{RegistryError::Code::kNotFound, "no rule named " + name};
  }
  if (it->second.source == RuleSource::kFile) {
    return RegistryError{RegistryError::Code::kReadOnly,
                         "rule " + name + " is provisioned from " + it->second.file +
                             " and read-only over the API; change the file instead"};
  }
  return std::nullopt;
}

RegistryError RuleRegistry::Unavailable(const storage::Error& error) {
  return RegistryError{RegistryError::Code::kUnavailable,
                       "the rule could not be stored: " + error.message};
}

}  // namespace fleetgate::alerts
