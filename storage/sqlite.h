#pragma once
// Thin RAII wrappers over the SQLite C API used inside fleetgate::storage. A SqliteConnection (and
// the Statements it hands out) must be used by one thread at a time. Failures throw
// SqliteError, which storage catches at its public boundary and turns into values.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fleetgate::storage {

// What kind of failure a SQLite result code is, for retry decisions and metric labels.
enum class FailureKind { kBusy, kFull, kIo, kOther };

FailureKind ClassifyResultCode(int code);
std::string_view FailureKindName(FailureKind kind);  // "busy", "full", "io", "other"

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message);
  int code() const { return code_; }
  FailureKind kind() const { return ClassifyResultCode(code_); }

 private:
  int code_;
};

// A prepared statement borrowed from a SqliteConnection's cache; reset and unbound when it goes
// out of scope so the next user starts clean. Bind indexes start at 1, columns at 0.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  // Binds without copying: `value` must stay unchanged until the statement is reset.
  Statement& BindStatic(int index, std::string_view value);
  Statement& BindNull(int index);

  bool Step();  // true while a row is available, false when done
  // Steps to completion and resets, so the statement can be bound and run again; for
  // statements without rows.
  void Run();

  bool IsNull(int column) const;
  int64_t Int64(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;

 private:
  void Check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteConnection {
 public:
  // Opens (and creates if `create`) the file; extended result codes are enabled.
  SqliteConnection(const std::string& path, bool create);
  ~SqliteConnection();
  SqliteConnection(SqliteConnection&& other) noexcept;
  SqliteConnection& operator=(SqliteConnection&&) = delete;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  void Exec(const std::string& sql);
  // A statement from this connection's cache, prepared on first use.
  Statement Prepare(const std::string& sql);
  // The first column of the first row as an integer, e.g. for `PRAGMA user_version`.
  int64_t QueryInt(const std::string& sql);
  bool InTransaction() const;
  // Rolls back an open transaction, ignoring errors; used after a failed write.
  void RollbackQuietly();
  sqlite3* handle() const { return db_; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>> cache_;
};

}  // namespace fleetgate::storage
