#include "http/request_head.h"

#include <array>
#include <cctype>

namespace fleetgate::http {
namespace {

constexpr std::array<std::string_view, 9> kKnownMethods = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether `value` holds `token` as one of its comma-separated, case-insensitive elements.
bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (Lower(Trim(value.substr(0, comma))) == token) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// False for a line that is no header field (no colon, an empty name or one with blanks).
bool AddHeader(std::string_view line, RequestHead* head) {
  size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  std::string_view name = line.substr(0, colon);
  if (name.find_first_of(" \t") != std::string_view::npos) return false;
  std::string value(Trim(line.substr(colon + 1)));
  auto [it, inserted] = head->headers.emplace(Lower(name), value);
  if (!inserted) it->second += ", " + value;
  return true;
}

bool ParseRequestLine(std::string_view line, RequestHead* head) {
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == 0 || last == first) return false;
  head->method = std::string(line.substr(0, first));
  head->target = std::string(line.substr(first + 1, last - first - 1));
  head->version = std::string(line.substr(last + 1));
  return !head->target.empty() && head->version.rfind("HTTP/", 0) == 0;
}

}  // namespace

std::optional<RequestHead> ParseRequestHead(std::string_view head) {
  RequestHead parsed;
  size_t end = head.find("\r\n");
  if (end == std::string_view::npos || !ParseRequestLine(head.substr(0, end), &parsed)) {
    return std::nullopt;
  }
  head.remove_prefix(end + 2);
  while (!head.empty()) {
    end = head.find("\r\n");
    std::string_view line = head.substr(0, end);
    if (line.empty()) break;
    if (!AddHeader(line, &parsed)) return std::nullopt;
    if (end == std::string_view::npos) break;
    head.remove_prefix(end + 2);
  }
  return parsed;
}

std::string_view MethodToken(std::string_view request_start) {
  size_t space = request_start.find(' ');
  return space == std::string_view::npos ? std::string_view() : request_start.substr(0, space);
}

bool IsKnownMethod(std::string_view method) {
  for (std::string_view known : kKnownMethods) {
    if (method == known) return true;
  }
  return false;
}

std::string MethodLabel(std::string_view method) {
  return IsKnownMethod(method) ? std::string(method) : "other";
}

bool WantsKeepAlive(const RequestHead& head) {
  auto it = head.headers.find("connection");
  std::string_view connection;
  if (it != head.headers.end()) connection = it->second;
  if (head.version == "HTTP/1.0") return HasToken(connection, "keep-alive");
  return !HasToken(connection, "close");
}

std::optional<int64_t> ContentLength(const RequestHead& head) {
  auto it = head.headers.find("content-length");
  if (it == head.headers.end()) return std::nullopt;
  const std::string& value = it->second;
  if (value.empty() || value.size() > 18) return -1;
  int64_t length = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;
    length = length * 10 + (c - '0');
  }
  return length;
}

}  // namespace fleetgate::http
