#include "events/event_routes.h"

#include <charconv>
#include <optional>
#include <string>

namespace fleetgate::events {
namespace {

std::optional<uint64_t> ParseId(const std::string& text, bool* ok) {
  uint64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  *ok = error == std::errc() && end == text.data() + text.size() && !text.empty();
  return *ok ? std::optional<uint64_t>(id) : std::nullopt;
}

http::Response Stream(SseHub& hub, const http::Request& request) {
  // The browser's EventSource sends Last-Event-ID on reconnects; `last_event_id` lets a plain
  // client (curl) ask for the same.
  std::optional<std::string> given = request.Header("last-event-id");
  if (!given) given = request.Query("last_event_id");
  std::optional<uint64_t> last_id;
  if (given) {
    bool ok = false;
    last_id = ParseId(*given, &ok);
    if (!ok) return http::JsonError(400, "invalid_argument", "Last-Event-ID must be an event id");
  }
  if (hub.Full()) {
    return http::JsonError(503, "unavailable", "too many event subscribers; retry later");
  }
  http::Response response;
  response.content_type = "text/event-stream; charset=utf-8";
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
  response.stream = [&hub, last_id](int fd, std::string head) {
    return hub.Subscribe(fd, std::move(head), last_id);
  };
  return response;
}

}  // namespace

void AddEventRoutes(http::Router& router, SseHub& hub) {
  router.Handle("GET", "/api/v1/events",
                [&hub](const http::Request& request) { return Stream(hub, request); });
}

}  // namespace fleetgate::events
