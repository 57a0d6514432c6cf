#pragma once
// PgConnection: one libpq session (PQconnectdbParams), with parameterised statements and
// transactions. PgError tells a lost session (the server went away, the network failed) from
// a statement the server refused. Not synchronised: one thread at a time per connection.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fleetgate::storage {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate, bool connection_lost)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

// Where and as whom to connect. The password is passed to libpq as its own keyword, never
// pasted into the URL, so the URL can be logged after RedactUrl.
struct PgConnectOptions {
  std::string url;  // a libpq URI or key=value string
  std::string password;
  int connect_timeout_seconds = 5;
};

// `url` with any password in it replaced by "***" (URI user:password@ and key=value password=).
std::string RedactUrl(const std::string& url);

// A statement's parameter: text, or NULL.
using PgParam = std::optional<std::string>;

// The rows of one statement; owns the PGresult.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string Text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
  int64_t Int64(int row, int column) const;
  double Double(int row, int column) const;
  int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class PgConnection {
 public:
  // Connects; throws PgError (connection_lost) when the server cannot be reached.
  explicit PgConnection(const PgConnectOptions& options);
  PgConnection(PgConnection&&) = default;
  PgConnection& operator=(PgConnection&&) = default;

  // Runs one statement with $1.. parameters; throws PgError.
  PgRows Exec(const std::string& sql, const std::vector<PgParam>& params = {});
  // Runs several ';'-separated statements without parameters (a migration); throws PgError.
  void ExecScript(const std::string& sql);
  // Runs `body` between BEGIN and COMMIT; rolls back (when still possible) and rethrows.
  template <typename Body>
  auto InTransaction(Body body) -> decltype(body()) {
    Exec("BEGIN");
    try {
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        Exec("COMMIT");
      } else {
        auto value = body();
        Exec("COMMIT");
        return value;
      }
    } catch (...) {
      RollbackQuietly();
      throw;
    }
  }
  void RollbackQuietly();
  bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

 private:
  [[noreturn]] void ThrowFor(PGresult* result);  // clears `result`

  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

std::string ToParam(int64_t value);
std::string ToParam(double value);  // NaN as 'NaN'

}  // namespace fleetgate::storage
