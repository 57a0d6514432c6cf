#pragma once
// A few read connections shared by request threads: each is leased to one thread at a time,
// opened on first need up to a maximum, and waited for beyond it. Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/database.h"

namespace fleetgate::storage {

class ConnectionPool {
 public:
  // Returns its connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<SqliteConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.Release(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SqliteConnection& operator*() const { return *connection_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  ConnectionPool(const Database& database, ConnectionRole role, size_t max_connections);

  // Throws SqliteError when a new connection cannot be opened.
  Lease Acquire();

 private:
  void Release(std::unique_ptr<SqliteConnection> connection);

  const Database& database_;
  const ConnectionRole role_;
  const size_t max_connections_;
  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  size_t open_ = 0;
};

}  // namespace fleetgate::storage
