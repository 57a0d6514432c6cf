#pragma once
// The request line and header fields of one HTTP/1.x request as received, parsed from the raw bytes
// (Pistache frames the request; we read the head ourselves so the target and header values are
// exactly what the client sent). Pure functions, thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fleetgate::http {

struct RequestHead {
  std::string method;
  std::string target;                          // as received: "/a%20b?x=1"
  std::string version;                         // "HTTP/1.1"
  std::map<std::string, std::string> headers;  // lower-cased names; repeats joined with ", "
};

// Parses a head ending in CRLF CRLF; nullopt when the request line or a header line (no colon,
// blanks in the name) is malformed.
std::optional<RequestHead> ParseRequestHead(std::string_view head);

// The method token of a (possibly partial) request: the bytes before the first space, or "" when
// the first space has not arrived yet.
std::string_view MethodToken(std::string_view request_start);

// GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT (the methods Pistache parses).
bool IsKnownMethod(std::string_view method);

// A bounded label for metrics: the method when known, else "other".
std::string MethodLabel(std::string_view method);

// HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0 closes it unless
// "Connection: keep-alive".
bool WantsKeepAlive(const RequestHead& head);

// Content-Length: nullopt when absent, -1 when malformed (not all digits, repeated, too big).
std::optional<int64_t> ContentLength(const RequestHead& head);

}  // namespace fleetgate::http
