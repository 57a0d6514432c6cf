#pragma once
// RestClient calls fleetgate's REST API over libcurl and turns every failure into one line an
// operator can act on: unreachable server, a route this gateway does not serve yet, or the
// gateway's own JSON error. Thread-compatible; one per command.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace fleetgate::fgctl {

// A JSON body on success, else `error` (one line, no trailing newline).
struct JsonResult {
  nlohmann::json body;
  std::string error;
  long status = 0;         // the HTTP status; 0 when the server was not reached
  std::string error_code;  // the gateway's JSON error code ("rule_not_found"), if any
  bool ok() const { return error.empty(); }
};

class RestClient {
 public:
  // `base` like "http://localhost:8080"; `token` is sent as a Bearer token when not empty.
  // `ca_file`: PEM CA bundle for an https:// base (empty: the system's).
  RestClient(std::string base, std::string token, std::chrono::milliseconds timeout,
             std::string ca_file = {});

  // `route` is the documented route ("GET /api/v1/rules/{name}") used in error messages. A 204 or
  // empty body gives a null `body`.
  JsonResult Call(const std::string& method, const std::string& path, const std::string& route,
                  const std::string& body = "") const;

 private:
  struct Raw {
    long status = 0;
    std::string body;
    std::string error;  // transport failure
  };
  Raw Send(const std::string& method, const std::string& path, const std::string& body) const;

  std::string base_;
  std::string token_;
  std::chrono::milliseconds timeout_;
  std::string ca_file_;
};

// Percent-encodes one path segment or query value.
std::string UrlEncode(const std::string& text);

}  // namespace fleetgate::fgctl
