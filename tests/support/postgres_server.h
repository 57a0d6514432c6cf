#pragma once
// PostgresServer: a real PostgreSQL 15 for tests, initialised in a temporary directory and
// listening on a free loopback port. Started as the unprivileged user `nobody` when the test
// runs as root (PostgreSQL refuses to run as root), as the current user otherwise. Start waits
// for readiness by polling; Stop (and the destructor) shuts it down fast and removes the
// directory. Not thread-safe.

#include <sys/types.h>

#include <chrono>
#include <string>

namespace fleetgate::testing {

class PostgresServer {
 public:
  // initdb in a new temporary directory; throws std::runtime_error when it fails.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Starts the server (again, on the same port and data, after Stop) and waits until it
  // accepts connections; throws after `timeout`.
  void Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Fast shutdown (SIGINT: sessions are ended, data kept); waits for the process.
  void Stop();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  // A libpq URI for `database` (superuser `fleetgate`, trust authentication).
  std::string Url(const std::string& database = "postgres") const;
  // Creates a fresh database and returns its URI.
  std::string CreateDatabase(const std::string& name) const;
  // The server's log, for failure messages.
  std::string Log() const;

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

// One server shared by every test of a binary, started on first use and stopped at exit.
PostgresServer& SharedPostgres();

}  // namespace fleetgate::testing
