// Channels that never share a TCP connection, one per load connection.

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "load_connection.h"

namespace fleetgate::bench {

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& ca_file) {
  if (ca_file.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(ca_file);
  return grpc::SslCredentials(options);
}

}  // namespace

std::vector<grpc::ByteBuffer> Serialized(const std::vector<const v1::ReportRequest*>& batches) {
  std::vector<grpc::ByteBuffer> wire;
  wire.reserve(batches.size());
  for (const v1::ReportRequest* batch : batches) {
    grpc::ByteBuffer bytes;
    bool own = false;
    grpc::GenericSerialize<grpc::ProtoBufferWriter, v1::ReportRequest>(*batch, &bytes, &own);
    wire.push_back(std::move(bytes));
  }
  return wire;
}

void AddToken(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

std::shared_ptr<grpc::Channel> NewSeparateChannel(const std::string& target, int index,
                                                  const std::string& ca_file) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Distinct arguments as well, so no two channels can ever share a subchannel.
  args.SetInt("fleetgate.bench.connection", index);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(target, Credentials(ca_file), args);
}

}  // namespace fleetgate::bench
