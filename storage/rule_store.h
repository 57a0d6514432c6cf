#pragma once
// RuleStore: the alert rule definitions in `alert_rules`, read and written synchronously on a
// connection of its own. Thread-safe: calls are serialised by a mutex.

#include <prometheus/registry.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "storage/database.h"
#include "storage/rule_repository.h"
#include "storage/storage_metrics.h"

namespace fleetgate::storage {

struct RuleStoreOptions {
  // How long a call keeps retrying while another connection (the history writer in a long
  // batch, a backup) holds the write lock, beyond SQLite's own busy_timeout.
  std::chrono::milliseconds busy_deadline{std::chrono::seconds(10)};
};

class RuleStore final : public RuleRepository {
 public:
  // Opens the connection (throws SqliteError: a start-up error). `database` must outlive it.
  RuleStore(const Database& database, prometheus::Registry& registry,
            RuleStoreOptions options = {});

  // Each call answers kUnavailable (with SQLite's message, reason storage_unavailable) when
  // the database cannot; kNotFound has the reason rule_not_found, kAlreadyExists rule_exists.
  Result<std::vector<StoredRule>> List() const override;           // sorted by name
  Result<StoredRule> Get(const std::string& name) const override;  // kNotFound
  // kAlreadyExists when `name` exists; created = updated = now.
  Result<StoredRule> Insert(const std::string& name, const std::string& definition_json,
                            TimePoint now) override;
  // kNotFound when `name` does not exist; keeps `created`, sets updated = now.
  Result<StoredRule> Update(const std::string& name, const std::string& definition_json,
                            TimePoint now) override;
  Result<bool> Delete(
      const std::string& name) override;  // true; kNotFound when `name` does not exist

 private:
  template <typename T, typename Body>
  Result<T> Run(Body body) const;

  const RuleStoreOptions options_;
  mutable StorageMetrics metrics_;
  mutable std::mutex mu_;
  mutable SqliteConnection connection_;
};

}  // namespace fleetgate::storage
