#pragma once
// RuleRepository: the seam between the rule registry and the stored alert rule definitions,
// implemented on SQLite (RuleStore) and PostgreSQL (PgRuleStore). Implementations are
// thread-safe.

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace fleetgate::storage {

struct StoredRule {
  std::string name;
  std::string definition_json;  // stored as given
  TimePoint created;            // millisecond precision
  TimePoint updated;
};

class RuleRepository {
 public:
  virtual ~RuleRepository() = default;

  // Each call answers kUnavailable (with the database's message) when the database cannot.
  virtual Result<std::vector<StoredRule>> List() const = 0;           // sorted by name
  virtual Result<StoredRule> Get(const std::string& name) const = 0;  // kNotFound
  // kAlreadyExists (reason rule_exists) when `name` exists; created = updated = now.
  virtual Result<StoredRule> Insert(const std::string& name, const std::string& definition_json,
                                    TimePoint now) = 0;
  // kNotFound when `name` does not exist; keeps `created`, sets updated = now.
  virtual Result<StoredRule> Update(const std::string& name, const std::string& definition_json,
                                    TimePoint now) = 0;
  // true; kNotFound when `name` does not exist.
  virtual Result<bool> Delete(const std::string& name) = 0;
};

}  // namespace fleetgate::storage
