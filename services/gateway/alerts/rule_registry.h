#pragma once
// RuleRegistry is the set of alert rules the evaluator runs: rules provisioned from the files
// in `alerting.rule_files` (read-only over the API) and rules created over REST, persisted in
// SQLite through the RuleStore so they survive a restart. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "alerts/rule.h"
#include "core/clock.h"
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

struct RegistryError {
  enum class Code { kNotFound, kAlreadyExists, kReadOnly, kUnavailable };
  Code code;
  std::string message;
};

// A changed rule, or why the change was refused.
class RuleChange {
 public:
  RuleChange(RuleEntry entry) : state_(std::move(entry)) {}      // NOLINT
  RuleChange(RegistryError error) : state_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<RuleEntry>(state_); }
  const RuleEntry& entry() const { return std::get<RuleEntry>(state_); }
  const RegistryError& error() const { return std::get<RegistryError>(state_); }

 private:
  std::variant<RuleEntry, RegistryError> state_;
};

class RuleRegistry {
 public:
  // `store` must outlive the registry.
  RuleRegistry(storage::RuleRepository& store, std::shared_ptr<const Clock> clock);

  // Start-up: loads every rule file; throws std::runtime_error on an invalid rule or a name
  // defined twice.
  void Provision(const std::vector<std::string>& files);
  // Start-up: loads the rules stored by earlier runs. A stored rule this build no longer
  // accepts, or whose name a rule file now defines, is skipped with a warning. Throws
  // std::runtime_error when the database cannot be read. Returns the rules loaded.
  size_t LoadStored();

  RuleChange Create(const Rule& rule);         // kAlreadyExists
  RuleChange Replace(const Rule& rule);        // kNotFound, kReadOnly
  RuleChange Delete(const std::string& name);  // kNotFound, kReadOnly; the deleted entry

  // Why `name` cannot be replaced or deleted over the API (kNotFound, kReadOnly), if it can't.
  std::optional<RegistryError> CheckWritable(const std::string& name) const;

  std::optional<RuleEntry> Find(const std::string& name) const;
  std::vector<RuleEntry> List() const;  // sorted by name

 private:
  std::optional<RegistryError> CheckWritableLocked(const std::string& name) const;
  static RegistryError Unavailable(const storage::Error& error);

  storage::RuleRepository& store_;
  const std::shared_ptr<const Clock> clock_;
  mutable std::mutex mu_;
  std::map<std::string, RuleEntry> rules_;
};

}  // namespace fleetgate::alerts
