#pragma once
// Request-target helpers: percent-decoding, query strings and path segments (RFC 3986). Pure
// functions, thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fleetgate::http {

// Decodes %XX escapes; a malformed escape ("%zz", a trailing "%4") is kept as it is. With
// `plus_as_space` a '+' becomes ' ' (form encoding, used for query strings).
std::string PercentDecode(std::string_view text, bool plus_as_space = false);

// "a=1&b=x%20y&flag" -> {a:1, b:"x y", flag:""}; names and values decoded; the last value wins.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// A request target split at '?' (a '#fragment', which clients should not send, is dropped).
struct Target {
  std::string_view path;
  std::string_view query;
};
Target SplitTarget(std::string_view target);

// "/a/b" -> {"a", "b"}; "/" -> {}; "/a//b/" -> {"a", "", "b", ""}. Views into `path`.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace fleetgate::http
