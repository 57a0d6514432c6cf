#pragma once
// PlaintextAcceptor: owns the plaintext gRPC listening socket instead of gRPC 1.51, whose
// listener gives up for good on EMFILE. One thread accepts, enforces a total and a per-peer
// connection cap, survives descriptor exhaustion (a reserve descriptor lets it accept-and-close,
// then it backs off) and hands each connection to gRPC with AddInsecureChannelFromFd, keeping a
// duplicate in the ConnectionTable. Bind, Start and Stop are called from one thread; Stop is
// idempotent; accepting() is thread-safe.

#include <grpcpp/server.h>

#include <atomic>
#include <string>
#include <thread>

#include "guard/connection_table.h"
#include "guard/guard_metrics.h"

namespace fleetgate::guard {

struct AcceptorLimits {
  size_t max_connections = 0;
  size_t max_connections_per_peer = 0;
};

class PlaintextAcceptor {
 public:
  PlaintextAcceptor(AcceptorLimits limits, ConnectionTable& table, GuardMetrics& metrics);
  ~PlaintextAcceptor();  // Stop()
  PlaintextAcceptor(const PlaintextAcceptor&) = delete;
  PlaintextAcceptor& operator=(const PlaintextAcceptor&) = delete;

  // Listens on `address` (host:port; port 0 picks one) and returns the port; throws
  // std::runtime_error when it cannot.
  int Bind(const std::string& address);
  // Starts handing connections to `server` (built and started, outliving Stop).
  void Start(grpc::Server* server);
  // Stops accepting and closes the listening socket; open connections stay with gRPC.
  void Stop();
  // False while descriptors are exhausted (connections are being refused).
  bool accepting() const { return accepting_.load(); }

 private:
  void Loop();
  void AcceptOne();
  void Refuse(int fd, const char* reason);
  void OnDescriptorsExhausted(int error);
  // Waits for the listening socket (or a stop) up to `timeout_ms`; false when stopping.
  bool WaitReadable(int timeout_ms);

  const AcceptorLimits limits_;
  ConnectionTable& table_;
  GuardMetrics& metrics_;
  grpc::Server* server_ = nullptr;
  int listen_fd_ = -1;
  int stop_fd_ = -1;     // an eventfd written by Stop
  int reserve_fd_ = -1;  // closed to accept-and-close when descriptors run out
  std::atomic<bool> accepting_{true};
  std::thread thread_;
};

}  // namespace fleetgate::guard
