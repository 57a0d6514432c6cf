#pragma once
// Turns a Response into HTTP/1.1 bytes: status line, framing headers we own (Content-Length,
// Connection), the response's headers (CR/LF stripped) and the body. Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "http/message.h"

namespace fleetgate::http {

struct WireOptions {
  bool head_only = false;  // HEAD: headers only, and no Content-Length (the body was dropped)
  bool keep_alive = true;  // false: "Connection: close"
  bool http10 = false;     // an HTTP/1.0 client that keeps the connection gets "keep-alive"
  bool open_ended =
      false;             // a stream: no Content-Length and no body here; ends with the connection
  bool chunked = false;  // with open_ended: the body follows as Transfer-Encoding: chunked
};

std::string SerializeResponse(const Response& response, WireOptions options);

// "OK", "Not Found", ...; "Unknown" for codes we do not name.
std::string_view ReasonPhrase(int status);

}  // namespace fleetgate::http
