#include "http/endpoint_handler.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "http/body_pieces.h"
#include "http/chunked_decoder.h"
#include "http/gzip.h"
#include "http/request_head.h"
#include "http/response_wire.h"
#include "http/url_codec.h"

namespace fleetgate::http {

using Pistache::Tcp::Peer;
using SteadyClock = std::chrono::steady_clock;

// Per-connection state, kept in the Peer's data map. Touched only by the connection's worker
// thread, except `output` (shared with the SocketWriter thread).
struct ConnectionState {
  static constexpr const char* kKey = "fleetgate.connection";

  std::shared_ptr<OutputState> output = std::make_shared<OutputState>();
  bool in_request = false;  // bytes of a request have arrived, its response is not sent yet
  bool head_done = false;   // `head` holds the whole head, up to the blank line
  bool closing = false;     // read no further requests; input is read and dropped (lingering close)
  size_t received = 0;      // bytes of the current request so far
  std::string head;
  std::unique_ptr<ChunkedDecoder> chunked;  // a chunked body, decoded by us, not by Pistache
};

struct Reply {
  Response response;
  std::string handler = "unmatched";
  std::string method_label = "other";
  WireOptions wire;
  std::string accept_encoding;
  SteadyClock::time_point start = SteadyClock::now();
};

namespace {

std::shared_ptr<ConnectionState> ConnectionOf(const Peer& peer) {
  return std::static_pointer_cast<ConnectionState>(peer.tryGetData(ConnectionState::kKey));
}

Request BuildRequest(RequestHead head, std::string body) {
  Request request;
  request.method = std::move(head.method);
  Target target = SplitTarget(head.target);
  request.raw_path = std::string(target.path);
  request.path = PercentDecode(target.path);
  request.query = ParseQuery(target.query);
  request.headers = std::move(head.headers);
  request.body = std::move(body);
  return request;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsBodyless(int status) { return status < 200 || status == 204 || status == 304; }

// gzip when the client accepts it and the body is worth it; Vary either way, since the encoding
// depends on the request's Accept-Encoding.
void MaybeCompress(Reply& reply, size_t min_bytes) {
  Response& response = reply.response;
  if (reply.wire.head_only || IsBodyless(response.status) || response.body.size() < min_bytes) {
    return;
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!AcceptsGzip(reply.accept_encoding)) return;
  Result<std::string> compressed = GzipCompress(response.body);
  if (!compressed.ok()) return;  // a zlib failure: send it uncompressed
  response.body = std::move(compressed).value();
  response.headers.emplace_back("Content-Encoding", "gzip");
}

}  // namespace

ServerCore::ServerCore(ServerOptions options_in, std::shared_ptr<const Router> router_in,
                       prometheus::Registry* registry)
    : options(std::move(options_in)),
      router(std::move(router_in)),
      metrics(registry),
      writer(options.write_timeout) {}

EndpointHandler::EndpointHandler(std::shared_ptr<ServerCore> core) : core_(std::move(core)) {}

// Replaces Http::Handler::onConnection (private there), which only installs the parser.
void EndpointHandler::onConnection(const std::shared_ptr<Peer>& peer) {
  peer->putData(ParserData, std::make_shared<Pistache::Http::RequestParser>(getMaxRequestSize()));
  peer->putData(ConnectionState::kKey, std::make_shared<ConnectionState>());
  // Not idle: Pistache applies header_timeout (not keepalive_timeout) to a silent new connection.
  peer->setIdle(false);
}

void EndpointHandler::onInput(const char* buffer, size_t len, const std::shared_ptr<Peer>& peer) {
  std::shared_ptr<ConnectionState> conn = ConnectionOf(*peer);
  if (!conn || conn->closing) return;
  try {
    std::string_view bytes(buffer, len);
    if (!conn->in_request && !BeginRequest(peer, *conn)) return;
    conn->received += len;
    const size_t head_before = conn->head.size();
    const bool head_was_done = conn->head_done;
    if (!conn->head_done && !TakeHead(*peer, *conn, bytes)) return;
    if (conn->chunked) {
      // Only the bytes after the head belong to the body.
      FeedChunked(peer, *conn,
                  head_was_done ? bytes : bytes.substr(conn->head.size() - head_before));
      return;
    }
    Feed(peer, *conn, bytes);
  } catch (...) {
    // Nothing may escape into Pistache's event loop; drop just this connection (e.g. bad_alloc).
    conn->closing = true;
    shutdown(peer->fd(), SHUT_RDWR);
  }
}

void EndpointHandler::onRequest(const Pistache::Http::Request&,
                                Pistache::Http::ResponseWriter response) {
  response.send(Pistache::Http::Code::Internal_Server_Error);
}

// A new request may start only once the client has read the previous response. One that sends
// before (pipelining, or not reading at all) gets no further answers: the connection closes once
// its output is read. Pistache could not pipeline anyway (its parser drops the bytes after a
// complete request), and this keeps Pistache's own 408 from being written into a full socket.
bool EndpointHandler::BeginRequest(const std::shared_ptr<Peer>& peer, ConnectionState& conn) {
  if (SocketWriter::HasUnreadOutput(peer->fd(), *conn.output)) {
    conn.closing = true;
    SocketWriter::CloseAfterOutput(peer->fd(), *conn.output);
    return false;
  }
  conn.in_request = true;
  conn.head_done = false;
  conn.received = 0;
  conn.head.clear();
  conn.chunked.reset();
  // Restarts Pistache's header/body timeout clock at this request's first byte.
  getParser(peer)->reset();
  peer->setIdle(false);
  return true;
}

bool EndpointHandler::TakeHead(Peer& peer, ConnectionState& conn, std::string_view bytes) {
  size_t search_from = conn.head.size() >= 3 ? conn.head.size() - 3 : 0;
  conn.head.append(bytes);
  size_t end = conn.head.find("\r\n\r\n", search_from);
  size_t head_size = end == std::string::npos ? conn.head.size() : end + 4;
  if (head_size > core_->options.max_request_bytes) {
    Reject(peer, conn, 431, "headers_too_large", "request header block is too large");
    return false;
  }
  if (end == std::string::npos) return true;
  conn.head.resize(head_size);
  conn.head_done = true;
  return CheckHead(peer, conn);
}

// The body's framing is checked before Pistache sees it: Pistache reserve()s whatever size a
// Content-Length or a chunk header announces (a chunk of "fffffffffff" asks for 17 TB). So a
// chunked body never reaches Pistache's parser: our ChunkedDecoder reads it under the same
// max_request_bytes (OpenTelemetry's exporters send chunked bodies).
bool EndpointHandler::CheckHead(Peer& peer, ConnectionState& conn) {
  std::optional<RequestHead> head = ParseRequestHead(conn.head);
  if (!head) {
    // Pistache's parser would wait for more bytes (and answer 408 once the header timeout
    // passes) on a request line without spaces or a header line without a colon.
    RejectMalformed(peer, conn, 400, "malformed request line or header field");
    return false;
  }
  std::optional<int64_t> length = ContentLength(*head);
  if (auto coding = head->headers.find("transfer-encoding"); coding != head->headers.end()) {
    if (length) {
      Reject(peer, conn, 400, "bad_request", "both Content-Length and Transfer-Encoding");
    } else if (!EqualsIgnoreCase(coding->second, "chunked")) {
      Reject(peer, conn, 501, "not_implemented", "only the chunked transfer coding is supported");
    } else {
      conn.chunked = std::make_unique<ChunkedDecoder>(
          core_->options.max_request_bytes -
          std::min(conn.head.size(), core_->options.max_request_bytes));
      return true;
    }
    return false;
  }
  if (length && *length < 0) {
    Reject(peer, conn, 400, "bad_request", "malformed Content-Length");
    return false;
  }
  if (length && static_cast<uint64_t>(*length) > core_->options.max_request_bytes) {
    Reject(peer, conn, 413, "payload_too_large",
           "request body exceeds " + std::to_string(core_->options.max_request_bytes) + " bytes");
    return false;
  }
  auto expect = head->headers.find("expect");
  bool wants_continue =
      expect != head->headers.end() && EqualsIgnoreCase(expect->second, "100-continue");
  if (length && *length > 0 && wants_continue) {
    if (!core_->writer.Send(peer.fd(), "HTTP/1.1 100 Continue\r\n\r\n", false, conn.output)) {
      conn.closing = true;
      return false;
    }
  }
  return true;
}

void EndpointHandler::Feed(const std::shared_ptr<Peer>& peer, ConnectionState& conn,
                           std::string_view bytes) {
  std::shared_ptr<Pistache::Http::RequestParser> parser = getParser(peer);
  std::string body;
  try {
    if (!parser->feed(bytes.data(), bytes.size())) {
      parser->reset();
      std::string limit = std::to_string(core_->options.max_request_bytes) + " bytes";
      if (!conn.head_done) {
        Reject(*peer, conn, 431, "headers_too_large", "request head exceeds " + limit);
      } else {
        Reject(*peer, conn, 413, "payload_too_large", "request exceeds " + limit);
      }
      return;
    }
    if (parser->parse() != Pistache::Http::Private::State::Done) return;
    body = parser->request.body();
  } catch (const Pistache::Http::HttpError& error) {
    parser->reset();
    RejectMalformed(*peer, conn, error.code(), error.reason());
    return;
  } catch (const std::exception& error) {
    parser->reset();
    RejectMalformed(*peer, conn, 400, error.what());
    return;
  }
  parser->reset();
  // Bytes beyond this request were pipelined; Pistache's parser has dropped them.
  const bool pipelined = conn.received > conn.head.size() + body.size();
  Complete(*peer, conn, std::move(body), pipelined);
}

void EndpointHandler::FeedChunked(const std::shared_ptr<Peer>& peer_ptr, ConnectionState& conn,
                                  std::string_view bytes) {
  Peer& peer = *peer_ptr;
  size_t consumed = 0;
  const ChunkedDecoder::State state = conn.chunked->Feed(bytes, &consumed);
  if (state == ChunkedDecoder::State::kNeedMore) return;
  // Pistache's parser saw the head's first bytes; it must start afresh with the next request.
  getParser(peer_ptr)->reset();
  if (state == ChunkedDecoder::State::kTooLarge) {
    return Reject(peer, conn, 413, "payload_too_large", conn.chunked->error());
  }
  if (state == ChunkedDecoder::State::kMalformed) {
    return Reject(peer, conn, 400, "bad_request", conn.chunked->error());
  }
  const bool pipelined = consumed < bytes.size();
  std::string body = conn.chunked->TakeBody();
  conn.chunked.reset();
  Complete(peer, conn, std::move(body), pipelined);
}

void EndpointHandler::RejectMalformed(Peer& peer, ConnectionState& conn, int status,
                                      const std::string& reason) {
  std::string_view method = MethodToken(conn.head);
  if (!method.empty() && !IsKnownMethod(method)) {
    Reject(peer, conn, 501, "not_implemented", "unknown HTTP method");
  } else if (status == 501) {
    Reject(peer, conn, 501, "not_implemented", reason);
  } else {
    Reject(peer, conn, status >= 400 && status < 500 ? status : 400, "bad_request", reason);
  }
}

// An error before dispatch: the request stream cannot be trusted, so answer and close.
void EndpointHandler::Reject(Peer& peer, ConnectionState& conn, int status, std::string code,
                             std::string message) {
  Reply reply;
  reply.response = JsonError(status, std::move(code), std::move(message));
  reply.method_label = MethodLabel(MethodToken(conn.head));
  reply.wire.keep_alive = false;
  conn.closing = true;
  Respond(peer, conn, std::move(reply));
}

void EndpointHandler::Complete(Peer& peer, ConnectionState& conn, std::string body,
                               bool pipelined) {
  std::optional<RequestHead> head = ParseRequestHead(conn.head);
  if (!head) return Reject(peer, conn, 400, "bad_request", "malformed request line");
  Reply reply;
  reply.method_label = MethodLabel(head->method);
  reply.wire.head_only = head->method == "HEAD";
  reply.wire.keep_alive = WantsKeepAlive(*head);
  reply.wire.http10 = head->version == "HTTP/1.0";
  auto accept = head->headers.find("accept-encoding");
  if (accept != head->headers.end()) reply.accept_encoding = accept->second;
  try {
    Request request = BuildRequest(std::move(*head), std::move(body));
    request.peer = peer.address().host() + ":" + peer.address().port().toString();
    reply.response = core_->router->Dispatch(request, &reply.handler);
  } catch (const std::exception&) {
    reply.response = JsonError(500, "internal", "internal server error");
  }
  if (!reply.wire.keep_alive) conn.closing = true;
  Respond(peer, conn, std::move(reply));
  // Pipelined bytes were dropped (Pistache's parser cannot keep them): the next request gets a
  // clear refusal, in order after this answer, and the connection closes. Clients resend it.
  if (pipelined && !conn.closing) {
    Reject(peer, conn, 503, "pipelining_unsupported",
           "HTTP/1.1 pipelining is not supported: send the next request once this answer is read, "
           "on this connection or a new one");
  }
}

void EndpointHandler::Respond(Peer& peer, ConnectionState& conn, Reply reply) {
  conn.in_request = false;
  conn.head_done = false;
  conn.head.clear();
  peer.setIdle(true);  // between requests Pistache applies keepalive_timeout
  if (reply.response.stream && !reply.wire.head_only && reply.response.status == 200) {
    return HandOver(peer, conn, std::move(reply));
  }
  if (reply.response.pieces && !reply.wire.head_only && reply.response.status == 200) {
    return SendPieces(peer, conn, std::move(reply));
  }
  MaybeCompress(reply, core_->options.gzip_min_bytes);
  std::string bytes = SerializeResponse(reply.response, reply.wire);
  // Counted before sending, so a client that has its answer also finds it counted.
  std::chrono::duration<double> elapsed = SteadyClock::now() - reply.start;
  core_->metrics.Observe(reply.handler, reply.method_label, reply.response.status, elapsed.count());
  if (!core_->writer.Send(peer.fd(), std::move(bytes), !reply.wire.keep_alive, conn.output)) {
    conn.closing = true;
  }
}

// A body produced in pieces: chunked (an HTTP/1.0 client reads it until the connection closes),
// gzip'd when accepted whatever its size (unknown here), written piece by piece by SocketWriter.
void EndpointHandler::SendPieces(Peer& peer, ConnectionState& conn, Reply reply) {
  Response& response = reply.response;
  BodyPieces pieces = std::move(response.pieces);
  response.body.clear();
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (AcceptsGzip(reply.accept_encoding)) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    pieces = GzipPieces(std::move(pieces));
  }
  reply.wire.open_ended = true;
  if (reply.wire.http10) {
    reply.wire.keep_alive = false;
    conn.closing = true;
  } else {
    reply.wire.chunked = true;
    pieces = ChunkedPieces(std::move(pieces));
  }
  std::string head = SerializeResponse(response, reply.wire);
  std::chrono::duration<double> elapsed = SteadyClock::now() - reply.start;
  core_->metrics.Observe(reply.handler, reply.method_label, response.status, elapsed.count());
  if (!core_->writer.Send(peer.fd(), std::move(head), !reply.wire.keep_alive, conn.output,
                          std::move(pieces))) {
    conn.closing = true;
  }
}

// A streaming response: the connection serves no further request; the stream writes to its own
// descriptor of the socket, so it outlives Pistache's (closed on keep-alive timeout or shutdown).
void EndpointHandler::HandOver(Peer& peer, ConnectionState& conn, Reply reply) {
  conn.closing = true;
  reply.wire.keep_alive = false;
  reply.wire.open_ended = true;
  std::string head = SerializeResponse(reply.response, reply.wire);
  std::chrono::duration<double> elapsed = SteadyClock::now() - reply.start;
  core_->metrics.Observe(reply.handler, reply.method_label, reply.response.status, elapsed.count());
  int own_fd = fcntl(peer.fd(), F_DUPFD_CLOEXEC, 0);
  if (own_fd < 0 || !reply.response.stream(own_fd, std::move(head))) shutdown(peer.fd(), SHUT_RDWR);
}

}  // namespace fleetgate::http
