#include "http/http_server.h"

#include <pistache/endpoint.h>

#include <stdexcept>
#include <utility>

#include "http/endpoint_handler.h"

namespace fleetgate::http {
namespace {

struct HostPort {
  std::string host;
  uint16_t port;
};

// "host:port", "[v6]:port" or ":port" (any address).
HostPort ParseAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
    throw std::runtime_error("HTTP address \"" + address + "\" is not host:port (port 0-65535)");
  }
  std::string host = address.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  // Pistache::Address wants an IPv6 host in brackets ("[::]"), as in the address itself.
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return {host, static_cast<uint16_t>(std::stoul(port))};
}

Pistache::Http::Endpoint::Options EndpointOptions(const ServerOptions& options) {
  using Pistache::Tcp::Options;
  // Never useSSL: Pistache 0.0.5 runs the TLS handshake on its single accept thread.
  return Pistache::Http::Endpoint::options()
      .threads(options.threads)
      .flags(Options::ReuseAddr | Options::NoDelay)
      .maxRequestSize(options.max_request_bytes)
      .headerTimeout(options.header_timeout)
      .bodyTimeout(options.body_timeout)
      .keepaliveTimeout(options.keepalive_timeout);
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router,
                       prometheus::Registry* self_metrics)
    : options_(options),
      core_(std::make_shared<ServerCore>(std::move(options), std::move(router), self_metrics)) {}

HttpServer::~HttpServer() { Shutdown(); }

void HttpServer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || shut_down_) throw std::logic_error("HttpServer cannot be started twice");
  if (options_.threads < 1) throw std::runtime_error("HTTP server needs at least one thread");
  HostPort where = ParseAddress(options_.address);
  try {
    endpoint_ = std::make_unique<Pistache::Http::Endpoint>(
        Pistache::Address(where.host, Pistache::Port(where.port)));
    endpoint_->init(EndpointOptions(options_));
    endpoint_->setHandler(Pistache::Http::make_handler<EndpointHandler>(core_));
    endpoint_->serveThreaded();  // binds, then serves on Pistache's threads
  } catch (const std::exception& error) {
    endpoint_.reset();
    throw std::runtime_error("cannot serve HTTP on " + options_.address + ": " + error.what());
  }
  port_ = endpoint_->getPort();
  started_ = true;
}

uint16_t HttpServer::port() const { return port_; }

void HttpServer::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();  // joins Pistache's threads: no handler runs after this
  }
  core_->writer.Stop();
}

size_t HttpServer::pending_writes() const { return core_->writer.pending(); }

}  // namespace fleetgate::http
