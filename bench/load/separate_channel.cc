// Channels that never share a TCP connection, one per load connection.

#include <grpcpp/grpcpp.h>

#include "load_connection.h"

namespace fleetgate::bench {

std::shared_ptr<v1::Reporter::Stub> NewSeparateStub(const std::string& target, int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Distinct arguments as well, so no two channels can ever share a subchannel.
  args.SetInt("fleetgate.bench.connection", index);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  return v1::Reporter::NewStub(
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
}

}  // namespace fleetgate::bench
