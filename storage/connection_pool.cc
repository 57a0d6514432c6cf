#include "storage/connection_pool.h"

#include <algorithm>
#include <utility>

namespace fleetgate::storage {

ConnectionPool::ConnectionPool(const Database& database, ConnectionRole role,
                               size_t max_connections)
    : database_(database), role_(role), max_connections_(std::max<size_t>(max_connections, 1)) {}

ConnectionPool::Lease ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  released_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
  if (!idle_.empty()) {
    std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<SqliteConnection>(database_.Connect(role_)));
  } catch (...) {
    lock.lock();
    --open_;
    released_.notify_one();
    throw;
  }
}

void ConnectionPool::Release(std::unique_ptr<SqliteConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(connection));
  }
  released_.notify_one();
}

}  // namespace fleetgate::storage
