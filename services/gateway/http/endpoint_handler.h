#pragma once
// EndpointHandler: the one Pistache Http::Handler of an HttpServer. Pistache still accepts
// connections, frames requests with its parser and enforces header/body/keep-alive timeouts; we
// replace its onInput so that every response (errors included) is JSON, goes through our Router
// and is written by SocketWriter, never by Pistache's spinning transport. Pistache clones one
// handler per worker thread and calls it only from that thread; the shared ServerCore is
// thread-safe. One exception we cannot hook in 0.0.5: when header_timeout/body_timeout expires,
// Pistache's TransportImpl::closePeer itself sends a bare "408 Request Timeout" (empty body, not
// JSON) and closes the connection.

#include <pistache/http.h>
#include <pistache/peer.h>

#include <memory>
#include <string>
#include <string_view>

#include "http/http_metrics.h"
#include "http/http_server.h"
#include "http/router.h"
#include "http/socket_writer.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace fleetgate::http {

struct ServerCore {
  ServerCore(ServerOptions options, std::shared_ptr<const Router> router,
             prometheus::Registry* registry);

  const ServerOptions options;
  const std::shared_ptr<const Router> router;
  HttpMetrics metrics;
  SocketWriter writer;
};

struct ConnectionState;
struct Reply;

class EndpointHandler final : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(EndpointHandler)

  explicit EndpointHandler(std::shared_ptr<ServerCore> core);

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  // Never called: onInput handles complete requests itself.
  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override;

 private:
  bool BeginRequest(const std::shared_ptr<Pistache::Tcp::Peer>& peer, ConnectionState& conn);
  bool TakeHead(Pistache::Tcp::Peer& peer, ConnectionState& conn, std::string_view bytes);
  bool CheckHead(Pistache::Tcp::Peer& peer, ConnectionState& conn);
  void Feed(const std::shared_ptr<Pistache::Tcp::Peer>& peer, ConnectionState& conn,
            std::string_view bytes);
  void FeedChunked(const std::shared_ptr<Pistache::Tcp::Peer>& peer, ConnectionState& conn,
                   std::string_view bytes);
  void RejectMalformed(Pistache::Tcp::Peer& peer, ConnectionState& conn, int status,
                       const std::string& reason);
  void Reject(Pistache::Tcp::Peer& peer, ConnectionState& conn, int status, std::string code,
              std::string message);
  void Complete(Pistache::Tcp::Peer& peer, ConnectionState& conn, std::string body, bool pipelined);
  void Respond(Pistache::Tcp::Peer& peer, ConnectionState& conn, Reply reply);
  void HandOver(Pistache::Tcp::Peer& peer, ConnectionState& conn, Reply reply);
  void SendPieces(Pistache::Tcp::Peer& peer, ConnectionState& conn, Reply reply);

  std::shared_ptr<ServerCore> core_;
};

}  // namespace fleetgate::http
