#include "guard/connection_table.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace fleetgate::guard {
namespace {

constexpr uint64_t kHttp2PrefaceBytes = 24;

// False when the socket is no longer an established connection (gRPC closed its side, or the
// peer went away): our duplicate is then the last reference and must go.
bool ReadCounters(int fd, uint64_t* bytes_received) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return false;
  *bytes_received = info.tcpi_bytes_received;
  constexpr uint8_t kEstablished = 1;  // TCP_ESTABLISHED in the kernel's tcp_states.h
  return info.tcpi_state == kEstablished;
}

}  // namespace

ConnectionTable::~ConnectionTable() {
  for (const Connection& c : connections_) close(c.fd);
}

void ConnectionTable::Add(int dup_fd, std::string peer, SteadyTime now) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.push_back(Connection{dup_fd, std::move(peer), now, now});
  metrics_.SetOpen(connections_.size());
}

size_t ConnectionTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_.size();
}

size_t ConnectionTable::CountFrom(const std::string& peer) const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(std::count_if(connections_.begin(), connections_.end(),
                                           [&](const Connection& c) { return c.peer == peer; }));
}

void ConnectionTable::Refresh(SteadyTime now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto gone = std::remove_if(connections_.begin(), connections_.end(), [&](Connection& c) {
    uint64_t bytes = 0;
    if (!ReadCounters(c.fd, &bytes)) {
      close(c.fd);
      return true;
    }
    const double seconds = std::chrono::duration<double>(now - c.sampled).count();
    c.receive_rate = seconds > 0 ? static_cast<double>(bytes - c.bytes_received) / seconds : 0;
    c.bytes_received = bytes;
    c.sampled = now;
    return false;
  });
  connections_.erase(gone, connections_.end());
  metrics_.SetOpen(connections_.size());
}

bool ConnectionTable::ShedHeaviest(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  Connection* heaviest = nullptr;
  for (Connection& c : connections_) {
    if (c.shed || c.bytes_received < kShedFloorBytes) continue;
    if (!heaviest || c.receive_rate > heaviest->receive_rate ||
        (c.receive_rate == heaviest->receive_rate && c.bytes_received > heaviest->bytes_received)) {
      heaviest = &c;
    }
  }
  if (!heaviest) return false;
  shutdown(heaviest->fd, SHUT_RDWR);
  heaviest->shed = true;
  metrics_.Shed(reason);
  return true;
}

size_t ConnectionTable::ShedAllOverFloor(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t shed = 0;
  for (Connection& c : connections_) {
    if (c.shed || c.bytes_received < kShedFloorBytes) continue;
    shutdown(c.fd, SHUT_RDWR);
    c.shed = true;
    metrics_.Shed(reason);
    ++shed;
  }
  return shed;
}

size_t ConnectionTable::ShedSilent(std::chrono::milliseconds grace, SteadyTime now) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t shed = 0;
  for (Connection& c : connections_) {
    if (c.shed || now - c.accepted < grace || c.bytes_received >= kHttp2PrefaceBytes) continue;
    shutdown(c.fd, SHUT_RDWR);
    c.shed = true;
    metrics_.Shed("silent");
    ++shed;
  }
  return shed;
}

}  // namespace fleetgate::guard
