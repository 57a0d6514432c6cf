#pragma once
// One client connection driving load at the gateway: a StreamReport stream or a window of unary
// Report calls. Start() begins sending, Stop() stops sending new batches, and WaitDrained() blocks
// until every batch in flight has been answered or failed, so acknowledged counts are final.
// Start/Stop/WaitDrained are called from one controlling thread; completions arrive on gRPC's.

#include <grpcpp/channel.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fleetgate/v1/reporter.grpc.pb.h"
#include "load_counters.h"

namespace fleetgate::bench {

class LoadConnection {
 public:
  virtual ~LoadConnection() = default;
  virtual void Start() = 0;
  virtual void Stop() = 0;
  // False if the connection did not drain within `deadline`.
  virtual bool WaitDrained(std::chrono::milliseconds deadline) = 0;
  // Paced runs (--rate, pacer.h): sends one batch now unless `window` are in flight; false when
  // the window is full or the connection is ending. Thread-safe.
  virtual bool Offer() = 0;
};

struct ConnectionSetup {
  std::shared_ptr<grpc::Channel> channel;
  std::shared_ptr<v1::Reporter::Stub> stub;       // on `channel`
  std::vector<const v1::ReportRequest*> batches;  // cycled through; outlive the connection
  size_t window = 4;                              // batches or calls in flight
  LoadCounters* counters = nullptr;
  std::string token;   // sent as `authorization: Bearer <token>` on every call when not empty
  bool paced = false;  // send only when offered (Offer), not again on every answer
};

std::unique_ptr<LoadConnection> MakeStreamConnection(ConnectionSetup setup);
std::unique_ptr<LoadConnection> MakeUnaryConnection(ConnectionSetup setup);
// grpc.health.v1.Health/Check calls instead of Report (the batches are not sent).
std::unique_ptr<LoadConnection> MakeHealthConnection(ConnectionSetup setup);

// A channel of its own (local subchannel pool), so each connection is a separate TCP connection;
// TLS verified against the PEM bundle `ca_file` when it is not empty (throws if unreadable).
std::shared_ptr<grpc::Channel> NewSeparateChannel(const std::string& target, int index,
                                                  const std::string& ca_file);

// The batches' wire bytes, serialized once, to be written again and again (a ByteBuffer copy
// shares its slices).
std::vector<grpc::ByteBuffer> Serialized(const std::vector<const v1::ReportRequest*>& batches);

// Adds the bearer token to a call's metadata (nothing when `token` is empty).
void AddToken(grpc::ClientContext& context, const std::string& token);

}  // namespace fleetgate::bench
