#pragma once
// A small blocking HTTP client over libcurl for integration tests. Thread-compatible.

#include <map>
#include <string>

namespace fleetgate::testing {

struct HttpResult {
  long status = 0;                             // 0: no response
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string error;
};

HttpResult HttpRequest(const std::string& method, const std::string& url,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
inline HttpResult HttpGet(const std::string& url) { return HttpRequest("GET", url); }

}  // namespace fleetgate::testing
