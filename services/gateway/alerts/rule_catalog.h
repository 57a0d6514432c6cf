#pragma once
// RuleCatalog is the set of alert rules the evaluator runs: rules provisioned from the files
// in `alerting.rule_files` (read-only over the API) and rules created over REST, persisted in
// SQLite through the RuleStore so they survive a restart. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerts/rule.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "storage/rule_repository.h"

namespace fleetgate::alerts {

enum class RuleSource { kApi, kFile };

struct RuleEntry {
  Rule rule;
  RuleSource source = RuleSource::kApi;
  std::string file;  // kFile: the rule file it came from
  TimePoint created;
  TimePoint updated;
};

// The reasons of the catalog's errors, as the REST API reports them (docs/api.md).
inline constexpr std::string_view kRuleNotFound = "rule_not_found";  // kNotFound
inline constexpr std::string_view kRuleExists = "rule_exists";       // kAlreadyExists
// kFailedPrecondition: a rule provisioned from a file cannot be changed over the API.
inline constexpr std::string_view kRuleReadOnly = "rule_read_only";
// kUnavailable (storage_unavailable): the rule could not be stored.
// kResourceExhausted (HTTP 429): alerting.max_rules rules are held already.
inline constexpr std::string_view kTooManyRules = "too_many_rules";

class RuleCatalog {
 public:
  // `store` must outlive the catalog. Create refuses a rule beyond `max_rules` (files and API
  // together).
  RuleCatalog(storage::RuleRepository& store, std::shared_ptr<const Clock> clock,
              size_t max_rules = config::Defaults().alerting.max_rules);

  // Start-up: loads every rule file; throws std::runtime_error on an invalid rule or a name
  // defined twice.
  void Provision(const std::vector<std::string>& files);
  // Start-up: loads the rules stored by earlier runs. A stored rule this build no longer
  // accepts, or whose name a rule file now defines, is skipped with a warning. Throws
  // std::runtime_error when the database cannot be read. Returns the rules loaded.
  size_t LoadStored();

  // The changed entry, or why the change was refused.
  Result<RuleEntry> Create(const Rule& rule);         // rule_exists
  Result<RuleEntry> Replace(const Rule& rule);        // rule_not_found, rule_read_only
  Result<RuleEntry> Delete(const std::string& name);  // the same; the deleted entry

  // Why `name` cannot be replaced or deleted over the API (rule_not_found, rule_read_only).
  Status CheckWritable(const std::string& name) const;

  std::optional<RuleEntry> Find(const std::string& name) const;
  std::vector<RuleEntry> List() const;  // sorted by name

 private:
  Status CheckWritableLocked(const std::string& name) const;

  storage::RuleRepository& store_;
  const std::shared_ptr<const Clock> clock_;
  const size_t max_rules_;
  mutable std::mutex mu_;
  std::map<std::string, RuleEntry> rules_;
};

}  // namespace fleetgate::alerts
