#include "http/response_wire.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace fleetgate::http {
namespace {

// A status must not carry a body (RFC 9110 §6.4.1).
bool IsBodyless(int status) { return status < 200 || status == 204 || status == 304; }

// Header names and values come from handlers; never let one end the header block early.
std::string Sanitize(std::string_view text) {
  std::string out(text);
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }),
            out.end());
  return out;
}

bool IsFramingHeader(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "content-length" || lower == "connection" || lower == "transfer-encoding";
}

void AppendHeader(std::string_view name, std::string_view value, std::string* out) {
  out->append(Sanitize(name)).append(": ").append(Sanitize(value)).append("\r\n");
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  static constexpr std::pair<int, std::string_view> kPhrases[] = {
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {304, "Not Modified"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {411, "Length Required"},
      {413, "Content Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  for (const auto& [code, phrase] : kPhrases) {
    if (code == status) return phrase;
  }
  return "Unknown";
}

std::string SerializeResponse(const Response& response, WireOptions options) {
  int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
  bool bodyless = IsBodyless(status);
  std::string out;
  out.reserve(256 + (options.head_only || bodyless ? 0 : response.body.size()));
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(ReasonPhrase(status)).append("\r\n");
  if (!response.content_type.empty() && !bodyless) {
    AppendHeader("Content-Type", response.content_type, &out);
  }
  for (const auto& [name, value] : response.headers) {
    if (!IsFramingHeader(name)) AppendHeader(name, value, &out);
  }
  if (!bodyless && !options.head_only && !options.open_ended) {
    AppendHeader("Content-Length", std::to_string(response.body.size()), &out);
  }
  if (!bodyless && !options.head_only && options.open_ended && options.chunked) {
    AppendHeader("Transfer-Encoding", "chunked", &out);
  }
  if (!options.keep_alive) {
    AppendHeader("Connection", "close", &out);
  } else if (options.http10) {
    AppendHeader("Connection", "keep-alive", &out);
  }
  out.append("\r\n");
  if (!bodyless && !options.head_only && !options.open_ended) out.append(response.body);
  return out;
}

}  // namespace fleetgate::http
