#include "storage/rule_store.h"

#include <thread>
#include <utility>

#include "core/backoff.h"
#include "storage/epoch_ms.h"
#include "storage/storage_error.h"

namespace fleetgate::storage {
namespace {

constexpr char kSelectAll[] =
    "SELECT name, definition_json, created_ms, updated_ms FROM alert_rules ORDER BY name";
constexpr char kSelectOne[] =
    "SELECT name, definition_json, created_ms, updated_ms FROM alert_rules WHERE name = ?1";
// One statement each, so every call is one autocommit transaction that takes the write lock
// before reading: no read-to-write upgrade that could fail without waiting.
constexpr char kInsert[] =
    "INSERT INTO alert_rules (name, definition_json, created_ms, updated_ms)"
    " VALUES (?1, ?2, ?3, ?3) ON CONFLICT (name) DO NOTHING";
constexpr char kUpdate[] =
    "UPDATE alert_rules SET definition_json = ?2, updated_ms = ?3 WHERE name = ?1"
    " RETURNING created_ms";
constexpr char kDelete[] = "DELETE FROM alert_rules WHERE name = ?1";

constexpr auto kFirstBackoff = std::chrono::milliseconds(1);
constexpr auto kMaxBackoff = std::chrono::milliseconds(50);

Error NotFound(const std::string& name) {
  return MakeError(ErrorCode::kNotFound, "no rule named " + name, {}, "rule_not_found");
}

StoredRule ReadRule(const Statement& row) {
  return StoredRule{row.Text(0), row.Text(1), FromEpochMs(row.Int64(2)), FromEpochMs(row.Int64(3))};
}

// The rule as written: times are kept to the millisecond, as read back later.
StoredRule Written(const std::string& name, const std::string& json, int64_t created_ms,
                   int64_t updated_ms) {
  return StoredRule{name, json, FromEpochMs(created_ms), FromEpochMs(updated_ms)};
}

}  // namespace

RuleStore::RuleStore(const Database& database, prometheus::Registry& registry,
                     RuleStoreOptions options)
    : options_(options),
      metrics_(registry),
      connection_(database.Connect(ConnectionRole::kWriter)) {}

// Runs `body` under the mutex; retries while the database is locked (each attempt already
// waits busy_timeout inside SQLite) until busy_deadline, and turns errors into values.
template <typename T, typename Body>
Result<T> RuleStore::Run(Body body) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.busy_deadline;
  Backoff backoff(kFirstBackoff, kMaxBackoff);
  for (;;) {
    try {
      return body();
    } catch (const SqliteError& e) {
      connection_.RollbackQuietly();
      metrics_.CountError(StorageOp::kRules, e.kind());
      if (e.kind() != FailureKind::kBusy || std::chrono::steady_clock::now() >= deadline) {
        return Unavailable(e.what());
      }
    }
    std::this_thread::sleep_for(backoff.Next());
  }
}

Result<std::vector<StoredRule>> RuleStore::List() const {
  return Run<std::vector<StoredRule>>([&] {
    std::vector<StoredRule> rules;
    Statement stmt = connection_.Prepare(kSelectAll);
    while (stmt.Step()) rules.push_back(ReadRule(stmt));
    return rules;
  });
}

Result<StoredRule> RuleStore::Get(const std::string& name) const {
  return Run<StoredRule>([&]() -> Result<StoredRule> {
    Statement stmt = connection_.Prepare(kSelectOne);
    if (!stmt.Bind(1, name).Step()) return NotFound(name);
    return ReadRule(stmt);
  });
}

Result<StoredRule> RuleStore::Insert(const std::string& name, const std::string& definition_json,
                                     TimePoint now) {
  const int64_t now_ms = ToEpochMs(now);
  return Run<StoredRule>([&]() -> Result<StoredRule> {
    connection_.Prepare(kInsert).Bind(1, name).Bind(2, definition_json).Bind(3, now_ms).Run();
    if (sqlite3_changes64(connection_.handle()) == 0) {
      return MakeError(ErrorCode::kAlreadyExists, "a rule named " + name + " exists", {},
                       "rule_exists");
    }
    return Written(name, definition_json, now_ms, now_ms);
  });
}

Result<StoredRule> RuleStore::Update(const std::string& name, const std::string& definition_json,
                                     TimePoint now) {
  const int64_t now_ms = ToEpochMs(now);
  return Run<StoredRule>([&]() -> Result<StoredRule> {
    Statement stmt = connection_.Prepare(kUpdate);
    if (!stmt.Bind(1, name).Bind(2, definition_json).Bind(3, now_ms).Step()) {
      return NotFound(name);
    }
    int64_t created_ms = stmt.Int64(0);
    stmt.Run();  // completes the statement, which commits it
    return Written(name, definition_json, created_ms, now_ms);
  });
}

Result<bool> RuleStore::Delete(const std::string& name) {
  return Run<bool>([&]() -> Result<bool> {
    connection_.Prepare(kDelete).Bind(1, name).Run();
    if (sqlite3_changes64(connection_.handle()) == 0) return NotFound(name);
    return true;
  });
}

}  // namespace fleetgate::storage
