#pragma once
// HttpServer: a Pistache Http::Endpoint whose single Http::Handler parses requests, dispatches them
// through a Router and writes responses itself (see socket_writer.h for why). Start/Shutdown are
// meant for one owning thread; port() may be read from any thread after Start.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "http/router.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace Pistache::Http {
class Endpoint;
}  // namespace Pistache::Http

namespace fleetgate::http {

struct ServerOptions {
  // Defaults: the http.* configuration keys. `address` is host:port; port 0 picks a free port;
  // ":8080" listens on any address.
  std::string address = config::Defaults().http.address;
  int threads = static_cast<int>(config::Defaults().http.threads);
  // The whole request (request line, headers and body) may be at most this long; a larger
  // Content-Length or body answers 413, a longer header block 431 (JSON errors, then close).
  // A chunked body is decoded by fleetgate's own bounded decoder under the same limit.
  size_t max_request_bytes = config::Defaults().http.max_request_bytes;
  std::chrono::milliseconds header_timeout = config::Defaults().http.header_timeout;
  std::chrono::milliseconds body_timeout = config::Defaults().http.body_timeout;
  std::chrono::milliseconds keepalive_timeout = config::Defaults().http.keepalive_timeout;
  // gzip responses at least this large when the client sends Accept-Encoding: gzip
  size_t gzip_min_bytes = 1024;
  // A client that has not read a whole response within this time is disconnected.
  std::chrono::milliseconds write_timeout = config::Defaults().http.write_timeout;
};

struct ServerCore;

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router,
             prometheus::Registry* self_metrics /* may be null */);
  ~HttpServer();  // shuts down if running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and serves on background threads; throws std::runtime_error with a clear message if the
  // address can't be parsed or bound, std::logic_error if called twice or after Shutdown.
  void Start();
  uint16_t port() const;  // the bound port (after Start)
  void Shutdown();        // idempotent

  // Responses still being written to slow readers (for tests and diagnostics).
  size_t pending_writes() const;

 private:
  ServerOptions options_;
  std::shared_ptr<ServerCore> core_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::mutex mu_;  // guards Start/Shutdown
  bool started_ = false;
  bool shut_down_ = false;
  uint16_t port_ = 0;
};

}  // namespace fleetgate::http
