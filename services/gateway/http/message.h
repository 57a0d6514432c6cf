#pragma once
// The request and response values that route handlers see and return: plain data, independent of
// Pistache. Not synchronised; each request is handled on one thread.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace fleetgate::http {

struct Request {
  std::string method;                              // "GET", "POST", ... as received
  std::string path;                                // without query string, percent-decoded
  std::map<std::string, std::string> path_params;  // from {name} segments of the matched route
  std::map<std::string, std::string> query;        // percent-decoded; last value wins
  std::map<std::string, std::string> headers;      // names lower-cased
  std::string body;
  // The path as received (still percent-encoded). When set, the router splits this one so that an
  // encoded '/' stays inside its segment; when empty it splits `path`.
  std::string raw_path;
  std::string peer;        // the client's address "host:port", for audit logs; may be empty
  std::string credential;  // set by the guard: the credential's name; empty when none was needed

  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Header(const std::string& lower_name) const;
};

// A response body produced piece by piece (a streamed /metrics): each call appends the next
// bytes to `out` and returns false once those were the last. Called until it returns false, each
// time once the previous piece is written to the client, on the thread writing it; it must not
// block, and it holds no lock of its own between calls.
using BodyPieces = std::function<bool(std::string& out)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // A response that stays open (server-sent events): when set, the body is ignored, the head is
  // sent without Content-Length (the stream ends when the connection closes) and `stream` takes
  // over a descriptor of the connection together with the head's bytes; it writes everything
  // from then on, and closes the descriptor when done. False: it refused (and closed it).
  std::function<bool(int fd, std::string head)> stream = nullptr;
  // A body of unknown length produced in pieces: when set (and the status is 200), `body` is
  // ignored; it goes out with Transfer-Encoding: chunked (to an HTTP/1.0 client until the
  // connection closes), gzip-compressed as it goes when the client accepts gzip.
  BodyPieces pieces = nullptr;
};

// Serialises compactly; invalid UTF-8 in strings is replaced rather than thrown on.
Response Json(int status, const nlohmann::json& body);

// body: {"error":{"code":"...","message":"..."}}
Response JsonError(int status, std::string code, std::string message);

// The HTTP status of an error: kInvalidArgument 400, kNotFound 404, kAlreadyExists and
// kFailedPrecondition 409, kUnauthenticated 401, kPermissionDenied 403, kResourceExhausted 429
// (413 for the reason payload_too_large, 431 for headers_too_large), kUnavailable 503,
// kInternal 500.
int HttpStatus(const Error& error);

// The one mapping of an Error to a response (docs/api.md): HttpStatus(error) and
// {"error":{"code":<error.Reason()>,"message":<error.Describe()>}}; when the error names a field,
// also "field" and "reason" (the message without the field). A 401 carries
// WWW-Authenticate: Bearer.
Response ErrorResponse(const Error& error);

using HandlerFn = std::function<Response(const Request&)>;

}  // namespace fleetgate::http
