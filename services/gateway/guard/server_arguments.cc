#include "guard/server_arguments.h"

#include <grpcpp/resource_quota.h>

namespace fleetgate::guard {
namespace {

int Millis(std::chrono::milliseconds value) { return static_cast<int>(value.count()); }

}  // namespace

void ApplyServerArguments(const config::Config& config, grpc::ServerBuilder& builder) {
  const auto& grpc = config.grpc;
  builder.SetMaxReceiveMessageSize(static_cast<int>(grpc.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(grpc.max_concurrent_streams));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Millis(grpc.keepalive_min_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES,
                             static_cast<int>(grpc.keepalive_max_ping_strikes));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, Millis(grpc.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, static_cast<int>(grpc.max_metadata_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, Millis(grpc.max_connection_idle));
  if (grpc.max_connection_age.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(grpc.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               Millis(grpc.max_connection_age_grace));
  }
  // SetResourceQuota takes its own reference: the quota outlives this function in the server.
  grpc::ResourceQuota quota("fleetgate");
  quota.Resize(grpc.memory_quota_bytes);
  quota.SetMaxThreads(static_cast<int>(grpc.max_threads));
  builder.SetResourceQuota(quota);
}

GuardOptions GuardOptionsFrom(const config::Config& config) {
  const auto& g = config.guard;
  GuardOptions options;
  options.max_connections = g.max_connections;
  options.max_connections_per_peer = g.max_connections_per_peer;
  options.preface_timeout = g.preface_timeout;
  options.memory_shed_bytes = g.memory_shed_bytes;
  options.watchdog_interval = g.watchdog_interval;
  options.self_check_interval = g.self_check_interval;
  options.self_check_timeout = g.self_check_timeout;
  options.self_check_failures = g.self_check_failures;
  options.self_check_liveness_after = g.self_check_liveness_after;
  return options;
}

}  // namespace fleetgate::guard
