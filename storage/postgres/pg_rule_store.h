#pragma once
// PgRuleStore: the alert rule definitions in PostgreSQL's `alert_rules`, read and written
// synchronously on a connection of its own, reconnected once when the session was lost.
// Thread-safe: calls are serialised by a mutex.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/postgres/pg_connection.h"
#include "storage/rule_repository.h"

namespace fleetgate::storage {

class PgRuleStore final : public RuleRepository {
 public:
  // Connects lazily: construction never fails.
  explicit PgRuleStore(PgConnectOptions options);

  Result<std::vector<StoredRule>> List() const override;
  Result<StoredRule> Get(const std::string& name) const override;
  Result<StoredRule> Insert(const std::string& name, const std::string& definition_json,
                            TimePoint now) override;
  Result<StoredRule> Update(const std::string& name, const std::string& definition_json,
                            TimePoint now) override;
  Result<bool> Delete(const std::string& name) override;

 private:
  template <typename T, typename Body>
  Result<T> Run(Body body) const;

  const PgConnectOptions options_;
  mutable std::mutex mu_;
  mutable std::optional<PgConnection> connection_;
};

}  // namespace fleetgate::storage
