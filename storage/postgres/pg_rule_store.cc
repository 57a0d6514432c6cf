#include "storage/postgres/pg_rule_store.h"

#include <utility>

#include "storage/epoch_ms.h"
#include "storage/postgres/pg_errors.h"

namespace fleetgate::storage {
namespace {

constexpr char kColumns[] = "SELECT name, definition_json, created_ms, updated_ms FROM alert_rules";

StoredRule ReadRule(const PgRows& rows, int r) {
  return StoredRule{rows.Text(r, 0), rows.Text(r, 1), FromEpochMs(rows.Int64(r, 2)),
                    FromEpochMs(rows.Int64(r, 3))};
}

Error NotFound(const std::string& name) { return PgNotFound("no rule named " + name); }

}  // namespace

PgRuleStore::PgRuleStore(PgConnectOptions options) : options_(std::move(options)) {}

// A call on a lost session is tried once more on a new one: it is one statement, so it either
// committed before the loss (and the retry answers as the database now is) or not at all.
template <typename T, typename Body>
Result<T> PgRuleStore::Run(Body body) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (int attempt = 0;; ++attempt) {
    try {
      if (!connection_ || !connection_->ok()) {
        connection_.reset();
        connection_.emplace(options_);
      }
      return body(*connection_);
    } catch (const PgError& e) {
      if (e.connection_lost()) connection_.reset();
      if (!e.connection_lost() || attempt >= 1) {
        return PgUnavailable(std::string("PostgreSQL: ") + e.what());
      }
    }
  }
}

Result<std::vector<StoredRule>> PgRuleStore::List() const {
  return Run<std::vector<StoredRule>>([](PgConnection& c) {
    PgRows rows = c.Exec(std::string(kColumns) + " ORDER BY name COLLATE \"C\"");
    std::vector<StoredRule> rules;
    for (int r = 0; r < rows.size(); ++r) rules.push_back(ReadRule(rows, r));
    return rules;
  });
}

Result<StoredRule> PgRuleStore::Get(const std::string& name) const {
  Result<std::optional<StoredRule>> found =
      Run<std::optional<StoredRule>>([&](PgConnection& c) -> std::optional<StoredRule> {
        PgRows rows = c.Exec(std::string(kColumns) + " WHERE name = $1", {name});
        if (rows.size() == 0) return std::nullopt;
        return ReadRule(rows, 0);
      });
  if (!found.ok()) return found.error();
  if (!found.value()) return NotFound(name);
  return *found.value();
}

Result<StoredRule> PgRuleStore::Insert(const std::string& name, const std::string& definition_json,
                                       TimePoint now) {
  const int64_t now_ms = ToEpochMs(now);
  Result<bool> inserted = Run<bool>([&](PgConnection& c) {
    return c.Exec(
                "INSERT INTO alert_rules (name, definition_json, created_ms, updated_ms)"
                " VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO NOTHING",
                {name, definition_json, ToParam(now_ms)})
               .affected() == 1;
  });
  if (!inserted.ok()) return inserted.error();
  if (!inserted.value()) return PgConflict("a rule named " + name + " exists");
  return StoredRule{name, definition_json, FromEpochMs(now_ms), FromEpochMs(now_ms)};
}

Result<StoredRule> PgRuleStore::Update(const std::string& name, const std::string& definition_json,
                                       TimePoint now) {
  const int64_t now_ms = ToEpochMs(now);
  Result<std::optional<int64_t>> created =
      Run<std::optional<int64_t>>([&](PgConnection& c) -> std::optional<int64_t> {
        PgRows rows = c.Exec(
            "UPDATE alert_rules SET definition_json = $2, updated_ms = $3 WHERE name = $1"
            " RETURNING created_ms",
            {name, definition_json, ToParam(now_ms)});
        if (rows.size() == 0) return std::nullopt;
        return rows.Int64(0, 0);
      });
  if (!created.ok()) return created.error();
  if (!created.value()) return NotFound(name);
  return StoredRule{name, definition_json, FromEpochMs(*created.value()), FromEpochMs(now_ms)};
}

Result<bool> PgRuleStore::Delete(const std::string& name) {
  Result<bool> deleted = Run<bool>([&](PgConnection& c) {
    return c.Exec("DELETE FROM alert_rules WHERE name = $1", {name}).affected() == 1;
  });
  if (!deleted.ok()) return deleted;
  if (!deleted.value()) return NotFound(name);
  return true;
}

}  // namespace fleetgate::storage
